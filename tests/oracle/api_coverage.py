"""Which of PyTorch's public names the engine has, area by area: what a lesson may still reach for and not find.

    python tests/oracle/api_coverage.py          # needs torch==2.13.0 installed (the oracle)
    python tests/oracle/api_coverage.py --all    # list every missing name, not only the counts and a sample

The areas are the ones lessons use: `torch.*` functions, Tensor methods, `torch.nn` layers, `torch.nn.functional`,
`torch.optim`, `torch.autograd`. Names starting with `_` and deprecated or device-specific families (CUDA,
sparse, quantized, complex, distributed, fft, linalg, special) are left out of the comparison.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SKIP_PREFIXES = ("cuda", "sparse", "quantiz", "q_", "fbgemm", "mkldnn", "miopen", "cudnn", "xpu", "mps", "fft",
                 "linalg", "special", "distributed", "complex", "view_as_complex", "view_as_real", "conj", "nested",
                 "segment", "fake_quant", "_", "is_", "set_", "get_", "use_", "rnn_", "lstm", "gru", "conv",
                 "batch_norm", "instance_norm", "group_norm", "layer_norm", "embedding", "ctc", "nuclear", "stft",
                 "istft", "hamming", "hann", "bartlett", "blackman", "kaiser", "fused", "native", "sym_", "export",
                 "compile", "jit", "onnx", "package", "profiler", "hub", "backends", "testing", "utils", "library",
                 "func", "monitor", "masked", "overrides", "storage", "typename", "vmap", "cond", "while_loop",
                 "autocast", "amp", "cpu")


def public(names) -> set[str]:
    return {n for n in names if not n.startswith(SKIP_PREFIXES) and not n.endswith("_copy") and n.islower()}


def main(argv: list[str]) -> int:
    import torch

    import engine

    areas = {
        "torch.*": (public(n for n in dir(torch) if callable(getattr(torch, n, None))), set(dir(engine))),
        "Tensor methods": (public(n for n in dir(torch.Tensor) if not n.startswith("_")), set(dir(engine.Tensor))),
        "torch.nn": ({n for n in dir(torch.nn) if n[:1].isupper()}, set(dir(engine.nn))),
        "torch.nn.functional": (public(dir(torch.nn.functional)), set(dir(engine.nn.functional))),
        "torch.optim": ({n for n in dir(torch.optim) if n[:1].isupper()}, set(dir(engine.optim))),
        "torch.autograd": (public(dir(torch.autograd)), set(dir(engine.autograd))),
    }
    for area, (theirs, ours) in areas.items():
        missing = sorted(theirs - ours)
        print(f"{area}: the engine has {len(theirs) - len(missing)} of {len(theirs)}; missing {len(missing)}")
        shown = missing if "--all" in argv else missing[:40]
        print("  " + ", ".join(shown) + (" ..." if len(shown) < len(missing) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
