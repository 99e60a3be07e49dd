"""What the Playground and Step-through pages show, computed from a sandbox RunResult. No streamlit import.

Pages stay thin: they read state, call these functions (through `st.cache_data`), and draw. Figures are
returned as plain dicts (`fig.to_dict()`), which pickle quickly for the cache and which `st.plotly_chart`
draws as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import numpy as np

from explorer import sandbox
from explorer.graph_figures import (
    backward_gradients,
    forward_gradients,
    graph_figure,
    kind_text,
    node_label,
    tensor_names_of,
    with_tensor_names,
)
from explorer.graph_layout import layered_layout, natural_key
from explorer.sandbox.result import ProgramError, RunResult
from explorer.text import t
from explorer.text.values import shape_text, value_text


def run_program(source: str, overrides: dict[str, bool] | None = None, lang: str = "en",
                isolated: bool = True) -> RunResult:
    """Run a program in the sandbox (a worker process by default) with requires_grad overrides.

    Never raises: whatever the program does ends up in the result's error.
    """
    return sandbox.run_program(source, requires_grad_overrides=dict(overrides or {}), lang=lang,
                               isolated=isolated)


# --- leaves and their requires_grad checkboxes --------------------------------------------------------


@dataclass(frozen=True)
class LeafRow:
    name: str
    line: int
    dtype: str
    requires_grad: bool  # the value the checkbox shows: the override if any, else the program's own
    can_require_grad: bool
    overridden: bool


def leaf_rows(result: RunResult, overrides: dict[str, bool]) -> list[LeafRow]:
    """One row per leaf name (its first binding, where an override applies), in program order."""
    rows: dict[str, LeafRow] = {}
    for leaf in result.leaves:
        if leaf.name in rows:
            continue
        flag = overrides.get(leaf.name, leaf.requires_grad) if leaf.can_require_grad else False
        rows[leaf.name] = LeafRow(leaf.name, leaf.line, leaf.dtype.replace("torch.", ""), bool(flag),
                                  leaf.can_require_grad, leaf.name in overrides)
    return list(rows.values())


def program_flags(result: RunResult) -> dict[str, bool]:
    """requires_grad as the program itself writes it, for each leaf name."""
    flags: dict[str, bool] = {}
    for leaf in result.leaves:
        flags.setdefault(leaf.name, bool(leaf.requires_grad))
    return flags


def toggled(overrides: dict[str, bool], name: str, flag: bool, program_flag: bool | None) -> dict[str, bool]:
    """The overrides after a checkbox click: an override equal to the program's own flag is dropped."""
    out = dict(overrides)
    if program_flag is not None and flag == program_flag:
        out.pop(name, None)
    else:
        out[name] = bool(flag)
    return out


# --- errors next to the editor --------------------------------------------------------------------------


def error_excerpt(source: str, error: ProgramError, context: int = 2) -> str:
    """The lines around the error, numbered, the failing one marked with '>' and a caret under its column."""
    lines = source.split("\n")
    if not lines or error.line < 1:
        return ""
    line = min(error.line, len(lines))
    first = max(1, line - context)
    last = min(len(lines), line + context)
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        mark = ">" if number == line else " "
        out.append(f"{mark} {number:>{width}} | {lines[number - 1]}")
        if number == line:
            col = max(1, min(error.col or 1, len(lines[number - 1]) + 1))
            out.append(" " * (width + 5 + col - 1) + "^")
    return "\n".join(out)


# --- graphs, figures and node details -------------------------------------------------------------------


def graph_of(result: RunResult, view: str) -> nx.DiGraph | None:
    graph = result.backward_graph if view == "backward" else result.forward_graph
    if graph is None or graph.number_of_nodes() == 0:
        return None
    # AccumulateGrad nodes carry the variable name of their leaf, for the figure, details and exports
    return with_tensor_names(graph, result.names) if view == "backward" else graph


def overlay_of(result: RunResult, view: str, graph: nx.DiGraph) -> tuple[dict, dict]:
    """Gradients of the last backward pass, placed on the chosen view: (by node, by edge)."""
    if not result.passes:
        return {}, {}
    last = result.passes[-1]
    if view == "backward":
        nodes, edges = backward_gradients(last)
        return ({n: g for n, g in nodes.items() if n in graph},
                {e: g for e, g in edges.items() if graph.has_edge(*e)})
    return forward_gradients(last, graph)


def graph_figure_dict(result: RunResult, view: str, *, lang: str = "en", theme: str = "light",
                      overlay: bool = True, highlight: str | None = None) -> dict | None:
    """The Playground's graph as a Plotly figure dict, or None when the program built no graph."""
    graph = graph_of(result, view)
    if graph is None:
        return None
    layout = layered_layout(graph)
    node_grads, edge_grads = overlay_of(result, view, graph) if overlay else ({}, {})
    names = tensor_names_of(result.forward_graph) if result.forward_graph is not None else {}
    names = {**names, **{k: v for k, v in result.names.items() if k not in names}}
    highlight = highlight if highlight in graph else None
    fig = graph_figure(graph, layout, lang=lang, theme=theme, highlight=highlight,
                       node_gradients=node_grads, edge_gradients=edge_grads, tensor_names=names)
    return fig.to_dict()


