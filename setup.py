"""Build: the engine's hot modules compiled with Cython where a C compiler is present (see engine/_native.py),
and its C kernels (engine/_kernels.pyx).

Everything else is in pyproject.toml. A module that fails to compile stays Python, and kernels that fail stay
off, with a warning: the install never fails for want of a compiler, and the engine gives the same results
either way (except sums of more than EXACT_ROUNDING_MAX elements: PyTorch's order compiled, numpy's without).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "engine"))
import _native  # noqa: E402  (engine/_native.py alone, without importing the engine)

sys.path.pop(0)


class BuildNative(build_ext):
    """build_ext that records the source digest of each module it compiled (engine/_native_build.json), and
    leaves a module Python when its compile fails."""

    def finalize_options(self):
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1  # one compiler per core

    def run(self):
        self.built = {}
        super().run()
        stamp = {"modules": self.built}
        try:
            import Cython

            stamp["cython"] = Cython.__version__
        except ImportError:
            pass
        text = json.dumps(stamp, indent=1, sort_keys=True) + "\n"
        targets = {HERE / "engine" / _native.STAMP.name}
        if not self.inplace:
            targets.add(Path(self.build_lib) / "engine" / _native.STAMP.name)
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # any compiler failure: the module stays Python
            self.warn(f"{ext.name} stays Python: {exc}")
            return
        self.built[ext.name] = ext.source_digest


def native_extensions() -> list:
    if os.environ.get("ENGINE_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    extensions = []
    for module in _native.BUILT:
        source = _native.source_path(module)
        # the kernels replay numpy's roundings one operation at a time: no fused multiply-adds
        flags = ["-ffp-contract=off"] if module == _native.KERNELS and os.name != "nt" else []
        ext = Extension(module, [str(source.relative_to(HERE))], extra_compile_args=flags)
        ext.source_digest = _native.digest(source)
        extensions.append(ext)
    compiled = cythonize(extensions, nthreads=os.cpu_count() or 1, quiet=True,
                         compiler_directives={"language_level": "3", "binding": True})
    for ext, original in zip(compiled, extensions):
        ext.source_digest = original.source_digest
    return compiled


setup(ext_modules=native_extensions(), cmdclass={"build_ext": BuildNative})
