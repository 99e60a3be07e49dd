"""Run one program on the engine, in this process, and collect everything the views need into a RunResult.

The engine's `graph.capture()` keeps every tensor the run creates alive (and lists them, so the budget can
charge each new one), and `backward_trace.record()` records each backward pass. Tensors are named by the
engine's public ids (`engine.graph.tensor_id`), the same ids its graph exports and traces use.
"""

from __future__ import annotations

import ast
import contextlib
import warnings
from collections.abc import Callable

import numpy as np

import engine
from engine.backward_trace import Recorder
from engine.graph import tensor_id
from explorer.backward.jacobian import record_jacobian
from explorer.graph.names import module_parameter_names
from explorer.graph.run_layout import lay_out
from explorer.sandbox.interpreter import Interpreter
from explorer.sandbox.limits import Budget, LimitExceeded, Limits
from explorer.sandbox.notebook import CellPlan
from explorer.sandbox.result import LeafInfo, ProgramError, RunResult, TensorInfo
from explorer.text import t
from explorer.text.values import compact

# backward passes kept in a result: the first ones and the last ones (a 100-step loop records 100)
KEEP_FIRST_PASSES = 20
KEEP_LAST_PASSES = 5


class TensorTracker:
    """Charges the tensors a run creates to its budget (bytes and graph nodes), and keeps the recorded passes
    bounded. Every tensor created while `capture` is active is listed in order, so new ones are read off the
    end of that list."""

    def __init__(self, budget: Budget, capture, recorder):
        self.budget = budget
        self.capture = capture
        self.recorder = recorder
        self.seen = 0
        self.passes_dropped = 0

    def update(self, result=None) -> None:
        nbytes = 0
        nodes = 0
        tensors = self.capture.tensors
        end = len(tensors)
        for tensor in tensors[self.seen:end]:
            nbytes += _nbytes(tensor)
            nodes += tensor.grad_fn is not None
        self.seen = end
        if nbytes or nodes:
            self.budget.add_tensors(nbytes, nodes)
        self.trim_passes()

    def trim_passes(self, final: bool = False) -> None:
        """Drop passes from the middle: while running once there are twice as many as kept, at the end all."""
        passes = self.recorder.passes
        keep = KEEP_FIRST_PASSES + KEEP_LAST_PASSES
        if len(passes) > (keep if final else 2 * keep):
            dropped = len(passes) - KEEP_FIRST_PASSES - KEEP_LAST_PASSES
            del passes[KEEP_FIRST_PASSES:len(passes) - KEEP_LAST_PASSES]
            self.passes_dropped += dropped


class JacobianRecorder(Recorder):
    """The engine's recorder of backward passes, plus the Jacobian the step-through page shows: right before a
    pass of `out.backward(v, retain_graph=True)` runs, J of `out` with respect to each leaf it reaches
    (explorer/backward/jacobian.py), on the graph as it stands, with this recorder switched off meanwhile.

    Skipped once the program has registered a hook or retain_grad, which the extra backward calls would
    trigger (they run the program's hooks and fill retained .grads); and skipped past the first passes (the
    ones a result always keeps) and past the limits' `jacobian_work`, so a loop of backward calls stays cheap.
    """

    def __init__(self, limits: Limits, program_hooks: Callable[[], bool]):
        super().__init__()
        self.jacobians: dict = {}
        self.work_left = limits.jacobian_work
        self.program_hooks = program_hooks

    def begin(self, kind, roots, root_nodes, create_graph, retain_graph):
        backward_pass = super().begin(kind, roots, root_nodes, create_graph, retain_graph)
        wanted = (backward_pass is not None and kind == "backward" and len(roots) == 1 and retain_graph
                  and backward_pass.index < KEEP_FIRST_PASSES and not self.program_hooks())
        if wanted:
            work = int(roots[0].numel()) * max(len(backward_pass.graph or ()), 1)
            if work <= self.work_left:
                self.work_left -= work
                with self.paused():
                    try:
                        found = record_jacobian(roots[0])
                    except Exception:  # no Jacobian, but the program's own pass runs as it would have
                        found = None
                if found is not None:
                    self.jacobians[backward_pass.index] = found
        return backward_pass

    @contextlib.contextmanager
    def paused(self):
        active = engine.backward_trace.ACTIVE
        previous, active[0] = active[0], None
        try:
            yield
        finally:
            active[0] = previous

    @contextlib.contextmanager
    def recording(self):
        """Record the passes made inside the block, as engine.backward_trace.record() does."""
        active = engine.backward_trace.ACTIVE
        previous, active[0] = active[0], self
        try:
            yield self
        finally:
            active[0] = previous


