"""The browser engine's seeded randomness (src/core/clip/random.ts), bit for bit.

xoshiro128** seeded through splitmix32; a seed is any float, folded by its IEEE-754 bits.
Only what the data order needs is here: uniform draws and `epoch_order`, the same
Fisher-Yates permutation as `epochOrder` in src/core/train/batches.ts.
"""

import struct

MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & MASK


def _splitmix32(state: int) -> tuple[int, int]:
    nxt = (state + 0x9E3779B9) & MASK
    z = nxt
    z = _imul(z ^ (z >> 16), 0x85EBCA6B)
    z = _imul(z ^ (z >> 13), 0xC2B2AE35)
    return nxt, (z ^ (z >> 16)) & MASK


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & MASK


def _seed_bits(seed: float) -> int:
    if seed != seed or seed in (float("inf"), float("-inf")):
        raise ValueError(f"seed must be a finite number, got {seed}")
    lo, hi = struct.unpack("<II", struct.pack("<d", 0.0 if seed == 0 else float(seed)))
    h = _splitmix32(lo)[1]
    return _splitmix32(h ^ hi)[1]


class Rng:
    """Uniform draws in [0, 1) with 32 bits of resolution, as createRng(seed).next()."""

    def __init__(self, seed: float):
        mix = _seed_bits(seed)
        words = []
        for _ in range(4):
            mix, value = _splitmix32(mix)
            words.append(value)
        self._s = words

    def next_uint32(self) -> int:
        s0, s1, s2, s3 = self._s
        result = _imul(_rotl(_imul(s1, 5), 7), 9)
        t = (s1 << 9) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self._s = [s0, s1, s2, s3]
        return result

    def next(self) -> float:
        return self.next_uint32() / 4294967296

    def int(self, n: int) -> int:
        """Uniform integer in [0, n): floor(next() * n), as Rng.int."""
        return int(self.next() * n)


def epoch_order(seed: int, epoch: int, size: int) -> list[int]:
    """The permutation of one epoch; depends only on (seed, epoch, size)."""
    # The browser computes this seed in doubles: keep float arithmetic for huge seeds too.
    rng = Rng(float(seed) * 1_000_003 + float(epoch) * 7919 + 17)
    order = list(range(size))
    for i in range(size - 1, 0, -1):
        j = rng.int(i + 1)
        order[i], order[j] = order[j], order[i]
    return order
