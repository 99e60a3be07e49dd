"""Every user-visible string of the explorer, in English and Chinese.

`t(key, lang, **params)` looks a key up and fills `{name}` fields; an unknown language falls back to English,
an unknown key is returned as is (so a missing entry shows up in the UI instead of crashing it).
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

CATALOGUE: dict[str, dict[str, str]] = {
    # --- sandbox: program text -------------------------------------------------------------------------
    "sandbox.source_too_long": {
        "en": "the program is too long ({size} characters; the limit is {limit})",
        "zh": "程序太长（{size} 个字符，上限为 {limit}）",
    },
    "sandbox.null_byte": {
        "en": "the program contains a NUL character (\\x00), which Python code cannot contain",
        "zh": "程序中含有 NUL 字符（\\x00），Python 代码中不能出现它",
    },
    "sandbox.bad_text": {
        "en": "the program contains characters that are not valid text (for example a lone surrogate)",
        "zh": "程序中含有无效的文本字符（例如孤立的代理字符）",
    },
    "sandbox.not_utf8": {
        "en": "the file is not valid UTF-8 text",
        "zh": "文件不是有效的 UTF-8 文本",
    },
    "sandbox.syntax_error": {
        "en": "SyntaxError: {detail}",
        "zh": "SyntaxError（语法错误）：{detail}",
    },
    "sandbox.too_deep": {
        "en": "the program nests too deeply (depth {depth}; the limit is {limit})",
        "zh": "程序嵌套太深（深度 {depth}，上限为 {limit}）",
    },
    "sandbox.too_many_nodes": {
        "en": "the program is too large ({count} syntax nodes; the limit is {limit})",
        "zh": "程序太大（{count} 个语法节点，上限为 {limit}）",
    },
    # --- sandbox: refused constructs --------------------------------------------------------------------
    "sandbox.unsupported_syntax": {
        "en": "{what} is not supported in the explorer",
        "zh": "浏览器中的程序不支持 {what}",
    },
    "sandbox.private_name": {
        "en": "names starting with an underscore ('{name}') are not allowed",
        "zh": "不允许使用以下划线开头的名字（'{name}'）",
    },
    "sandbox.import_refused": {
        "en": "'import {module}' is not available; the explorer offers torch, numpy and math",
        "zh": "不能导入 '{module}'；浏览器只提供 torch、numpy 和 math",
    },
    "sandbox.import_name_missing": {
        "en": "ImportError: cannot import name '{name}' from '{module}'",
        "zh": "ImportError：无法从 '{module}' 导入 '{name}'",
    },
    "sandbox.attribute_refused": {
        "en": "'{attr}' of {owner} objects is not available in the explorer",
        "zh": "浏览器中不能使用 {owner} 对象的 '{attr}'",
    },
    "sandbox.attribute_missing": {
        "en": "AttributeError: {owner} has no attribute '{attr}'",
        "zh": "AttributeError：{owner} 没有属性 '{attr}'",
    },
    "sandbox.attribute_readonly": {
        "en": "'{attr}' of {owner} cannot be assigned in the explorer",
        "zh": "浏览器中不能给 {owner} 的 '{attr}' 赋值",
    },
    "sandbox.module_readonly": {
        "en": "module attributes cannot be reassigned ('{attr}')",
        "zh": "不能给模块的属性重新赋值（'{attr}'）",
    },
    "sandbox.not_callable": {
        "en": "TypeError: '{what}' object is not callable here",
        "zh": "TypeError：这里不能调用 '{what}' 对象",
    },
    "sandbox.name_undefined": {
        "en": "NameError: name '{name}' is not defined",
        "zh": "NameError：名字 '{name}' 未定义",
    },
    "sandbox.builtin_refused": {
        "en": "'{name}' is not available in the explorer",
        "zh": "浏览器中不能使用 '{name}'",
    },
    "sandbox.str_format_refused": {
        "en": "str.{name}() is not available; use an f-string or % formatting",
        "zh": "不能使用 str.{name}()；请改用 f-string 或 % 格式化",
    },
    "sandbox.format_spec_dynamic": {
        "en": "format specifications must be written out (no '{{}}' or '*' inside them)",
        "zh": "格式说明必须直接写出（其中不能有 '{{}}' 或 '*'）",
    },
    "sandbox.format_spec_width": {
        "en": "a format width or precision above {limit} is not allowed",
        "zh": "格式宽度或精度不能超过 {limit}",
    },
    "sandbox.dtype_refused": {
        "en": "numpy dtype {dtype} is not available; use float32, float64, int32, int64 or bool",
        "zh": "不能使用 numpy 类型 {dtype}；请使用 float32、float64、int32、int64 或 bool",
    },
    "sandbox.iterate_refused": {
        "en": "TypeError: '{what}' object is not iterable here",
        "zh": "TypeError：这里不能遍历 '{what}' 对象",
    },
    "sandbox.unpack_count": {
        "en": "ValueError: expected {expected} values to unpack, got {got}",
        "zh": "ValueError：需要解包 {expected} 个值，实际得到 {got} 个",
    },
    "sandbox.call_arguments": {
        "en": "TypeError: {name}() {detail}",
        "zh": "TypeError：{name}() {detail}",
    },
    "sandbox.return_outside": {
        "en": "'{what}' outside a function or loop",
        "zh": "'{what}' 出现在函数或循环之外",
    },
    "sandbox.assertion": {
        "en": "AssertionError{detail}",
        "zh": "AssertionError（断言失败）{detail}",
    },
    # --- sandbox: budgets -------------------------------------------------------------------------------
    "limit.int_size": {
        "en": "this integer would have about {bits} bits; the explorer allows {limit}",
        "zh": "这个整数大约有 {bits} 位，浏览器最多允许 {limit} 位",
    },
    "limit.sequence_size": {
        "en": "this would make a string or list of {size} items; the limit is {limit}",
        "zh": "这会生成 {size} 个元素的字符串或列表，上限为 {limit}",
    },
    "limit.sequence_total": {
        "en": "the program made strings and lists of {size} items in all; the limit is {limit}",
        "zh": "程序生成的字符串和列表总计 {size} 个元素，上限为 {limit}",
    },
    "limit.tensor_elements": {
        "en": "this would make a tensor or array of {size} elements; the limit is {limit}",
        "zh": "这会生成 {size} 个元素的张量或数组，上限为 {limit}",
    },
    "limit.tensor_memory": {
        "en": "the program's tensors would take {size} MB; the limit is {limit} MB",
        "zh": "程序中的张量将占用 {size} MB，上限为 {limit} MB",
    },
    "limit.matmul_work": {
        "en": "this matrix product needs {size} multiplications; the limit is {limit}",
        "zh": "这个矩阵乘法需要 {size} 次乘法，上限为 {limit}",
    },
    "limit.statements": {
        "en": (
            "the program ran more than {limit} steps (statements, loop turns and calls); is a loop too long?"
        ),
        "zh": "程序执行超过 {limit} 步（语句、循环次数和函数调用）；是不是循环太长了？",
    },
    "limit.graph_nodes": {
        "en": "the program built more than {limit} graph nodes",
        "zh": "程序构建的计算图节点超过 {limit} 个",
    },
    "limit.output": {
        "en": "the program printed more than {limit} characters",
        "zh": "程序输出超过 {limit} 个字符",
    },
    "limit.wall_time": {
        "en": "the program ran longer than {limit} seconds",
        "zh": "程序运行超过 {limit} 秒",
    },
    "limit.call_depth": {
        "en": "function calls nest deeper than {limit} (endless recursion?)",
        "zh": "函数调用嵌套超过 {limit} 层（是无限递归吗？）",
    },
    "limit.python_recursion": {
        "en": "the program nests too deeply to run",
        "zh": "程序嵌套太深，无法运行",
    },
    "limit.memory": {
        "en": "the program ran out of memory",
        "zh": "程序内存不足",
    },
    "limit.killed": {
        "en": "the program was stopped: it used too much time or memory",
        "zh": "程序被终止：占用了过多时间或内存",
    },
    "limit.worker_failed": {
        "en": "the program could not be run (the worker process failed to start)",
        "zh": "无法运行程序（工作进程启动失败）",
    },
    "limit.internal": {
        "en": "internal error of the explorer while running this line ({kind})",
        "zh": "运行这一行时浏览器内部出错（{kind}）",
    },
    # --- hints: plain explanations next to PyTorch's own messages -------------------------------------
    "hint.no_grad_fn": {
        "en": "backward() needs a tensor that was computed from tensors with requires_grad=True.",
        "zh": "backward() 需要一个由 requires_grad=True 的张量计算出来的张量。",
    },
    "hint.backward_twice": {
        "en": "The first backward() freed the values saved for it; pass retain_graph=True to backward twice.",
        "zh": "第一次 backward() 已释放保存的中间值；若要反向传播两次，请传入 retain_graph=True。",
    },
    "hint.float_requires_grad": {
        "en": "Only floating-point tensors (like torch.tensor([1., 10.])) can require gradients.",
        "zh": "只有浮点张量（例如 torch.tensor([1., 10.])）才能要求梯度。",
    },
    "hint.non_scalar_backward": {
        "en": (
            "For a non-scalar output, pass a gradient of the same shape, "
            "e.g. out.backward(torch.ones_like(out))."
        ),
        "zh": "对非标量输出，请传入同形状的梯度，例如 out.backward(torch.ones_like(out))。",
    },
    "hint.inplace_leaf": {
        "en": "Update parameters inside `with torch.no_grad():` so the change is not recorded in the graph.",
        "zh": "请在 `with torch.no_grad():` 中更新参数，这样修改不会被记录进计算图。",
    },
    "hint.broadcast": {
        "en": "The shapes cannot be broadcast together: trailing dimensions must be equal or 1.",
        "zh": "两个形状无法广播：从末尾对齐的各维必须相等或为 1。",
    },
    "hint.matmul_shapes": {
        "en": "In a @ b, the last dimension of a must equal the first dimension of b.",
        "zh": "在 a @ b 中，a 的最后一维必须等于 b 的第一维。",
    },
    "hint.version_counter": {
        "en": "A value saved for backward was changed in place afterwards; use an out-of-place op instead.",
        "zh": "为反向传播保存的值之后被原地修改了；请改用非原地操作。",
    },
    "hint.numpy_requires_grad": {
        "en": "Call .detach() first: t.detach().numpy().",
        "zh": "请先调用 .detach()：t.detach().numpy()。",
    },
    "hint.item_many": {
        "en": "item() works only on a tensor with exactly one element.",
        "zh": "item() 只能用于恰好有一个元素的张量。",
    },
    "hint.limit": {
        "en": "The explorer limits programs so that one program cannot slow down everyone else.",
        "zh": "浏览器对程序有限制，以免一个程序拖慢其他所有人。",
    },
    # --- command line -----------------------------------------------------------------------------------
    "cli.description": {
        "en": "Autograd Explorer: run PyTorch lessons on the numpy engine.",
        "zh": "Autograd Explorer：在 numpy 引擎上运行 PyTorch 课程代码。",
    },
    "cli.run_help": {
        "en": "run a program (FILE, or - for standard input) and print its output as the app shows it",
        "zh": "运行程序（FILE，或 - 表示标准输入），并按应用中的样子打印输出",
    },
    "cli.file_help": {"en": "program file, or - for standard input", "zh": "程序文件，或 - 表示标准输入"},
    "cli.lang_help": {"en": "language of messages (en or zh)", "zh": "消息语言（en 或 zh）"},
    "cli.in_process_help": {
        "en": "run in this process instead of an isolated worker (faster, for trusted code)",
        "zh": "在当前进程中运行而不是在隔离的工作进程中（更快，仅用于可信代码）",
    },
    "cli.cannot_read": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    # scripts read "line N:" in both languages, so only the message is translated
    "cli.error_line": {"en": "line {line}: {message}", "zh": "line {line}: {message}"},
    "cli.hint_line": {"en": "hint: {hint}", "zh": "提示：{hint}"},
    # --- descent demo (explorer/descent.py, explorer/descent_figures.py) --------------------------------
    "descent.empty_loss": {"en": "type a loss in a and b", "zh": "请输入一个关于 a 和 b 的损失表达式"},
    "descent.loss_too_long": {
        "en": "the loss is too long ({size}; the limit is {limit})",
        "zh": "损失表达式太长（{size}，上限为 {limit}）",
    },
    "descent.too_deep": {
        "en": "the loss nests too deeply (the limit is {limit} levels)",
        "zh": "损失表达式嵌套太深（上限为 {limit} 层）",
    },
    "descent.syntax_error": {"en": "SyntaxError: {detail}", "zh": "SyntaxError（语法错误）：{detail}"},
    "descent.unsupported": {
        "en": "{what} is not allowed in the loss: use numbers, a, b, + - * / **, torch functions and "
        "detach()",
        "zh": "损失表达式中不能使用 {what}：只能用数字、a、b、+ - * / **、torch 函数和 detach()",
    },
    "descent.unknown_name": {
        "en": "the loss may only use the names a and b, not '{name}'",
        "zh": "损失表达式只能使用名字 a 和 b，不能使用 '{name}'",
    },
    "descent.unknown_function": {
        "en": "{name} is not available in the loss; elementwise functions such as torch.exp, torch.sin, "
        "x.sigmoid() and x.detach() are",
        "zh": "损失表达式中不能使用 {name}；可以使用逐元素函数，"
        "例如 torch.exp、torch.sin、x.sigmoid() 和 x.detach()",
    },
    "descent.method_on_number": {
        "en": "'.{name}()' needs a tensor (a or b, or an expression of them), not a plain number",
        "zh": "'.{name}()' 需要作用在张量上（a、b 或它们的表达式），不能作用在普通数字上",
    },
    "descent.not_scalar_per_point": {
        "en": "the loss must give one number for each point (a, b); {detail} combines several values "
        "(reductions such as sum() and mean() are not needed: a and b are single numbers)",
        "zh": "损失必须对每个点 (a, b) 给出一个数；{detail} 会把多个值合并在一起"
        "（不需要 sum()、mean() 这样的归约：a 和 b 都是单个数）",
    },
    "descent.number_too_large": {
        "en": "a number in the loss is too large to compute",
        "zh": "损失表达式中的某个数太大，无法计算",
    },
    "descent.evaluation_failed": {
        "en": "the loss could not be computed: {detail}",
        "zh": "无法计算损失：{detail}",
    },
    "descent.bad_grid": {"en": "invalid grid: {detail}", "zh": "网格设置无效：{detail}"},
    "descent.bad_setting": {"en": "invalid setting: {detail}", "zh": "参数设置无效：{detail}"},
    "descent.variants_differ": {
        "en": "the loss with detach() must be the same function as the loss without it (detach() never "
        "changes a value, only the gradient); here the values differ by up to {gap}",
        "zh": "带 detach() 的损失必须与不带 detach() 的损失是同一个函数"
        "（detach() 只改变梯度，从不改变数值）；这里两者的数值最多相差 {gap}",
    },
    "descent.diverged": {
        "en": "the descent diverged at step {step}: the values are no longer finite. The learning rate {lr} "
        "is too large; try a smaller one. The path is shown up to that step.",
        "zh": "下降在第 {step} 步发散：数值已不再是有限数。学习率 {lr} 太大，请换一个更小的。"
        "路径只画到这一步。",
    },
    "descent.diverged_left_grid": {
        "en": "the descent diverged: at step {step} the path left the grid with a loss larger than at the "
        "start. The learning rate {lr} is probably too large. The path is shown up to that step.",
        "zh": "下降发散：第 {step} 步时路径离开了网格，且损失比起点更大。学习率 {lr} 可能太大。"
        "路径只画到这一步。",
    },
    "descent.left_grid": {
        "en": "at step {step} the path left the grid; enlarge the range to follow it further",
        "zh": "第 {step} 步时路径离开了网格；扩大范围可以继续跟踪它",
    },
    "descent.why_seed": {
        "en": "Both paths descend on the same surface l = (a-1)² + (b+1)² + (a-b)², but they follow "
        "different arrows. Without detach() autograd returns the true gradient: dl/da = 2(a-1) + 2(a-b) and "
        "dl/db = 2(b+1) - 2(a-b). Both are zero only at the minimum (1/3, -1/3), where the path ends. "
        "With a.detach() in the last term, that term no longer sends anything back to a: autograd returns "
        "dl/da = 2(a-1) and dl/db = 2(b+1) - 2(a-b). These arrows are not the gradient of any surface. "
        "They vanish where a = 1 and b + 1 = a - b, that is at (1, 0), so that is where the detached path "
        "stops, although the surface still slopes there (its true gradient at (1, 0) is (2, 0)).",
        "zh": "两条路径在同一个曲面 l = (a-1)² + (b+1)² + (a-b)² 上下降，但沿着不同的箭头走。"
        "不用 detach() 时，autograd 返回真正的梯度：dl/da = 2(a-1) + 2(a-b)，dl/db = 2(b+1) - 2(a-b)。"
        "两者只在最小值点 (1/3, -1/3) 同时为零，路径就停在那里。"
        "在最后一项中写 a.detach() 后，这一项不再把梯度传回 a：autograd 返回 dl/da = 2(a-1) 和 "
        "dl/db = 2(b+1) - 2(a-b)。这组箭头不是任何曲面的梯度。它们在 a = 1 且 b + 1 = a - b 处为零，"
        "也就是 (1, 0)，所以 detach 的路径停在那里，尽管曲面在该点仍有坡度（真正的梯度是 (2, 0)）。",
    },
    "descent.why_general": {
        "en": "detach() never changes a value, so both variants have the same loss surface. It changes what "
        "autograd sends back: the detached part counts as a constant. The arrows the detached path follows "
        "are therefore not the gradient of the surface, and the path stops where those arrows vanish, "
        "which is in general not a minimum of the surface.",
        "zh": "detach() 从不改变数值，所以两种写法的损失曲面相同。它改变的是 autograd 传回的梯度："
        "被 detach 的部分被当作常数。因此 detach 路径所沿的箭头不是曲面的梯度，"
        "路径会停在这些箭头为零的地方，而那里一般不是曲面的最小值。",
    },
    "descent.variant.true": {"en": "true gradient", "zh": "真实梯度"},
    "descent.variant.detached": {"en": "with detach()", "zh": "使用 detach()"},
    "descent.optimizer.sgd": {"en": "plain SGD (as in the lesson)", "zh": "普通 SGD（与课程相同）"},
    "descent.optimizer.momentum": {"en": "SGD with momentum", "zh": "带动量的 SGD"},
    "descent.optimizer.adam": {"en": "Adam", "zh": "Adam"},
    "descent.kind.minimum": {"en": "minimum", "zh": "最小值"},
    "descent.kind.maximum": {"en": "maximum", "zh": "最大值"},
    "descent.kind.saddle": {"en": "saddle point", "zh": "鞍点"},
    "descent.kind.attracting": {"en": "attracting fixed point", "zh": "吸引不动点"},
    "descent.kind.repelling": {"en": "repelling fixed point", "zh": "排斥不动点"},
    "descent.kind.degenerate": {"en": "degenerate fixed point", "zh": "退化不动点"},
    "descent.col.step": {"en": "step", "zh": "步"},
    "descent.col.a": {"en": "a", "zh": "a"},
    "descent.col.b": {"en": "b", "zh": "b"},
    "descent.col.l": {"en": "l", "zh": "l"},
    "descent.col.dl_da": {"en": "dl/da", "zh": "dl/da"},
    "descent.col.dl_db": {"en": "dl/db", "zh": "dl/db"},
    "descent.fig.surface_title": {"en": "Loss surface l(a, b)", "zh": "损失曲面 l(a, b)"},
    "descent.fig.contour_title": {
        "en": "Contours of l(a, b), descent paths and the fields they follow",
        "zh": "l(a, b) 的等高线、下降路径以及它们所沿的向量场",
    },
    "descent.fig.loss": {"en": "loss l", "zh": "损失 l"},
    "descent.fig.path": {"en": "path: {variant}", "zh": "路径：{variant}"},
    "descent.fig.field": {
        "en": "descent direction (−gradient): {variant}",
        "zh": "下降方向（负梯度）：{variant}",
    },
    "descent.fig.current": {"en": "step {step}: {variant}", "zh": "第 {step} 步：{variant}"},
    "descent.fig.start": {"en": "start", "zh": "起点"},
    "descent.fig.true_minimum": {"en": "true minimum ({a}, {b})", "zh": "真正的最小值 ({a}, {b})"},
    "descent.fig.detached_fixed_point": {
        "en": "detached fixed point ({a}, {b})",
        "zh": "detach 后的不动点 ({a}, {b})",
    },
    "descent.fig.fixed_point": {"en": "{kind} ({a}, {b})", "zh": "{kind} ({a}, {b})"},
    "descent.fig.step": {"en": "step ", "zh": "步数 "},
    "descent.fig.play": {"en": "Play", "zh": "播放"},
    "descent.fig.pause": {"en": "Pause", "zh": "暂停"},
}


def t(key: str, lang: str = "en", **params) -> str:
    """The text of `key` in `lang` (English when that language lacks it), with `params` filled in."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text
