"""`engine.nn`: only `functional` (the lessons use no modules)."""

from . import functional

__all__ = ["functional"]
