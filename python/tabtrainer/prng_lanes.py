"""Many consecutive xoshiro128** words at numpy speed: the same words Prng.next_uint32() gives one
at a time (a gpt-nano batch's dropout masks take 688,128 of them: 0.4 s a step in a Python loop).

xoshiro128**'s state update is linear over GF(2): a linear map of the 128-bit state. The stream
is cut into `lanes` runs of `k` words; lane i starts at T^(i·k) applied to the state, and then
every lane steps in lockstep, k numpy steps over `lanes` words each: word i·k + j is lane i's
j-th output. A linear map is held as the images of the 128 unit states, and applied through
16 tables of 256 (one per byte of the state): 16 lookups and XORs per state, no matrix product
(numpy here has only the reference BLAS).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .prng import Prng

# Below this many words the plain loop is about as fast.
MIN_WORDS = 16384
MAX_LANES = 2048


def _advance(s0, s1, s2, s3):
    """One xoshiro128** state update of every lane's words (uint32 arrays, s0-s2 in place)."""
    t = s1 << np.uint32(9)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    return s0, s1, s2, (s3 << np.uint32(11)) | (s3 >> np.uint32(21))


def _step_words(s: np.ndarray) -> np.ndarray:
    """One xoshiro128** state update of each row [s0, s1, s2, s3] (uint32)."""
    return np.stack(_advance(*(s[:, i].copy() for i in range(4))), axis=1)


Map = np.ndarray  # uint32 [128, 4]: the image of each unit state (bit j of the 128-bit state)


def _unit_states() -> np.ndarray:
    """The 128 states with one bit set, bit j being bit j % 32 of word j // 32."""
    j = np.arange(128)
    states = np.zeros((128, 4), dtype=np.uint32)
    states[j, j // 32] = np.uint32(1) << (j % 32).astype(np.uint32)
    return states


def _tables(m: Map) -> np.ndarray:
    """[16, 256, 4]: the image of each value of each byte of the state (little-endian)."""
    images = m.reshape(16, 8, 4)
    values = np.arange(256)
    tables = np.zeros((16, 256, 4), dtype=np.uint32)
    for bit in range(8):
        has = ((values >> bit) & 1).astype(np.uint32)[None, :, None]
        tables ^= has * images[:, bit][:, None, :]
    return tables


def _apply(tables: np.ndarray, states: np.ndarray) -> np.ndarray:
    """The map applied to each state [rows, 4]."""
    data = np.ascontiguousarray(states, dtype="<u4").view(np.uint8)
    out = np.zeros_like(states)
    for p in range(16):
        out ^= tables[p][data[:, p]]
    return out


@lru_cache(maxsize=16)
def _lane_jumps(k: int, lane_bits: int) -> tuple[np.ndarray, ...]:
    """The tables of T^(k·2^b) for b < lane_bits; B∘A's images are B applied to A's."""
    power: Map = _unit_states()
    base: Map = _step_words(_unit_states())
    e = k
    while e:
        if e & 1:
            power = _apply(_tables(base), power)
        base, e = _apply(_tables(base), base), e >> 1
    jumps = [power]
    for _ in range(lane_bits - 1):
        jumps.append(_apply(_tables(jumps[-1]), jumps[-1]))
    return tuple(_tables(j) for j in jumps)


def stream_words(prng: Prng, count: int) -> np.ndarray:
    """The next `count` words of `prng`'s stream, as uint32; `prng` itself is left where it was
    (callers draw a fresh stream per batch)."""
    if count < MIN_WORDS:
        return Prng(prng.state()).uint32_words(count)
    lanes = min(MAX_LANES, count)
    k = -(-count // lanes)
    lane_bits = max(1, (lanes - 1).bit_length())
    # Lanes 0 .. 2^b - 1, then each of them jumped by T^(k·2^b): lanes 2^b .. 2^(b+1) - 1.
    s = np.array([prng.state()], dtype=np.uint32)
    for jump in _lane_jumps(k, lane_bits):
        s = np.concatenate([s, _apply(jump, s)])
    s = s[:lanes]
    s0, s1, s2, s3 = (s[:, i].copy() for i in range(4))
    out = np.empty((lanes, k), dtype=np.uint32)
    five, nine = np.uint32(5), np.uint32(9)
    for j in range(k):
        r = s1 * five
        out[:, j] = ((r << np.uint32(7)) | (r >> np.uint32(25))) * nine
        s0, s1, s2, s3 = _advance(s0, s1, s2, s3)
    return out.reshape(-1)[:count]
