"""Moved to `explorer.sandbox.notebook`. Kept only because tests/engine/test_seeds_engine.py imports it from
here and the engine's tests are edited on the engine's branch; remove once that import moves."""

from explorer.sandbox.notebook import OUTPUT_LINE, markdown_cells, notebook_cells

__all__ = ["OUTPUT_LINE", "markdown_cells", "notebook_cells"]