def node_choices(graph: nx.DiGraph | None) -> list[str]:
    """Node ids in a stable order: the options of the node picker next to the graph."""
    if graph is None:
        return []
    return [str(n) for n in sorted(graph.nodes, key=natural_key)]


def node_title(graph: nx.DiGraph, node: str) -> str:
    return node_label(graph, node).replace("<br>", "  ")


def _text(value, lang: str) -> str:
    if value is None:
        return t("detail.none", lang)
    if isinstance(value, np.ndarray) or np.ndim(value) > 0:
        return value_text(np.asarray(value), lang)
    return repr(value)


def node_details(result: RunResult, view: str, node: str, lang: str = "en") -> list[tuple[str, str]]:
    """(label, text) rows for one node: what it is, its value, .grad, grad_fn, formulas and saved values."""
    graph = graph_of(result, view)
    if graph is None or node not in graph:
        return []
    d = graph.nodes[node]
    kind = d.get("kind", "")
    rows = [(t("detail.kind", lang), f"{node_title(graph, node)} — {kind_text(kind, lang)}")]
    if kind in ("op", "function", "accumulate"):
        if kind == "accumulate" and d.get("tensor"):
            owner = d.get("tensor_name") or result.names.get(d["tensor"]) or d["tensor"]
            rows.append((t("detail.tensor", lang), str(owner)))
        if d.get("formula"):
            rows.append((t("detail.formula", lang), d["formula"]))
        if d.get("backward_formulas"):
            rows.append((t("detail.backward", lang), "\n".join(d["backward_formulas"])))
        if d.get("attrs"):
            rows.append((t("detail.attrs", lang), ", ".join(f"{k}={v!r}" for k, v in d["attrs"].items())))
        if d.get("released"):
            rows.append((t("detail.saved", lang), t("detail.released", lang)))
        elif d.get("saved"):
            rows.append((t("detail.saved", lang),
                         "\n".join(f"{k} = {_text(v, lang)}" for k, v in d["saved"].items())))
    elif kind != "none":
        if d.get("shape") is not None:
            rows.append((t("detail.shape", lang), f"{shape_text(d['shape'])}, {d.get('dtype', '')}"))
        if "requires_grad" in d:
            rows.append((t("detail.requires_grad", lang), str(bool(d["requires_grad"]))))
        if "value" in d:
            rows.append((t("detail.value", lang), _text(d["value"], lang)))
        if d.get("is_leaf") or d.get("retains_grad"):
            rows.append((t("detail.grad", lang), _text(d.get("grad"), lang)))
        if d.get("grad_fn"):
            rows.append((t("detail.grad_fn", lang), str(d["grad_fn"])))
            op = next((u for u in graph.predecessors(node) if graph.nodes[u].get("kind") == "op"), None)
            if op is not None and graph.nodes[op].get("formula"):
                rows.append((t("detail.formula", lang), graph.nodes[op]["formula"]))
    node_grads, _ = overlay_of(result, view, graph)
    if node_grads.get(node) is not None:
        rows.append((t("detail.gradient_here", lang), _text(node_grads[node], lang)))
    return rows


def selected_node(event, choices: list[str]) -> str | None:
    """The node id a Plotly selection event points at (its first point's customdata), if it is a node."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, (list, tuple)):
            custom = custom[0] if custom else None
        if custom is not None and str(custom) in choices:
            return str(custom)
    return None


# --- backward passes ---------------------------------------------------------------------------------


def pass_label(result: RunResult, index: int, lang: str = "en") -> str:
    p = result.passes[index]
    roots = ", ".join(result.names.get(r, r) for r in p.root_tensors) or "?"
    return t("step.pass_label", lang, k=p.index + 1, kind=p.kind, roots=roots, n=len(p.events))


def pass_until(backward_pass, step: int):
    """The pass as it stands after `step` (0-based): its events up to and including that one."""
    return replace(backward_pass, events=list(backward_pass.events[: step + 1]))


def step_figure_dict(result: RunResult, pass_index: int, step: int, *, lang: str = "en",
                     theme: str = "light") -> dict:
    """The pass's backward graph with the current node ringed and the gradients that have flowed so far."""
    p = result.passes[pass_index]
    layout = layered_layout(p.graph)
    node = p.events[step].node if p.events else None
    nodes, edges = backward_gradients(pass_until(p, step)) if p.events else ({}, {})
    title = t("frame.pass_title", lang, k=p.index + 1, kind=p.kind)
    fig = graph_figure(p.graph, layout, lang=lang, theme=theme, highlight=node, node_gradients=nodes,
                       edge_gradients=edges, tensor_names=result.names, title=title)
    return fig.to_dict()
