"""The compiled engine (setup.py, engine/_native.py): used only while its sources are unchanged, and the
pure-Python engine it falls back to gives the same results."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import _native

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, cwd: Path, **env) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=120, check=True)
    return out.stdout


def _edited_copy(tmp_path: Path, relative: str, addition: str) -> Path:
    """A copy of the engine package whose file `relative` (under engine/) has `addition` appended."""
    shutil.copytree(ROOT / "engine", tmp_path / "engine")
    edited = tmp_path / "engine" / relative
    assert edited.exists()
    edited.write_text(edited.read_text(encoding="utf-8") + addition, encoding="utf-8")
    return tmp_path


def test_status_names_what_runs_compiled():
    text = _native.status()
    assert text.startswith("engine: ")
    assert f"of {len(_native.MODULES)} hot modules compiled" in text
    for module in _native.MODULES:
        assert module in sys.modules, f"{module} is listed as hot but engine does not import it"
        assert _native.source_path(module).exists()


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI's own install is known to have a compiler")
def test_ci_runs_the_compiled_engine():
    # CI installs with `pip install -e .`, which compiles: the suite must exercise the compiled modules
    assert _native.BUILT == _native.COMPILED, _native.status()
    assert not sys.modules["engine.tensor"].__file__.endswith(".py")
    assert _native.kernels() is not None


def test_pure_python_switch():
    out = _run("import engine, sys; print(engine._native.status()); print(sys.modules['engine.tensor'].__file__)",
               ROOT, ENGINE_PURE_PYTHON="1")
    status, tensor_file = out.splitlines()
    assert status == (f"engine: 0 of {len(_native.MODULES)} hot modules compiled, C kernels off "
                      "(ENGINE_PURE_PYTHON is set)")
    assert tensor_file.endswith("tensor.py")


@pytest.mark.skipif("engine.autograd.execution" not in _native.COMPILED, reason="the engine is not compiled here")
def test_an_edited_declaration_file_makes_its_module_stale(tmp_path):
    # a .pxd changes what its module compiles to, so it is part of the module's digest
    copy = _edited_copy(tmp_path, "autograd/execution.pxd", "\n# edited\n")
    out = _run("import engine, sys\n"
               "print(engine._native.status())\n"
               "print(sys.modules['engine.autograd.execution'].__file__)", copy)
    status, execution_file = out.splitlines()
    assert "edited since compiled" in status and "engine.autograd.execution" in status
    assert execution_file.endswith("execution.py")


@pytest.mark.skipif(_native.kernels() is None, reason="the C kernels are not compiled here")
def test_edited_kernels_are_not_used(tmp_path):
    # the kernels have no Python file to fall back on: edited since compiled, they are off and the engine runs
    # the numpy code they replay
    copy = _edited_copy(tmp_path, "_kernels.pyx", "\n# edited\n")
    out = _run("import engine, sys\n"
               "print(engine._native.status())\n"
               "print(engine._native.kernels(), 'engine._kernels' in sys.modules, engine.ops._K)\n"
               "print(engine.tensor([0.5, 1.5, 2.5]).sigmoid().sum())",
               copy)
    status, kernels, total = out.splitlines()
    assert "C kernels off" in status and "engine._kernels" in status
    assert kernels == "None False None"
    assert total == "tensor(2.3642)"


@pytest.mark.skipif(not _native.COMPILED, reason="the engine is not compiled here")
def test_an_edited_module_runs_as_python(tmp_path):
    # a copy of the package with one compiled module's source edited: that module loads from its .py (a stale
    # build never shadows an edit), the others stay compiled
    copy = _edited_copy(tmp_path, "vjp_math.py", "\nEDITED = True\n")
    out = _run("import engine, sys\n"
               "print(engine._native.status())\n"
               "print(sys.modules['engine.vjp_math'].__file__, sys.modules['engine.vjp_math'].EDITED)\n"
               "print(sys.modules['engine.tensor'].__file__)\n"
               "x = engine.tensor([1.0, 2.0], requires_grad=True); (x * x).sum().backward(); print(x.grad)",
               copy)
    status, vjp_line, tensor_line, grad = out.splitlines()
    assert "engine.vjp_math" in status and "edited since compiled" in status
    assert vjp_line.endswith("vjp_math.py True")
    assert not tensor_line.endswith(".py")
    assert grad == "tensor([2., 4.])"


@pytest.mark.slow
@pytest.mark.skipif(not _native.COMPILED, reason="the engine is not compiled here: the suite already ran it as Python")
def test_pure_python_engine_passes_the_records_and_seeds():
    # the suite runs the compiled engine; the fallback must give the very same text and errors
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "tests/engine/test_oracle_records.py", "tests/engine/test_seeds_engine.py", "tests/engine/test_fast_paths.py"],
        cwd=ROOT, env={**os.environ, "ENGINE_PURE_PYTHON": "1"}, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " passed" in out.stdout
