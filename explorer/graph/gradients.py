"""A backward pass's gradients placed on a graph: what each node received and each edge carried, on the
backward graph (`grad_fn` nodes) or on the forward graph (tensors and ops). Input is the engine's trace
(`engine.backward_trace.BackwardPass`) and graph exports; output is plain arrays keyed by node and edge id.
"""

from __future__ import annotations

import networkx as nx
import numpy as np


def _add(total, g):
    if g is None:
        return total
    g = np.asarray(g)
    return g.copy() if total is None else total + g


def backward_gradients(backward_pass) -> tuple[dict, dict]:
    """(node gradients, edge gradients) on the backward graph: what each node received, each edge carried."""
    nodes: dict = {}
    edges: dict = {}
    for ev in backward_pass.events:
        if ev.kind not in ("run", "accumulate", "capture"):
            continue
        if ev.grad_in:
            nodes[ev.node] = _add(nodes.get(ev.node), ev.grad_in[0])
        for target, g in zip(ev.targets or (), ev.grads_out or ()):
            if target is not None and g is not None:
                edges[(ev.node, target)] = _add(edges.get((ev.node, target)), g)
    return nodes, edges


def forward_gradients(backward_pass, forward: nx.DiGraph) -> tuple[dict, dict]:
    """The same pass seen on the forward graph: gradient of each tensor, and of each tensor→op edge."""
    received: dict = {}  # backward node id -> gradient it received
    sent: dict = {}  # (backward node id, target id) -> gradient
    tensor_node: dict = {}  # tensor id -> backward node that carries its gradient (leaf: AccumulateGrad)
    for ev in backward_pass.events:
        if ev.kind not in ("run", "accumulate", "capture"):
            continue
        if ev.grad_in:
            received[ev.node] = _add(received.get(ev.node), ev.grad_in[0])
        if ev.tensor is not None and ev.kind in ("accumulate", "capture"):
            tensor_node.setdefault(ev.tensor, ev.node)
        for target, g in zip(ev.targets or (), ev.grads_out or ()):
            if target is not None:
                sent[(ev.node, target)] = _add(sent.get((ev.node, target)), g)
    for n, d in backward_pass.graph.nodes(data=True):
        if d.get("kind") == "accumulate" and d.get("tensor"):
            tensor_node.setdefault(d["tensor"], n)
    for u, v in forward.edges:
        # op -> its output tensor: the tensor's gradient is what the op's node received
        if forward.nodes[u].get("kind") == "op" and str(v) not in tensor_node:
            tensor_node[str(v)] = str(u)
    node_grads = {tid: received[b] for tid, b in tensor_node.items() if b in received and tid in forward}
    for n, d in forward.nodes(data=True):
        if d.get("kind") == "op" and n in received:
            node_grads[n] = received[n]
    edge_grads: dict = {}
    for u, v in forward.edges:
        if forward.nodes[v].get("kind") == "op":
            carrier = tensor_node.get(str(u))
            g = sent.get((str(v), carrier)) if carrier is not None else None
        else:
            g = node_grads.get(v)
        if g is not None:
            edge_grads[(u, v)] = g
    return node_grads, edge_grads
