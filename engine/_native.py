"""Which of the engine's modules run compiled.

`pip install .` (or `-e .`) compiles the engine's hot modules with Cython where a C compiler is present
(setup.py): the same Python source, run as C, without the interpreter's per-bytecode work (measured: the
seed BCE step 40 -> 27 us, the descent demo 4.2 -> 2.3 ms). The Python files stay the source of truth and
the fallback: every compiled module is used only while its source is byte for byte what was compiled, so an
edited file runs as Python at once (until the next install compiles it again) and no stale build can shadow
it. `ENGINE_PURE_PYTHON=1` runs everything as Python.

Two more things compile: the .pxd files beside some modules (declarations Cython reads: Node and Tensor's
fields as extension types, C calls between a module's helpers; part of their module's digest), and the C
kernels of engine/_kernels.pyx, which replay a few exact numpy paths in one loop (`kernels()`: None unless
compiled and current, and the callers then run the numpy code).

This module must stay pure Python: engine/__init__.py imports it before any module that may be compiled.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
STAMP = ROOT / "_native_build.json"  # written by setup.py's build_ext: {"modules": {name: sha256}, ...}

# The modules setup.py compiles (dotted names under engine): the ones every op, node and backward pass runs
# through. Package __init__ files, printing, the trace recorder and graph export stay Python (cold paths).
MODULES = (
    "engine.autograd.execution",
    "engine.creation",
    "engine.dtypes",
    "engine.functions",
    "engine.grad_mode",
    "engine.nn.functional",
    "engine.nodes",
    "engine.ops",
    "engine.tensor",
    "engine.tensor_methods",
    "engine.vjp_math",
)


# C loops for the exact small-tensor paths (engine/_kernels.pyx): written in Cython only, so there is no Python
# file to fall back on; without them the engine runs the numpy code each kernel replays (see `kernels()`).
KERNELS = "engine._kernels"
BUILT = (*MODULES, KERNELS)  # everything setup.py compiles


def source_path(module: str) -> Path:
    return ROOT.parent.joinpath(*module.split(".")).with_suffix(".pyx" if module == KERNELS else ".py")


def digest(path: Path) -> str:
    """The source's sha256, with its .pxd beside it where there is one: the .pxd files declare which of a
    module's functions compile to C calls and which locals hold nodes (Node compiles to an extension type),
    so editing one makes the compiled module stale too."""
    content = path.read_bytes()
    pxd = path.with_suffix(".pxd")
    if path.suffix == ".py" and pxd.exists():
        content += b"\0" + pxd.read_bytes()
    return hashlib.sha256(content).hexdigest()


def _compiled_path(module: str) -> Path | None:
    base = source_path(module).with_suffix("")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate
    return None


def _check() -> tuple[tuple[str, ...], str]:
    """(modules that may load compiled, why the others may not)."""
    if os.environ.get("ENGINE_PURE_PYTHON", "") not in ("", "0"):
        return (), "ENGINE_PURE_PYTHON is set"
    try:
        built = json.loads(STAMP.read_text(encoding="utf-8"))["modules"]
    except (OSError, ValueError, KeyError, TypeError):
        return (), "not compiled (pip install . compiles it where a C compiler is present)"
    usable, stale = [], []
    for module in BUILT:
        if module not in built or _compiled_path(module) is None:
            continue
        try:
            same = digest(source_path(module)) == built[module]
        except OSError:
            same = False
        (usable if same else stale).append(module)
    why = ""
    if stale:
        why = f"edited since compiled, run as Python until the next install: {', '.join(stale)}"
    elif len(usable) < len(BUILT):
        why = "some modules did not compile"
    return tuple(usable), why


class _SourceFirst:
    """A meta path finder that loads the listed engine modules from their .py files, so a compiled file next
    to them (stale, or refused by ENGINE_PURE_PYTHON) is never picked by the normal import order."""

    def __init__(self, modules):
        self.modules = frozenset(modules)

    def find_spec(self, name, path=None, target=None):
        if name not in self.modules:
            return None
        return importlib.util.spec_from_file_location(name, source_path(name))


COMPILED, WHY_NOT = _check()
if not set(MODULES) <= set(COMPILED):
    sys.meta_path.insert(0, _SourceFirst(set(MODULES) - set(COMPILED)))


def kernels():
    """The compiled `engine._kernels` module, or None where it is not compiled, is stale, or
    ENGINE_PURE_PYTHON is set (the callers then run the numpy code it replays)."""
    if KERNELS not in COMPILED:
        return None
    try:
        return importlib.import_module(KERNELS)
    except ImportError:
        return None


def status() -> str:
    """One line for benchmarks and bug reports: how the engine runs in this process."""
    n = sum(1 for m in MODULES if not str(getattr(sys.modules.get(m), "__file__", ".py")).endswith(".py"))
    text = f"engine: {n} of {len(MODULES)} hot modules compiled, C kernels {'on' if kernels() else 'off'}"
    return f"{text} ({WHY_NOT})" if WHY_NOT else text
