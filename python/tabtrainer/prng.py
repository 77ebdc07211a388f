"""src/shared/prng.ts ported word for word: xoshiro128** seeded through splitmix32, and
deriveSeed for the streams derived from (seed, epoch, ...). Python ints masked to 32 bits stand
in for JavaScript's >>> 0 and Math.imul."""

from __future__ import annotations

from typing import Callable

import numpy as np

M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & M32


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & M32


def splitmix32(seed: int) -> Callable[[], int]:
    s = seed & M32

    def nxt() -> int:
        nonlocal s
        s = (s + 0x9E3779B9) & M32
        z = s
        z = _imul(z ^ (z >> 16), 0x85EBCA6B)
        z = _imul(z ^ (z >> 13), 0xC2B2AE35)
        return (z ^ (z >> 16)) & M32

    return nxt


def derive_seed(*parts: int) -> int:
    h = 0x811C9DC5
    for part in parts:
        nxt = splitmix32(h ^ (part & M32))
        h = (nxt() ^ _imul(h, 0x01000193)) & M32
    return h


class Prng:
    def __init__(self, state: tuple[int, int, int, int] | list[int]) -> None:
        if len(state) != 4 or any(not 0 <= w <= M32 for w in state):
            raise ValueError("PRNG state must be four uint32 words")
        if all(w == 0 for w in state):
            raise ValueError("PRNG state must not be all zero")
        self.s = [int(w) for w in state]

    @classmethod
    def from_seed(cls, seed: int) -> "Prng":
        nxt = splitmix32(seed)
        return cls([nxt(), nxt(), nxt(), nxt()])

    def state(self) -> tuple[int, int, int, int]:
        s = self.s
        return (s[0], s[1], s[2], s[3])

    def next_uint32(self) -> int:
        s = self.s
        result = _imul(_rotl(_imul(s[1], 5), 7), 9)
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return result

    def next_float(self) -> float:
        return self.next_uint32() / 4294967296

    def next_int(self, n: int) -> int:
        if n <= 0 or n > 0x100000000:
            raise ValueError(f"bad range {n}")
        limit = 0x100000000 - (0x100000000 % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def uint32_words(self, count: int) -> np.ndarray:
        """`count` next_uint32() draws as a uint32 array: the same words, one loop with the state
        in locals (dropout draws one per element of a batch's activations)."""
        s0, s1, s2, s3 = self.s
        out = [0] * count
        for i in range(count):
            r = (s1 * 5) & M32
            out[i] = ((((r << 7) | (r >> 25)) & M32) * 9) & M32
            t = (s1 << 9) & M32
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = ((s3 << 11) | (s3 >> 21)) & M32
        self.s = [s0, s1, s2, s3]
        return np.array(out, dtype=np.uint32)
