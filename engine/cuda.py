"""`torch.cuda` as a CPU build of PyTorch has it: no device is available."""

from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Seeds nothing: there is no CUDA generator (PyTorch does the same without a device)."""


manual_seed_all = manual_seed


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.cuda' has no attribute '{name}'")
