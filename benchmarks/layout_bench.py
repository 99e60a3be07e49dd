"""Time `layered_layout` on loop-built graphs of about 100, 1,000 and 2,000 nodes (and draw time).

Run: python benchmarks/layout_bench.py   Prints milliseconds per layout (best of 3) and the ratio to the
one-second budget; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.graph.figures import graph_figure
from explorer.graph.layout import layered_layout


def loop_graph(nodes: int) -> nx.DiGraph:
    """A forward export of `for k in range(steps): x = x * w + b`: w and b are read by every step."""
    g = nx.DiGraph()
    g.add_node("t0", kind="leaf")
    g.add_node("t1", kind="leaf")
    g.add_node("t2", kind="constant")
    current, tid, seq = "t2", 3, 0
    while g.number_of_nodes() + 4 <= nodes:
        mul, add, mid, out = f"n{seq}", f"n{seq + 1}", f"t{tid}", f"t{tid + 1}"
        seq, tid = seq + 2, tid + 2
        g.add_nodes_from([mul, add], kind="op")
        g.add_nodes_from([mid, out], kind="intermediate")
        g.add_edges_from([(current, mul), ("t0", mul), (mul, mid), (mid, add), ("t1", add), (add, out)])
        current = out
    return g


def wide_graph(nodes: int) -> nx.DiGraph:
    """Many independent terms summed at the end: wide layers, where crossing reduction does most work."""
    g = nx.DiGraph()
    terms = max(1, (nodes - 1) // 3)
    for i in range(terms):
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


def engine_loop_graphs(nodes: int):
    """The same loop run on the engine, exported by engine.graph (forward and backward views)."""
    import engine
    from engine import graph as engine_graph

    w = engine.tensor(0.9, requires_grad=True)
    b = engine.tensor(0.1, requires_grad=True)
    x = engine.tensor(1.0)
    with engine_graph.capture():
        for _ in range(max(1, (nodes - 3) // 4)):
            x = x * w + b
    return (engine_graph.forward_graph(x, names={"w": w, "b": b, "x": x}), engine_graph.backward_graph(x))


def report(label: str, g: nx.DiGraph) -> None:
    seconds = best_of(lambda: layered_layout(g))
    layout = layered_layout(g)
    draw = best_of(lambda: graph_figure(g, layout), repeats=1)
    print(f"{label:<13} {g.number_of_nodes():>6} {g.number_of_edges():>6} "
          f"{seconds * 1000:>10.1f} {seconds:>9.3f} {draw * 1000:>10.1f}")


def main() -> None:
    graph_figure(loop_graph(20))  # warm-up: plotly's first figure pays for its imports
    print(f"{'graph':<13} {'nodes':>6} {'edges':>6} {'layout ms':>10} {'x of 1 s':>9} {'figure ms':>10}")
    for make in (loop_graph, wide_graph):
        for n in (100, 1000, 2000):
            report(make.__name__[:-6], make(n))
    try:
        import engine  # noqa: F401
    except ImportError:
        return
    for n in (100, 1000, 2000):
        forward, _ = engine_loop_graphs(n)
        report("engine fwd", forward)
    for n in (100, 1000, 2000):
        _, backward = engine_loop_graphs(2 * n)  # the backward view has half the nodes per step
        report("engine bwd", backward)


if __name__ == "__main__":
    main()
