"""Our layered layout against Graphviz's `dot` (PyPI `pygraphviz`, through NetworkX's `nx_agraph`): quality on
every lesson's graphs, laid out with the labels' real sizes, and time on loop-built graphs of about 100, 1,000
and 2,000 nodes, with the time to build the figure.

Run: python benchmarks/layout_bench.py   (dot's columns need `pip install pygraphviz`, which is not one of the
project's dependencies; without it they read "-"). Nothing is asserted.

Quality, per lesson graph: overlaps (pairs of node rooms, marker plus label, that overlap: a label over another),
crossings (pairs of edge segments that cross, each layout's own edge geometry: our bend points, dot's spline
control points), the drawing's width x height in pixels, and whether an edge points upwards.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.graph.figures import graph_figure
from explorer.graph.labels import node_box
from explorer.graph.run_layout import LAYER_GAP, NODE_GAP, graph_layout
from explorer.graph.shown import one_node_per_tensor

try:
    import pygraphviz  # noqa: F401
    from networkx.drawing import nx_agraph
except ImportError:  # dot is optional: the project installs without it
    nx_agraph = None

DPI = 72.0  # Graphviz's points per inch: sizes in pixels are given to dot in inches


def loop_graph(nodes: int) -> nx.DiGraph:
    """A forward export of `for k in range(steps): x = x * w + b`: w and b are read by every step."""
    g = nx.DiGraph()
    g.add_node("t0", kind="leaf", name="w", shape=(), dtype="torch.float32")
    g.add_node("t1", kind="leaf", name="b", shape=(), dtype="torch.float32")
    g.add_node("t2", kind="constant", name="x", shape=(), dtype="torch.float32")
    current, tid, seq = "t2", 3, 0
    while g.number_of_nodes() + 4 <= nodes:
        mul, add, mid, out = f"n{seq}", f"n{seq + 1}", f"t{tid}", f"t{tid + 1}"
        seq, tid = seq + 2, tid + 2
        g.add_node(mul, kind="op", name="MulBackward0")
        g.add_node(add, kind="op", name="AddBackward0")
        g.add_node(mid, kind="intermediate", label="Mul", shape=(), dtype="torch.float32")
        g.add_node(out, kind="intermediate", label="Add", shape=(), dtype="torch.float32")
        g.add_edges_from([(current, mul), ("t0", mul), (mul, mid), (mid, add), ("t1", add), (add, out)])
        current = out
    return g


def wide_graph(nodes: int) -> nx.DiGraph:
    """Many independent terms summed at the end: wide layers, where crossing reduction does most work."""
    g = nx.DiGraph()
    terms = max(1, (nodes - 1) // 3)
    g.add_node("n_sum", kind="op", name="AddBackward0")
    for i in range(terms):
        g.add_node(f"t{3 * i}", kind="leaf", name=f"w{i}", shape=(3,), dtype="torch.float32")
        g.add_node(f"n{2 * i}", kind="op", name="PowBackward0")
        g.add_node(f"t{3 * i + 1}", kind="intermediate", label="Pow", shape=(3,), dtype="torch.float32")
        g.add_edges_from([(f"t{3 * i}", f"n{2 * i}"), (f"n{2 * i}", f"t{3 * i + 1}"),
                          (f"t{3 * i + 1}", "n_sum")])
    return g


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# --- dot ---------------------------------------------------------------------------------------------------


def dot_layout(graph: nx.DiGraph, labelled: bool = True, saved: bool = False):
    """dot's layout of the graph, nodes as big as our rooms: ({node: marker centre}, {edge: polyline}, rooms)."""
    g = nx.DiGraph()
    rooms = {}
    for n in graph:
        box = node_box(graph, n, saved=saved, labelled=labelled)
        rooms[n] = box
        g.add_node(n, shape="box", fixedsize="true", label="", width=(box.left + box.right) / DPI,
                   height=(box.up + box.down) / DPI)
    g.add_edges_from(graph.edges)
    g.graph["graph"] = {"rankdir": "TB", "nodesep": NODE_GAP / DPI, "ranksep": LAYER_GAP / DPI}
    agraph = nx_agraph.to_agraph(g)
    agraph.layout(prog="dot")
    centres, paths = {}, {}
    for n in graph:
        x, y = (float(v) for v in agraph.get_node(n).attr["pos"].split(","))
        box = rooms[n]
        # dot centres the whole room; our anchor is the marker, at the room's left plus its left part
        centres[n] = (x - (box.left + box.right) / 2 + box.left, y + (box.down - box.up) / 2)
    for u, v in graph.edges:
        points = []
        for part in agraph.get_edge(u, v).attr["pos"].split():
            if part.startswith(("e,", "s,")):
                continue
            px, py = (float(c) for c in part.split(","))
            points.append((px, py))
        paths[(u, v)] = [centres[u], *points[1:-1], centres[v]] if len(points) > 2 else [centres[u], centres[v]]
    return centres, paths, rooms


# --- quality -------------------------------------------------------------------------------------------------


def overlaps(centres: dict, rooms: dict) -> int:
    boxes = [(x - rooms[n].left, y - rooms[n].down, x + rooms[n].right, y + rooms[n].up)
             for n, (x, y) in centres.items()]
    return sum(1 for p, q in itertools.combinations(boxes, 2)
               if min(p[2], q[2]) - max(p[0], q[0]) > 0.5 and min(p[3], q[3]) - max(p[1], q[1]) > 0.5)


