"""The browser's data, one example per line, byte for byte: text split, vocabulary,
train/validation split (workers/training/dataset.ts), epoch permutations, prose's window offsets
and the batch cursor (src/shared/data-cursor.ts). Prose itself is prose_data.py."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .errors import DatasetError
from .facts import (
    BOUNDARY,
    BYTE_BOUNDARY,
    EPOCH_STREAM,
    MAX_DATASET_BYTES,
    MAX_VOCAB,
    SPLIT_SEED,
    VAL_FRACTION,
    WINDOW_STREAM,
)
from .json_scan import utf16_length
from .prng import Prng, derive_seed

# String.prototype.trim's whitespace and line terminators; str.strip's set differs.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@dataclass(frozen=True)
class Split:
    tokens: np.ndarray  # int32 [length]
    doc_start: np.ndarray  # int32 [length]
    targets: np.ndarray  # int32 [length - 1]
    # The token that starts and ends every document: id 0 (characters) or the line feed byte.
    boundary: int = BOUNDARY


@dataclass(frozen=True)
class LinesDataset:
    """One example per line: characters (the alphabet, boundary first) or bytes (no alphabet)."""

    vocab: list[str]
    train: Split
    val: Split
    sha256: str
    kind: str = "lines"
    tokens: str = "char"


def read_text(path: str) -> str:
    """As the page reads a file (File.text()): UTF-8, a leading BOM dropped, bad bytes replaced."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def split_documents(text: str) -> list[str]:
    lines = (line.strip(JS_WHITESPACE) for line in re.split(r"\r?\n", text))
    return [line for line in lines if len(line) > 0]


def text_sha256(text: str) -> str:
    """The dataset's id: the SHA-256 of the text's UTF-8 bytes (run-setup.ts loadDataset)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_dataset(text: str) -> LinesDataset:
    length = utf16_length(text)
    if length > MAX_DATASET_BYTES:
        raise DatasetError(
            f"The text is {length / 1e6:.1f} MB; the trainer takes at most "
            f"{MAX_DATASET_BYTES / 1e6} MB. Use a smaller file."
        )
    docs = split_documents(text)
    _check_line_count(len(docs))
    vocab = ["\n"] + sorted({ch for doc in docs for ch in doc}, key=ord)
    if len(vocab) > MAX_VOCAB:
        raise DatasetError(
            f"The text uses {len(vocab) - 1} distinct characters; the trainer takes at most "
            f"{MAX_VOCAB - 1}. Use plainer text."
        )
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = [[index[ch] for ch in doc] for doc in docs]
    train, val = _splits(ids, BOUNDARY)
    return LinesDataset(vocab, train, val, text_sha256(text))


# dataset.ts isAsciiSpace: what byte lines are trimmed of (tab, LF, VT, FF, CR and space).
ASCII_SPACE = b"\t\n\v\f\r "


def build_byte_lines(text: str) -> LinesDataset:
    """dataset.ts buildByteLines: the text's UTF-8 bytes split at line feeds and trimmed of ASCII
    white space; the bytes between are the tokens and the line feed is the boundary."""
    data = text.encode("utf-8")
    if len(data) > MAX_DATASET_BYTES:
        raise DatasetError(
            f"The text is {len(data) / 1e6:.1f} MB; the trainer takes at most "
            f"{MAX_DATASET_BYTES / 1e6} MB. Use a smaller file."
        )
    lines = (line.strip(ASCII_SPACE) for line in data.split(bytes([BYTE_BOUNDARY])))
    docs = [list(line) for line in lines if len(line) > 0]
    _check_line_count(len(docs))
    train, val = _splits(docs, BYTE_BOUNDARY)
    return LinesDataset([], train, val, text_sha256(text), tokens="byte")


def _check_line_count(count: int) -> None:
    if count < 10:
        raise DatasetError(
            f"The text has {count} non-empty lines; the trainer needs at least 10 (one "
            f"example per line)."
        )


def _splits(docs: list[list[int]], boundary: int) -> tuple[Split, Split]:
    """(train, val): a fixed seed holds documents out, so every run of a text holds out the
    same ones."""
    order = Prng.from_seed(SPLIT_SEED)
    is_val = [order.next_float() < VAL_FRACTION for _ in docs]
    val = _encode_split([d for d, v in zip(docs, is_val) if v], boundary)
    train = _encode_split([d for d, v in zip(docs, is_val) if not v], boundary)
    if len(val.targets) == 0:
        raise DatasetError("The text is too short to hold out any validation lines.")
    return train, val


def _encode_split(docs: list[list[int]], boundary: int) -> Split:
    length = 1 + sum(len(doc) + 1 for doc in docs)
    tokens = np.full(length, boundary, dtype=np.int32)
    doc_start = np.zeros(length, dtype=np.int32)
    targets = np.zeros(length - 1, dtype=np.int32)
    pos, t = 1, 0  # tokens[0] is the first document's leading boundary
    for doc in docs:
        start = pos - 1
        n = len(doc)
        tokens[pos : pos + n] = doc
        doc_start[pos : pos + n + 1] = start
        targets[t : t + n + 1] = np.arange(pos, pos + n + 1)
        # The closing boundary (already there) is the next document's leading one.
        pos += n + 1
        t += n + 1
    return Split(tokens, doc_start, targets, boundary)


def gather_batch(
    split: Split, examples: np.ndarray, context: int, all_positions: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Windows [rows, context] clipped at their document's start; the transformer's per-position
    targets [rows, context] and mask (0 where the target lies before its document)."""
    p = split.targets[np.asarray(examples, dtype=np.int64)].astype(np.int64)
    start = split.doc_start[p].astype(np.int64)[:, None]
    q = p[:, None] - context + np.arange(context)[None, :]
    pad = split.boundary
    x = np.where(q >= start, split.tokens[np.clip(q, 0, None)], pad).astype(np.int32)
    if not all_positions:
        return x, split.tokens[p].astype(np.int32), None
    target = q + 1
    y = np.where(target > start, split.tokens[np.clip(target, 0, None)], pad).astype(np.int32)
    return x, y, (target > start).astype(np.float32)


