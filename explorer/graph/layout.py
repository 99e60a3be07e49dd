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
from collections.abc import Callable, Hashable, Iterable
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
    parts: list = field(default_factory=list)  # Part per separate computation, in the program's order
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, y0, x1, y1 of all that is drawn

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


def _spread(desired: list[float], weights: list[float], seps: list[float]) -> list[float]:
    """Positions closest (weighted least squares) to the desired ones, in order, neighbours i-1 and i at least
    seps[i] apart (seps[0] is unused).

    Subtracting the running sum of the separations turns the spacing constraint into "non-decreasing", solved
    exactly by pooling adjacent violators (isotonic regression) in linear time.
    """
    offsets = list(itertools.accumulate(seps[1:], initial=0.0))
    blocks: list[list[float]] = []  # [weighted sum, weight, members]
    for d, w, off in zip(desired, weights, offsets):
        blocks.append([(d - off) * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight, members = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight
            blocks[-1][2] += members
    out: list[float] = []
    for total, weight, members in blocks:
        out.extend([total / weight] * members)
    return [y + off for y, off in zip(out, offsets)]


def _mean_x(x: dict[int, float], near: list[int], beyond: list[list[int]]) -> float:
    """Mean position of the neighbours; ends of the graph (inputs, outputs) barely pull, chains do."""
    weights = [1.0 if beyond[j] else 1e-3 for j in near]
    return sum(w * x[j] for w, j in zip(weights, near)) / sum(weights)


def _align(
    order: list[list[int]], up: list[list[int]], down: list[list[int]], seps: list[list[float]]
) -> dict[int, float]:
    """x of every node: start packed side by side, then pull each node towards its neighbours' mean, in sweeps
    down and up, so chains run straight instead of drifting with the width of each layer."""
    x: dict[int, float] = {}
    for row, row_seps in zip(order, seps):
        at = list(itertools.accumulate(row_seps[1:], initial=0.0))
        middle = at[-1] / 2 if at else 0.0
        for i, v in zip(row, at):
            x[i] = v - middle
    for sweep in range(4):
        rows = range(len(order)) if sweep % 2 == 0 else range(len(order) - 1, -1, -1)
        towards = up if sweep % 2 == 0 else down
        other = down if sweep % 2 == 0 else up
        for k in rows:
            row = order[k]
            # a node with no neighbour on this side (an input) follows the other side
            desired = [_mean_x(x, towards[i], towards) if towards[i]
                       else _mean_x(x, other[i], other) if other[i] else x[i] for i in row]
            # nodes inside chains win over the ends of the graph (inputs, outputs), so chains stay straight
            weights = [1.0 if up[i] and down[i] else 1e-3 for i in row]
            for i, v in zip(row, _spread(desired, weights, seps[k])):
                x[i] = v
    return x


@dataclass
class Part:
    """One separate computation of a graph (a weakly connected component), drawn on its own."""

    index: int
    nodes: list[Hashable]
    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1 of its nodes with their labels
    title_at: tuple[float, float] | None = None  # top left of its title, when the drawing has several parts


@dataclass
class _Placed:
    """A part laid out on its own: across/along coordinates (along grows with the layers)."""

    graph: nx.DiGraph
    nodes: list[Hashable]
    spots: dict[Hashable, tuple[float, float]]
    bends: dict[tuple[Hashable, Hashable], list[tuple[float, float]]]
    layer_of: dict[Hashable, int]
    layers: list[list[Hashable]]
    crossings: int
    naive: int
    extent: tuple[float, float, float, float]  # across0, along0, across1, along1


ZERO = (0.0, 0.0, 0.0, 0.0)  # a node's (left, right, up, down) room when no sizes are given


def _part_key(nodes) -> tuple:
    """Parts in the order the program made them: by their oldest node ("n7" is the 7th grad_fn made)."""
    seqs = [int(str(n)[1:]) for n in nodes if re.fullmatch(r"n\d+", str(n))]
    return (min(seqs) if seqs else float("inf"), min(natural_key(n) for n in nodes))


def _lay_out_part(graph, *, sweeps, layer_gap, node_gap, repeat_span, room, bend_room) -> _Placed:
    layer_by_node = _assign_layers(graph) if graph.number_of_nodes() else {}
    if repeat_span is not None:
        graph, layer_by_node = _repeat_shared_inputs(graph, layer_by_node, repeat_span)
    nodes = sorted(graph.nodes, key=natural_key)
    index = {n: i for i, n in enumerate(nodes)}
    n_real = len(nodes)
    layer = [layer_by_node[n] for n in nodes]
    n_layers = max(layer, default=-1) + 1
    extents = [room(graph, n) for n in nodes]  # (before, after) across, (before, after) along

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
                extents.append(bend_room)
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
    # neighbours in a layer keep the first one's room after it, a gap, and the second one's room before it
    seps = [[0.0] + [extents[a][1] + node_gap + extents[b][0] for a, b in itertools.pairwise(row)]
            for row in order]
    across = _align(order, up, down, seps)
    depth = []  # along-coordinate of each layer: the rows as tall as their tallest room
    at = 0.0
    for k, row in enumerate(order):
        if k:
            above = max((extents[i][3] for i in order[k - 1]), default=0.0)
            at += above + layer_gap + max((extents[i][2] for i in row), default=0.0)
        depth.append(at)
    spots = [(0.0, 0.0)] * total
    for k, row in enumerate(order):
        for i in row:
            spots[i] = (round(across[i], 6) + 0.0, depth[k])  # drop float noise (and -0.0)
    lows = [spots[i][0] - extents[i][0] for i in range(total)]
    highs = [spots[i][0] + extents[i][1] for i in range(total)]
    tops = [spots[i][1] - extents[i][2] for i in range(total)]
    bottoms = [spots[i][1] + extents[i][3] for i in range(total)]
    extent = (min(lows, default=0.0), min(tops, default=0.0), max(highs, default=0.0),
              max(bottoms, default=0.0))
    return _Placed(
        graph=graph, nodes=nodes, spots={n: spots[index[n]] for n in nodes},
        bends={e: [spots[d] for d in chain] for e, chain in chains.items()},
        layer_of={n: layer_by_node[n] for n in nodes},
        layers=[[nodes[i] for i in row if i < n_real] for row in order],
        crossings=best, naive=naive, extent=extent)


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
    box: Callable[[nx.DiGraph, Hashable], tuple[float, float, float, float]] | None = None,
    bend_width: float = 0.0,
    parts: bool = False,
    part_title: Callable[[nx.DiGraph, list], tuple[float, float]] | None = None,
    part_gap: float = 0.0,
    max_width: float | None = None,
) -> Layout:
    """Lay a DAG out in layers. direction "TB" puts layer 0 on top, "LR" on the left.

    sweeps=0 keeps the naive order (node ids' natural order within each layer). Graphs bigger than
    max_nodes are cut to the nodes nearest the roots, and the returned Layout carries a notice.
    Inputs read across more than repeat_span layers are repeated next to their later readers: the copies
    are nodes "{id}@{reader}" of Layout.graph with the attribute copy_of={id}.

    Sizes: box(graph, node) gives the room a node takes around its anchor, (left, right, up, down) in the
    drawing's units (pixels for the app); neighbours in a layer are node_gap apart beyond their rooms, layers
    layer_gap apart beyond their tallest rooms, and an edge's bend points take bend_width. Without box every
    node is a point, so nodes are node_gap apart and layers layer_gap apart.

    parts=True lays out each weakly connected component (a separate computation) on its own and places
    them in rows at most max_width wide, part_gap apart, in the order the program made them, each with room
    for a title above it of part_title(graph, nodes) = (width, height) when there are several.
    """
    if direction not in ("TB", "LR"):
        raise ValueError(f"direction must be 'TB' or 'LR', not {direction!r}")
    hidden = 0
    notice = None
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        graph, hidden = limit_to_nearest(graph, max_nodes, roots)
        shown = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") != "collapsed")
        notice = {lang: t("graph.limited", lang, shown=shown, hidden=hidden) for lang in LANGUAGES}

    def room(g, n):
        left, right, upward, downward = box(g, n) if box is not None else ZERO
        # (before, after) across the layers, then (before, after) along them
        return (left, right, upward, downward) if direction == "TB" else (upward, downward, left, right)

    bend_room = (bend_width / 2, bend_width / 2, 0.0, 0.0)
    if parts:
        groups = sorted((sorted(c, key=natural_key) for c in nx.weakly_connected_components(graph)), key=_part_key)
    else:
        groups = [list(graph.nodes)]
    placed = [_lay_out_part(graph.subgraph(g).copy() if parts else graph, sweeps=sweeps, layer_gap=layer_gap,
                            node_gap=node_gap, repeat_span=repeat_span, room=room, bend_room=bend_room)
              for g in groups if g]
    titled = parts and part_title is not None and len(placed) > 1

    def to_xy(spot):
        a, b = spot
        return (a, -b) if direction == "TB" else (b, -a)

    positions: dict = {}
    edge_paths: dict = {}
    layer_of: dict = {}
    layers: list[list] = []
    shown_graph = nx.DiGraph() if parts else placed[0].graph if placed else graph
    if parts:
        shown_graph.graph.update(graph.graph)
    out_parts: list[Part] = []
    # rows of parts, left to right, top to bottom: (x where the next part goes, top of the row, row's height)
    x_at, row_top, row_height = 0.0, 0.0, 0.0
    for k, p in enumerate(placed):
        a0, b0, a1, b1 = p.extent
        corners = [to_xy((a0, b0)), to_xy((a1, b1))]
        x0, x1 = min(c[0] for c in corners), max(c[0] for c in corners)
        y0, y1 = min(c[1] for c in corners), max(c[1] for c in corners)
        title_w, title_h = part_title(p.graph, p.nodes) if titled else (0.0, 0.0)
        width, height = max(x1 - x0, title_w), (y1 - y0) + title_h
        if k and max_width is not None and x_at + width > max_width and x_at > 0:
            row_top -= row_height + part_gap
            x_at, row_height = 0.0, 0.0
        dx, dy = x_at - x0, row_top - title_h - y1
        for n, spot in p.spots.items():
            x, y = to_xy(spot)
            positions[n] = (round(x + dx, 6) + 0.0, round(y + dy, 6) + 0.0)
        for u, v in sorted(p.graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1]))):
            bends = [to_xy(b) for b in p.bends.get((u, v), ())]
            edge_paths[(u, v)] = [positions[u], *[(round(x + dx, 6) + 0.0, round(y + dy, 6) + 0.0)
                                                  for x, y in bends], positions[v]]
        layer_of.update(p.layer_of)
        for depth, row in enumerate(p.layers):
            while len(layers) <= depth:
                layers.append([])
            layers[depth].extend(row)
        if parts:
            shown_graph.add_nodes_from(p.graph.nodes(data=True))
            shown_graph.add_edges_from(p.graph.edges(data=True))
        out_parts.append(Part(index=k, nodes=p.nodes, bounds=(x0 + dx, y0 + dy, x1 + dx, y1 + dy),
                              title_at=(x_at, row_top) if titled else None))
        x_at += width + part_gap
        row_height = max(row_height, height)
    xs = [b for part in out_parts for b in (part.bounds[0], part.bounds[2])]
    ys = [b for part in out_parts for b in (part.bounds[1], part.bounds[3])]
    if titled:
        xs.extend(part.title_at[0] + (part_title(shown_graph, part.nodes)[0]) for part in out_parts)
        ys.extend(part.title_at[1] for part in out_parts)
    bounds = (min(xs, default=0.0), min(ys, default=0.0), max(xs, default=0.0), max(ys, default=0.0))
    return Layout(
        positions=positions,
        layer_of=layer_of,
        layers=layers,
        edge_paths=edge_paths,
        crossings=sum(p.crossings for p in placed),
        naive_crossings=sum(p.naive for p in placed),
        graph=shown_graph,
        hidden=hidden,
        notice=notice,
        direction=direction,
        parts=out_parts,
        bounds=bounds,
    )
