"""engine.random against PyTorch 2.13's CPU generator, bit for bit.

Two parts:
- fixed cases whose values were drawn once from torch 2.13 and are stored below as literals (a few
  as readable numbers, the sweeps as short SHA-256 digests of the exact bytes), so the normal suite
  checks every path without torch: seeds, sizes 1..40 and 100, (5, 3), float32 and float64, streams
  shared by consecutive calls, mixes of rand/randn/normal_/uniform_/randint/randperm/bernoulli_;
- live comparisons against torch (skipped without it) over random seeds, sizes, parameters, memory
  layouts and call sequences, plus the generator state bytes.

Regenerate the literals with ``PYTHONPATH=. python tests/engine/test_random.py --regenerate`` (needs torch).
"""

from __future__ import annotations

import hashlib
import math
import pprint
import sys
import textwrap
from fractions import Fraction

import numpy as np
import pytest

from engine import random as engine_random

FLOAT_DTYPES = {"float32": np.float32, "float64": np.float64}
SWEEP_SEEDS = (0, 1, 42, 2**32 + 7, 67280421310721)
SWEEP_SIZES = (*range(1, 41), 100)

# A program is a seed and a list of steps run on one generator; every step returns an array.
# Steps: ("rand"|"randn", shape, dtype), ("normal_", shape, dtype, mean, std),
# ("uniform_", shape, dtype, low, high), ("randint", low, high, shape), ("randperm", n),
# ("bernoulli_", shape, dtype, p).
MIXED_PROGRAMS = {
    "small_normals_share_the_cached_sine": (0, [
        ("randn", (3,), "float64"), ("randn", (1,), "float64"), ("randn", (1,), "float32"),
        ("randn", (2,), "float32"), ("randn", (5, 3), "float32")]),
    "cache_survives_a_large_normal": (7, [
        ("randn", (1,), "float64"), ("randn", (20,), "float32"), ("randn", (1,), "float64"),
        ("randn", (16,), "float64"), ("randn", (1,), "float32")]),
    "every_kind_in_turn": (123, [
        ("rand", (4,), "float32"), ("randn", (5, 3), "float32"), ("normal_", (7,), "float64", 1.5, 2.5),
        ("uniform_", (9,), "float32", -2.0, 3.0), ("randint", 0, 10, (6,)), ("randperm", 12),
        ("bernoulli_", (10,), "float32", 0.3), ("randn", (33,), "float32"),
        ("normal_", (50,), "float32", -1.0, 0.5), ("normal_", (18,), "float64", 3.0, 0.1),
        ("uniform_", (17,), "float64", -1.0, 1.0), ("rand", (2, 3), "float64")]),
    "wide_integer_ranges": (99, [
        ("randint", -5, 5, (8,)), ("randint", 0, 2**40, (5,)), ("randint", -(2**62), 2**62, (3,)),
        ("randint", 0, 2**28 - 1, (4,)), ("randint", 0, 2**28, (4,)), ("randint", 7, 7 + 2**31, (4,)),
        ("randperm", 1), ("randperm", 0), ("randperm", 31)]),
    "non_unit_parameters": (2024, [
        ("normal_", (5,), "float32", 10.0, 3.0), ("normal_", (16,), "float32", 0.25, 7.0),
        ("normal_", (100,), "float64", -4.0, 0.3), ("uniform_", (40,), "float32", 0.1, 0.2),
        ("uniform_", (40,), "float64", -1e3, 1e3), ("bernoulli_", (30,), "float64", 0.75)]),
    "long_stream_crosses_the_twist": (5, [
        ("rand", (1000,), "float32"), ("randn", (700,), "float32"), ("rand", (300,), "float64"),
        ("randn", (1001,), "float64"), ("randn", (3,), "float64")]),
}


def run_ours(seed: int, steps) -> list[np.ndarray]:
    generator = engine_random.Generator(seed=seed)
    results = []
    for kind, *args in steps:
        if kind in ("rand", "randn"):
            shape, dtype = args
            results.append(getattr(generator, kind)(shape, FLOAT_DTYPES[dtype]))
        elif kind in ("normal_", "uniform_"):
            shape, dtype, a, b = args
            results.append(getattr(generator, kind)(np.empty(shape, FLOAT_DTYPES[dtype]), a, b))
        elif kind == "randint":
            results.append(generator.randint(*args))
        elif kind == "randperm":
            results.append(generator.randperm(*args))
        elif kind == "bernoulli_":
            shape, dtype, p = args
            results.append(generator.bernoulli_(np.empty(shape, FLOAT_DTYPES[dtype]), p))
        else:
            raise ValueError(kind)
    return results


def run_torch(seed: int, steps) -> list[np.ndarray]:
    import torch

    generator = torch.Generator().manual_seed(seed)
    results = []
    for kind, *args in steps:
        if kind in ("rand", "randn"):
            shape, dtype = args
            tensor = getattr(torch, kind)(shape, dtype=getattr(torch, dtype), generator=generator)
        elif kind in ("normal_", "uniform_"):
            shape, dtype, a, b = args
            tensor = getattr(torch.empty(shape, dtype=getattr(torch, dtype)), kind)(a, b, generator=generator)
        elif kind == "randint":
            low, high, shape = args
            tensor = torch.randint(low, high, shape, generator=generator)
        elif kind == "randperm":
            tensor = torch.randperm(args[0], generator=generator)
        elif kind == "bernoulli_":
            shape, dtype, p = args
            tensor = torch.empty(shape, dtype=getattr(torch, dtype)).bernoulli_(p, generator=generator)
        else:
            raise ValueError(kind)
        results.append(tensor.numpy())
    return results


def digest(array: np.ndarray) -> str:
    """10 hex digits of SHA-256 over dtype, shape and exact bytes."""
    array = np.ascontiguousarray(array)
    header = f"{array.dtype.str}{array.shape}".encode()
    return hashlib.sha256(header + array.tobytes()).hexdigest()[:10]


def sweep_steps(kind: str, dtype: str, size: int):
    return [(kind, (size,), dtype)]


def consecutive_steps(kind: str, dtype: str):
    return [(kind, (size,), dtype) for size in SWEEP_SIZES]


# ---------------------------------------------------------------------------------------------------
# Literals drawn from torch 2.13 (CPU, x86-64); regenerate with --regenerate.

# BEGIN GENERATED LITERALS
SEED0_RANDN_5x3 = [[1.5409960746765137, -0.293428897857666, -2.1787893772125244],
 [0.5684312582015991, -1.0845223665237427, -1.3985954523086548],
 [0.40334683656692505, 0.8380263447761536, -0.7192575931549072],
 [-0.40334352850914, -0.5966353416442871, 0.18203648924827576],
 [-0.8566746115684509, 1.1006041765213013, -1.0711873769760132]]
READABLE_PROGRAMS = {'randn_17_float32_tail': (0, [('randn', (17,), 'float32')]),
 'randn_3_then_1_float64_cache': (0, [('randn', (3,), 'float64'), ('randn', (1,), 'float64')]),
 'rand_4_both_dtypes': (0, [('rand', (4,), 'float32'), ('rand', (4,), 'float64')]),
 'normal_16_float64_block': (42, [('normal_', (16,), 'float64', 1.0, 2.0)]),
 'uniform_6_float32': (42, [('uniform_', (6,), 'float32', -3.0, 5.0)]),
 'randint_and_randperm': (42, [('randint', 0, 10, (8,)), ('randperm', 10)]),
 'empty_normal_5': (3, [('normal_', (5,), 'float32', 0.0, 1.0)])}
