"""What is drawn of a graph export: one node per tensor (a view the engine made internally is drawn as the
tensor it views), and, when asked, the nodes an nn.Module call made folded into one box and a loop's repeated
iterations folded into one. The export itself is never changed: the drawn graph is a copy, and folded nodes
list the export's nodes they stand for (`members`), so selections and searches map back.
"""

from __future__ import annotations

import networkx as nx

from explorer.graph.labels import moved_tensors

VIEW_SUFFIX = " (view)"


def one_node_per_tensor(graph: nx.DiGraph) -> nx.DiGraph:
    """A forward export with the unnamed views it drew apart ("x (view)": matmul's unsqueezed 1-D `x`) merged
    into the named tensor they view, so `x` is drawn feeding the op that read it. The view's shapes are kept
    on the tensor (`views`) for its hover. Views that an op produced (with a grad_fn) stay: they are results."""
    by_name = {d.get("name"): n for n, d in graph.nodes(data=True) if d.get("name")}
    merges = {}
    for n, d in graph.nodes(data=True):
        label = str(d.get("label") or "")
        if d.get("name") or not label.endswith(VIEW_SUFFIX) or graph.in_degree(n):
            continue
        base = by_name.get(label[: -len(VIEW_SUFFIX)])
        if base is not None and base != n:
            merges[n] = base
    if not merges:
        return graph
    shown = graph.copy()
    for view, base in merges.items():
        shape = graph.nodes[view].get("shape")
        views = list(shown.nodes[base].get("views") or ())
        if shape is not None and tuple(shape) not in views:
            views.append(tuple(shape))
        shown.nodes[base]["views"] = views
        for _, reader, attrs in graph.out_edges(view, data=True):
            shown.add_edge(base, reader, **attrs, view_of=view)
        shown.remove_node(view)
    return shown


def with_moved_marked(graph: nx.DiGraph) -> nx.DiGraph:
    """A forward graph whose tensors saved for backward and changed in place since carry `moved` = (saved name,
    version saved, version now), for their label and outline."""
    moved = moved_tensors(graph)
    if not moved:
        return graph
    marked = graph.copy()
    for tensor, (name, _op, then, now) in moved.items():
        marked.nodes[tensor]["moved"] = (name, then, now)
    return marked


# --- folding: a module call into one box, a loop's repeated iterations into one -------------------------------

OPS = ("op", "function")


def _seq(node) -> int | None:
    text = str(node)
    return int(text[1:]) if text[:1] == "n" and text[1:].isdigit() else None


def _module_title(module: dict) -> str:
    from explorer.graph.figures import module_title  # figures imports this module

    return module_title(module)


CONTAINERS = ("Module", "Sequential", "ModuleList", "ModuleDict")


def _layer(kind: str | None) -> bool:
    """A layer of torch.nn itself (Linear, ReLU, ...) called on its own: folded although it is the outermost
    call. A model class of the program's own, called as the outermost module, stays open."""
    import engine.nn

    return bool(kind) and kind not in CONTAINERS and isinstance(getattr(engine.nn, kind, None), type)


def _belongs(d: dict, path: str) -> bool:
    """A leaf (or AccumulateGrad, or None slot) folded into a module's box: a parameter of that module (named
    `model.fc1.weight`, or not named at all)."""
    name = d.get("name") if d.get("kind") != "accumulate" else d.get("tensor_name")
    if not name:
        return True
    # a parameter's name is dotted ("model.fc1.weight", explorer/graph/names.py); a variable's never is
    return f".{name}".find(f".{path}.") >= 0 if path else "." in str(name)


def _fold(graph: nx.DiGraph, groups: list[tuple[str, dict, list]]) -> nx.DiGraph:
    """A copy of the graph with each group (id, attributes, members) drawn as one node."""
    folded = graph.copy()
    owner = {m: gid for gid, _, members in groups for m in members}
    for gid, attrs, members in groups:
        folded.add_node(gid, **attrs, members=list(members))
    for u, v, data in graph.edges(data=True):
        a, b = owner.get(u, u), owner.get(v, v)
        if a != b and not folded.has_edge(a, b):
            folded.add_edge(a, b, **data)
    folded.remove_nodes_from(owner)
    return folded


