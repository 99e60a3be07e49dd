"""The engine's modules import only downward, layer by layer, and never in a circle.

    0  dtypes, numerics, grad_mode, printing, random,  plain numpy: PyTorch's types, rounding, printing, generator,
       return_types                                 the named (values, indices) pairs
    1  tensor, node, apply                              the tensor, the graph node, the one apply
    2  ops                                              the op registry: forwards and derivatives
    3  backward_pass, backward_trace, graph             the one backward loop, its record, graph exports
    4  functions, tensor_methods, creation, legacy, cuda, autograd, nn, optim   PyTorch's API
    5  engine (the package)

An import of a higher layer, anywhere in a module (inside a function too), fails this test; so does a cycle
among modules of one layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"
LAYERS = {
    "dtypes": 0, "numerics": 0, "grad_mode": 0, "printing": 0, "random": 0, "return_types": 0,
    "tensor": 1, "node": 1, "apply": 1,
    "ops": 2,
    "backward_pass": 3, "backward_trace": 3, "graph": 3,
    "functions": 4, "tensor_methods": 4, "creation": 4, "legacy": 4, "cuda": 4, "utils": 4, "autograd": 4, "nn": 4,
    "optim": 4,
    "": 5,
}


def _module_name(path: Path) -> str:
    """'ops.arithmetic' for engine/ops/arithmetic.py, 'ops' for engine/ops/__init__.py, '' for the package."""
    parts = list(path.relative_to(ENGINE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def _imports(path: Path) -> set[str]:
    """The engine modules a file imports, as dotted names relative to the package."""
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if path == ENGINE / "__init__.py":
        package = []
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and (node.module == "engine" or node.module.startswith("engine.")):
                    base = node.module.split(".")[1:]
                else:
                    continue
            else:
                base = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            for alias in node.names:  # `from . import x` may name a module
                candidate = ".".join([*base, alias.name])
                found.add(candidate if _exists(candidate) else ".".join(base))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "engine" or alias.name.startswith("engine."):
                    found.add(".".join(alias.name.split(".")[1:]))
    return {m for m in found if m != module}


def _exists(module: str) -> bool:
    path = ENGINE.joinpath(*module.split(".")) if module else ENGINE
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


SOURCES = sorted(ENGINE.rglob("*.py"))


def test_every_engine_module_has_a_layer():
    for path in SOURCES:
        assert _module_name(path).split(".")[0] in LAYERS, f"{path}: add it to a layer in this test"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ENGINE)))
def test_imports_go_down_the_layers(path):
    module = _module_name(path)
    for imported in _imports(path):
        assert _layer(imported) <= _layer(module), \
            f"engine.{module} (layer {_layer(module)}) imports engine.{imported} (layer {_layer(imported)})"


def test_no_import_cycles():
    graph = {_module_name(path): _imports(path) for path in SOURCES}

    def visit(module, trail):
        if module in trail:
            cycle = [*trail[trail.index(module):], module]
            pytest.fail("import cycle: " + " -> ".join(f"engine.{m}" for m in cycle))
        for imported in graph.get(module, ()):
            # a package's __init__ importing its own submodules is the package being assembled, not a cycle
            if imported.startswith(module + ".") or (module and imported == module.rsplit(".", 1)[0]
                                                       and module.startswith(imported + ".")):
                continue
            visit(imported, [*trail, module])

    for module in graph:
        visit(module, [])
