"""Layered (Sugiyama-style) layout of a computation graph, deterministic and fast.

Layers are NetworkX topological generations, so every edge points from a lower layer to a higher one.
Edges spanning several layers are routed through invisible bend points (dummy nodes) so the crossing
reduction sees them; within each layer nodes are ordered by barycenter sweeps with ties broken by the
node ids' natural order. The same graph always gives the same picture, whatever order its nodes were
inserted in.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from explorer.text import LANGUAGES, t

# Long edges get bend points only while the total stays within this multiple of the node count; past it
# (a weight used by every step of a 2,000-step loop) the edge is drawn straight so layout stays linear.
DUMMY_BUDGET_FACTOR = 4
DEFAULT_MAX_NODES = 2500
# An input read by layers further apart than this (a weight used by every step of a loop) is drawn again
# beside each later reader, instead of one edge per reader snaking down through every layer in between.
REPEAT_SPAN = 6

_DIGITS = re.compile(r"(\d+)")


def natural_key(node: Hashable) -> tuple:
    """Sort key that orders "n2" before "n10" and never compares str with int."""
    parts = _DIGITS.split(str(node))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


@dataclass
class Layout:
    positions: dict[Hashable, tuple[float, float]]
    layer_of: dict[Hashable, int]
    layers: list[list[Hashable]]
    edge_paths: dict[tuple[Hashable, Hashable], list[tuple[float, float]]]
    crossings: int
    naive_crossings: int
    graph: nx.DiGraph
    hidden: int = 0
    notice: dict[str, str] | None = None
    direction: str = "TB"
    extras: dict = field(default_factory=dict)

    def notice_text(self, lang: str = "en") -> str | None:
        return None if self.notice is None else self.notice.get(lang, self.notice["en"])


def default_roots(graph: nx.DiGraph) -> list[Hashable]:
    """The graph's declared roots, else its outputs (forward view), else its sinks."""
    declared = [r for r in graph.graph.get("roots", ()) if r in graph]
    if declared:
        return sorted(declared, key=natural_key)
    outputs = [n for n, d in graph.nodes(data=True) if d.get("kind") == "output"]
    if outputs:
        return sorted(outputs, key=natural_key)
    return sorted((n for n in graph if graph.out_degree(n) == 0), key=natural_key)


COLLAPSED_IN = "collapsed:in"  # stands for hidden nodes that feed kept ones
COLLAPSED_OUT = "collapsed:out"  # stands for hidden nodes that kept ones feed


def limit_to_nearest(graph: nx.DiGraph, max_nodes: int, roots: Iterable[Hashable] | None = None):
    """Keep the max_nodes nodes nearest the roots, breadth first. Returns (subgraph, hidden).

    Where kept nodes touch hidden ones, the hidden side is drawn as a "collapsed" placeholder node, one
    feeding in and one fed, never a single node: a single one could close a cycle.
    """
    if graph.number_of_nodes() <= max_nodes:
        return graph, 0
    roots = list(roots) if roots is not None else default_roots(graph)
    kept: dict[Hashable, None] = {}
    queue = deque(sorted(roots, key=natural_key))
    for r in queue:
        kept[r] = None
    # walk away from the roots along the edges (a backward graph's root is a source, a forward graph's
    # output a sink); walking both ways would jump through a shared weight to every step of a loop
    down = all(graph.in_degree(r) == 0 for r in roots)
    up = all(graph.out_degree(r) == 0 for r in roots)
    while queue and len(kept) < max_nodes:
        node = queue.popleft()
        near = set()
        if down or not up:
            near.update(graph.successors(node))
        if up or not down:
            near.update(graph.predecessors(node))
        neighbours = sorted(near, key=natural_key)
        for other in neighbours:
            if other not in kept:
                kept[other] = None
                queue.append(other)
                if len(kept) >= max_nodes:
                    break
    keep = list(kept)[:max_nodes]
    sub = graph.subgraph(keep).copy()
    hidden = graph.number_of_nodes() - sub.number_of_nodes()
    for node in keep:
        if any(p not in kept for p in graph.predecessors(node)):
            sub.add_node(COLLAPSED_IN, kind="collapsed", hidden=hidden, label=f"+{hidden:,}")
            sub.add_edge(COLLAPSED_IN, node)
        if any(s not in kept for s in graph.successors(node)):
            sub.add_node(COLLAPSED_OUT, kind="collapsed", hidden=hidden, label=f"+{hidden:,}")
            sub.add_edge(node, COLLAPSED_OUT)
    return sub, hidden


