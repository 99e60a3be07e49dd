"""`torch.utils.data`: Dataset, TensorDataset, DataLoader (batches, shuffled as PyTorch shuffles them, so the
same seed gives the same batches) and random_split."""

from __future__ import annotations

import numpy as np

from .. import random as engine_random
from ..creation import tensor as _tensor
from ..functions import stack
from ..tensor import Tensor, wrap


class Dataset:
    """A sequence of samples: subclasses give `__getitem__` (and `__len__`)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the tensors' rows: dataset[i] is (t1[i], t2[i], ...)."""

    def __init__(self, *tensors: Tensor):
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)

    def __getitem__(self, index: int):
        if index < 0:
            index += len(self)
        for d in self.datasets:
            if index < len(d):
                return d[index]
            index -= len(d)
        raise IndexError("index out of range")


class Subset(Dataset):
    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def _shuffled(n: int, generator) -> list:
    """PyTorch's RandomSampler: without a generator, a new one seeded from a draw of the default one."""
    if generator is None:
        seed = int(engine_random.default_generator.random64(1)[0]) % (1 << 63)
        generator = engine_random.Generator()
        generator.manual_seed(seed)
    return generator.randperm(n).tolist()


def default_collate(batch):
    """Samples into a batch: tensors stacked, numbers into a tensor, tuples and dicts field by field."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, (bool, int, float, np.number)):
        return _tensor(list(batch))
    if isinstance(first, np.ndarray):
        return wrap(np.stack(batch))
    if isinstance(first, dict):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        return [default_collate(list(field)) for field in zip(*batch)]
    if isinstance(first, str):
        return list(batch)
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found "
                    f"{type(first)}")


class DataLoader:
    """Batches of a dataset, in order or shuffled (each pass through the loader reshuffles)."""

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool = False, sampler=None, batch_sampler=None,
                 num_workers: int = 0, collate_fn=None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn=None, generator=None, **_ignored):
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.collate_fn = collate_fn or default_collate
        self.generator = generator
        self.sampler = sampler

    def _order(self) -> list:
        if self.sampler is not None:
            return list(self.sampler)
        n = len(self.dataset)
        return _shuffled(n, self.generator) if self.shuffle else list(range(n))

    def __iter__(self):
        # PyTorch's iterator draws a base seed for its workers first (from the loader's generator), whatever
        # the number of workers: the shuffle then comes from the draw after it
        (self.generator or engine_random.default_generator).random64(1)
        order = self._order()
        if self.batch_size is None:
            for i in order:
                yield self.dataset[i]
            return
        for start in range(0, len(order), self.batch_size):
            indices = order[start:start + self.batch_size]
            if self.drop_last and len(indices) < self.batch_size:
                return
            yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def random_split(dataset, lengths, generator=None) -> list:
    """Subsets of the given lengths (or fractions) of a random permutation."""
    n = len(dataset)
    if all(0 <= x <= 1 for x in lengths) and abs(sum(lengths) - 1) < 1e-9 and sum(lengths) != n:
        sizes = [int(np.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    gen = generator or engine_random.default_generator
    perm = gen.randperm(n).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + length]))
        start += length
    return out


__all__ = ["ConcatDataset", "DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.utils.data' has no attribute '{name}'")