# calls that make a new tensor from data or a shape, not from other tensors: what a lesson calls a leaf
CREATION_CALLS = frozenset({
    "tensor", "as_tensor", "asarray", "from_numpy", "ones", "zeros", "empty", "full", "eye", "arange", "linspace",
    "logspace", "rand", "randn", "randint", "randperm", "normal", "ones_like", "zeros_like", "empty_like",
    "full_like", "rand_like", "randn_like", "randint_like", "Tensor", "FloatTensor", "DoubleTensor",
    "LongTensor", "IntTensor", "BoolTensor", "Parameter",
})
# methods after such a call that still leave the program's own new tensor (a leaf, with its dtype or flag set)
KEEPS_CREATED = frozenset({"requires_grad_", "float", "double", "half", "bfloat16", "long", "int", "bool", "to",
                           "type", "cpu", "contiguous"})


def _creates(value: ast.expr) -> bool:
    """`value` makes a new tensor from data or a shape (torch.ones(5), torch.tensor([...]).requires_grad_()),
    rather than from other tensors (z.detach(), torch.autograd.grad(...), an op under no_grad)."""
    while (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
           and value.func.attr in KEEPS_CREATED):
        value = value.func.value
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name in CREATION_CALLS


def created_bindings(source: str) -> set[tuple[str, int]]:
    """(name, line) for every line of an assignment that binds `name` to a tensor the program creates there
    (explorer/sandbox/runner: the leaves offered a requires_grad box)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        pairs = []
        for target in targets:
            if isinstance(target, ast.Name):
                pairs.append((target.id, value))
            elif (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
                  and len(target.elts) == len(value.elts)):
                pairs.extend((t.id, v) for t, v in zip(target.elts, value.elts) if isinstance(t, ast.Name))
        for name, made in pairs:
            if _creates(made):
                found.update((name, line) for line in range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return found


def _nbytes(tensor) -> int:
    try:
        return int(tensor.numel()) * int(tensor.dtype.itemsize)
    except Exception:  # a tensor we cannot size costs nothing rather than failing the run
        return 0


def run_in_process(
    source: str,
    *,
    requires_grad_overrides: dict[str, bool] | None = None,
    lang: str = "en",
    limits: Limits | None = None,
    cells: CellPlan | None = None,
) -> RunResult:
    """Interpret `source` here. Never raises: every failure becomes `result.error`, or for a pasted notebook
    (`cells`, its explorer.sandbox.notebook.CellPlan) an error a cell raised becomes one of
    `result.cell_errors`, and the run goes on with the next cell."""
    result = RunResult()
    limits = limits or Limits()
    overrides = dict(requires_grad_overrides or {})
    leaves: list[LeafInfo] = []
    leaf_ids: set = set()
    leaf_places: set = set()
    names_bound: set = set()  # names that have had their first leaf binding
    names_for_ids: dict[str, str] = {}
    created = created_bindings(source)

    def on_bind(name, value, line, in_loop):
        if not isinstance(value, engine.Tensor):
            return
        tid = tensor_id(value)
        names_for_ids[tid] = name
        if in_loop or not value.is_leaf or tid in leaf_ids or (name, line) in leaf_places:
            return
        # a leaf the program made (or made to require grad), not one it derived from other tensors: the result
        # of a no_grad block, of detach() or of autograd.grad is a leaf too, but no parameter of the lesson
        if not value.requires_grad and (name, line) not in created:
            return
        leaf_ids.add(tid)
        leaf_places.add((name, line))
        can = bool(value.dtype.is_floating_point)
        info = LeafInfo(name=name, line=line, id=tid, dtype=repr(value.dtype),
                        requires_grad=bool(value.requires_grad), can_require_grad=can)
        if name not in names_bound:
            names_bound.add(name)
            if name in overrides and can:
                value.requires_grad_(bool(overrides[name]))
                info.overridden = True
        leaves.append(info)

    interp = Interpreter(engine, limits=limits, lang=lang, on_bind=on_bind)
    grad_mode = engine.is_grad_enabled()
    default_dtype = engine.get_default_dtype()
    print_options = engine.get_printoptions()
    with contextlib.ExitStack() as stack, warnings.catch_warnings():
        # the engine's warnings (and numpy's) go into the output where they happened; Interpreter.show_warning
        # shows each once per line of the program, as Python's default filter would
        warnings.simplefilter("always")
        warnings.showwarning = interp.show_warning
        capture = stack.enter_context(engine.graph.capture())
        recorder = stack.enter_context(JacobianRecorder(limits, lambda: interp.hooked).recording())
        interp.tracker = TensorTracker(interp.budget, capture, recorder)
        try:
            interp.run(source, cells)
        except ProgramError as error:
            result.error = error
        except LimitExceeded as exc:  # a timer fired between two of the program's statements
            message = t(exc.key, lang, **exc.params)
            result.error = ProgramError(interp.line, 1, message, "LimitError", "hint.limit")
        except RecursionError:
            message = t("limit.python_recursion", lang)
            result.error = ProgramError(interp.line, 1, message, "LimitError", "hint.limit")
        except MemoryError:
            message = t("limit.memory", lang, limit=interp.limits.memory_bytes // 2**20)
            result.error = ProgramError(interp.line, 1, message, "LimitError", "hint.limit")
        except Exception as exc:  # a bug of ours must still not take the server down
            result.error = ProgramError(interp.line, 1, t("limit.internal", lang, kind=type(exc).__name__),
                                        "InternalError")
        finally:
            engine.set_grad_enabled(grad_mode)
            engine.set_default_dtype(default_dtype)
            engine.set_printoptions(**print_options)
        result.outputs = interp.outputs
        result.cell_errors = interp.cell_errors
        result.leaves = leaves
        try:
            # past the graph-node budget a graph is too big to draw and slow to export: leave it out; so is the
            # graph of a run a budget stopped (copying and laying out what it made would spend the time and
            # memory the budget just refused, and the refusal would reach the user seconds late)
            with_graphs = (interp.budget.graph_nodes <= limits.graph_nodes
                           and not (result.error is not None and result.error.kind == "LimitError"))
            _collect_views(result, interp, names_for_ids, with_graphs)
        except Exception:  # the output stays useful even when a view cannot be built
            result.forward_graph = result.backward_graph = None
        interp.tracker.trim_passes(final=True)
        result.passes = list(recorder.passes)
        result.passes_dropped = interp.tracker.passes_dropped
        kept = {p.index for p in result.passes}
        result.jacobians = {index: found for index, found in recorder.jacobians.items() if index in kept}
        try:
            lay_out(result)
        except Exception:  # without layouts the views lay the graphs out themselves; the run stands
            result.forward_layout = result.backward_layout = None
            result.pass_layouts = [None] * len(result.passes)
        graphs = [result.forward_graph, result.backward_graph] + [p.graph for p in result.passes]
        for graph in graphs:
            if graph is not None:
                _plain_graph(graph)
    result.stats = interp.budget.stats()
    return result


_PLAIN = (type(None), bool, int, float, str, np.ndarray, np.generic)


def _plain(value, depth: int = 0):
    """A value of a graph's node as plain data: the result crosses to the server as a pickle, where an engine
    object (a custom Function's ctx among an op's arguments) could neither be sent nor be of use."""
    if isinstance(value, _PLAIN):
        return value
    if depth < 6 and isinstance(value, (tuple, list)) and type(value) in (tuple, list):
        return type(value)(_plain(v, depth + 1) for v in value)
    if depth < 6 and type(value) is dict:
        return {k: _plain(v, depth + 1) for k, v in value.items() if isinstance(k, (str, int))}
    module = type(value).__module__ or ""
    if not (module == "torch" or module.startswith(("torch.", "engine", "numpy"))):
        return f"<{type(value).__name__} object>"  # never the program's own __repr__, after its run
    try:
        return repr(value)
    except Exception:  # a value that cannot even be shown is left out as a placeholder
        return "?"


def _plain_graph(graph) -> None:
    for data in graph.nodes.values():
        for key, value in data.items():
            if isinstance(value, np.ndarray):
                data[key] = compact(value)  # a big tensor's value reaches the server as its summary
            elif not isinstance(value, _PLAIN):
                data[key] = _plain(value)


def _collect_views(result: RunResult, interp: Interpreter, names_for_ids: dict, with_graphs: bool) -> None:
    named: dict[str, object] = {}
    for name, value in interp.globals.vars.items():
        if isinstance(value, engine.Tensor):
            named[name] = value
        elif isinstance(value, (tuple, list)) and 0 < len(value) <= 10:
            for i, item in enumerate(value):
                if isinstance(item, engine.Tensor):
                    named[f"{name}[{i}]"] = item
    names = dict(names_for_ids)
    for name, tensor in named.items():
        names[tensor_id(tensor)] = name
        result.tensors[name] = _tensor_info(tensor)
    # a model's parameters, by their path in it (`model.fc1.weight`), where no variable names them
    parameters = _parameter_names(result, interp)
    for name, tensor in parameters.items():
        tid = tensor_id(tensor)
        if tid not in names:
            names[tid] = name
            result.tensors[name] = _tensor_info(tensor)
    result.names = names
    if not named or not with_graphs:
        return
    roots = list(named.values())
    plain_names = {n: v for n, v in named.items() if "[" not in n}
    for name, tensor in parameters.items():
        if names.get(tensor_id(tensor)) == name:
            plain_names[name] = tensor  # labels only: a parameter is in a graph where an output used it
    try:
        result.forward_graph = engine.graph.forward_graph(roots, names=plain_names)
    except Exception:  # a view that cannot be drawn is left out, the run's result stands
        result.forward_graph = None
    with_grad = [v for v in roots if v.grad_fn is not None or v.requires_grad]
    if with_grad:
        try:
            result.backward_graph = engine.graph.backward_graph(with_grad)
        except Exception:  # as above
            result.backward_graph = None


def _parameter_names(result: RunResult, interp: Interpreter) -> dict:
    """module_parameter_names over the program's variables. A model of the program's may have redefined how
    its layers are walked; whatever such code would print after the run is not output of the run."""
    printed = len(result.outputs)
    try:
        return module_parameter_names(interp.globals.vars, engine.nn.Module)
    except Exception:  # the names are a help, never a reason to lose the run's views
        return {}
    finally:
        del result.outputs[printed:]


def _tensor_info(tensor) -> TensorInfo:
    # values beyond what a view shows in full travel as summaries: the server never holds a big tensor
    value = compact(np.array(tensor.detach().numpy(), copy=True))
    grad = tensor.grad if tensor.is_leaf or tensor.retains_grad else None
    grad_value = None if grad is None else compact(np.array(grad.detach().numpy(), copy=True))
    fn = tensor.grad_fn
    return TensorInfo(
        id=tensor_id(tensor), shape=tuple(int(d) for d in tensor.shape), dtype=repr(tensor.dtype), value=value,
        grad=grad_value, requires_grad=bool(tensor.requires_grad), is_leaf=bool(tensor.is_leaf),
        grad_fn=None if fn is None else fn.name(),
    )
