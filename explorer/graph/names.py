"""Variable names on the engine's graph exports: the names a forward export carries, AccumulateGrad nodes of a
backward export named after their leaf (the engine's export knows only the leaf's id), and the names of a
model's parameters (`model.fc1.weight`), which are bound to no variable of their own."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx


def tensor_names_of(forward: nx.DiGraph) -> dict[str, str]:
    """{tensor id: variable name} from a forward graph export made with names=..."""
    nodes = forward.nodes(data=True)
    return {str(n): d["name"] for n, d in nodes if d.get("name") and str(n).startswith("t")}


def with_tensor_names(graph: nx.DiGraph, names: Mapping[str, str] | None) -> nx.DiGraph:
    """A copy of a backward graph whose AccumulateGrad nodes know their leaf's variable name."""
    if not names:
        return graph
    named = graph.copy()
    for d in named.nodes.values():
        if d.get("kind") == "accumulate" and not d.get("tensor_name") and d.get("tensor") in names:
            d["tensor_name"] = names[d["tensor"]]
    return named


# a model bigger than lessons build keeps its first parameters' names only
MAX_PARAMETER_NAMES = 200


def module_parameter_names(namespace: Mapping[str, object], module_type: type,
                           limit: int = MAX_PARAMETER_NAMES) -> dict[str, object]:
    """{"model.fc1.weight": tensor, ...}: the parameters of every nn.Module bound to a name in `namespace`, named
    by the variable and their path in the model (PyTorch's `named_parameters()`), a parameter shared by two
    models under the first name met."""
    found: dict[str, object] = {}
    seen: set[int] = set()
    for variable, value in namespace.items():
        if not isinstance(value, module_type):
            continue
        for path, parameter in module_type.named_parameters(value):  # the base's walk, not an override's
            if id(parameter) in seen:
                continue
            seen.add(id(parameter))
            found[f"{variable}.{path}"] = parameter
            if len(found) >= limit:
                return found
    return found
