"""`torch.utils`: the data utilities lessons load batches with."""

from . import data

__all__ = ["data"]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.utils' has no attribute '{name}'")