READABLE_VALUES = {'randn_17_float32_tail': [[-1.1258398294448853, -1.6959311962127686, 0.5666506290435791,
                            0.7935083508491516, 0.5988394618034363, -1.5550950765609741,
                            -0.3413603901863098, 1.85300612449646, 0.46809640526771545,
                            -0.5854975581169128, -0.1733967512845993, 0.18347793817520142,
                            1.3893661499023438, 1.586334228515625, 0.946298360824585,
                            -0.843676745891571, 0.9318265914916992]],
 'randn_3_then_1_float64_cache': [[1.5409961082440433, -0.2934289057609464, -2.1787893820745574],
                                  [0.5684312772806678]],
 'rand_4_both_dtypes': [[0.49625658988952637, 0.7682217955589294, 0.08847743272781372,
                         0.13203048706054688],
                        [0.45938294312745087, 0.9207476841219603, 0.6450241201227648,
                         0.7911478921803037]],
 'normal_16_float64_block': [[1.5991125755005275, 1.4847555816178821, 1.5664147888359063,
                              0.5341155820323473, 2.3423064423846007, 2.563534748509395,
                              -2.5806160100441238, -2.496805602978406, 1.3469528028472202,
                              1.5336862902842747, 1.8570347290866924, 1.4637405777161352,
                              -1.0429142938360894, -0.6545264584762043, 4.468420921834546,
                              -1.984145456700869]],
 'uniform_6_float32': [[4.058154106140137, 4.320031642913818, 0.06291007995605469,
                        4.674445152282715, 0.12358570098876953, 1.8071627616882324]],
 'randint_and_randperm': [[2, 7, 6, 4, 6, 5, 0, 4], [0, 3, 4, 8, 6, 9, 5, 1, 2, 7]],
 'empty_normal_5': [[0.8032760620117188, 0.17483338713645935, 0.08897809684276581,
                     -0.6137180328369141, 0.04618244990706444]]}