def fold_modules(graph: nx.DiGraph) -> nx.DiGraph:
    """The nodes each nn.Module call made folded into one box named by its attribute (`fc1: Linear(4 -> 8)`),
    its parameters inside; the tensors it returns stay outside. Calls of the outermost module (path "") stay
    open: they are the program's own model code. Two calls of one layer are two boxes."""
    by_path: dict[str, list] = {}
    for n, d in graph.nodes(data=True):
        module = d.get("module")
        if d.get("kind") in OPS and module and (module.get("path") or _layer(module.get("kind"))):
            by_path.setdefault(module.get("path") or "", []).append(n)
    groups = []
    for path, ops in sorted(by_path.items()):
        ops_set = set(ops)
        # one call: ops joined directly (backward) or through a tensor only they touch (forward)
        inside = set(ops)
        for n in graph:
            if n in ops_set:
                continue
            d = graph.nodes[n]
            producers = set(graph.predecessors(n))
            readers = set(graph.successors(n))
            if producers and producers <= ops_set and readers and readers <= ops_set:
                inside.add(n)  # a tensor made and read inside the call
            elif not producers and readers and readers <= ops_set and _belongs(d, path):
                inside.add(n)  # a parameter
            elif producers and producers <= ops_set and not readers and _belongs(d, path):
                inside.add(n)  # a parameter's AccumulateGrad, a None slot
        for k, members in enumerate(sorted(nx.weakly_connected_components(graph.subgraph(inside)),
                                           key=lambda c: min(_seq(m) or 0 for m in c if m in ops_set)), 1):
            module = graph.nodes[next(m for m in members if m in ops_set)]["module"]
            gid = f"module:{path}#{k}"
            groups.append((gid, {"kind": "module", "label": _module_title(module), "module": dict(module),
                                 "member_names": sorted({str(graph.nodes[m].get("name") or "") for m in members})},
                           sorted(members, key=str)))
    return _fold(graph, groups) if groups else graph


MIN_REPEATS = 3  # a loop is folded from this many iterations on
MAX_PERIOD = 64  # nodes per iteration, at most


def _op_signature(graph: nx.DiGraph, n) -> tuple:
    d = graph.nodes[n]
    return (d.get("kind"), d.get("name"), d.get("label") if d.get("kind") == "module" else None)