def crossings(paths: dict) -> int:
    segments = [(e, s) for e, path in paths.items() for s in itertools.pairwise(path)]

    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)

    count = 0
    for (e, (p1, p2)), (f, (q1, q2)) in itertools.combinations(segments, 2):
        if e == f or set(e) & set(f):
            continue  # segments of one edge, or of edges that share a node, meet by design
        if orient(p1, p2, q1) * orient(p1, p2, q2) < 0 and orient(q1, q2, p1) * orient(q1, q2, p2) < 0:
            count += 1
    return count


def size_of(centres: dict, rooms: dict) -> tuple[float, float]:
    xs = [x - rooms[n].left for n, (x, _) in centres.items()] + [x + rooms[n].right for n, (x, _) in centres.items()]
    ys = [y - rooms[n].down for n, (_, y) in centres.items()] + [y + rooms[n].up for n, (_, y) in centres.items()]
    return max(xs) - min(xs), max(ys) - min(ys)


def upward(centres: dict, graph: nx.DiGraph) -> int:
    return sum(1 for u, v in graph.edges if centres[u][1] <= centres[v][1])


def lesson_graphs():
    from explorer.lessons import LESSONS
    from explorer.sandbox import run_program

    seeds = Path(__file__).resolve().parents[1] / "tests" / "seeds"
    programs = [(lesson.key, lesson.code) for lesson in LESSONS]
    programs += [(f"seed_{p.name[:3]}", p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    for key, code in programs:
        result = run_program(code, isolated=False)
        for view, graph in (("fwd", result.forward_graph), ("bwd", result.backward_graph)):
            if graph is not None and graph.number_of_nodes():
                yield f"{key} {view}", graph


def quality() -> None:
    print("Quality on the lessons' graphs (overlaps: node rooms that overlap; cross: crossing edge segments; "
          "size: px)")
    print(f"{'graph':<28} {'nodes':>5} | {'ours: overlaps':>14} {'cross':>5} {'size':>11} {'up':>3} | "
          f"{'dot: overlaps':>13} {'cross':>5} {'size':>11} {'up':>3}")
    totals = [0, 0, 0, 0]
    for name, raw in lesson_graphs():
        saved = name.endswith("bwd")
        layout = graph_layout(raw)
        graph = layout.graph
        ours = {n: layout.positions[n] for n in graph}
        rooms = {n: node_box(graph, n, saved=saved) for n in graph}
        w, h = size_of(ours, rooms)
        row = (f"{name:<28} {graph.number_of_nodes():>5} | {overlaps(ours, rooms):>14} "
               f"{crossings(layout.edge_paths):>5} {w:>5.0f}x{h:<5.0f} {upward(ours, graph):>3} | ")
        totals[0] += overlaps(ours, rooms)
        totals[1] += crossings(layout.edge_paths)
        if nx_agraph is not None:
            plain = one_node_per_tensor(raw) if not saved else raw
            centres, paths, dot_rooms = dot_layout(plain, saved=saved)
            dw, dh = size_of(centres, dot_rooms)
            totals[2] += overlaps(centres, dot_rooms)
            totals[3] += crossings(paths)
            row += (f"{overlaps(centres, dot_rooms):>13} {crossings(paths):>5} {dw:>5.0f}x{dh:<5.0f} "
                    f"{upward(centres, plain):>3}")
        else:
            row += f"{'-':>13} {'-':>5} {'-':>11} {'-':>3}"
        print(row)
    print(f"{'total':<28} {'':>5} | {totals[0]:>14} {totals[1]:>5} {'':>11} {'':>3} | "
          f"{totals[2] if nx_agraph else '-':>13} {totals[3] if nx_agraph else '-':>5}")


DOT_TIMEOUT = 60  # s: past this a dot run is stopped and reported as "> 60 s"


def _dot_seconds(kind: str, nodes: int) -> float:
    g = {"loop": loop_graph, "wide": wide_graph}[kind](nodes)
    return best_of(lambda: dot_layout(g, g.number_of_nodes() <= 150), repeats=1)


def dot_time(kind: str, nodes: int) -> str:
    """dot's time in ms, measured in a child process that is stopped after DOT_TIMEOUT."""
    import subprocess

    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import layout_bench; "
            f"print(layout_bench._dot_seconds({kind!r}, {nodes}))")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=DOT_TIMEOUT,
                              check=True)
    except subprocess.TimeoutExpired:
        return f"> {DOT_TIMEOUT} s"
    return f"{float(done.stdout.split()[-1]) * 1000:.0f}"


def speed() -> None:
    graph_figure(loop_graph(20))  # warm-up: plotly's first figure pays for its imports
    print("\nTime (best of 3; figure: building the Plotly figure from the layout)")
    print(f"{'graph':<13} {'nodes':>6} {'edges':>6} {'ours ms':>9} {'figure ms':>10} {'dot ms':>9} "
          f"{'ours+figure of 1 s':>19}")
    for make in (loop_graph, wide_graph):
        for n in (100, 1000, 2000):
            g = make(n)
            ours = best_of(lambda g=g: graph_layout(g))
            layout = graph_layout(g)
            draw = best_of(lambda g=g, layout=layout: graph_figure(g, layout), repeats=1)
            dot = "-" if nx_agraph is None else dot_time(make.__name__[:-6], n)
            print(f"{make.__name__[:-6]:<13} {g.number_of_nodes():>6} {g.number_of_edges():>6} "
                  f"{ours * 1000:>9.1f} {draw * 1000:>10.1f} {dot:>9} {ours + draw:>19.3f}")


def main() -> None:
    quality()
    speed()


if __name__ == "__main__":
    main()