SWEEP_DIGESTS = {
    "rand/float32/0": (
        "65981e795f 1dbac2fa04 ba54b85e49 bc9ef3cb4e e30a93160b 1857870253 d7823f2c7d 80da3b80b0 "
        "9aa01247a7 fdc9162f6b 12094aa0e4 fecaac1770 3b602aa1d0 7aa43010bb fe5cef3a2e 7b76eb7957 "
        "fb065834a5 57c083279c ad607d895c bd7b91bf72 cc56a2a4fb 75a1f53383 b5503a5ac4 0ff0a1ace7 "
        "cd8225501a 4b2cdb37ae 6661cd08b8 3f55fdafdb 5744ac18ff dd0d6d037b aef2f7ad9e c3faec2a71 "
        "24ff3f413b b096138517 5e63fb3fe7 f6be645083 9ea9988f5c 83f1399c91 0f8c1f2b6a 6082cfb78e "
        "c6d578b670 "
    ),
    "rand/float32/1": (
        "703e816d92 55507eb8af 30629981e4 22656bd1c9 d0aa2d9c33 2d402d22c0 fabc40a76d 03ae87870d "
        "8b6641f71c a9515d0486 2f45d98b5c 743a238457 1031223951 8df26d780e 4250c2a6b9 657f1189ad "
        "65fadabf63 08fcf82cb2 77ca886559 4903ebcadd a5b8223bca 2a5b42dcc6 ce55fc30ec 8368abee15 "
        "32eca73cad e7d27ad510 983bfbcf9c ea4ab18d43 78e70efeff de3dae36bc 28c41ab275 abad9476a9 "
        "a23f11867b c43b4fad0e 7c237c7bae 7512b38301 9851dbfd90 e38074c993 73cb2bdf63 ce3baef34c "
        "31cd441bcb "
    ),
    "rand/float32/42": (
        "a994d32d3d 252e6f5aff 2b310679d4 d45c21a989 31fdff6166 54ebf53e09 6d49c1f705 db4ed6e245 "
        "fe06314de3 a9639790f9 00a9afee6f 29c925da2b 1d641f079c 78fffa8783 d86afc6fef 331c1f8438 "
        "526150ea2d 7245e5d9a3 62ecd8c2de 6fcd5ef860 d6b7dc3e3e d99322d923 de99c2cd63 18ecd2b467 "
        "e82ed0f471 26f88323fe 4bf3a2ce29 f00fb1a44b 977389f2ae 33aaf4d556 be33ef7db5 21a50ec69e "
        "e79d909a18 dbb0fa13b3 edf3990836 ea87103131 cb7fedb22f bcc3cfd728 4b66cb4533 8cdd0bbdbe "
        "94d9425f7f "
    ),
    "rand/float32/4294967303": (
        "e9426f0d0d 22d0025c44 e30df31822 cad9bf1f7f b71755d1d5 4265d71eb7 9b958165a2 54b4ab6644 "
        "769574c3d1 de08924108 0d1ce5909b 0cd8e0e942 3440096e16 dd4ab415da 1f3815fcb7 f7f3b520df "
        "71c8693e44 b4f8a5e852 9f38c40f89 3ef85f1f10 682a7a8468 4cb51eea07 3298bb7eb2 42218172dc "
        "e2cea71a56 535b62412d 7dd7f0ab9e 72003dfc1f e54d51cd6b 2b31efe424 ce3c5c860c c2beccb033 "
        "a8a2e1e9d1 e9cfd5cafa a7ddb264cb b754295d65 ea2df491da f479da00cd e518206c4d 8af3fff951 "
        "cde3cf4b24 "
    ),
    "rand/float32/67280421310721": (
        "886771259a 838d5a7373 1bc375e2f3 caa0cc2e6f 16e061e687 d33073b549 e340327711 4178cfd0b4 "
        "c4aa644fe3 bbf7417148 6d5215da3c e5f2706a78 fb171b5881 6954b54f56 ba29b6a161 4336807399 "
        "02487306c8 5c7c3e4d27 d744f178a7 6c5c227a40 2ee7fdc076 b8dc18b3db 616b543955 51afaa5c18 "
        "21036dc967 f4db33cc6f 2936652bc0 609852fe7b 5c7381f1c1 73e118bc93 ec694141c4 a184673a98 "
        "1f15619940 b92439a742 62147b42a7 7eb14300ab 097009f91f b59caf23de 8db7c43c58 4f814bacd8 "
        "0e73e40fcf "
    ),
    "rand/float64/0": (
        "9a9e283ac0 a116fd5544 a52f5a7883 f52987c336 299ee4b1ed 6cebf94322 ef59942583 f74d6a1c32 "
        "227dbdc169 68fa08f056 9a2f4b1538 832c3cd8e0 5f34267fdf a052c118d8 38e696865a 4afb8461b1 "
        "6290363d7d c6c1372296 11aba6acc4 cc7e678830 feb1d2f66c 933d5b1165 8f9783cc48 e5618c58ee "
        "72fc659c19 233b23b45e fee2b88aac a7550cd742 7b9aa89a1d e62f91196d 92066e9b31 1b53c23c75 "
        "a098dc40f8 3779b674b0 9e4f92786b 4f3ff073c0 9ae105aabf 4dd568ee25 c79b3616aa b3d6d26ba5 "
        "aadf2a70d7 "
    ),
    "rand/float64/1": (
        "c659be90e7 6a04cd74db fdf64ecc1a 5ff3f16c84 64191b6503 8897d26aad 5f3cba6256 50e725af4d "
        "b92175c97d d4d37d3e36 1d63af8646 9e384b2352 447dece34d cc709deab2 ad6232d2d5 0e5e54cdb1 "
        "9493f92f2a e0135a922a 72a699fec2 6582e2bd93 9a62afde92 643d1e360c 6562615c56 1a1c3a804d "
        "84cfc3ea29 d4c76fa2bf a349b16a1f 15c236b0e0 330b258f23 064f5b24e8 7e6a4abadd 27eeb993f1 "
        "b7bd3226bc c75526602c 096e8c5e11 720bc4c4bf ff4618e24e e078873776 b985ebc6a3 3bd9d00d94 "
        "806091a477 "
    ),
    "rand/float64/42": (
        "8c63bf1a27 da8f8c6007 c4bc9ccfdc 2a17b7ab20 69580fda57 c823c86455 5665f24d5e 1922f1af7b "
        "660207b2de f3b285e277 992b7694b0 12bcf809cd 73db68e195 f30124f634 76079241ae 136ae64f7c "
        "b16b2e7912 2802a52cdc 3d8b6a32e1 32177a98b1 aa9f109807 115c115d72 cc32469cd8 9b4baab67a "
        "b9c7aa7716 ad2bfa91d6 20bd26f95d 47647793cd 48892e4c42 8fe03ecc5c d476f20a88 6766045785 "
        "76c4172b06 660f77b5bf d674db9acd a1ec8626ea 9d6ce70366 e53154b497 9cbe1a20d8 9a4a78eecd "
        "fe6b6ca776 "
    ),
    "rand/float64/4294967303": (
        "2fd2df8d49 220a579e5a 210c7c7c7d e03b5da8fe 3dbde2c1e7 0e472fea41 a5a6c1efe2 bebf28c200 "
        "5f9b732c01 467d0dd502 99ab728a3f c087974b34 f69824de0a 80f3d55db8 357cebac4b 0af1668ea3 "
        "ba14c2ef85 3ca5a3dbfa ae8b41d3d9 bf3a070702 44b07b4f00 21414e57bd 85120f955d 13b9a58818 "
        "98ac5fc51d 2a0c470f6e ae074842fd b89846869c 3204a250eb 1f5a7e2305 fcf7248446 df7ecea335 "
        "ca0b0164c2 7369841ac2 bedde7b562 56b6bbadb4 94a6090983 0630818617 ba618640d7 f8dd1825e4 "
        "a0b3d7acd8 "
    ),
    "rand/float64/67280421310721": (
        "81313184db 759c3ee7b6 02679a76b0 e45f8e3853 926a6bfb38 084ceaa4ee a636ed1491 0e296d6af1 "
        "d1c3d11288 38e1b7b947 f0c90c7447 77a39cf304 36d80efdf1 0fd7631999 da9a5f31c2 c00bd91bd3 "
        "a6861a9970 90015a4fbd 5f1fce610d 07a7c8e822 ac52a8f63d 89aadf1b77 69917122a5 5be1c4c232 "
        "1e184f9474 6976dc252f 36924e8e6e e792cf91fa 5b1ee24333 fba861c669 0142106c40 6bd760d111 "
        "aaa17f481f 22eda870dd dd3e08fd70 b143ce2774 c6b7238058 33cca0300f 1847fc050f 6b425783cf "
        "a51f554167 "
    ),
    "randn/float32/0": (
        "40845e7a0e 06333787de 355c63dfe6 d0ad501bc3 7f3f21a3b5 69d7cd9627 94796967c4 281e523ca2 "
        "eb63676a50 b322adb110 2ecba0e3ca 698bbdc262 1b29523072 c568ef4cdd 7aeb6bef59 7ed21a8854 "
        "e6c3a5377f a2731e8430 f7b44707c4 dfe43cfe41 6c995e08b4 28e961eb09 31c9045bf3 8e37c90611 "
        "f0221ad1ec a684074e13 dbfdd8706d d6f254d3ca ad4c982f6d 7915c1703a 1dedef85c8 cc14b6f055 "
        "bc922903e0 4637b4c97d 9efcd255ee 19d1280f16 1b02539ad3 c1678fe078 097092b8ff 017ad80d0a "
        "80dff22980 "
    ),
    "randn/float32/1": (
        "7f07e6a970 1236b7ad4c 2722592e8c ed78d8e51f 988dcd0861 433bc1f086 a65e2c5261 8cd90fe647 "
        "ab91f6c2ca 8036986daf d0f3723b57 d1bb9f6ee5 2ce443c6ea ebfa3e4fde 5de2e389a0 ff63ec3abd "
        "e14ff41ab9 03702233c6 16e87414df 3f449ed0ed da9b3f815c 25723ccd44 50d7e76c28 1ff9fa5b0b "
        "2e1c6d89b9 65931e8749 958ca2d5c6 880405c636 eb882c3b0c dfd61dd1aa d83d9e3c26 11915457e3 "
        "8da8aac2cb 6b93a0732c 3acebbb5e6 03cb800465 ee45d62880 56eb0bccc3 097968a33e bac5b2d021 "
        "d35a6baf39 "
    ),
    "randn/float32/42": (
        "19c1ccdfbd f9e022292c 56795e4e4d 9d87f1a223 f157f88e53 262a21392b 57181515a6 43852f2ccc "
        "3d71556993 0ff3530f72 09a3e0b5f0 4bd1e7f81c 279de327b8 6a2b9adfb2 34c7f19f51 10ee3cc1e9 "
        "49e9fbdcf3 3a387fe3f3 08163359d6 fea156419f 4ff92a9524 acbba4b49b 2c4aea6ce3 8a150239c7 "
        "2eea6f151a d975efb7c9 f832ee7ac3 628f06eaf2 19b52a1977 c5e22be382 7e5fa3629a cfaa647c07 "
        "6f1902a738 b975b75d9a 1ac9e18515 2d6e0d95b0 caae63de4a 23f426ea53 ec1f475b0b 8272894936 "
        "85e4148adb "
    ),
    "randn/float32/4294967303": (
        "835f0263a7 c441d9db61 81c379508e 8e54252408 8a720e0b97 020163eb49 2da587c9ea aff4e8800e "
        "c1feb56c2d 58b11a0b1c 50fac6d557 cf06caa171 669e7a40b1 4bbdcdff2c 8916be173b 6451db70ef "
        "2a2672d50c c67a4c13fc 052c17de88 5eaf67027d d057be94e0 2ec7e04b70 fa96182fd8 e8d3f96cf0 "
        "b0a200d493 524f919b17 0fc03b04b9 c656190e53 92b70a72ad 052e48c961 c5ad5dba96 9c2f6d7f9b "
        "af1410a9cb c88cf528ef e8f713e78b 6aefa38606 398dd3079d fcd62f928a bef68c352c 20f46956e1 "
        "f0888dcf92 "
    ),
    "randn/float32/67280421310721": (
        "f324f51789 a281647e2b 4728840d6c 7704d8f1a9 59622c1ffb 6e460465a6 2f68a01178 94cf1956b3 "
        "69cd35dc16 8d3c74a0e7 3b678a9964 f58837b8d7 659c990ac2 58f4ba6be5 549770e6c6 6a0cd8ba13 "
        "f5e9d0c93f bc0ebe0562 64c32125a1 95c78db0d1 340ef977f4 e7ae09e09b eee8783aaf 65c3401d6c "
        "054819e547 4864b60a9d a9691fa134 a688804ed2 0f5d63ca5d 892903fa71 629607dbab d99404e968 "
        "1b28bc9029 fecaae9263 88946c10d4 67798d27e8 f4f3346357 b66f067f09 d0c9da5556 935073e405 "
        "cdcac4dc87 "
    ),
    "randn/float64/0": (
        "68092bcd32 9c2be6d54f 0ed5b81cc6 7309acbe4d f144d08898 c897d65a0b 8176059f9c 288dabce24 "
        "52f53fec9b dca4f24ffb a05b6c984b b99e42c007 3fd38d88a1 f749b8b218 b775be8f0f 6c762b1d66 "
        "8ec969c6dc 0f7e09a172 45836dc1e9 23d35bce10 27fe594ee1 d8f87eca8b b74a12fae4 22019d36c4 "
        "8c9320a9a1 f331d37003 9e31a6ce74 a30f1b86a3 e14086917e 22f4e13fe7 ecefd4b585 03487213db "
        "9b04ff16c7 4efb620282 8f50086125 5fd6de2a09 676f83b2ad 16b5f5f5e4 2b870fe490 a4b5c4273c "
        "b27b9aba65 "
    ),
    "randn/float64/1": (
        "beb8f15d07 952e36b0ef c819fd00f5 2c4cd1ad5f 36cffa004d 3b7fce5d93 356f95541c cc347c1da3 "
        "316ec851f3 291fd5d28e 3f6bbc68ec 6fff76e857 597c579a0c fe6c0865d9 1ce91663ba 3e39ca5939 "
        "6210107c3c 372b4fa372 24b60792bf 41ef94e0e8 52078843e7 4b3f449415 f155c5cde2 4786365cfc "
        "00c1ce851e 7ae77a5adf 9d7814b9d0 0e75b04d66 6bdbde5aca 6fde9d1afd 5bc436ce77 af3b2e5d2c "
        "7470091972 61497c21e9 8b1f914833 c05b0a36de 0a89d10aff ecc5157cd5 581c87cb42 ad348c499e "
        "ee886051f1 "
    ),
    "randn/float64/42": (
        "be419700bd 13e3700863 a9c3c7ce68 25593610da 16912ad482 1de8d6c599 2cb6c8dd65 e93c207fae "
        "d40cfbff71 d6c9ce4045 260b542881 5c18c92f6c 06cbe695fe ea1ee92eb3 36f3402167 30a4cc60fa "
        "1b05280106 684a59b236 646f85e373 01c374b104 9c198f4879 449cb35b0e 08d279fb40 fc4ee1f3e3 "
        "d1e522302a 740b527518 39e58ee33f ddaa39ab2c 7e8a34d488 cb2d8f0e35 bec9907747 49a96c6a95 "
        "af3315104a 7e4bbbdeb9 6cb41d8fea 4d5dfcb179 83f0c5f93d ac476ab59b 2393d4645d 7aeaa2f560 "
        "854e224e85 "
    ),
    "randn/float64/4294967303": (
        "a1b35f8c17 eff07f26ee 0e4eda3862 27c23aa3f7 6b533efc50 8b971c7fb0 158c3c3ea5 365411832b "
        "e779bc5228 be3f20e593 dae0a5aa0b e48ae25354 8ff794b4cf f64bd68fb7 bfb4daaa49 5b074edb68 "
        "188e59ffdf 83ee1099b8 1c40107787 c3c1fed306 dd96bdb151 40eaca7e4f 2bb57b59b1 5ffcb25296 "
        "0e0c6e69b5 f7fe4dbe94 94ed132301 e8cbba1bc2 14f805881d e6b5be8aea 620e59ebac 200854e11c "
        "8ea3bac599 ec74593179 29b3b0de40 ed8a0e5630 73a8e59870 7f5cbcbcd6 56e1f188cd 09390c8ae5 "
        "ea98aff1d6 "
    ),
    "randn/float64/67280421310721": (
        "d6c3a77230 fa5b666701 b9f1a6a842 770b3fda3b 3fa7af15e8 4d45375289 282bb48f69 4c86c5c312 "
        "29c9258bf2 e520642131 f0dc20dee7 241f04ef3a 6a36bc9483 b0a04a80d6 d89bd9c572 5dd9dd4121 "
        "d8febcad66 7b314fcaf5 5ffd9e3142 cbfcb46557 548867f10e 5d8a0ba1fe 0814e516fa ba6cc7f72e "
        "2e8b454b87 ad50e25a89 7c69f78d67 2c8dd3adc5 a41808d963 e1814bb287 6a14377451 f2c8bdab10 "
        "25ed958657 f5bc894e2a 370c695c51 e0819e2f9c 354df74d0f b545f2c3e5 e89f233594 9f86f2da59 "
        "d4709bb388 "
    ),
}
CONSECUTIVE_DIGESTS = {
    "rand/float32/0": (
        "65981e795f df612bdd9e 721c3e6c4d 3173b0c004 b325200da0 879fd04631 0cd1544bc0 53fc8cab9f "
        "320c0e6b82 d8741c96f3 d87aa1425d 110d8aa9cf a5cd22a4c0 1cfd8d2181 e610ea42ab 381244b345 "
        "956b0af6ce 3892a952b4 e036060d60 cfd20a120b b4b7a1c12a 7232b5a5b9 5747c5631a 392acd000d "
        "7bcb35be51 53c527a194 b4b6f05ae4 b53ffee84f 837d6e7e01 3ee0c95aab 0e60be8ef1 e984ba8e51 "
        "03609966b8 d8f7211596 f27acd88a8 d406c157da f63e79dea4 d273085f1f a559e2504f 04f39ffc5b "
        "a05be75fb8 "
    ),
    "rand/float32/1": (
        "703e816d92 b0b634a1a9 6ac43dbf04 3845efbe5a 36c62d0887 f7d18a3a34 228ca40686 c7e5b460c0 "
        "a83848c339 115eba033c ef57c8815f 7b8ec075af 36dec002c3 3531f2099c 53f8319797 192a3e52e1 "
        "72ded26556 9ed4adbd91 dda43eabcb 7239c7d6c2 caf9eab90f d4af16f8d2 3d0ae5b7d5 93fe4087e5 "
        "4e5d62f711 d6588b1bf5 be59f7d323 03959e475a efedf3e79f 3853388e14 f0a2ee42e0 e98b55c1be "
        "d9b7ff116a 195cd9584d 7a67f18d75 376dea38ce 7124eb055f 8c78efa14f 47a59a9e02 82a33795c0 "
        "94f12431c0 "
    ),
    "rand/float32/42": (
        "a994d32d3d f77edfdb0f f4d98088f1 0bfe8c4123 0ddf8774ce d48b36ca99 6a5d74c9df 38deb249df "
        "8d3f2f52d7 c7393574b6 bf6059449e cb3d02a1a7 b146a6f9e3 82e92a5bc0 ee4870516b 11280c3df6 "
        "c16934c701 2f2e83856a ff06d3137a 49cd95f202 4f18068225 76dd9abdd2 6ad4620794 5b8b00ab0d "
        "2b778be7ce c19a6b142a 6afeb86a69 9bae35793e 765436a103 a35531156b c697bd3dc3 cb0eba49be "
        "f28d73e076 edac1a087d ec0a89d851 441ce5f919 45797a68e6 dabaa12fa1 9a4425c7af 6936a8995e "
        "12112ac70b "
    ),
    "rand/float32/4294967303": (
        "e9426f0d0d 16a4d54d25 0db1ec30be dc9d137da5 ef797a9d8f 36af31fba7 62a8312782 52d0c60655 "
        "bc4778331c 3ac9290513 c90ef38d4d c0328db9c9 142c03889e 2dfa94dfcf 69906309d7 cf478c4701 "
        "d5ade3ec1c 6958a99ce0 8e2feb50e6 70c6bdb5a3 5a7527c9d1 a997ae44cc 6a38972d60 17c99e2742 "
        "158c2ba5f0 d0e4bef19b b8211054c0 efc3a76d95 887245f125 bd9cce2f41 1d3819f0d9 f226a98922 "
        "17de3ef484 e34642dc67 55c544d6af 87631761e7 3345462171 f2a11f8867 4d4b8e7ff9 548d3ac0f0 "
        "e457f2b291 "
    ),
    "rand/float32/67280421310721": (
        "886771259a 487627d8c0 febf2130dd 2154874803 9af12f8d2b 98b45e5d33 6ab9a0dee8 fd50900131 "
        "4aae625016 224ebda530 b6ffd10fb2 4bab5fcc02 f21472e5fb 3eb6b9c4cf 4adf30b5fc 1ed2f83ea3 "
        "83dcd234aa a622e0e33c 8ed33902c5 c6e50d0d6e eb917a4116 693cdb3e42 df1908bf88 59942c153c "
        "b36e0abe74 24a4b863f7 3fc1eb4500 0b4070f59f 54249ed4a1 a5d7d3a967 390cfd52be f30dbfbd68 "
        "9a28f937e0 6464e39287 d10bf070b2 5d83ec72b6 8a982df791 8dd529b0f5 b7b30d2723 58ca6fb33e "
        "0148b3e2b9 "
    ),
    "rand/float64/0": (
        "9a9e283ac0 8cfa60d3f7 0d9a6ec560 3fe9290bd8 bf13ef5390 b29f0f4430 f9bd623a3d e6672b161b "
        "9f59a93c15 5cca143491 ecd9249e1c a4c0243f4f 4ebe181136 f14fbc8d34 e545772d54 56e799f015 "
        "d11f38d80a 5c4dc39dde 5a6184b723 987091fdf6 5e16408a17 79acc69b6e 1865097b9b 86f1845713 "
        "387072a51e dbf7541f73 34562dafde 8624b55349 2e8c00e89a 9dcc2b422c d61f1547a5 f829b679c3 "
        "2d9b7b281a 7e7123e4a5 f123ddcab5 f07291df3a a2a04256d3 6fb1e50a1f 0e9ce56bcb 2422385159 "
        "3aa2141cbb "
    ),
    "rand/float64/1": (
        "c659be90e7 cce2138c74 f57bb0138c 581b065b48 250d82d386 08c19a8d13 c64fb1342a fa6485078f "
        "27a1242a34 b483c29c62 f0cd6b2a8f ce0a18c9a8 500ea60dcb 60673b4f00 98e3541bab a9baa24690 "
        "fd18e15b11 d1a8655eee 11393fae9e b85b54fab2 ec5e06096b a25ae04fbe bafe2f438e 3d2fca41ea "
        "19a0ed6431 5b18d069f5 f2bfdb9557 1a90a5e7f6 9066554842 435d0d6fb2 cf6cb0fa49 68d03e5837 "
        "2ebcaa66cf 74771530d5 5af516361f 64bf5da49b 538586f1df e5718a0604 092d7bc1fb f76d2c0ec3 "
        "bfde98486b "
    ),
    "rand/float64/42": (
        "8c63bf1a27 5fd5f35961 8c21172be5 8b7e575591 cb899e1b95 0f7ab0cd06 c3602ca79f 1068018ac9 "
        "223d7438b9 3678a64eef a8e40f6b24 253f21b366 f3479d245b 01dbf3af0b 605a65e4c3 4c23e1efd1 "
        "3073c8bacf 90b2074843 715eaf5151 ebd27d2da9 f01d192d0c 6ea7ec1802 1c1dea5eba 830a893c7f "
        "f4830e0b9a 232e407e1d aeec21a1b3 f6c2becd83 4e2db54328 170a921777 6ccd1dd8de 44214291be "
        "718fe8e107 c8550cc89a db860640a7 74b4341c0c 54759d5c74 6211b0ff93 bf33d489de 0ecca24fdd "
        "01aa5543ce "
    ),
    "rand/float64/4294967303": (
        "2fd2df8d49 342794e6ac c07d38ed58 518277fdc3 74232e2183 0d1eb97a49 5c896584a6 7845d6b77c "
        "0f1f6492bb 1c21e0ffbd a612d8f0ee 0e24819e9c 379cf3404e 618de104d2 f59eb90e2a 7e1f439fd5 "
        "b20cd7ce4f fc3f8d6314 70a5d93c02 2c2e61e367 f9632ed6da 7df93fd9b7 cf9d3573ab 09d023fdae "
        "25ff4ed40d 958ee066b6 59bc5a46a4 8f0e1c1c87 d36aadf9a8 b17a9fa95f d25dded3a6 5326e549c0 "
        "1d1198ed17 8eda9cad53 c49ab474c0 9f380db683 5ddd2bd913 ea2cbc1bf1 3a22e4ced3 d9e7f7bcfd "
        "9dfa5eeb58 "
    ),
    "rand/float64/67280421310721": (
        "81313184db b43427bf3f e12068394d 01cc465a9e 9e98c73df5 dcd046c8c6 3fd7c17819 5b523981ff "
        "eba77044a5 4ea3f8af09 601d03d352 eafad17f7b e96fd024e4 8ebf7c7a65 3c994aa278 6529c2e373 "
        "81cc76d457 0edd57f15b e7793668d2 0b93489461 b5959483f5 9a36e05f50 af3cee60e3 ff5f81799c "
        "e111a057ef 025ebdfa86 8d40d990fa 6c731039ea 95f06ee39a 6480defeac daefaa9a57 8059f725ea "
        "af5ff9c123 7432850a14 294d3ab841 a808f7292a 0624157932 7587558864 524562a1c0 95357776f2 "
        "601a4cab55 "
    ),
    "randn/float32/0": (
        "40845e7a0e 1f05bfee34 d689b7a25e aeb2239fa1 f94b930256 5048bc049a d6bd0a376d d4ba054021 "
        "0f102afde2 6641dbf1f9 ff8f789afa 5507b037f8 80423a198d 2bea66c16a 87fb89d7d6 141787a396 "
        "1a5adfbe3a f03e6695db aa9e849ae6 66d4a319b1 dc86483892 c50fd97845 722872176e 8362972a90 "
        "05702d3d5b 2e930a2b4f c2bcc3ad2c 475c74b1ac 5dc92eaae1 3b85c384aa f478444625 e58412fc34 "
        "7ca23b8671 7bec9ee63a 24187daa72 66c3f518d8 1f2e506f87 5397ea78db bdd5487257 019ed61486 "
        "4b51228fe9 "
    ),
    "randn/float32/1": (
        "7f07e6a970 041f2f7a81 bacf80a375 4bbfe2521b b0a15875da ec981d6a64 f43d27bee9 5ce41e4f93 "
        "44806e77a9 7e39f4fd18 10b469902d c6a153d984 eaf3f4bb4e 8ea1a0d57e 6e286b1c32 f4882c33ef "
        "50e73c1baa 5f762e93f4 37dd76ee7d 4f25c44f9e 4f54ecbd1b 59f93f5664 2fecfbace8 9bb2f85798 "
        "12fd6c7d1b 95907af71d 2f9205f112 fc5a751720 dbebd046e3 b7e63dd8ae ec34f86e93 33620f0169 "
        "7f7317b142 c8f8f8cbd4 c7208c9172 7654cb34c4 1757883cfc 53dab228a2 b607662f2a 2fc82f454e "
        "dfcf51c94f "
    ),
    "randn/float32/42": (
        "19c1ccdfbd 3bc86a4cf4 f307586f6f 6734973561 d7efbdac61 2c3667116c 69687b2008 f0d5b964c9 "
        "8a097e426c b8cb21b150 57655bd445 782c8c2edc 33c30f3eae 07e4035971 01d5a9b0b2 cb55ca4832 "
        "a8eb55b4af 1124fba2a5 c4b0b88365 bb98750b58 22442a2fb1 39b154f2ce a50bb93a3a 46c0d40fbc "
        "f3d4f876a7 7262ecd3ae 9198526e46 e08048d48e 5d9e6ebd34 69202a42c0 a79d888275 ab3e4390de "
        "9b8bedae16 49be75336d 1c185716df 4d37ea4326 5def43fff0 be05adbe6a ff5e285331 64c4a6766b "
        "b9b196d24c "
    ),
    "randn/float32/4294967303": (
        "835f0263a7 a555212907 3721fee264 86a1a3b67b 4472b83e94 63a16f29e4 2ef24272c7 eb5b2eeae1 "
        "ec0942dd03 596587b4ac dfdd334577 cae2c16314 d75b7f063b 454b891306 02751dade6 47a330717b "
        "b4a4251565 008c1d524e 7b62c7efc7 5c653d98dc d42cd641e3 cdbafdd387 b0b26c6d58 664edc34d3 "
        "8c3fcb165e 199cf56dc8 df368e0604 8afdc7fb36 54df3e6e1e 4d9b8c1e79 22ed1d14ee 4a03996ad8 "
        "f0b6fa9614 49d6f61563 22f7871115 8343e99221 901398807e 55d5e3344c 2cdc541f27 a73d15dad1 "
        "61e1175796 "
    ),
    "randn/float32/67280421310721": (
        "f324f51789 cc48ab4588 7f51897746 c0fc49dc1c 3772381797 ea53594c18 fcc616f6a5 e4481c1037 "
        "093562f329 27bb041cbb 2292ae92be 7a8ba2a8af 87ce64e2c6 4fc563f487 c0c20ba31e aebba57325 "
        "56686d4092 17de1d8f26 99e9db0fff f1ca5fa5ed f3d9fc9117 0a14ac3b5e ef74e1fe6d fc0389e2a1 "
        "b918712f77 fe96b403f4 1abe5101f3 7f213700dc 444a13be2d 01200eab5b 817a06553b 0719bd5e75 "
        "f763a62808 af7439add6 53bd332eed bcea55b64f 8e60289045 42c838d46b e0aca59900 cfbd0ba7bd "
        "02319089b8 "
    ),
    "randn/float64/0": (
        "68092bcd32 ab57fb22a4 64ad09fb47 d060501614 624a7af7ab e95d0a0ba1 b4197274fb 41f64a4ea7 "
        "880cfc592a c548a58ee3 9977865c6e d1d6d44213 d1d4671191 11e58be5da 236cd942e2 801dfb7c7c "
        "ffc9dd9b65 b6e049ea53 a6a6279c7e 7190dcb0c0 f49cbd2652 a8b0f0f058 6d157ba066 1439b2652a "
        "7a44e85675 c9e8108c16 0d5c763cfc 7b2ddb1009 31e19bf4ba 5f010a12ba 06b7a6830d 753e00ccf9 "
        "c49fa0ba06 34e79e83c7 849335cf68 6db89d1ad3 7bf839d087 252da7fff1 e591b6b444 7ec5116be2 "
        "922e43d611 "
    ),
    "randn/float64/1": (
        "beb8f15d07 4ffc7bba03 6422f752ef 96c7a4fc91 99f7696f11 86025bf8be 1c041f552f c835f0491f "
        "6ad56e0317 721500f06c 7b82ac3d3c 6e87d9b54d 548c01e887 35ce267621 d2db669c3b 15d76eb1db "
        "a248e67798 3e369c962c 96b5018199 a480dbba5a 0e39d896c9 2faa1426ab 17938a85bc 6bb1b267d7 "
        "53e5b4c887 65843e8567 caeff39b30 a5493d386a 6e4a9f4160 6fa7fd134c 890ae58d01 fdd9767425 "
        "77340c9c64 7c5f105073 e11aa41df9 443a0fb7f7 3ea46af4fe d61e35af4d bdad7ad1d7 32d4cd2384 "
        "03bb5d1ee0 "
    ),
    "randn/float64/42": (
        "be419700bd 4a09f9ad42 f635c53eb0 2e9d6e9efe 66b3a12bbe a19dfb85d2 2db1c2d56a 0eead3bd4b "
        "10a79b3d21 d5a0751026 d9b00a88b1 97c48c7b30 f96d3d4273 aeb2e6f14e 98d853a469 d2df42104b "
        "7e565f31a7 1db31885ec aae76f91f3 b72229e7e7 0bccebe24f 1bc1ebfd75 5f27ebcf21 c85b82a6a7 "
        "e5d336c966 d1e0f6111a 14385061f5 5b60494ea3 8ea1fd6a45 c8c9e57b79 261174ab48 44adafd964 "
        "5bc4356154 ec755939f1 36f61cbda6 7bfa707de3 0d365724dc e762a127b5 136837ea7a eb4c879787 "
        "c0ac2fbb8c "
    ),
    "randn/float64/4294967303": (
        "a1b35f8c17 aa42e01381 49d7b21d71 679f83f228 9853a83689 d3cfaa4854 c2fc7c4292 bd1e3e0f16 "
        "bf3c1896f1 1d0c2712cc 419619fd39 0dcb9848de 841a29773b 5e494c1c24 9f04274d26 37ae297ff5 "
        "f5d0cc4449 a0ab37a0e5 70026fae2b 5ce3a9f2e8 f31bfde2ca 1940ea6e29 25e9be9a83 2945b81f57 "
        "785e386718 1c4c2571ab ec63b8e863 fd6ed0595a d98d06f98d a2d1c23f1e 3607e8950d 438462b925 "
        "04102abfd0 435411ac02 de2e061269 4a57f57c9e 0b2f9c7bc5 8791480c02 f327cac372 2d1066b601 "
        "fd50e67f1e "
    ),
    "randn/float64/67280421310721": (
        "d6c3a77230 498426e7eb ec2bf82158 2216da7f44 084e1115fd f980cd5ac2 ccf00fff8c 023cdaf746 "
        "2e562e5b1c 06f945a5f3 1627bf6789 034a627063 20e93c2ed7 c366a3204d e90a1c9bd0 967a641e0c "
        "c8776e2213 f2d6f8812f b3e1813977 e286544a0c 38deaaae9a 7da3c0e227 09f6e40e7e 16fc201af8 "
        "db5f83644f bb740dae11 ac3872b165 e68120df51 9be631c28d feec30c358 7328aefad9 e3e8d52d48 "
        "b075c4e863 2d471b50fa 4291f926b4 e2eb86e9bb 433e77d6e0 e960895807 95e7e38b55 22e1fb5ffb "
        "fcc305a113 "
    ),
}
MIXED_DIGESTS = {
    "small_normals_share_the_cached_sine": (
        "0ed5b81cc6 7655ad3562 ac662aea41 af3625c6ea 3b42e89a96 "
    ),
    "cache_survives_a_large_normal": (
        "a1b35f8c17 7204fc4491 005f7fc3cd d3e4b0c0ce f13576ac19 "
    ),
    "every_kind_in_turn": (
        "3bd6a8f09e be1c415221 6a6658b8e3 34780126ea 75e4e610f6 fdc6632d5c 8526a0073c 9c0cc7361a "
        "ca75c25b37 a72137bb46 3d0e3517f0 316480011e "
    ),
    "wide_integer_ranges": (
        "5e6f5721f7 a33cfd5cb5 78b488eb48 a3dfcc3d41 78fc3c8bed bbc688cca5 ba553f9413 55ae42cc1e "
        "064cc7c0c4 "
    ),
    "non_unit_parameters": (
        "8c197fcd7b 535be6dbb5 7903cc85bb 9dd40e4f97 84a06ffed1 782c991718 "
    ),
    "long_stream_crosses_the_twist": (
        "8f1ef975ca 30e6d9158b ee59dac350 89d133b069 6d7f31fe2f "
    ),
}
STATE_DIGESTS = {'fresh_seed_5': '19bb751389',
 'seed_5_after_randn3_float64': 'ea1eb92531',
 'seed_5_after_rand1000_float32': 'd787b7c4c7'}