def find_loop(graph: nx.DiGraph) -> tuple[int, int, int] | None:
    """The longest run of repeated iterations among the graph's ops in the order they were made:
    (start, period, repeats) over `ops_in_order(graph)`, or None. An iteration repeats the one before it when
    each op reads, at the same place, the same outside node or the same op of the iteration before."""
    ops = ops_in_order(graph)
    sigs = [_op_signature(graph, n) for n in ops]
    best = None
    for period in range(1, min(MAX_PERIOD, len(ops) // MIN_REPEATS) + 1):
        i = 0
        while i + period < len(ops):
            if sigs[i] != sigs[i + period]:
                i += 1
                continue
            j = i
            while j + period < len(ops) and sigs[j] == sigs[j + period]:
                j += 1
            repeats = (j - i + period) // period
            if repeats >= MIN_REPEATS and (best is None or repeats * period > best[1] * best[2]):
                start = _same_shape_run(graph, ops, i, period, repeats)
                if start is not None:
                    best = start
            i = j + 1
    return best


def ops_in_order(graph: nx.DiGraph) -> list:
    return sorted((n for n, d in graph.nodes(data=True) if (d.get("kind") in (*OPS, "module")
                   and _seq(n) is not None) or d.get("kind") == "module"),
                  key=lambda n: _seq(n) if _seq(n) is not None else _seq(graph.nodes[n]["members"][0]) or 0)


def _backward(graph: nx.DiGraph) -> bool:
    return any(d.get("kind") == "function" for _, d in graph.nodes(data=True))


def _reads(graph: nx.DiGraph, op, op_set: set, backward: bool) -> list:
    """What an op reads: ops, or outside nodes. In a forward graph through the tensors between ops; in a
    backward graph a function reads its next_functions (edges point from the output to the inputs)."""
    if backward:
        return sorted(graph.successors(op), key=str)
    found = []
    for u in sorted(graph.predecessors(op), key=str):
        d = graph.nodes[u]
        if d.get("kind") in (*OPS, "module"):
            found.append(u)
        else:
            producers = list(graph.predecessors(u))
            found.append(producers[0] if len(producers) == 1 and producers[0] in op_set else u)
    return found


def _same_shape_run(graph, ops, start, period, repeats):
    """(start, period, repeats) where iterations 2, 3, ... of the candidate read exactly alike: each op, at
    the same place, the same op of its own or of the iteration before, or the same outside node (a Python
    number by its value). The first iteration may read something else from before the loop. None when fewer
    than MIN_REPEATS iterations are alike."""
    index = {n: k for k, n in enumerate(ops)}
    op_set = set(ops)
    backward = _backward(graph)

    def fresh(u, base) -> bool:
        """An input no op makes, read only by ops of the iteration starting at base."""
        if any(True for _ in graph.predecessors(u)) and not backward:
            return False
        readers = list(graph.successors(u)) if not backward else list(graph.predecessors(u))
        return bool(readers) and all(r in index and base <= index[r] < base + period for r in readers)

    def shape_of(r):
        base = start + r * period
        out = []
        for k in range(period):
            reads = []
            for u in _reads(graph, ops[base + k], op_set, backward):
                if u in index and start <= index[u] and index[u] - base >= -period:
                    reads.append(("op", index[u] - base))
                elif graph.nodes[u].get("kind") in ("scalar", "none"):
                    reads.append((graph.nodes[u].get("kind"), graph.nodes[u].get("label")))
                elif fresh(u, base):
                    # made for this iteration alone (torch.randn(2) inside the loop): alike by what it is
                    d = graph.nodes[u]
                    reads.append(("fresh", d.get("kind"), d.get("name"), str(d.get("shape"))))
                else:
                    reads.append(("node", u))
            out.append(tuple(sorted(reads, key=str)))
        return out

    alike = 1
    second = shape_of(1) if repeats > 1 else None
    for r in range(1, repeats):
        if r > 1 and shape_of(r) != second:
            break
        alike = r + 1
    return (start, period, alike) if alike >= MIN_REPEATS else None


def fold_loop(graph: nx.DiGraph) -> nx.DiGraph:
    """A loop that repeats one structure drawn once: its first iteration as it is, the other iterations
    folded into one node "x N" that can be expanded (the Playground's "Fold" switch)."""
    loop = find_loop(graph)
    if loop is None:
        return graph
    start, period, repeats = loop
    ops = ops_in_order(graph)
    later = ops[start + period: start + period * repeats]
    later_set = set(later)
    # each folded op takes with it the tensors it made (forward) and the Python numbers only it reads
    members = set(later)
    for op in later:
        for v in graph.successors(op):
            readers = set(graph.successors(v))
            if graph.nodes[v].get("kind") not in (*OPS, "module", "none") and readers and readers <= later_set:
                members.add(v)  # (the loop's result, read after it or by no one, stays out)
        for u in graph.predecessors(op):
            d = graph.nodes[u]
            only_folded = set(graph.successors(u)) <= later_set and not any(True for _ in graph.predecessors(u))
            if only_folded and (d.get("kind") == "scalar" or not d.get("name")):
                members.add(u)  # a Python number or an unnamed input made for those iterations alone
        for v in graph.successors(op):  # a backward function's None slots
            if graph.nodes[v].get("kind") == "none":
                members.add(v)
    label_names = sorted({str(graph.nodes[n].get("name") or "") for n in later_set})
    attrs = {"kind": "loop", "repeats": repeats, "period": period, "label": f"×{repeats}",
             "member_names": label_names}
    return _fold(graph, [(f"loop:{_seq(ops[start]) or 0}", attrs, sorted(members, key=str))])


def folded(graph: nx.DiGraph) -> nx.DiGraph:
    """The graph with its module calls and its longest repeated loop folded (what the views draw first)."""
    return fold_loop(fold_modules(graph))
