"""Every user-visible string of the explorer, in English and Chinese: one catalogue, one `t()`.

`t(key, lang, **params)` looks a key up and fills its `{name}` fields; a language an entry lacks falls back to
English, and an unknown key comes back as itself (so a missing entry shows up in the UI instead of crashing
it; tests/explorer/text/ fails on one). Keys name where the words appear: `app.`, `page.`, `play.`,
`detail.`, `step.`, `descent.`, `lessons.` for the pages; `graph.`, `value.`, `frame.`, `jacobian.` for the
figures and frames; `sandbox.`, `limit.`, `hint.` for what the sandbox says about a program; `cli.` for the
command line; `lesson.<key>.title|text` for the lessons.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

CATALOGUE: dict[str, dict[str, str]] = {
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
    # how bare expressions are shown (explorer/sandbox/display.py), said under the Output heading
    "play.display.program": {
        "en": "As at Python's prompt, a line that is only an expression (x.grad) shows its value; end the line "
              "with ; to hide it. The program stops at its first error.",
        "zh": "与 Python 交互提示符一样，只有一个表达式的行（如 x.grad）会显示它的值；行末加 ; 可隐藏。"
              "程序在第一个错误处停止。",
    },
    "play.display.notebook": {
        "en": "As in Jupyter, each cell shows what it prints and the value of its last line (unless that ends "
              "with ;); a cell that raises shows its error where it happened, and the next cell runs.",
        "zh": "与 Jupyter 一样，每个单元显示它打印的内容和最后一行的值（该行以 ; 结尾时除外）；"
              "出错的单元在出错处显示错误，然后继续运行下一个单元。",
    },
    "play.error": {"en": "Error at line {line}", "zh": "第 {line} 行出错"},
    "play.cell_error": {"en": "A cell raised an error at line {line}; the cells after it ran",
                        "zh": "第 {line} 行所在的单元出错；其后的单元照常运行"},
    "play.cell_errors_more": {
        "en": "{n} more cells raised errors; each one is in the output where it happened.",
        "zh": "另有 {n} 个单元出错；每个错误都显示在输出中出错的位置。",
    },
    "play.last_good": {
        "en": "The graph below is from the last version of the program that ran without error.",
        "zh": "下面的计算图来自上一次无错误运行的程序版本。",
    },
    "play.graph": {"en": "Computation graph", "zh": "计算图"},
    "play.view": {"en": "View", "zh": "视图"},
    "play.view.forward": {"en": "Forward (values)", "zh": "前向（数值）"},
    "play.view.backward": {"en": "Backward (grad_fn)", "zh": "反向（grad_fn）"},
    "play.overlay": {"en": "Show gradients of the last backward pass", "zh": "显示最后一次反向传播的梯度"},
    "play.both_views": {"en": "Both views, linked", "zh": "同时显示两个视图（联动）"},
    "play.both_views_help": {
        "en": "Forward above backward. Selecting a tensor rings, in the other view, the grad_fn that made it and the "
              "AccumulateGrad it feeds; selecting a backward node rings its op and tensor.",
        "zh": "前向图在上、反向图在下。选中一个张量，另一个视图会圈出产生它的 grad_fn 和它所对应的 "
              "AccumulateGrad；选中反向节点，则圈出对应的运算和张量。",
    },
    "play.linked": {
        "en": "Dotted purple rings: what the node selected in the {view} view stands for here.",
        "zh": "紫色虚线圈：在{view}视图中选中的节点在这里对应的节点。",
    },
    "play.search": {"en": "Find a node", "zh": "查找节点"},
    "play.search_help": {
        "en": "A variable name, a grad_fn (MulBackward0), an op or a module (fc1): matches are ringed in blue.",
        "zh": "变量名、grad_fn（如 MulBackward0）、运算或模块（如 fc1）：匹配的节点用蓝色圈出。",
    },
    "play.search_found": {"en": "Nodes that match: {n} (ringed in blue).", "zh": "{n} 个节点匹配（蓝色圈出）。"},
    "play.search_none": {"en": "No node matches “{q}”.", "zh": "没有节点匹配“{q}”。"},
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
    "detail.about": {"en": "what it is", "zh": "说明"},
    "detail.members": {"en": "nodes inside", "zh": "包含的节点"},
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
    # --- graph views (explorer/graph/) -----------------------------------------------------------------------
    "graph.kind.leaf": {"en": "leaf tensor that requires grad", "zh": "需要梯度的叶子张量"},
    "graph.kind.constant": {"en": "constant (requires_grad=False)", "zh": "常量（requires_grad=False）"},
    "graph.kind.scalar": {"en": "Python number", "zh": "Python 数字"},
    "graph.kind.intermediate": {"en": "intermediate result", "zh": "中间结果"},
    "graph.kind.output": {"en": "output", "zh": "输出"},
    "graph.kind.op": {"en": "operation", "zh": "运算"},
    "graph.kind.function": {"en": "backward function (grad_fn)", "zh": "反向函数（grad_fn）"},
    "graph.kind.accumulate": {"en": "AccumulateGrad: adds into .grad", "zh": "AccumulateGrad：累加到 .grad"},
    "graph.kind.none": {"en": "None: no gradient flows here", "zh": "None：这里不传梯度"},
    "graph.kind.collapsed": {"en": "hidden part of a large graph", "zh": "大图中被隐藏的部分"},
    "graph.collapsed_label": {"en": "… {n:,} more nodes", "zh": "… 另有 {n:,} 个节点"},
    "graph.value": {"en": "value", "zh": "值"},
    "graph.grad": {"en": ".grad", "zh": ".grad"},
    "graph.grad_here": {"en": "gradient here", "zh": "此处梯度"},
    "graph.repeated": {
        "en": "the same tensor, drawn again next to a later use",
        "zh": "同一个张量，在后面的使用处再画一次",
    },
    "graph.forward": {"en": "forward", "zh": "前向"},
    "graph.backward": {"en": "backward", "zh": "反向"},
    "graph.saved": {"en": "saved for backward", "zh": "为反向保存"},
    "graph.released": {
        "en": "saved values freed (graph released after backward)",
        "zh": "保存的值已释放（backward 后计算图已释放）",
    },
    "graph.args": {"en": "arguments", "zh": "参数"},
    "graph.for_tensor": {"en": "for tensor", "zh": "对应张量"},
    "graph.grad_bin": {"en": "gradient size ≤ {v}", "zh": "梯度大小 ≤ {v}"},
    "graph.edges": {"en": "edges", "zh": "边"},
    "graph.forward_title": {
        "en": "Forward graph: data flows from inputs to the output",
        "zh": "前向计算图：数据从输入流向输出",
    },
    "graph.backward_title": {
        "en": "Backward graph: grad_fn → next_functions → AccumulateGrad",
        "zh": "反向计算图：grad_fn → next_functions → AccumulateGrad",
    },
    "graph.limited": {
        "en": "Large graph: showing the {shown:,} nodes nearest the output; {hidden:,} more are hidden.",
        "zh": "计算图较大：只显示离输出最近的 {shown:,} 个节点，另有 {hidden:,} 个节点被隐藏。",
    },
    "graph.part": {"en": "Part {k}", "zh": "第 {k} 部分"},
    "graph.part_computes": {"en": "Part {k}: {names}", "zh": "第 {k} 部分：{names}"},
    "graph.part_grads": {"en": "Part {k}: gradients for {names}", "zh": "第 {k} 部分：{names} 的梯度"},
    "graph.saved_version": {"en": "version {v}", "zh": "版本 {v}"},
    "graph.saved_moved": {"en": "{name} v{then}, now v{now}!", "zh": "{name} v{then}，现为 v{now}！"},
    "graph.saved_moved_long": {
        "en": "saved at version {then}, now version {now}: changed in place since, so backward fails",
        "zh": "保存时版本 {then}，现在版本 {now}：之后被原地修改，所以 backward 会失败",
    },
    "graph.tensor_moved": {"en": "saved as {name} v{then}, now v{now}!", "zh": "保存为 {name} v{then}，现为 v{now}！"},
    "graph.tensor_moved_long": {
        "en": "saved for backward as {name} at version {then}, changed in place since (now version {now}): "
              "backward through it fails with \"modified by an inplace operation\"",
        "zh": "作为 {name} 在版本 {then} 时为反向保存，之后被原地修改（现为版本 {now}）：经过它的 backward 会报错"
              "“modified by an inplace operation”",
    },
    "graph.loop_label": {"en": "×{n} loop<br>{rest} more iterations", "zh": "×{n} 循环<br>另有 {rest} 次迭代"},
    "graph.loop_hover": {
        "en": "A loop's other iterations, folded: each repeats the iteration drawn next to this node ({n} nodes). "
              "Untick “Fold loops and modules” to draw them all.",
        "zh": "循环的其余迭代已折叠：每一次都重复旁边画出的那一次迭代（共 {n} 个节点）。"
              "取消勾选“折叠循环和模块”即可全部画出。",
    },
    "graph.module_hover": {
        "en": "One nn.Module call, folded ({n} nodes: its operations and parameters). "
              "Untick “Fold loops and modules” to draw them.",
        "zh": "一次 nn.Module 调用，已折叠（{n} 个节点：其中的运算和参数）。取消勾选“折叠循环和模块”即可画出。",
    },
    "graph.kind.module": {"en": "nn.Module call (folded)", "zh": "nn.Module 调用（已折叠）"},
    "graph.kind.loop": {"en": "repeated loop iterations (folded)", "zh": "重复的循环迭代（已折叠）"},
    "play.fold": {"en": "Fold loops and modules", "zh": "折叠循环和模块"},
    "play.fold_help": {
        "en": "A loop that repeats one structure is drawn once with ×N; the nodes an nn.Module call made are one "
              "box named by its attribute (fc1: Linear(4 -> 8)). Untick to draw every node.",
        "zh": "重复同一结构的循环只画一次并标注 ×N；一次 nn.Module 调用产生的节点画成一个以属性命名的框"
              "（fc1: Linear(4 -> 8)）。取消勾选则画出所有节点。",
    },
    "graph.saved_freed": {"en": "saved tensors freed", "zh": "保存的张量已释放"},
    "graph.made_in": {"en": "made in", "zh": "产生于"},
    "graph.used_as_view": {
        "en": "also used as a view of shape {shape} (as matmul does with a 1-D input)",
        "zh": "也以形状 {shape} 的视图参与运算（如 matmul 对一维输入所做的）",
    },
    # --- tensor values as text (explorer/text/values.py) -----------------------------------------------------
    "value.summary": {
        "en": "shape {shape}, min {min}, max {max}, mean {mean}",
        "zh": "形状 {shape}，最小 {min}，最大 {max}，均值 {mean}",
    },
    "value.empty": {"en": "empty, shape {shape}", "zh": "空张量，形状 {shape}"},
    # --- backward step-through frames and animation (explorer/backward/) -------------------------------------
    "frame.step": {"en": "Step {i}/{n}", "zh": "第 {i}/{n} 步"},
    "frame.runs": {"en": "{name} runs", "zh": "{name} 执行"},
    "frame.accumulates": {"en": "AccumulateGrad for {tensor}", "zh": "{tensor} 的 AccumulateGrad"},
    "frame.retains": {"en": "retain_grad: {tensor}.grad is set", "zh": "retain_grad：设置 {tensor}.grad"},
    "frame.hook": {"en": "hook on {tensor} changes the gradient", "zh": "{tensor} 上的 hook 修改梯度"},
    "frame.capture": {
        "en": "autograd.grad returns the gradient of {tensor}",
        "zh": "autograd.grad 返回 {tensor} 的梯度",
    },
    "frame.received": {"en": "received grad = {v}", "zh": "收到的梯度 grad = {v}"},
    "frame.forward": {"en": "forward: {f}", "zh": "前向：{f}"},
    "frame.vjp": {"en": "VJP for input {i}: {f}", "zh": "输入 {i} 的 VJP：{f}"},
    "frame.where": {"en": "  where {name} = {v}", "zh": "  其中 {name} = {v}"},
    "frame.user_backward": {
        "en": "{name}.backward, as the program wrote it:",
        "zh": "{name}.backward（程序自己写的）：",
    },
    "frame.user_gradient": {"en": "  returned for input {i}: {v}", "zh": "  为输入 {i} 返回：{v}"},
    "frame.sends": {"en": "sends to {target}: {v}", "zh": "传给 {target}：{v}"},
    "frame.sends_none": {"en": "input {i} is None: nothing is sent", "zh": "输入 {i} 为 None：不传梯度"},
    "frame.accumulation": {"en": "old .grad + incoming = new .grad", "zh": "旧 .grad + 传入梯度 = 新 .grad"},
    "frame.first": {"en": ".grad was None, so new .grad = incoming", "zh": ".grad 原为 None，所以新 .grad = 传入梯度"},
    "frame.hook_change": {"en": "before the hook {b}, after {a}", "zh": "hook 之前 {b}，之后 {a}"},
    "frame.value": {"en": "value = {v}", "zh": "值 = {v}"},
    "frame.play": {"en": "Play", "zh": "播放"},
    "frame.pause": {"en": "Pause", "zh": "暂停"},
    "frame.slider": {"en": "step ", "zh": "步骤 "},
    "frame.flowed": {"en": "gradient has flowed", "zh": "梯度已流过"},
    "frame.pass_title": {"en": "Backward pass {k} ({kind})", "zh": "第 {k} 次反向传播（{kind}）"},
    # --- Jacobian view (explorer/backward/jacobian.py) -------------------------------------------------------
    "jacobian.jacobian": {"en": "Jacobian J = ∂out/∂inp  ({m}×{n})", "zh": "雅可比矩阵 J = ∂out/∂inp（{m}×{n}）"},
    "jacobian.v": {"en": "v (passed to backward)", "zh": "v（传给 backward）"},
    "jacobian.vjp": {"en": "vᵀJ", "zh": "vᵀJ"},
    "jacobian.grad": {"en": "inp.grad", "zh": "inp.grad"},
    "jacobian.match": {"en": "vᵀJ equals .grad", "zh": "vᵀJ 与 .grad 相等"},
    "jacobian.multiple": {
        "en": ".grad is {k} × vᵀJ: backward ran {k} times and the gradients accumulated",
        "zh": ".grad 是 vᵀJ 的 {k} 倍：backward 执行了 {k} 次，梯度被累加",
    },
    "jacobian.differs": {"en": ".grad differs from vᵀJ", "zh": ".grad 与 vᵀJ 不同"},
    "jacobian.released": {
        "en": "The graph was freed by backward(); call backward(v, retain_graph=True) to see its Jacobian.",
        "zh": "计算图已被 backward() 释放；请用 backward(v, retain_graph=True) 以查看雅可比矩阵。",
    },
    "jacobian.no_grad": {
        "en": ".grad is None: backward has not reached this tensor",
        "zh": ".grad 为 None：backward 还没有传到这个张量",
    },
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
    "sandbox.call_arguments": {
        "en": "TypeError: {name}() {detail}",
        "zh": "TypeError：{name}() {detail}",
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
    "limit.decomposition_work": {
        "en": "this needs a singular value decomposition of about {size} multiplications; the limit is {limit}",
        "zh": "这需要一次约 {size} 次乘法的奇异值分解，上限为 {limit}",
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
    "limit.classes": {
        "en": "the program ran more than {limit} class statements",
        "zh": "程序执行的 class 语句超过 {limit} 个",
    },
    "limit.python_recursion": {
        "en": "the program nests too deeply to run",
        "zh": "程序嵌套太深，无法运行",
    },
    "limit.memory": {
        "en": "the program needed more memory than the {limit} MB it may use",
        "zh": "程序需要的内存超过了允许的 {limit} MB",
    },
    "limit.memory_used": {
        "en": "the program used {size} MB of memory; the limit is {limit} MB",
        "zh": "程序占用了 {size} MB 内存，上限为 {limit} MB",
    },
    "limit.cpu_time": {
        "en": "the program used more than {limit} s of processor time",
        "zh": "程序占用的处理器时间超过 {limit} 秒",
    },
    # --- runs the server ended (explorer/sandbox/worker.py): no line of the program is to blame ----------
    "error.stopped": {"en": "The server stopped the run", "zh": "服务器终止了这次运行"},
    "server.timeout": {
        "en": "one operation ran past the time limit ({seconds} s) and could not be interrupted; the server "
              "ended the run. Try smaller tensors or fewer steps.",
        "zh": "某个运算超过了时间限制（{seconds} 秒）且无法中断，服务器终止了这次运行。请尝试更小的张量或更少的步数。",
    },
    "server.cpu_time": {
        "en": "the run used more than {seconds} s of processor time; the server ended it. Try smaller tensors or "
              "fewer steps.",
        "zh": "这次运行占用的处理器时间超过 {seconds} 秒，服务器终止了它。请尝试更小的张量或更少的步数。",
    },
    "server.worker_hung": {
        "en": "the process running this program stopped responding, so the server ended it. This is not an "
              "error in your program: run it again.",
        "zh": "运行这个程序的进程失去响应，服务器终止了它。这不是你的程序的错误：请再运行一次。",
    },
    "server.worker_died": {
        "en": "the process running this program ended unexpectedly ({how}). This is not known to be an error "
              "in your program: run it again.",
        "zh": "运行这个程序的进程意外结束（{how}）。这不一定是你的程序的错误：请再运行一次。",
    },
    "server.how_killed": {"en": "killed by the system, perhaps for lack of memory", "zh": "被系统终止，可能是内存不足"},
    "server.how_signal": {"en": "signal {signal}", "zh": "信号 {signal}"},
    "server.how_unknown": {"en": "no reason given", "zh": "原因不明"},
    "server.no_worker": {
        "en": "the server could not start a process to run this program. Try again in a moment.",
        "zh": "服务器无法启动运行这个程序的进程。请稍后再试。",
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
    # why a tensor's .grad is None, when a None is what failed ({tensor}: the program's name for it)
    "hint.grad_none_no_requires_grad": {
        "en": "`{tensor}.grad` is None because `{tensor}` does not require grad (requires_grad=False, or its box "
              "beside the editor unticked): backward() fills .grad only for tensors that require it.",
        "zh": "`{tensor}.grad` 是 None，因为 `{tensor}` 不要求梯度（requires_grad=False，或编辑器旁它的复选框"
              "未勾选）：backward() 只为要求梯度的张量填写 .grad。",
    },
    "hint.grad_none_not_leaf": {
        "en": "`{tensor}.grad` is None because `{tensor}` is not a leaf (it was computed from other tensors): "
              "backward() fills .grad of leaves only; call `{tensor}.retain_grad()` before backward() to keep it.",
        "zh": "`{tensor}.grad` 是 None，因为 `{tensor}` 不是叶子张量（它由其他张量计算得到）：backward() 只填写"
              "叶子的 .grad；若要保留，请在 backward() 之前调用 `{tensor}.retain_grad()`。",
    },
    "hint.grad_none_no_backward": {
        "en": "`{tensor}.grad` is None because no backward() has reached `{tensor}` yet: call backward() on a "
              "result computed from it first.",
        "zh": "`{tensor}.grad` 是 None，因为还没有 backward() 到达 `{tensor}`：请先对由它计算出的结果调用 "
              "backward()。",
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
    "cli.error_line": {"en": "line {line}: {message}", "zh": "第 {line} 行：{message}"},
    "cli.stopped_line": {"en": "stopped by the server: {message}", "zh": "被服务器终止：{message}"},
    # --- descent demo (explorer/descent/) ---------------------------------------------------------------
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
    # --- command line: export --------------------------------------------------------------------------------
    "cli.export_help": {
        "en": "run a program and export its graph (html, json, dot) or the program for PyTorch (py)",
        "zh": "运行程序并导出其计算图（html、json、dot）或可在 PyTorch 中运行的程序（py）",
    },
    "cli.format_help": {"en": "what to write", "zh": "导出格式"},
    "cli.out_help": {"en": "output file (default: standard output)", "zh": "输出文件（默认：标准输出）"},
    "cli.view_help": {
        "en": "which graph: forward (values) or backward (grad_fn)",
        "zh": "哪个计算图：forward（数值）或 backward（grad_fn）",
    },
    "cli.no_graph": {"en": "the program built no {view} graph", "zh": "程序没有构建 {view} 计算图"},
    "cli.wrote": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "cli.cannot_write": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    # --- lessons (explorer/lessons/) -------------------------------------------------------------------------
    "lesson.one_layer.title": {"en": "A one-layer network and its BCE loss", "zh": "单层神经网络与 BCE 损失"},
    "lesson.one_layer.text": {
        "en": "Input x, weights w and bias b give z = x·w + b and a binary cross-entropy loss. w and b require "
              "gradients, so loss.backward() fills w.grad and b.grad: ∂loss/∂w and ∂loss/∂b at these values of x and "
              "y.",
        "zh": "输入 x、权重 w 和偏置 b 得到 z = x·w + b，再计算二元交叉熵损失。w 和 b 需要梯度，"
              "所以 loss.backward() 会填好 w.grad 和 b.grad，即在当前 x、y 下的 ∂loss/∂w 和 ∂loss/∂b。",
    },
    "lesson.grad_fn.title": {"en": "grad_fn and next_functions", "zh": "grad_fn 与 next_functions"},
    "lesson.grad_fn.text": {
        "en": "Every result of an operation on a tensor that requires grad remembers the backward function that made "
              "it (grad_fn). next_functions links each grad_fn to the ones of its inputs, down to AccumulateGrad, "
              "which adds into a leaf's .grad. That chain is the backward graph.",
        "zh": "对需要梯度的张量做运算，结果会记住产生它的反向函数（grad_fn）。"
              "next_functions 把每个 grad_fn 连到其输入的 grad_fn，一直到 AccumulateGrad，"
              "后者把梯度累加到叶子张量的 .grad。这条链就是反向计算图。",
    },
    "lesson.accumulation.title": {"en": "Gradients accumulate; zero_() resets them", "zh": "梯度会累加；zero_() 清零"},
    "lesson.accumulation.text": {
        "en": "backward() adds into .grad instead of replacing it: the second call doubles every entry. "
              "inp.grad.zero_() resets it, which is what an optimizer's zero_grad() does between training steps. "
              "retain_graph=True keeps the graph for the next call.",
        "zh": "backward() 会把梯度累加到 .grad，而不是覆盖：第二次调用后每个元素都翻倍。inp.grad.zero_() 将其清零，"
              "训练中优化器的 zero_grad() 做的就是这件事。retain_graph=True 保留计算图，以便再次调用。",
    },
    "lesson.no_grad_detach.title": {"en": "no_grad and detach", "zh": "no_grad 与 detach"},
    "lesson.no_grad_detach.text": {
        "en": "Inside `with torch.no_grad():` nothing is recorded, so results do not require grad. detach() returns "
              "the same values cut off from the graph. Use them for inference, for frozen parameters and for updating "
              "parameters by hand.",
        "zh": "在 `with torch.no_grad():` 中不记录任何运算，结果不需要梯度。detach() 返回数值相同但脱离计算图的张量。"
              "推理、冻结参数和手动更新参数时会用到它们。",
    },
    "lesson.requires_grad_rules.title": {
        "en": "requires_grad rules and the integer error",
        "zh": "requires_grad 规则与整数类型错误",
    },
    "lesson.requires_grad_rules.text": {
        "en": "A result requires grad as soon as one input does. Only floating-point tensors can require gradients: "
              "the last line raises PyTorch's own error for an int64 tensor. Untick or fix it and the graph comes "
              "back.",
        "zh": "只要有一个输入需要梯度，结果就需要梯度。只有浮点张量才能要求梯度："
              "最后一行对 int64 张量会抛出 PyTorch 自己的错误。改掉它，计算图就会回来。",
    },
    "lesson.jacobian.title": {"en": "Jacobian products: backward(v) gives vᵀJ", "zh": "雅可比积：backward(v) 得到 vᵀJ"},
    "lesson.jacobian.text": {
        "en": "For a non-scalar output, backward needs a vector v of the output's shape and stores vᵀJ in .grad, "
              "never J itself. The Backward step-through page draws J, v and vᵀJ side by side.",
        "zh": "对非标量输出，backward 需要一个与输出同形状的向量 v，并把 vᵀJ 存进 .grad，而不是 J 本身。"
              "“反向逐步”页面把 J、v 和 vᵀJ 并排画出来。",
    },
    "lesson.autograd_grad.title": {"en": "torch.autograd.grad", "zh": "torch.autograd.grad"},
    "lesson.autograd_grad.text": {
        "en": "autograd.grad returns the gradients instead of adding them into .grad. Here ∂a/∂t = 2t and ∂a/∂u = 1/u.",
        "zh": "autograd.grad 直接返回梯度，而不是累加到 .grad。这里 ∂a/∂t = 2t，∂a/∂u = 1/u。",
    },
    "lesson.residual_norm.title": {"en": "A residual network and norm()", "zh": "残差网络与 norm()"},
    "lesson.residual_norm.text": {
        "en": "x0 reaches x2 twice, directly and through w2 @ x1, so gradients from both paths add up. w1 is used "
              "twice as well. q = x3.norm() is a scalar, so q.backward() needs no argument.",
        "zh": "x0 通过两条路径到达 x2：直接相加，以及经过 w2 @ x1，两条路径的梯度相加。w1 也被用了两次。"
              "q = x3.norm() 是标量，所以 q.backward() 不需要参数。",
    },
    "lesson.descent_detach.title": {
        "en": "Gradient descent with and without detach()",
        "zh": "有无 detach() 的梯度下降",
    },
    "lesson.descent_detach.text": {
        "en": "100 steps of gradient descent on l = (a-1)² + (b+1)² + (a-b)² reach the minimum (1/3, -1/3). Write "
              "a.detach() in the last term and the path ends at (1, 0) instead: detach() removes that term's pull on "
              "a. The Descent page draws both paths.",
        "zh": "在 l = (a-1)² + (b+1)² + (a-b)² 上做 100 步梯度下降，到达最小值 (1/3, -1/3)。"
              "把最后一项写成 a.detach()，路径会停在 (1, 0)：detach() 去掉了这一项对 a 的作用。"
              "“梯度下降”页面把两条路径都画出来。",
    },
    "lesson.sgd_step.title": {"en": "One SGD step", "zh": "一步 SGD"},
    "lesson.sgd_step.text": {
        "en": "torch.optim.SGD((w, b), lr=0.01).step() moves each parameter against its gradient: w ← w - lr·w.grad. "
              "Then the gradients are zeroed for the next step.",
        "zh": "torch.optim.SGD((w, b), lr=0.01).step() 让每个参数沿梯度反方向移动：w ← w - lr·w.grad。然后把梯度清零，"
              "准备下一步。",
    },
    # --- the graphs drawn as SVG (explorer/graph/svg.py, explorer/ui/graph_chart.py) ---
    "graph.save_image": {"en": "Save the graph as {fmt}", "zh": "把计算图保存为 {fmt}"},
    "play.image_format_svg": {"en": "The ⤓ button on the graph saves", "zh": "图右上角的 ⤓ 按钮保存为"},
    "play.export_hint_svg": {
        "en": "PNG or SVG: choose here, then use the ⤓ button at the graph's top right. Click a node, or focus it "
              "with Tab and press Enter, to see its details; the arrow keys move between nodes.",
        "zh": "PNG 或 SVG：在这里选择，然后点击图右上角的 ⤓ 按钮。点击一个节点（或用 Tab 选中后按回车）查看它的详情；"
              "方向键在节点之间移动。",
    },
    # --- polish-17: the leaves, output, step-through words and descent texts of issue 17's smaller items ---
    "play.leaf_later": {
        "en": "{name} is made again at line {others}; the box above sets the {name} of line {line} only",
        "zh": "{name} 在第 {others}又被创建；上面的复选框只设置第 {line} 行的 {name}",
    },
    "play.leaf_later_item": {"en": "{line} ({dtype})", "zh": "{line} 行（{dtype}）"},
    "play.views_dropped": {
        "en": "This run's graphs and backward passes were too big to send to the page, so only its output is "
              "shown. Smaller tensors or fewer backward passes bring them back.",
        "zh": "这次运行的计算图和反向传播过程太大，无法发送到页面，所以只显示输出。"
              "用更小的张量或更少的反向传播即可看到它们。",
    },
    "play.output_warning": {"en": "warning (stderr)", "zh": "警告（stderr）"},
    "play.output_error": {"en": "error in this cell", "zh": "此单元格出错"},
    "frame.sends_to_fn": {"en": "sends {grad} to {target}, which made {what}: {v}",
                          "zh": "将 {grad} 传给 {target}（它生成了{what}）：{v}"},
    "frame.sends_to_leaf": {"en": "sends {grad} to AccumulateGrad, into {leaf}.grad: {v}",
                            "zh": "将 {grad} 传给 AccumulateGrad，累加到 {leaf}.grad：{v}"},
    "frame.sends_to_unnamed_leaf": {"en": "sends {grad} to AccumulateGrad of {what}, a leaf without a name: {v}",
                                    "zh": "将 {grad} 传给{what}（一个无名叶子）的 AccumulateGrad：{v}"},
    "frame.input": {"en": "input {i}", "zh": "输入 {i}"},
    "frame.input_named": {"en": "input {i} ({name})", "zh": "输入 {i}（{name}）"},
    "frame.grad_of_input": {"en": "the gradient of input {i}", "zh": "输入 {i} 的梯度"},
    "frame.unnamed": {"en": "a tensor without a name", "zh": "一个无名张量"},
    "descent.outcome.diverged": {
        "en": "**{variant}: the path diverged** at step {step}. With learning rate {lr} each step overshoots "
              "further than the last, so the path never settles where its arrows vanish; a smaller learning rate "
              "brings it back.",
        "zh": "**{variant}：路径发散了**（第 {step} 步）。学习率为 {lr} 时，每一步都比上一步冲得更远，"
              "路径永远停不到箭头为零的地方；调小学习率即可。",
    },
    "descent.outcome.left_grid": {
        "en": "**{variant}**: the path left the drawn grid at step {step}, so where it ends is not shown.",
        "zh": "**{variant}**：路径在第 {step} 步离开了所画的网格，所以看不到它的终点。",
    },
    "descent.outcome.reached": {
        "en": "**{variant}**: the path reached {point} in {n} steps, where the arrows it follows vanish.",
        "zh": "**{variant}**：路径用 {n} 步到达了 {point}，也就是它所沿箭头为零的点。",
    },
    "descent.outcome.on_its_way": {
        "en": "**{variant}**: after {n} steps the path is at {end}, still on its way to {point}, where the "
              "arrows it follows vanish; more steps or a larger learning rate take it there.",
        "zh": "**{variant}**：{n} 步之后路径位于 {end}，仍在前往 {point} 的路上（那里它所沿的箭头为零）；"
              "更多步数或更大的学习率能让它到达。",
    },
    "descent.why_if_settled": {
        "en": "With a learning rate small enough for the paths to settle: {why}",
        "zh": "当学习率足够小、路径能够稳定下来时：{why}",
    },
    # classroom (explorer/classroom, explorer/ui/exercise_panel.py): predict, then see; teacher links; exercises
    "classroom.predict": {"en": "Predict, then see", "zh": "先预测，再查看"},
    "classroom.predict_help": {
        "en": "Hide the gradients and predict them, node by node, before the step-through shows them.",
        "zh": "隐藏梯度，在逐步查看显示它们之前，逐个节点预测。",
    },
    "classroom.intro": {
        "en": "Type each prediction as a Python literal: a number (0.5) or nested lists for a tensor "
              "([[1., 2.], [3., 4.]]). A right answer shows the formula with its numbers; a wrong one gets a hint.",
        "zh": "把每个预测写成 Python 字面量：一个数（0.5），或表示张量的嵌套列表（[[1., 2.], [3., 4.]]）。"
              "答对会显示代入数值的公式；答错会得到提示。",
    },
    "classroom.score": {"en": "Score: {right} of {total} right, {first} at the first try",
                        "zh": "得分：{total} 题中答对 {right} 题，其中 {first} 题一次答对"},
    "classroom.question": {"en": "Question {i} of {n}", "zh": "第 {i} 题，共 {n} 题"},
    "classroom.given": {"en": "What you know", "zh": "已知"},
    "classroom.your_answer": {"en": "Your prediction", "zh": "你的预测"},
    "classroom.check": {"en": "Check", "zh": "检查"},
    "classroom.show": {"en": "Show the answer", "zh": "显示答案"},
    "classroom.right": {"en": "Right!", "zh": "正确！"},
    "classroom.wrong": {"en": "Not yet. {step}: {hint}", "zh": "还不对。{step}：{hint}"},
    "classroom.revealed": {"en": "Answer shown (not counted as right)", "zh": "已显示答案（不计为答对）"},
    "classroom.answer_was": {"en": "The answer: {v}", "zh": "答案：{v}"},
    "classroom.you_typed": {"en": "You typed: {v}", "zh": "你输入的：{v}"},
    "classroom.more": {"en": "{n} more question(s) after this one.", "zh": "这题之后还有 {n} 题。"},
    "classroom.finished": {"en": "Exercise done: {right} of {total} right, {first} at the first try.",
                           "zh": "练习完成：{total} 题中答对 {right} 题，其中 {first} 题一次答对。"},
    "classroom.restart": {"en": "Start again", "zh": "重新开始"},
    "classroom.no_questions": {
        "en": "This program offers nothing to predict: no backward pass sends a gradient of at most {n} numbers.",
        "zh": "这个程序没有可预测的内容：没有哪次反向传播发送的梯度不超过 {n} 个数。",
    },
    "classroom.solution_mode": {"en": "Solution: every answer is shown with its formula.",
                                "zh": "答案：每道题都显示答案和公式。"},
    "classroom.teacher": {"en": "For teachers: exercise and solution links", "zh": "教师：练习链接与答案链接"},
    "classroom.teacher_pick": {"en": "Questions to ask", "zh": "要问的题目"},
    "classroom.teacher_help": {
        "en": "A link holds the program, the questions and the language; nothing is stored on the server.",
        "zh": "链接里包含程序、题目和语言；服务器上不保存任何内容。",
    },
    "classroom.exercise_link": {"en": "Exercise link (answers hidden)", "zh": "练习链接（隐藏答案）"},
    "classroom.solution_link": {"en": "Solution link (answers shown)", "zh": "答案链接（显示答案）"},
    "classroom.missing": {"en": "{n} question(s) of the link are not in this program's run and are left out.",
                          "zh": "链接中有 {n} 道题在这个程序的运行中不存在，已略去。"},
    "classroom.exercises": {"en": "Exercises: predict, then see", "zh": "练习：先预测，再查看"},
    "classroom.exercises_intro": {
        "en": "Predict what a lesson's backward pass computes, node by node: each answer is checked, a wrong one "
              "gets a hint naming the chain-rule step that went wrong.",
        "zh": "逐个节点预测课程中反向传播的计算结果：每个答案都会被检查，答错时提示会指出链式法则中出错的那一步。",
    },
    "classroom.start": {"en": "Start exercise", "zh": "开始练习"},
    "classroom.label": {"en": "Pass {k}, step {i}: {q}", "zh": "第 {k} 次传播，第 {i} 步：{q}"},
    "classroom.program": {"en": "The program", "zh": "程序"},
    "classroom.graph": {"en": "The backward graph, without its gradients", "zh": "反向图（不含梯度）"},
    "classroom.graph_help": {
        "en": "Where each backward function sends its gradients, with the values it saved; the gradients and the "
              "backward formulas are what you predict, so they are not shown until you answer.",
        "zh": "每个反向函数把梯度送往何处，以及它保存的值；梯度和反向公式正是要你预测的，所以在你作答之前不显示。",
    },
    "classroom.graph_title": {"en": "Backward pass {k} ({kind}), gradients hidden",
                              "zh": "第 {k} 次反向传播（{kind}），梯度已隐藏"},
    "classroom.questions_count": {"en": "{n} questions", "zh": "{n} 道题"},
    "classroom.q.sends": {"en": "What does {node} send to its input {input} ({target})?",
                          "zh": "{node} 向它的输入 {input}（{target}）发送什么梯度？"},
    "classroom.q.grad": {"en": "What is {leaf}.grad after backward pass {k}?",
                         "zh": "第 {k} 次反向传播之后，{leaf}.grad 是多少？"},
    "classroom.q.grad_again": {"en": "What is {leaf}.grad after backward pass {k}? (.grad already held a value)",
                               "zh": "第 {k} 次反向传播之后，{leaf}.grad 是多少？（.grad 之前已经有值）"},
    "classroom.q.descent": {"en": "Where does gradient descent on l = {loss} end? Type (a, b).",
                            "zh": "在 l = {loss} 上做梯度下降，最后停在哪里？输入 (a, b)。"},
    "classroom.q.descent_detached": {
        "en": "Where does gradient descent end when the loss is written l = {loss}? Type (a, b).",
        "zh": "把损失写成 l = {loss} 时，梯度下降最后停在哪里？输入 (a, b)。",
    },
    "classroom.given.received": {"en": "{node} received grad = {v}", "zh": "{node} 收到的梯度 grad = {v}"},
    "classroom.given.first": {"en": "{leaf}.grad was None before this pass", "zh": "这次传播之前 {leaf}.grad 是 None"},
    "classroom.given.old": {"en": "{leaf}.grad before this pass = {v}", "zh": "这次传播之前 {leaf}.grad = {v}"},
    "classroom.given.descent": {"en": "start (a, b) = ({a}, {b}), {steps} steps of plain gradient descent, lr = {lr}",
                                "zh": "起点 (a, b) = ({a}, {b})，普通梯度下降 {steps} 步，学习率 lr = {lr}"},
    "classroom.step.incoming": {"en": "The incoming gradient", "zh": "传入的梯度"},
    "classroom.step.local": {"en": "The local derivative", "zh": "局部导数"},
    "classroom.step.broadcast": {"en": "The broadcast sum", "zh": "广播求和"},
    "classroom.step.accumulation": {"en": "The accumulation", "zh": "梯度累加"},
    "classroom.step.shape": {"en": "The shape", "zh": "形状"},
    "classroom.step.detach": {"en": "The detach()", "zh": "detach()"},
    "classroom.step.descent": {"en": "The fixed point", "zh": "不动点"},
    "classroom.hint.incoming": {
        "en": "that is the local derivative alone. Multiply it by the gradient {node} received: the chain rule "
              "sends incoming gradient × local derivative.",
        "zh": "这只是局部导数。还要乘以 {node} 收到的梯度：链式法则发送的是 传入梯度 × 局部导数。",
    },
    "classroom.hint.local": {
        "en": "your answer is not the incoming gradient × the derivative of {forward} with respect to {input}. "
              "Work that derivative out at the values the node saved.",
        "zh": "你的答案不等于 传入梯度 × ({forward}) 对 {input} 的导数。请用节点保存的值算出这个导数。",
    },
    "classroom.hint.broadcast": {
        "en": "{input} was broadcast in the forward pass, so its gradient is summed over the broadcast dimensions "
              "back to its own shape {shape}; your answer has shape {got}.",
        "zh": "{input} 在前向传播中被广播了，所以它的梯度要沿广播的维度求和，回到它自己的形状 {shape}；"
              "你的答案形状是 {got}。",
    },
    "classroom.hint.broadcast_numbers": {
        "en": "your numbers are right before the sum. {input} was broadcast in the forward pass: sum your answer "
              "over the broadcast dimensions, to shape {shape}.",
        "zh": "求和之前你的数值是对的。{input} 在前向传播中被广播了：把你的答案沿广播的维度求和，得到形状 {shape}。",
    },
    "classroom.hint.shape": {
        "en": "a gradient has the shape of the tensor it is for: {shape} for {input}; your answer has shape {got}.",
        "zh": "梯度的形状与它对应的张量相同：{input} 的形状是 {shape}；你的答案形状是 {got}。",
    },
    "classroom.hint.accumulation_passes": {
        "en": "backward() adds into .grad, it does not replace it: new {leaf}.grad = old .grad + incoming.",
        "zh": "backward() 会累加到 .grad 上，而不是替换它：新的 {leaf}.grad = 旧的 .grad + 传入梯度。",
    },
    "classroom.hint.accumulation_paths": {
        "en": "{leaf} is reached along several paths, and its .grad is the sum of what every path sends.",
        "zh": "有多条路径到达 {leaf}，它的 .grad 是每条路径发送的梯度之和。",
    },
    "classroom.hint.paths": {
        "en": "{leaf}.grad is the sum of what each path sends to {leaf}; a path through detach() or a constant "
              "sends nothing.",
        "zh": "{leaf}.grad 是每条路径发送给 {leaf} 的梯度之和；经过 detach() 或常量的路径不发送梯度。",
    },
    "classroom.hint.detach_missing": {
        "en": "that is where the descent ends with detach(). Without it every term sends a gradient to a, and the "
              "descent ends where the whole loss is flat: ∂l/∂a = ∂l/∂b = 0.",
        "zh": "这是使用 detach() 时下降停下的地方。不用 detach() 时每一项都向 a 发送梯度，"
              "下降停在整个损失平坦的地方：∂l/∂a = ∂l/∂b = 0。",
    },
    "classroom.hint.detach_extra": {
        "en": "that is where the descent ends without detach(). a.detach() is a constant to backward(): that term "
              "sends no gradient to a, so the descent stops where the gradients that remain are zero.",
        "zh": "这是不用 detach() 时下降停下的地方。a.detach() 对 backward() 来说是常量：这一项不向 a 发送梯度，"
              "所以下降停在剩下的梯度为零的地方。",
    },
    "classroom.hint.descent_start": {
        "en": "that is the starting point. The descent steps until the gradient it follows is (almost) zero.",
        "zh": "这是起点。下降会一直走，直到它所沿的梯度（几乎）为零。",
    },
    "classroom.hint.descent": {
        "en": "where the descent stops, the gradient it follows is zero: set each gradient (of the terms that send "
              "one) to 0 and solve for a and b.",
        "zh": "下降停下的地方，它所沿的梯度为零：令每个梯度（只算发送梯度的项）等于 0，解出 a 和 b。",
    },
    "classroom.hint.formula": {"en": "The formula: {f}", "zh": "公式：{f}"},
    "classroom.exercise.bce_layer.title": {"en": "A one-layer network's BCE loss", "zh": "单层网络的 BCE 损失"},
    "classroom.exercise.bce_layer.text": {
        "en": "Lesson 1's layer z = x @ w + b with binary_cross_entropy_with_logits: from the loss back to w and b.",
        "zh": "第 1 课的单层网络 z = x @ w + b 与 binary_cross_entropy_with_logits：从损失一路反向到 w 和 b。",
    },
    "classroom.exercise.broadcast.title": {"en": "A bias over a batch: the broadcast sum",
                                           "zh": "批量上的偏置：广播求和"},
    "classroom.exercise.broadcast.text": {
        "en": "The same layer on a batch of two inputs: one bias b is added to both rows, so its gradient is a sum.",
        "zh": "同一个网络，输入是两个样本的批量：同一个偏置 b 加到两行上，所以它的梯度是求和。",
    },
    "classroom.exercise.accumulation.title": {"en": "Calling backward() twice", "zh": "调用两次 backward()"},
    "classroom.exercise.accumulation.text": {
        "en": "The accumulation lesson on a small input: (inp + 1)², transposed, and a second backward() that adds "
              "to .grad.",
        "zh": "梯度累加课程的小输入版本：(inp + 1)² 再转置，第二次 backward() 会累加到 .grad 上。",
    },
    "classroom.exercise.jacobian.title": {"en": "backward(v) is vᵀJ", "zh": "backward(v) 就是 vᵀJ"},
    "classroom.exercise.jacobian.text": {
        "en": "The Jacobian lesson: a non-scalar output, and backward(v) with v as the incoming gradient.",
        "zh": "雅可比课程：非标量输出，backward(v) 把 v 作为传入的梯度。",
    },
    "classroom.exercise.detach.title": {"en": "detach() in the descent", "zh": "梯度下降中的 detach()"},
    "classroom.exercise.detach.text": {
        "en": "l = (a-1)² + (b+1)² + (a.detach()-b)²: which gradients reach a and b, and where the descent ends "
              "with and without detach().",
        "zh": "l = (a-1)² + (b+1)² + (a.detach()-b)²：哪些梯度到达 a 和 b，以及有无 detach() 时下降停在哪里。",
    },
    "classroom.answer.empty": {"en": "Type a number or a list of numbers.", "zh": "请输入一个数或一个数的列表。"},
    "classroom.answer.too_long": {"en": "The answer is longer than {n} characters.", "zh": "答案超过了 {n} 个字符。"},
    "classroom.answer.too_deep": {"en": "The lists are nested more than {n} deep.", "zh": "列表嵌套超过了 {n} 层。"},
    "classroom.answer.too_many": {"en": "The answer has more than {n} numbers.", "zh": "答案中的数超过了 {n} 个。"},
    "classroom.answer.syntax": {
        "en": "Not a number or a list of numbers: type e.g. 0.5 or [[1., 2.], [3., 4.]] (numbers only, no "
              "calculations such as 1/3).",
        "zh": "不是一个数或数的列表：请输入如 0.5 或 [[1., 2.], [3., 4.]]（只写数，不要写 1/3 这样的算式）。",
    },
    "classroom.answer.not_number": {"en": "Only numbers and lists of numbers are answers, not {what}.",
                                    "zh": "答案只能是数和数的列表，不能是 {what}。"},
    "classroom.answer.not_finite": {"en": "Every number must be finite (no inf, no nan, nothing that large).",
                                    "zh": "每个数都必须是有限的（不能是 inf、nan 或过大的数）。"},
    "classroom.answer.ragged": {"en": "The rows have different lengths: a tensor's rows all have the same length.",
                                "zh": "各行长度不同：张量的每一行长度都相同。"},
    # accessibility: the graph as tables, text for screen readers, keyboard stepping, presenter view
    "a11y.view.forward": {"en": "Forward graph", "zh": "前向图"},
    "a11y.view.backward": {"en": "Backward graph", "zh": "反向图"},
    "a11y.view.pass": {"en": "The backward pass at this step", "zh": "此步的反向传播图"},
    "a11y.summary.size": {"en": "{view}: {nodes} nodes, {edges} edges.",
                          "zh": "{view}：{nodes} 个节点，{edges} 条边。"},
    "a11y.summary.loss": {"en": "Loss: {name} = {value}.", "zh": "损失：{name} = {value}。"},
    "a11y.summary.leaves": {"en": "Gradients reach the leaves {names}.", "zh": "梯度到达叶子 {names}。"},
    "a11y.summary.no_leaves": {"en": "No leaf gets a gradient yet.", "zh": "还没有叶子得到梯度。"},
    "a11y.table": {"en": "Graph as a table", "zh": "以表格查看此图"},
    "a11y.table_help": {
        "en": "Every node and edge of the graph above. A column's button sorts by it (again: the other way).",
        "zh": "上图的每个节点和每条边。点击列标题按钮按该列排序（再点一次反向排序）。",
    },
    "a11y.nodes": {"en": "Nodes ({n})", "zh": "节点（{n} 个）"},
    "a11y.edges": {"en": "Edges ({n})", "zh": "边（{n} 条）"},
    "a11y.rows_cut": {"en": "The first {shown} of {n} rows.", "zh": "只列出 {n} 行中的前 {shown} 行。"},
    "a11y.col.node": {"en": "Id", "zh": "编号"},
    "a11y.col.name": {"en": "Name", "zh": "名称"},
    "a11y.col.kind": {"en": "Kind", "zh": "类型"},
    "a11y.col.shape": {"en": "Shape", "zh": "形状"},
    "a11y.col.dtype": {"en": "dtype", "zh": "dtype"},
    "a11y.col.value": {"en": "Value", "zh": "值"},
    "a11y.col.gradient": {"en": "Gradient", "zh": "梯度"},
    "a11y.col.requires_grad": {"en": "requires_grad", "zh": "requires_grad"},
    "a11y.col.source": {"en": "From", "zh": "起点"},
    "a11y.col.target": {"en": "To", "zh": "终点"},
    "a11y.col.input": {"en": "Input", "zh": "输入序号"},
    "a11y.sorted": {"en": "Sorted by {column}, {order}.", "zh": "已按{column}{order}排序。"},
    "a11y.ascending": {"en": "ascending", "zh": "升序"},
    "a11y.descending": {"en": "descending", "zh": "降序"},
    "a11y.step_keys": {
        "en": "Keys: → next step, ← previous step (Page Down / Page Up too in presenter view), when no field or "
              "slider has the focus.",
        "zh": "按键：→ 下一步，← 上一步（演示模式下也可用 Page Down / Page Up），前提是焦点不在输入框或滑块上。",
    },
    "a11y.present": {"en": "Presenter view", "zh": "演示模式"},
    "a11y.present_help": {
        "en": "Large type and the editor folded away, for a projector; the link opens straight into it. In the "
              "step-through a presenter's clicker (Page Down / Page Up) or → / ← steps the pass.",
        "zh": "大字体、折叠编辑器，适合投影；链接会直接打开演示模式。在逐步页面中，翻页笔（Page Down / Page Up）"
              "或 → / ← 键逐步前进或后退。",
    },
    "a11y.present_editor": {"en": "Program and leaf tensors", "zh": "程序与叶子张量"},
}


def t(key: str, lang: str = "en", **params) -> str:
    """The text of `key` in `lang` (English when that language lacks it), with `params` filled in."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text