def _assign_layers(graph: nx.DiGraph) -> dict[Hashable, int]:
    layer: dict[Hashable, int] = {}
    for depth, generation in enumerate(nx.topological_generations(graph)):
        for node in generation:
            layer[node] = depth
    # Inputs sit just above their first consumer, not all in the top row: shorter edges, fewer crossings.
    for node in graph:
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 0:
            layer[node] = min(layer[s] for s in graph.successors(node)) - 1
    used = sorted(set(layer.values()))
    compact = {old: new for new, old in enumerate(used)}
    return {n: compact[v] for n, v in layer.items()}


def _repeat_shared_inputs(graph: nx.DiGraph, layer: dict, span: int) -> tuple[nx.DiGraph, dict]:
    far = []
    for node in graph:
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 1:
            readers = sorted(graph.successors(node), key=lambda r: (layer[r], natural_key(r)))
            if layer[readers[-1]] - layer[readers[0]] > span:
                far.append((node, readers))
    if not far:
        return graph, layer
    graph = graph.copy()
    layer = dict(layer)
    for node, readers in far:
        first = layer[readers[0]]
        for reader in readers:
            if layer[reader] - first <= span:
                continue  # near the original: keep the real edge
            copy = f"{node}@{reader}"
            graph.add_node(copy, **graph.nodes[node], copy_of=node)
            graph.add_edge(copy, reader, **graph.edges[node, reader])
            graph.remove_edge(node, reader)
            layer[copy] = layer[reader] - 1
    return graph, layer


def _crossings_between(upper_edges: list[tuple[int, int]], width: int) -> int:
    """Crossings among edges given as (position above, position below): inversions, via a Fenwick tree."""
    if len(upper_edges) < 2:
        return 0
    upper_edges.sort()
    tree = [0] * (width + 1)
    crossings = 0
    for seen, (_, below) in enumerate(upper_edges):
        # count earlier edges that end strictly to the right of this one
        i = below + 1
        not_greater = 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        crossings += seen - not_greater
        i = below + 1
        while i <= width:
            tree[i] += 1
            i += i & -i
    return crossings


