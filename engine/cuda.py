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
