"""The app's own words (page titles, labels, help), in English and Chinese.

Kept apart from `explorer/i18n.py` (the sandbox's messages) so the two can grow without editing each
other; `t` falls back to that catalogue, so one call reaches every string of the explorer.
"""

from __future__ import annotations

from explorer import i18n

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

TEXT: dict[str, dict[str, str]] = {
    "app.title": {"en": "Autograd Explorer", "zh": "Autograd 自动求导浏览器"},
    "app.language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "app.share": {"en": "Share this view", "zh": "分享当前视图"},
    "app.share_help": {
        "en": "The address bar holds the program, its flags and this page: copy it to share the same view.",
        "zh": "地址栏里包含程序、开关设置和当前页面：复制它即可分享同样的视图。",
    },
    "page.playground": {"en": "Playground", "zh": "试验场"},
    "page.step_through": {"en": "Backward step-through", "zh": "反向传播逐步"},
    "page.descent": {"en": "Descent demo", "zh": "梯度下降演示"},
    "page.lessons": {"en": "Lessons", "zh": "课程"},
    # --- playground
    "play.intro": {
        "en": "Type PyTorch code (import torch) and see what PyTorch prints, the computation graph with "
              "every value and gradient, and each backward function's formula.",
        "zh": "输入 PyTorch 代码（import torch），查看 PyTorch 的输出、带有每个值和梯度的计算图，"
              "以及每个反向函数的公式。",
    },
    "play.editor": {"en": "Program", "zh": "程序"},
    "play.editor_help": {
        "en": "Runs on the explorer's numpy engine, which behaves like PyTorch 2.13. Press "
              "Ctrl+Enter to run.",
        "zh": "在浏览器的 numpy 引擎上运行，其行为与 PyTorch 2.13 相同。按 Ctrl+Enter 运行。",
    },
    "play.leaves": {"en": "Leaf tensors", "zh": "叶子张量"},
    "play.leaves_help": {
        "en": "Tick or untick requires_grad: the program reruns with that flag changed.",
        "zh": "勾选或取消 requires_grad：程序会以修改后的设置重新运行。",
    },
    "play.no_leaves": {"en": "The program binds no leaf tensor to a name.",
                       "zh": "程序没有把叶子张量赋给变量。"},
    "play.leaf_label": {"en": "{name}.requires_grad  (line {line}, {dtype})",
                        "zh": "{name}.requires_grad（第 {line} 行，{dtype}）"},
    "play.leaf_int": {"en": "{name}: {dtype} cannot require grad (only floating point can)",
                      "zh": "{name}：{dtype} 不能要求梯度（只有浮点类型可以）"},
    "play.reset_flags": {"en": "Use the program's own flags", "zh": "恢复程序自己的设置"},
    "play.output": {"en": "Output", "zh": "输出"},
    "play.notebook": {
        "en": "This looks like a saved notebook: its {n} code cells ran in the order the notebook ran them, and "
              "line numbers refer to the text as pasted.",
        "zh": "这看起来是保存的笔记本：其中 {n} 个代码单元按笔记本的执行顺序运行，行号对应粘贴的原文。",
    },
    "play.no_output": {"en": "(the program printed nothing)", "zh": "（程序没有输出）"},
    "play.error": {"en": "Error at line {line}", "zh": "第 {line} 行出错"},
    "play.last_good": {
        "en": "The graph below is from the last version of the program that ran without error.",
        "zh": "下面的计算图来自上一次无错误运行的程序版本。",
    },
    "play.graph": {"en": "Computation graph", "zh": "计算图"},
    "play.view": {"en": "View", "zh": "视图"},
    "play.view.forward": {"en": "Forward (values)", "zh": "前向（数值）"},
    "play.view.backward": {"en": "Backward (grad_fn)", "zh": "反向（grad_fn）"},
    "play.overlay": {"en": "Show gradients of the last backward pass", "zh": "显示最后一次反向传播的梯度"},
    "play.no_graph": {
        "en": "No graph yet: create tensors with requires_grad=True and compute something from them.",
        "zh": "还没有计算图：创建 requires_grad=True 的张量并用它们做计算。",
    },
    "play.node": {"en": "Node details (click a node in the graph, or pick it here)",
                  "zh": "节点详情（点击图中的节点，或在此选择）"},
    "play.node_none": {"en": "(no node selected)", "zh": "（未选择节点）"},
    "play.exports": {"en": "Export", "zh": "导出"},
    "play.image_format": {"en": "Camera button saves", "zh": "相机按钮保存为"},
    "play.export_py": {"en": "Program (.py for PyTorch)", "zh": "程序（PyTorch 的 .py 文件）"},
    "play.export_hint": {
        "en": "PNG or SVG: choose here, then use the camera button above the graph.",
        "zh": "PNG 或 SVG：在这里选择，然后点击图上方的相机按钮。",
    },
    "play.lesson": {"en": "Lesson: {title}", "zh": "课程：{title}"},
    "play.passes": {"en": "{n} backward pass(es) recorded", "zh": "记录了 {n} 次反向传播"},
    "play.dropped": {"en": "{n} passes in the middle of a long loop are not kept",
                     "zh": "长循环中间的 {n} 次反向传播未保留"},
    "detail.kind": {"en": "kind", "zh": "类型"},
    "detail.shape": {"en": "shape, dtype", "zh": "形状、类型"},
    "detail.requires_grad": {"en": "requires_grad", "zh": "requires_grad"},
    "detail.value": {"en": "value", "zh": "值"},
    "detail.grad": {"en": ".grad", "zh": ".grad"},
    "detail.grad_fn": {"en": "grad_fn", "zh": "grad_fn"},
    "detail.formula": {"en": "forward formula", "zh": "前向公式"},
    "detail.backward": {"en": "backward formulas (one per input)", "zh": "反向公式（每个输入一个）"},
    "detail.saved": {"en": "saved for backward", "zh": "为反向保存的值"},
    "detail.released": {"en": "freed after backward (retain_graph=False)",
                        "zh": "backward 后已释放（retain_graph=False）"},
    "detail.attrs": {"en": "arguments", "zh": "参数"},
    "detail.tensor": {"en": "adds into .grad of", "zh": "累加到此张量的 .grad"},
    "detail.gradient_here": {"en": "gradient in the last backward pass", "zh": "最后一次反向传播中的梯度"},
    "detail.none": {"en": "None", "zh": "None"},
    # --- step-through
    "step.intro": {
        "en": "Pick a backward pass and step through it in the engine's real order: each node's chain-rule "
              "formula with the numbers put in, and what is added into each leaf's .grad.",
        "zh": "选择一次反向传播，按引擎的真实顺序逐步查看：每个节点的链式法则公式（代入具体数值），"
              "以及累加到每个叶子 .grad 中的值。",
    },
    "step.no_passes": {
        "en": "The program in the Playground runs no backward pass. Call loss.backward() or "
              "torch.autograd.grad there, or open a lesson.",
        "zh": "试验场中的程序没有执行反向传播。请在那里调用 loss.backward() 或 torch.autograd.grad，"
              "或打开一个课程。",
    },
    "step.pass": {"en": "Backward pass", "zh": "反向传播"},
    "step.pass_label": {"en": "#{k}: {kind} from {roots} ({n} steps)",
                        "zh": "#{k}：从 {roots} 开始的 {kind}（{n} 步）"},
    "step.prev": {"en": "◀ Previous", "zh": "◀ 上一步"},
    "step.next": {"en": "Next ▶", "zh": "下一步 ▶"},
    "step.first": {"en": "« First", "zh": "« 第一步"},
    "step.last": {"en": "Last »", "zh": "最后一步 »"},
    "step.slider": {"en": "Step", "zh": "步骤"},
    "step.play": {"en": "Play the whole pass (animation in the browser)",
                  "zh": "播放整个反向传播（浏览器内动画）"},
    "step.frame": {"en": "This step", "zh": "当前步骤"},
    "step.old_grad": {"en": ".grad before", "zh": "之前的 .grad"},
    "step.incoming": {"en": "plus the incoming gradient", "zh": "加上传入的梯度"},
    "step.new_grad": {"en": "gives .grad after", "zh": "得到之后的 .grad"},
    "step.accumulation": {"en": "Accumulation into .grad", "zh": "累加到 .grad"},
    "step.jacobian": {"en": "Jacobian view: backward(v) stores vᵀJ",
                      "zh": "雅可比视图：backward(v) 存的是 vᵀJ"},
    "step.jacobian_pick": {"en": "Input (leaf) of this pass", "zh": "本次反向传播的输入（叶子）"},
    "step.jacobian_unavailable": {
        "en": "The Jacobian is drawn for a pass from a named output to a named leaf, both at most {n} "
              "elements, whose graph was kept (retain_graph=True).",
        "zh": "雅可比矩阵仅在以下情况绘制：反向传播从有名字的输出到有名字的叶子，二者都不超过 {n} 个元素，"
              "且计算图被保留（retain_graph=True）。",
    },
    "step.jacobian_failed": {"en": "The Jacobian could not be computed: {message}",
                             "zh": "无法计算雅可比矩阵：{message}"},
    "step.program_error": {
        "en": "The Playground's program stops with an error at line {line}; the passes before it are shown.",
        "zh": "试验场中的程序在第 {line} 行出错；这里显示出错之前的反向传播。",
    },
    # --- descent
    "descent.intro": {
        "en": "Gradient descent on a loss in two parameters a and b. The true gradient descends to the "
              "minimum; with detach() in a term, autograd ignores that term's dependence on a and the "
              "path ends somewhere else.",
        "zh": "在含两个参数 a、b 的损失上做梯度下降。真实梯度会下降到最小值；若某一项中用了 detach()，"
              "autograd 忽略该项对 a 的依赖，路径会停在别处。",
    },
    "descent.loss": {"en": "Loss l(a, b)", "zh": "损失 l(a, b)"},
    "descent.detached": {"en": "The same loss with detach()", "zh": "带 detach() 的同一损失"},
    "descent.lr": {"en": "Learning rate", "zh": "学习率"},
    "descent.steps": {"en": "Steps", "zh": "步数"},
    "descent.optimizer": {"en": "Optimizer", "zh": "优化器"},
    "descent.opt.sgd": {"en": "SGD (as in the lesson)", "zh": "SGD（与课程相同）"},
    "descent.opt.momentum": {"en": "SGD with momentum 0.9", "zh": "带动量 0.9 的 SGD"},
    "descent.opt.adam": {"en": "Adam", "zh": "Adam"},
    "descent.start_a": {"en": "Start a", "zh": "起点 a"},
    "descent.start_b": {"en": "Start b", "zh": "起点 b"},
    "descent.step": {"en": "Show the path up to step", "zh": "显示路径直到第几步"},
    "descent.end": {"en": "{variant} ends at a, b = {end}", "zh": "{variant} 终点 a, b = {end}"},
    "descent.true": {"en": "True gradient", "zh": "真实梯度"},
    "descent.detached_variant": {"en": "With detach()", "zh": "使用 detach()"},
    "descent.table": {"en": "Table of steps", "zh": "步骤表"},
    "descent.why": {"en": "Why the two paths differ", "zh": "两条路径为何不同"},
    "descent.error": {"en": "The demo cannot run this input", "zh": "演示无法运行这个输入"},
    "descent.waiting": {
        "en": "The descent figures module is not installed yet; the numbers below come from the demo itself.",
        "zh": "梯度下降的图形模块尚未就绪；下面的数值直接来自演示计算。",
    },
    # --- lessons
    "lessons.intro": {
        "en": "The autograd lessons as presets. Open one: its code goes into the Playground, where you can "
              "change it, tick requires_grad boxes and step its backward pass.",
        "zh": "自动求导课程的预设。打开一个课程：代码会放进试验场，你可以修改它、勾选 requires_grad，"
              "并逐步查看它的反向传播。",
    },
    "lessons.open": {"en": "Open in the Playground", "zh": "在试验场中打开"},
    "lessons.open_descent": {"en": "Open the Descent demo", "zh": "打开梯度下降演示"},
    "lessons.replace_warning": {
        "en": "Opening a lesson replaces the program in the Playground (the link of the "
              "current view keeps it).",
        "zh": "打开课程会替换试验场中的程序（当前视图的链接仍保留它）。",
    },
}


def t(key: str, lang: str = "en", **params) -> str:
    """The text of `key` in `lang` (English when missing); keys the app lacks come from explorer.i18n."""
    entry = TEXT.get(key)
    if entry is None:
        return i18n.t(key, lang, **params)
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text