def _spread(desired: list[float], weights: list[float], gap: float) -> list[float]:
    """Positions closest (weighted least squares) to the desired ones, in order and at least `gap` apart.

    Subtracting i*gap turns the spacing constraint into "non-decreasing", solved exactly by pooling
    adjacent violators (isotonic regression) in linear time.
    """
    blocks: list[list[float]] = []  # [weighted sum, weight, members]
    for i, (d, w) in enumerate(zip(desired, weights)):
        blocks.append([(d - i * gap) * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight, members = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight
            blocks[-1][2] += members
    out: list[float] = []
    for total, weight, members in blocks:
        out.extend([total / weight] * members)
    return [y + i * gap for i, y in enumerate(out)]


def _mean_x(x: dict[int, float], near: list[int], beyond: list[list[int]]) -> float:
    """Mean position of the neighbours; ends of the graph (inputs, outputs) barely pull, chains do."""
    weights = [1.0 if beyond[j] else 1e-3 for j in near]
    return sum(w * x[j] for w, j in zip(weights, near)) / sum(weights)


def _align(
    order: list[list[int]], up: list[list[int]], down: list[list[int]], gap: float
) -> dict[int, float]:
    """x of every node: start evenly spaced, then pull each node towards its neighbours' mean, in sweeps
    down and up, so chains run straight instead of drifting with the width of each layer."""
    x: dict[int, float] = {}
    for row in order:
        offset = (len(row) - 1) / 2
        for p, i in enumerate(row):
            x[i] = (p - offset) * gap
    for sweep in range(4):
        rows = order if sweep % 2 == 0 else order[::-1]
        towards = up if sweep % 2 == 0 else down
        other = down if sweep % 2 == 0 else up
        for row in rows:
            # a node with no neighbour on this side (an input) follows the other side
            desired = [_mean_x(x, towards[i], towards) if towards[i]
                       else _mean_x(x, other[i], other) if other[i] else x[i] for i in row]
            # nodes inside chains win over the ends of the graph (inputs, outputs), so chains stay straight
            weights = [1.0 if up[i] and down[i] else 1e-3 for i in row]
            for i, v in zip(row, _spread(desired, weights, gap)):
                x[i] = v
    return x


def layered_layout(
    graph: nx.DiGraph,
    *,
    direction: str = "TB",
    sweeps: int = 8,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    roots: Iterable[Hashable] | None = None,
    layer_gap: float = 1.0,
    node_gap: float = 3.0,
    repeat_span: int | None = REPEAT_SPAN,
) -> Layout:
    """Lay a DAG out in layers. direction "TB" puts layer 0 on top, "LR" on the left.

    sweeps=0 keeps the naive order (node ids' natural order within each layer). Graphs bigger than
    max_nodes are cut to the nodes nearest the roots, and the returned Layout carries a notice.
    Inputs read across more than repeat_span layers are repeated next to their later readers: the copies
    are nodes "{id}@{reader}" of Layout.graph with the attribute copy_of={id}.
    """
    if direction not in ("TB", "LR"):
        raise ValueError(f"direction must be 'TB' or 'LR', not {direction!r}")
    hidden = 0
    notice = None
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        graph, hidden = limit_to_nearest(graph, max_nodes, roots)
        shown = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") != "collapsed")
        notice = {lang: t("graph.limited", lang, shown=shown, hidden=hidden) for lang in LANGUAGES}

    layer_by_node = _assign_layers(graph) if graph.number_of_nodes() else {}
    if repeat_span is not None:
        graph, layer_by_node = _repeat_shared_inputs(graph, layer_by_node, repeat_span)
    nodes = sorted(graph.nodes, key=natural_key)
    index = {n: i for i, n in enumerate(nodes)}
    n_real = len(nodes)
    layer = [layer_by_node[n] for n in nodes]
    n_layers = max(layer, default=-1) + 1

    up: list[list[int]] = [[] for _ in range(n_real)]
    down: list[list[int]] = [[] for _ in range(n_real)]
    chains: dict[tuple[Hashable, Hashable], list[int]] = {}
    budget = DUMMY_BUDGET_FACTOR * max(n_real, 1)
    edges = sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1])))
    for u, v in edges:
        a, b = index[u], index[v]
        span = layer[b] - layer[a]
        if span == 1:
            down[a].append(b)
            up[b].append(a)
        elif 1 < span <= budget:
            budget -= span - 1
            chain = [a]
            for k in range(1, span):
                d = len(layer)
                layer.append(layer[a] + k)
                up.append([])
                down.append([])
                chain.append(d)
            chain.append(b)
            for p, q in itertools.pairwise(chain):
                down[p].append(q)
                up[q].append(p)
            chains[(u, v)] = chain[1:-1]
        # else: drawn straight, ignored by the ordering

    total = len(layer)
    order: list[list[int]] = [[] for _ in range(n_layers)]
    for i in range(total):  # real nodes in natural order first, then bend points in creation order
        order[layer[i]].append(i)
    pos = [0] * total
    for row in order:
        for p, i in enumerate(row):
            pos[i] = p

    def crossing_count() -> int:
        count = 0
        for k in range(n_layers - 1):
            pairs = [(pos[i], pos[j]) for i in order[k] for j in down[i]]
            count += _crossings_between(pairs, len(order[k + 1]))
        return count

    naive = crossing_count()
    best = naive
    best_order = [row[:] for row in order]

    def reorder(row: list[int], neighbours: list[list[int]]) -> list[int]:
        def key(i: int):
            near = neighbours[i]
            centre = sum(pos[j] for j in near) / len(near) if near else pos[i]
            return (centre, i)  # i is the natural-order rank for real nodes: deterministic ties

        new_row = sorted(row, key=key)
        for p, i in enumerate(new_row):
            pos[i] = p
        return new_row

    stale = 0
    for _ in range(sweeps):
        if best == 0 or stale >= 2:
            break
        for k in range(1, n_layers):
            order[k] = reorder(order[k], up)
        for k in range(n_layers - 2, -1, -1):
            order[k] = reorder(order[k], down)
        now = crossing_count()
        if now < best:
            best = now
            best_order = [row[:] for row in order]
            stale = 0
        else:
            stale += 1

    order = best_order
    across = _align(order, up, down, node_gap)
    coords: list[tuple[float, float]] = [(0.0, 0.0)] * total
    for k, row in enumerate(order):
        for i in row:
            along = k * layer_gap
            x = round(across[i], 6) + 0.0  # drop float noise (and -0.0) so equal layouts compare equal
            coords[i] = (x, -along) if direction == "TB" else (along, -x)

    positions = {n: coords[index[n]] for n in nodes}
    edge_paths = {}
    for u, v in edges:
        bends = [coords[d] for d in chains.get((u, v), ())]
        edge_paths[(u, v)] = [positions[u], *bends, positions[v]]
    layers = [[nodes[i] for i in row if i < n_real] for row in order]
    return Layout(
        positions=positions,
        layer_of={n: layer_by_node[n] for n in nodes},
        layers=layers,
        edge_paths=edge_paths,
        crossings=best,
        naive_crossings=naive,
        graph=graph,
        hidden=hidden,
        notice=notice,
        direction=direction,
    )
