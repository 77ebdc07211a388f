"""Prose (workers/training/prose-data.ts), id for id: the whole text as one token stream,
documents joined by the separator token; the last tenth of the stream validates; a training
example is a window at an offset the batch number draws (data_pipeline.window_offsets)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .bpe import BpeTokenizer
from .bpe_prose import document_spans, encode_bpe_documents, learn_prose_bpe
from .errors import DatasetError
from .facts import MAX_CHAR_TOKENS, PROSE_VAL_FRACTION
from .text_errors import SeparatorNotFoundError
from .text_mode import BYTE_VALUES, Separator, separator_display

# A run of two or more line breaks (LF or CRLF), from the CR before its first LF: the spans
# prose-data.ts blankLineSpans finds, one LF at a time.
BLANK_LINES = re.compile(rb"\r?\n(?:\r?\n)+")
BLANK_LINES_TEXT = re.compile(r"(?:\r?\n){2,}")


@dataclass(frozen=True)
class ProseDataset:
    # The character alphabet (char tokens) by code point; empty for byte tokens.
    vocab: list[str]
    train: np.ndarray  # the stream's head: uint8, or uint16 with a byte separator (id 256)
    val: np.ndarray  # its tail
    documents: int
    sha256: str
    tokens: str  # 'char', 'byte' or 'bpe'
    # The separator token's id and the text it stands for, or None.
    separator_id: int | None
    separator_text: str | None
    kind: str = "prose"
    # tokens=bpe: the run's BPE (ids 0 to vocab_size - 1; the separator is the id after).
    bpe: BpeTokenizer | None = None


def separator_spans(data: bytes, separator: Separator) -> list[tuple[int, int]]:
    """[start, end) byte spans of every separator, in order (a literal's UTF-8 bytes, leftmost
    first, occurrences not overlapping)."""
    if separator.kind == "none":
        return []
    if separator.kind == "blank":
        return [m.span() for m in BLANK_LINES.finditer(data)]
    literal = separator.text.encode("utf-8")
    spans: list[tuple[int, int]] = []
    at = data.find(literal)
    while at != -1:
        spans.append((at, at + len(literal)))
        at = data.find(literal, at + len(literal))
    return spans


def _encode_bytes(data: bytes, separator: Separator) -> tuple[np.ndarray, int, int | None]:
    """(stream, documents, separator id): the bytes as they are, each separator one token."""
    if separator.kind == "none":
        return np.frombuffer(data, dtype=np.uint8), 1, None
    spans = separator_spans(data, separator)
    pieces: list[np.ndarray] = []
    source = np.frombuffer(data, dtype=np.uint8)
    mark = np.array([BYTE_VALUES], dtype=np.uint16)
    start = 0
    for begin, end in spans:
        pieces += [source[start:begin].astype(np.uint16), mark]
        start = end
    pieces.append(source[start:].astype(np.uint16))
    return np.concatenate(pieces), len(spans) + 1, BYTE_VALUES


def _encode_chars(
    data: bytes, separator: Separator
) -> tuple[np.ndarray, int, int | None, list[str]]:
    """(stream, documents, separator id, alphabet): characters by code point, the text decoded
    as UTF-8 as TextDecoder does (bad bytes as U+FFFD, a leading BOM dropped)."""
    text = data.decode("utf-8", errors="replace")
    text = text[1:] if text.startswith("\ufeff") else text
    if separator.kind == "none":
        docs = [text]
    elif separator.kind == "blank":
        docs = BLANK_LINES_TEXT.split(text)
    else:
        docs = text.split(separator.text)
    points = set().union(*docs)
    separator_token = 0 if separator.kind == "none" else 1
    if len(points) + separator_token > MAX_CHAR_TOKENS:
        raise DatasetError(
            f"The text uses {len(points)} distinct characters; character tokens take at most "
            f"{MAX_CHAR_TOKENS - separator_token}. Choose byte tokens (tokens=byte), which take "
            f"any text."
        )
    vocab = sorted(points, key=ord)
    # Each character becomes the character whose code is its id (all ids are below 256), so
    # the stream is one translate and one encode, not a loop over millions of characters.
    table = {ord(ch): i for i, ch in enumerate(vocab)}
    mark = chr(len(vocab))
    ids = mark.join(doc.translate(table) for doc in docs).encode("latin-1")
    stream = np.frombuffer(ids, dtype=np.uint8)
    return stream, len(docs), len(vocab) if separator_token else None, vocab


def build_prose(
    name: str,
    data: bytes,
    tokens: str,
    separator: Separator,
    sha256: str,
    bpe_vocab: int | None = None,
    bpe: BpeTokenizer | None = None,
) -> ProseDataset:
    """`bpe_vocab`, `bpe`: tokens=bpe, the config's vocabSize and the run's BPE if it has one
    (a checkpoint's tokenizer.json), else one is learned on the text as the browser does."""
    if tokens == "bpe":
        assert bpe_vocab is not None, "tokens=bpe without a vocabSize: validate the config"
        spans = document_spans(len(data), separator_spans(data, separator))
        bpe = bpe or learn_prose_bpe(data, spans, bpe_vocab)
        separator_id = None if separator.kind == "none" else bpe.vocab_size
        stream = encode_bpe_documents(bpe, data, spans, separator_id)
        documents = len(spans)
        vocab: list[str] = []
    elif tokens == "byte":
        stream, documents, separator_id = _encode_bytes(data, separator)
        vocab = []
    else:
        stream, documents, separator_id, vocab = _encode_chars(data, separator)
    if separator.kind != "none" and documents == 1:
        shown = separator.text if separator.kind == "literal" else "blank"
        raise SeparatorNotFoundError(name, shown)
    cut = len(stream) - math.ceil(len(stream) * PROSE_VAL_FRACTION)
    shown = None if separator_id is None else separator_display(separator)
    return ProseDataset(
        vocab, stream[:cut], stream[cut:], documents, sha256, tokens, separator_id, shown, bpe=bpe
    )


def window_starts(length: int, context: int) -> int:
    """Window starts a stream of this length offers: each window needs context + 1 tokens."""
    return max(0, length - context)


def gather_windows(
    stream: np.ndarray, offsets: np.ndarray, context: int, all_positions: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Windows [rows, context] at the offsets, and what each predicts: every next token
    [rows, context] (all_positions), or the token after the window [rows]."""
    at = np.asarray(offsets, dtype=np.int64)[:, None] + np.arange(context)[None, :]
    x = stream[at].astype(np.int32)
    y = stream[at + 1] if all_positions else stream[at[:, -1] + 1]
    return x, y.astype(np.int32)