def epoch_permutation(seed: int, epoch: int, size: int) -> np.ndarray:
    prng = Prng.from_seed(derive_seed(seed, EPOCH_STREAM, epoch))
    perm = list(range(size))
    for i in range(size - 1, 0, -1):
        j = prng.next_int(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.uint32)


def window_offsets(seed: int, number: int, batch: int, size: int) -> np.ndarray:
    """Batch `number`'s window starts in prose's `windows` order: xoshiro128**(deriveSeed(seed,
    0x3d0f, number)).nextInt(size) once per row, in row order, with replacement."""
    prng = Prng.from_seed(derive_seed(seed, WINDOW_STREAM, number))
    return np.array([prng.next_int(size) for _ in range(batch)], dtype=np.uint32)


def batch_number(cursor: tuple[int, int], size: int, batch: int) -> int:
    """data-cursor.ts batchNumber: the number of the batch a sampler at `cursor` draws next,
    before any skip window (batch b is the (b mod n)-th of epoch b // n, n = size // batch)."""
    per_epoch = size // batch
    epoch, index = cursor
    if index + batch > size:
        return (epoch + 1) * per_epoch
    return epoch * per_epoch + index // batch


class BatchSampler:
    """Batches of example indices in cursor order; an epoch's tail short of a batch is skipped,
    and a batch inside a skip window [fromBatch, toBatch) is passed over (data-cursor.ts). The
    order is `shuffle` (lines: each epoch a permutation) or `windows` (prose: each batch's
    window starts drawn from its batch number); the cursor arithmetic is the same."""

    def __init__(
        self,
        seed: int,
        size: int,
        batch: int,
        cursor: tuple[int, int] = (0, 0),
        skips: Sequence[Mapping[str, int]] = (),
        order: str = "shuffle",
    ) -> None:
        if batch > size:
            raise DatasetError(f"batch {batch} exceeds the {size} training examples")
        self.seed, self.size, self.batch, self.order = seed, size, batch, order
        self.per_epoch = size // batch
        self.cursor = cursor
        self.skips = [(int(w["fromBatch"]), int(w["toBatch"])) for w in skips]
        self.perm_epoch = cursor[0]
        # A permutation of 256 million window starts is never made: windows need none.
        self.perm = epoch_permutation(seed, cursor[0], size) if order == "shuffle" else None
        # The number of the batch drawn last, or None before the first draw.
        self.last_batch: int | None = None

    def _window_at(self, number: int) -> tuple[int, int] | None:
        return next((w for w in self.skips if w[0] <= number < w[1]), None)

    def next(self) -> np.ndarray:
        epoch, index = self.cursor
        if index + self.batch > self.size:
            epoch, index = epoch + 1, 0
        number = epoch * self.per_epoch + index // self.batch
        window = self._window_at(number)
        while window is not None:
            number = window[1]
            epoch, index = number // self.per_epoch, (number % self.per_epoch) * self.batch
            window = self._window_at(number)
        self.cursor = (epoch, index + self.batch)
        self.last_batch = number
        if self.order == "windows":
            return window_offsets(self.seed, number, self.batch, self.size)
        if self.perm is None or epoch != self.perm_epoch:
            self.perm = epoch_permutation(self.seed, epoch, self.size)
            self.perm_epoch = epoch
        return self.perm[index : index + self.batch].copy()