DEFAULT_GENERATOR_RANDN4 = [0.9772631525993347, 1.1568583250045776, -0.38065364956855774, 1.2525017261505127]
# END GENERATED LITERALS


# ---------------------------------------------------------------------------------------------------
# Torch-free checks against the stored literals.


def test_randn_5x3_after_manual_seed_0():
    engine_random.manual_seed(0)
    values = engine_random.default_generator.randn((5, 3), np.float32)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.array(SEED0_RANDN_5x3, dtype=np.float32))


def test_readable_cases():
    for name, (seed, steps) in READABLE_PROGRAMS.items():
        results = run_ours(seed, steps)
        for index, (got, expected) in enumerate(zip(results, READABLE_VALUES[name])):
            expected = np.array(expected, dtype=got.dtype)
            assert np.array_equal(got, expected), f"{name} step {index}: {got!r} != {expected!r}"


@pytest.mark.parametrize("seed", SWEEP_SEEDS)
@pytest.mark.parametrize("kind", ["rand", "randn"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fresh_seed_every_size(seed, kind, dtype):
    expected = SWEEP_DIGESTS[f"{kind}/{dtype}/{seed}"].split()
    got = [digest(run_ours(seed, sweep_steps(kind, dtype, size))[0]) for size in SWEEP_SIZES]
    assert len(expected) == len(got)
    mismatched = [size for size, a, b in zip(SWEEP_SIZES, got, expected) if a != b]
    assert not mismatched, f"sizes differing from torch: {mismatched}"


@pytest.mark.parametrize("seed", SWEEP_SEEDS)
@pytest.mark.parametrize("kind", ["rand", "randn"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_consecutive_sizes_share_one_stream(seed, kind, dtype):
    expected = CONSECUTIVE_DIGESTS[f"{kind}/{dtype}/{seed}"].split()
    got = [digest(array) for array in run_ours(seed, consecutive_steps(kind, dtype))]
    mismatched = [size for size, a, b in zip(SWEEP_SIZES, got, expected) if a != b]
    assert not mismatched, f"calls differing from torch (by size): {mismatched}"


@pytest.mark.parametrize("name", sorted(MIXED_PROGRAMS))
def test_mixed_programs(name):
    seed, steps = MIXED_PROGRAMS[name]
    got = [digest(array) for array in run_ours(seed, steps)]
    mismatched = [index for index, (a, b) in enumerate(zip(got, MIXED_DIGESTS[name].split())) if a != b]
    assert not mismatched, f"steps differing from torch: {[steps[i] for i in mismatched]}"


def test_state_bytes_match_torch_layout():
    generator = engine_random.Generator(seed=5)
    fresh = generator.get_state()
    assert fresh.dtype == np.uint8 and fresh.shape == (5056,)
    assert digest(fresh) == STATE_DIGESTS["fresh_seed_5"]
    generator.randn((3,), np.float64)
    assert digest(generator.get_state()) == STATE_DIGESTS["seed_5_after_randn3_float64"]
    generator.rand((1000,), np.float32)
    assert digest(generator.get_state()) == STATE_DIGESTS["seed_5_after_rand1000_float32"]


def test_fresh_generator_holds_torch_default_seed():
    assert engine_random.Generator().initial_seed() == 67280421310721
    assert engine_random.Generator("cpu").initial_seed() == 67280421310721
    assert engine_random.Generator(device="cpu").rand(1)[0] == engine_random.Generator().rand(1)[0]
    with pytest.raises(RuntimeError, match="only CPU generators"):
        engine_random.Generator("cuda")
    np.testing.assert_array_equal(engine_random.Generator().randn((4,), np.float32),
                                  np.array(DEFAULT_GENERATOR_RANDN4, dtype=np.float32))


# ---------------------------------------------------------------------------------------------------
# Torch-free behaviour: seeding rules, state round trips, errors, exact FMA, shapes.


def test_seed_rules_follow_torch():
    generator = engine_random.Generator()
    assert generator.manual_seed(-1).initial_seed() == 2**64 - 1
    assert generator.manual_seed(-(2**63)).initial_seed() == 2**63
    # only the low 32 bits reach mt19937, so these seeds share a stream
    np.testing.assert_array_equal(engine_random.Generator(seed=2**32 + 9).rand(5),
                                  engine_random.Generator(seed=9).rand(5))
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        generator.manual_seed(2**64)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        generator.manual_seed(3.7)
    assert engine_random.manual_seed(3.7).initial_seed() == 3  # torch.manual_seed calls int() first
    assert engine_random.initial_seed() == 3
    new_seed = generator.seed()
    assert 0 <= new_seed < 2**64 and generator.initial_seed() == new_seed


def test_manual_seed_clears_the_cached_normal():
    generator = engine_random.Generator(seed=3)
    first = generator.randn((1,), np.float64)[0]  # leaves the pair's sine cached
    generator.manual_seed(3)
    again = generator.randn((1,), np.float64)[0]  # a leaked cache would return the sine here
    from_cache = generator.randn((1,), np.float64)[0]
    fresh_pair = engine_random.Generator(seed=3).randn((2,), np.float64)
    np.testing.assert_array_equal([first, from_cache], fresh_pair)
    assert again == first and from_cache != first


def test_state_round_trip_restores_stream_and_cache():
    generator = engine_random.Generator(seed=11)
    generator.randn((3,), np.float64)  # leaves a cached normal
    state = generator.get_state()
    expected = [generator.randn((1,), np.float64), generator.randn((40,), np.float32), generator.rand(7)]
    other = engine_random.Generator(seed=0).set_state(state)
    got = [other.randn((1,), np.float64), other.randn((40,), np.float32), other.rand(7)]
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    assert other.initial_seed() == 11
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056"):
        other.set_state(np.zeros(10, np.uint8))


def test_errors_use_torch_messages():
    generator = engine_random.Generator()
    with pytest.raises(RuntimeError, match=r"uniform_ expects to return a \[from, to\) range, but found "
                                           r"from=1 > to=0"):
        generator.uniform_(np.empty(3, np.float32), 1.0, 0.0)
    with pytest.raises(RuntimeError, match=r"normal expects std >= 0\.0, but found std -1"):
        generator.normal_(np.empty(3, np.float32), 0.0, -1.0)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got "
                                           "from=5 >= to=3"):
        generator.randint(5, 3, (2,))
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1: \[-1\]"):
        generator.randperm(-1)
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in"):
        generator.bernoulli_(np.empty(3, np.float32), 1.5)


def test_uniform_and_normal_ranges():
    generator = engine_random.Generator(seed=1)
    u32 = generator.rand(10000)
    u64 = generator.rand(10000, np.float64)
    assert u32.min() >= 0.0 and u32.max() < 1.0 and u64.min() >= 0.0 and u64.max() < 1.0
    # float32 uniforms are multiples of 2**-24, float64 ones of 2**-53
    assert np.all(u32 * 2**24 == np.floor(u32 * 2**24))
    assert np.all(u64 * 2**53 == np.floor(u64 * 2**53))
    normals = generator.normal_(np.empty(100000, np.float32), 2.0, 3.0)
    assert abs(normals.mean() - 2.0) < 0.05 and abs(normals.std() - 3.0) < 0.05
    assert set(np.unique(generator.randint(-2, 3, (1000,)))) == {-2, -1, 0, 1, 2}
    assert sorted(generator.randperm(50).tolist()) == list(range(50))


def test_empty_and_zero_dim_shapes():
    generator = engine_random.Generator(seed=0)
    assert generator.randn((0,), np.float32).shape == (0,)
    assert generator.randn((3, 0), np.float64).shape == (3, 0)
    assert generator.randint(0, 3, (2, 0)).shape == (2, 0)
    # empty tensors draw nothing, so the stream continues unchanged
    np.testing.assert_array_equal(generator.rand(3), engine_random.Generator(seed=0).rand(3))
    scalar = engine_random.Generator(seed=0).randn((), np.float64)
    assert scalar.shape == () and scalar == engine_random.Generator(seed=0).randn((1,), np.float64)[0]


def test_exact_fma_matches_rational_arithmetic():
    rng = np.random.default_rng(5)
    a = rng.standard_normal(3000) * np.exp2(rng.integers(-20, 20, 3000))
    b = rng.standard_normal(3000) * np.exp2(rng.integers(-20, 20, 3000))
    c = -(a * b) * (1 + rng.standard_normal(3000) * np.exp2(rng.integers(-55, -1, 3000)))
    expected = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(engine_random._fma_float64(a, b, c), expected)
    a32, b32, c32 = (v.astype(np.float32) for v in (a, b, c))
    exact = [Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)) for x, y, z in zip(a32, b32, c32)]
    got = engine_random._fma_float32(a32, b32, c32)
    for value, exact_value in zip(got, exact):
        # correctly rounded: no float32 neighbour is closer to the exact result
        error = abs(Fraction(float(value)) - exact_value)
        for neighbour in (np.nextafter(value, np.float32(np.inf)), np.nextafter(value, np.float32(-np.inf))):
            assert error <= abs(Fraction(float(neighbour)) - exact_value)


def test_avx2_log_and_sincos_stay_close_to_libm():
    u = np.linspace(2.0**-24, 1.0, 4001, dtype=np.float32)
    np.testing.assert_allclose(engine_random._log_avx2(u), np.log(u.astype(np.float64)), rtol=3e-7,
                               atol=2e-7)
    theta = np.linspace(0.0, 2 * math.pi, 4001, dtype=np.float32)
    sine, cosine = engine_random._sincos_avx2(theta)
    np.testing.assert_allclose(sine, np.sin(theta.astype(np.float64)), atol=3e-7)
    np.testing.assert_allclose(cosine, np.cos(theta.astype(np.float64)), atol=3e-7)


# ---------------------------------------------------------------------------------------------------
# Live comparisons against torch.


def _random_step(rng: np.random.Generator):
    kind = rng.choice(["rand", "randn", "normal_", "uniform_", "randint", "randperm", "bernoulli_"])
    dtype = str(rng.choice(["float32", "float64"]))
    size = int(rng.choice([1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 48, 63, 100, 257, 1000]))
    shape = (size,) if rng.random() < 0.7 else (1, size) if size % 2 else (2, size // 2)
    if kind in ("rand", "randn"):
        return (kind, shape, dtype)
    if kind == "normal_":
        return (kind, shape, dtype, float(rng.normal() * 5), float(rng.random() * 4))
    if kind == "uniform_":
        low = float(rng.normal() * 5)
        return (kind, shape, dtype, low, low + float(rng.random() * 10))
    if kind == "randint":
        low = int(rng.integers(-1000, 1000))
        spans = [1, 2, 10, 1000, 2**28 - 1, 2**28, 2**31, 2**32, 2**45]
        return (kind, low, low + int(rng.choice(spans)), shape)
    if kind == "randperm":
        return (kind, size)
    return (kind, shape, dtype, float(rng.random()))


def test_live_random_programs():
    pytest.importorskip("torch")
    rng = np.random.default_rng(20261125)
    for _ in range(150):
        seed = int(rng.integers(0, 2**64, dtype=np.uint64))
        steps = [_random_step(rng) for _ in range(int(rng.integers(1, 8)))]
        for index, (got, expected) in enumerate(zip(run_ours(seed, steps), run_torch(seed, steps))):
            assert got.dtype == expected.dtype and got.shape == expected.shape, (seed, steps[index])
            assert np.array_equal(got, expected), f"seed {seed}, step {index}: {steps[index]}"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_live_every_size_up_to_70(dtype):
    pytest.importorskip("torch")
    for size in range(0, 71):
        for kind in ("randn", "rand"):
            steps = [(kind, (size,), dtype), (kind, (size,), dtype)]
            for got, expected in zip(run_ours(size + 1000, steps), run_torch(size + 1000, steps)):
                np.testing.assert_array_equal(got, expected, err_msg=f"{kind} {size}")


def test_live_large_float32_normals():
    """The AVX2 polynomial path over many blocks, with and without a 16-element tail."""
    pytest.importorskip("torch")
    for seed, size, mean, std in [(0, 200000, 0.0, 1.0), (1, 100003, -3.0, 2.5), (2, 65551, 100.0, 0.01)]:
        steps = [("normal_", (size,), "float32", mean, std)]
        np.testing.assert_array_equal(run_ours(seed, steps)[0], run_torch(seed, steps)[0])


def test_live_default_generator_and_module_functions():
    torch = pytest.importorskip("torch")
    torch.manual_seed(31)
    engine_random.manual_seed(31)
    assert engine_random.initial_seed() == torch.initial_seed() == 31
    np.testing.assert_array_equal(engine_random.default_generator.randn((5, 3), np.float32),
                                  torch.randn(5, 3).numpy())
    np.testing.assert_array_equal(engine_random.get_rng_state(), torch.get_rng_state().numpy())
    torch.manual_seed(-5)
    engine_random.manual_seed(-5)
    assert engine_random.initial_seed() == torch.initial_seed()


def test_live_state_bytes_after_each_call():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for seed in (0, 77, 2**50 + 1):
        ours = engine_random.Generator(seed=seed)
        theirs = torch.Generator().manual_seed(seed)
        assert np.array_equal(ours.get_state(), theirs.get_state().numpy())
        for _ in range(12):
            step = _random_step(rng)
            run_on_generator_pair(ours, theirs, step)
            assert np.array_equal(ours.get_state(), theirs.get_state().numpy()), step
        # a torch state loads into ours and continues identically, and the reverse
        resumed = engine_random.Generator().set_state(theirs.get_state().numpy())
        np.testing.assert_array_equal(resumed.randn((3,), np.float64),
                                      torch.randn(3, dtype=torch.float64, generator=theirs).numpy())
        theirs.set_state(torch.from_numpy(resumed.get_state()))
        np.testing.assert_array_equal(resumed.randn((20,), np.float32),
                                      torch.randn(20, generator=theirs).numpy())


def run_on_generator_pair(ours, theirs, step) -> None:
    """Run one step on an existing engine generator and an existing torch generator, checking values."""
    got = _run_step_on(ours, step)
    expected = _run_torch_step_on(theirs, step)
    assert np.array_equal(got, expected), step


def _run_step_on(generator, step):
    kind, *args = step
    if kind in ("rand", "randn"):
        return getattr(generator, kind)(args[0], FLOAT_DTYPES[args[1]])
    if kind in ("normal_", "uniform_"):
        return getattr(generator, kind)(np.empty(args[0], FLOAT_DTYPES[args[1]]), args[2], args[3])
    if kind == "bernoulli_":
        return generator.bernoulli_(np.empty(args[0], FLOAT_DTYPES[args[1]]), args[2])
    return getattr(generator, kind)(*args)


def _run_torch_step_on(generator, step):
    import torch

    kind, *args = step
    if kind in ("rand", "randn"):
        return getattr(torch, kind)(args[0], dtype=getattr(torch, args[1]), generator=generator).numpy()
    if kind in ("normal_", "uniform_"):
        tensor = torch.empty(args[0], dtype=getattr(torch, args[1]))
        return getattr(tensor, kind)(args[2], args[3], generator=generator).numpy()
    if kind == "bernoulli_":
        tensor = torch.empty(args[0], dtype=getattr(torch, args[1]))
        return tensor.bernoulli_(args[2], generator=generator).numpy()
    if kind == "randint":
        return torch.randint(args[0], args[1], args[2], generator=generator).numpy()
    return torch.randperm(args[0], generator=generator).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_live_non_contiguous_fills_follow_memory_order(dtype):
    torch = pytest.importorskip("torch")
    torch_dtype = getattr(torch, dtype)
    ours = engine_random.Generator(seed=8)
    theirs = torch.Generator().manual_seed(8)
    for shape in [(5, 4), (8, 6), (20, 3), (101, 37)]:
        for fill, args in (("normal_", (0.5, 2.0)), ("uniform_", (-1.0, 2.0))):
            target = torch.empty(shape[::-1], dtype=torch_dtype).t()
            getattr(target, fill)(*args, generator=theirs)
            ours_target = np.empty(shape[::-1], FLOAT_DTYPES[dtype]).T
            getattr(ours, fill)(ours_target, *args)
            np.testing.assert_array_equal(ours_target, target.numpy(), err_msg=f"{fill} {shape}")
    rows = torch.empty(12, 5, dtype=torch_dtype)[::2]
    rows.normal_(generator=theirs)
    ours_rows = np.empty((12, 5), FLOAT_DTYPES[dtype])[::2]
    ours.normal_(ours_rows)
    np.testing.assert_array_equal(ours_rows, rows.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_live_bernoulli_with_probability_arrays(dtype):
    torch = pytest.importorskip("torch")
    ours = engine_random.Generator(seed=21)
    theirs = torch.Generator().manual_seed(21)
    probabilities = ours.rand((6, 7), FLOAT_DTYPES[dtype])
    torch_probabilities = torch.rand(6, 7, dtype=getattr(torch, dtype), generator=theirs)
    np.testing.assert_array_equal(
        ours.bernoulli_(np.empty((6, 7), FLOAT_DTYPES[dtype]), probabilities),
        torch.bernoulli(torch_probabilities, generator=theirs).numpy())


# ---------------------------------------------------------------------------------------------------
# Regeneration of the literals (needs torch).


def _literal_source() -> str:
    lines = []

    def emit(name, value):
        lines.append(f"{name} = " + pprint.pformat(value, width=100, compact=True, sort_dicts=False))

    def emit_digest_table(name, table):
        # one string of space-separated digests per key keeps the tables short
        lines.append(f"{name} = {{")
        for key, digests in table.items():
            wrapped = textwrap.wrap(" ".join(digests), width=88, break_on_hyphens=False)
            lines.append(f'    "{key}": (')
            lines.extend(f'        "{chunk} "' for chunk in wrapped)
            lines.append("    ),")
        lines.append("}")

    emit("SEED0_RANDN_5x3", run_torch(0, [("randn", (5, 3), "float32")])[0].tolist())
    readable = {
        "randn_17_float32_tail": (0, [("randn", (17,), "float32")]),
        "randn_3_then_1_float64_cache": (0, [("randn", (3,), "float64"), ("randn", (1,), "float64")]),
        "rand_4_both_dtypes": (0, [("rand", (4,), "float32"), ("rand", (4,), "float64")]),
        "normal_16_float64_block": (42, [("normal_", (16,), "float64", 1.0, 2.0)]),
        "uniform_6_float32": (42, [("uniform_", (6,), "float32", -3.0, 5.0)]),
        "randint_and_randperm": (42, [("randint", 0, 10, (8,)), ("randperm", 10)]),
        "empty_normal_5": (3, [("normal_", (5,), "float32", 0.0, 1.0)]),
    }
    emit("READABLE_PROGRAMS", readable)
    emit("READABLE_VALUES", {name: [a.tolist() for a in run_torch(seed, steps)]
                             for name, (seed, steps) in readable.items()})
    sweep, consecutive = {}, {}
    for kind in ("rand", "randn"):
        for dtype in FLOAT_DTYPES:
            for seed in SWEEP_SEEDS:
                key = f"{kind}/{dtype}/{seed}"
                sweep[key] = [digest(run_torch(seed, sweep_steps(kind, dtype, size))[0])
                              for size in SWEEP_SIZES]
                consecutive[key] = [digest(a) for a in run_torch(seed, consecutive_steps(kind, dtype))]
    emit_digest_table("SWEEP_DIGESTS", sweep)
    emit_digest_table("CONSECUTIVE_DIGESTS", consecutive)
    emit_digest_table("MIXED_DIGESTS", {name: [digest(a) for a in run_torch(seed, steps)]
                                        for name, (seed, steps) in MIXED_PROGRAMS.items()})
    import torch

    generator = torch.Generator().manual_seed(5)
    states = {"fresh_seed_5": digest(generator.get_state().numpy())}
    torch.randn(3, dtype=torch.float64, generator=generator)
    states["seed_5_after_randn3_float64"] = digest(generator.get_state().numpy())
    torch.rand(1000, generator=generator)
    states["seed_5_after_rand1000_float32"] = digest(generator.get_state().numpy())
    emit("STATE_DIGESTS", states)
    emit("DEFAULT_GENERATOR_RANDN4", torch.randn(4, generator=torch.Generator()).tolist())
    return "\n".join(lines)


def _regenerate() -> None:
    import re
    from pathlib import Path

    path = Path(__file__)
    text = path.read_text()
    block = "# BEGIN GENERATED LITERALS\n" + _literal_source() + "\n# END GENERATED LITERALS"
    text = re.sub(r"# BEGIN GENERATED LITERALS\n.*?# END GENERATED LITERALS", lambda _: block, text,
                  flags=re.S)
    path.write_text(text)


if __name__ == "__main__" and "--regenerate" in sys.argv:
    _regenerate()
