"""The browser's BPE trainer (workers/training/bpe/bpe-trainer.ts, word-counts.ts,
corpus-sample.ts), merge for merge: which chunks of a corpus it reads, the words it counts and
the merges it learns from them.

Each merge is the pair of adjacent tokens that occurs most often over all words (a word's pairs
times its count), ties to the smaller left id, then the smaller right id; a pair must occur
MIN_PAIR_COUNT times, and one whose bytes are already a token is passed over. Counts are kept
up to date per merge in the words that hold the pair, with a lazy max-heap as in TypeScript.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from typing import Iterable

from .bpe import BpeTokenizer, pre_tokens
from .errors import BpeVocabSizeError, BpeVocabTooLargeError
from .facts import (
    BPE_BASE_TOKENS,
    MAX_BPE_VOCAB,
    MAX_SAMPLE_BYTES,
    MIN_BPE_VOCAB,
    MIN_PAIR_COUNT,
    SAMPLE_CHUNK_BYTES,
    SAMPLE_SEED,
)
from .prng import Prng


def sample_ranges(
    total_bytes: int,
    max_bytes: int = MAX_SAMPLE_BYTES,
    seed: int = SAMPLE_SEED,
    chunk_bytes: int = SAMPLE_CHUNK_BYTES,
) -> list[tuple[int, int]]:
    """The [start, end) byte ranges trained on, in file order: every chunk if they fit in
    max_bytes, else floor(max_bytes / chunk) chosen by a partial Fisher-Yates shuffle."""
    chunks = math.ceil(total_bytes / chunk_bytes)
    wanted = max_bytes // chunk_bytes
    chosen = list(range(chunks))
    if chunks > wanted:
        prng = Prng.from_seed(seed)
        for t in range(wanted):
            j = t + prng.next_int(chunks - t)
            chosen[t], chosen[j] = chosen[j], chosen[t]
        chosen = sorted(chosen[:wanted])
    return [(c * chunk_bytes, min(total_bytes, (c + 1) * chunk_bytes)) for c in chosen]


def count_words(chunks: Iterable[bytes]) -> tuple[Counter[bytes], int]:
    """Each distinct pre-token of two bytes or more with its count, each chunk read as a text of
    its own; and the bytes counted."""
    counts: Counter[bytes] = Counter()
    total = 0
    for chunk in chunks:
        counts.update(word for word in pre_tokens(chunk) if len(word) > 1)
        total += len(chunk)
    return counts, total


def train_bpe(chunks: Iterable[bytes], vocab_size: int) -> BpeTokenizer:
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int):
        raise BpeVocabSizeError(vocab_size)
    if not MIN_BPE_VOCAB <= vocab_size <= MAX_BPE_VOCAB:
        raise BpeVocabSizeError(vocab_size)
    counts, trained_bytes = count_words(chunks)
    words = [list(word) for word in counts]
    freq = list(counts.values())
    pair_counts: Counter[tuple[int, int]] = Counter()
    where: dict[tuple[int, int], set[int]] = {}
    for w, word in enumerate(words):
        for pair in zip(word, word[1:]):
            pair_counts[pair] += freq[w]
            where.setdefault(pair, set()).add(w)
    heap = [(-c, a, b) for (a, b), c in pair_counts.items() if c >= MIN_PAIR_COUNT]
    heapq.heapify(heap)
    tokens = {bytes([b]): b for b in range(BPE_BASE_TOKENS)}
    token_bytes = list(tokens)
    merges: list[tuple[int, int]] = []
    while BPE_BASE_TOKENS + len(merges) < vocab_size:
        chosen = _next_pair(heap, pair_counts, token_bytes, tokens)
        if chosen is None:
            raise BpeVocabTooLargeError(
                vocab_size, len(merges), BPE_BASE_TOKENS + len(merges), trained_bytes
            )
        made = len(token_bytes)
        joined = token_bytes[chosen[0]] + token_bytes[chosen[1]]
        tokens[joined] = made
        token_bytes.append(joined)
        merges.append(chosen)
        touched: set[tuple[int, int]] = set()
        for w in where.pop(chosen, set()):
            _merge_in_word(w, words, freq[w], chosen, made, pair_counts, where, touched)
        pair_counts.pop(chosen, None)
        for pair in touched:
            if pair_counts[pair] >= MIN_PAIR_COUNT:
                heapq.heappush(heap, (-pair_counts[pair], pair[0], pair[1]))
    return BpeTokenizer(merges)


def _next_pair(
    heap: list[tuple[int, int, int]],
    pair_counts: Counter[tuple[int, int]],
    token_bytes: list[bytes],
    tokens: dict[bytes, int],
) -> tuple[int, int] | None:
    while heap:
        negative, a, b = heapq.heappop(heap)
        actual = pair_counts.get((a, b), 0)
        if actual < MIN_PAIR_COUNT:
            continue
        if actual != -negative:
            heapq.heappush(heap, (-actual, a, b))
            continue
        if token_bytes[a] + token_bytes[b] not in tokens:
            return (a, b)
    return None


def _merge_in_word(
    w: int,
    words: list[list[int]],
    count: int,
    pair: tuple[int, int],
    made: int,
    pair_counts: Counter[tuple[int, int]],
    where: dict[tuple[int, int], set[int]],
    touched: set[tuple[int, int]],
) -> None:
    old = words[w]
    left, right = pair
    if not any(old[k] == left and old[k + 1] == right for k in range(len(old) - 1)):
        return
    for p in zip(old, old[1:]):
        pair_counts[p] -= count
    new: list[int] = []
    k = 0
    while k < len(old):
        if k + 1 < len(old) and old[k] == left and old[k + 1] == right:
            new.append(made)
            k += 2
        else:
            new.append(old[k])
            k += 1
    words[w] = new
    for p in zip(new, new[1:]):
        pair_counts[p] += count
        if made in p:
            touched.add(p)
            where.setdefault(p, set()).add(w)
