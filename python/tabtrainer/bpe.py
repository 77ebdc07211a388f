"""The browser's byte-level BPE (workers/training/bpe/): its pre-tokenizer, a tokenizer.json
read back into merges, encoding, decoding and the tokenizer's hash, id for id.

Ids 0-255 are the bytes; merge i (a pair of earlier ids) makes id 256 + i. Encoding splits the
bytes into pre-tokens with the pattern tokenizer.json holds (facts.PRETOKEN_PATTERN, ASCII
classes), then merges each pre-token's ids by rank, lowest first and leftmost among equals, as
Hugging Face's BPE does. Bytes that are not UTF-8 go through `surrogateescape`: each such byte
is one character of the letter class, as the browser's scanner counts it.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterator, Sequence

from .errors import BpeVocabSizeError, TokenizerJsonMalformedError, TokenizerJsonUnsupportedError
from .facts import (
    BPE_BASE_TOKENS,
    BPE_MODEL_OPTIONS,
    DECODER_JSON,
    MAX_BPE_VOCAB,
    MIN_BPE_VOCAB,
    PRE_TOKENIZER_JSON,
    PRETOKEN_PATTERN,
    TOKENIZER_HASH_FORMAT,
)

_SPLIT = re.compile(PRETOKEN_PATTERN)


def pre_tokens(data: bytes) -> Iterator[bytes]:
    """The pre-tokens of a whole text, in order; joined, they are the text."""
    text = data.decode("utf-8", "surrogateescape")
    for match in _SPLIT.finditer(text):
        yield match.group().encode("utf-8", "surrogateescape")


def _byte_to_char() -> list[str]:
    """GPT-2's byte-level alphabet (workers/training/bpe/byte-level-alphabet.ts)."""

    def printable(b: int) -> bool:
        return 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF

    chars, nxt = [], 0x100
    for b in range(256):
        if printable(b):
            chars.append(chr(b))
        else:
            chars.append(chr(nxt))
            nxt += 1
    return chars


BYTE_TO_CHAR = _byte_to_char()
CHAR_TO_BYTE = {ch: b for b, ch in enumerate(BYTE_TO_CHAR)}


def _is_int(value: Any) -> bool:
    """A JSON integer (a bool is not one here, as in TypeScript)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:120]


class BpeTokenizer:
    """A learned byte-level BPE: its merges in rank order, each making a new token."""

    def __init__(self, merges: Sequence[tuple[int, int]]) -> None:
        if BPE_BASE_TOKENS + len(merges) > MAX_BPE_VOCAB:
            raise BpeVocabSizeError(BPE_BASE_TOKENS + len(merges))
        self.tokens: list[bytes] = [bytes([b]) for b in range(BPE_BASE_TOKENS)]
        known = set(self.tokens)
        self.ranks: dict[tuple[int, int], int] = {}
        for i, (left, right) in enumerate(merges):
            for part in (left, right):
                if not _is_int(part) or not 0 <= part < len(self.tokens):
                    raise TokenizerJsonMalformedError(
                        f"merge {i} uses token {part}, which no earlier merge or byte made"
                    )
            joined = self.tokens[left] + self.tokens[right]
            if joined in known:
                raise TokenizerJsonMalformedError(
                    f"merge {i} makes a token an earlier one already is"
                )
            known.add(joined)
            self.tokens.append(joined)
            self.ranks[(left, right)] = i
        self.merges = [(int(a), int(b)) for a, b in merges]
        self._cache: dict[bytes, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def encode(self, data: bytes) -> list[int]:
        ids: list[int] = []
        for word in pre_tokens(data):
            cached = self._cache.get(word)
            if cached is None:
                cached = self._cache[word] = self._merge_word(word)
            ids.extend(cached)
        return ids

    def _merge_word(self, word: bytes) -> list[int]:
        ids = list(word)
        ranks = self.ranks
        while len(ids) > 1:
            best, at = -1, -1
            for k in range(len(ids) - 1):
                rank = ranks.get((ids[k], ids[k + 1]))
                if rank is not None and (best < 0 or rank < best):
                    best, at = rank, k
            if best < 0:
                break
            ids[at : at + 2] = [BPE_BASE_TOKENS + best]
        return ids

    def decode(self, ids: Sequence[int]) -> bytes:
        """The exact bytes the ids stand for; an id outside the vocabulary is refused."""
        for i in ids:
            if not 0 <= i < len(self.tokens):
                raise ValueError(f"token {i} is outside the vocabulary of {len(self.tokens)}")
        return b"".join(self.tokens[i] for i in ids)

    def canonical(self) -> str:
        """workers/training/bpe/tokenizer-hash.ts's canonical form, byte for byte."""
        merges = [[a, b] for a, b in self.merges]
        form = {"format": TOKENIZER_HASH_FORMAT, "pattern": PRETOKEN_PATTERN, "merges": merges}
        return json.dumps(form, separators=(",", ":"))

    def hash(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, source: str | bytes | dict[str, Any]) -> "BpeTokenizer":
        """A tokenizer.json the browser exported (tokenizer-json-import.ts's checks)."""
        return cls(_merge_ids(_model_of(_parse(source))))

    @classmethod
    def from_file(cls, path: str) -> "BpeTokenizer":
        with open(path, "rb") as f:
            return cls.from_json(f.read())


def _parse(source: str | bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, (str, bytes)):
        try:
            source = json.loads(source)
        except ValueError as err:
            raise TokenizerJsonMalformedError(f"it is not JSON ({err})") from None
    if not isinstance(source, dict):
        raise TokenizerJsonMalformedError("it is not a JSON object")
    return source


def _model_of(tokenizer: dict[str, Any]) -> dict[str, Any]:
    model = tokenizer.get("model")
    if not isinstance(model, dict):
        raise TokenizerJsonMalformedError('it has no "model" object')
    if model.get("type") != "BPE":
        raise TokenizerJsonUnsupportedError(f"its model is {_describe(model.get('type'))}, not BPE")
    for key, want, what in (
        ("normalizer", None, "a normalizer"),
        ("pre_tokenizer", PRE_TOKENIZER_JSON, "another pre-tokenizer"),
        ("post_processor", None, "a post-processor"),
        ("decoder", DECODER_JSON, "another decoder"),
    ):
        if tokenizer.get(key) != want:
            raise TokenizerJsonUnsupportedError(f"it has {what}: {_describe(tokenizer.get(key))}")
    added = tokenizer.get("added_tokens", [])
    if not isinstance(added, list):
        raise TokenizerJsonMalformedError('"added_tokens" is not a list')
    if added:
        raise TokenizerJsonUnsupportedError(f"it has added tokens: {_describe(added)}")
    for key, want in BPE_MODEL_OPTIONS.items():
        if key in model and model[key] != want:
            raise TokenizerJsonUnsupportedError(f"its BPE has {key} {_describe(model[key])}")
    return model


def _merge_ids(model: dict[str, Any]) -> list[tuple[int, int]]:
    vocab, merges = model.get("vocab"), model.get("merges")
    if not isinstance(vocab, dict):
        raise TokenizerJsonMalformedError('its model has no "vocab" object')
    if not isinstance(merges, list):
        raise TokenizerJsonMalformedError('its model has no "merges" list')
    size = len(vocab)
    if not MIN_BPE_VOCAB <= size <= MAX_BPE_VOCAB:
        raise BpeVocabSizeError(size)
    if size != BPE_BASE_TOKENS + len(merges):
        raise TokenizerJsonMalformedError(
            f"its vocabulary has {size} tokens where 256 bytes and {len(merges)} merges make "
            f"{BPE_BASE_TOKENS + len(merges)}"
        )
    names: list[str | None] = [None] * size
    for name, i in vocab.items():
        if not _is_int(i) or not 0 <= i < size or names[i] is not None:
            raise TokenizerJsonMalformedError(f"token {_describe(name)} has the id {_describe(i)}")
        if not name or any(ch not in CHAR_TO_BYTE for ch in name):
            raise TokenizerJsonUnsupportedError(f"token {_describe(name)} is not byte-level")
        names[i] = name
    for b in range(BPE_BASE_TOKENS):
        if names[b] != BYTE_TO_CHAR[b]:
            raise TokenizerJsonUnsupportedError(
                f"id {b} is {_describe(names[b])}, not the byte {b} (this trainer's ids 0–255 "
                f"are the bytes)"
            )
    ids = {name: i for i, name in enumerate(names)}
    pairs: list[tuple[int, int]] = []
    for i, merge in enumerate(merges):
        parts = merge.split(" ") if isinstance(merge, str) else merge
        two_strings = isinstance(parts, list) and len(parts) == 2
        if not two_strings or not all(isinstance(p, str) for p in parts):
            raise TokenizerJsonMalformedError(f"merge {i} is {_describe(merge)}, not two tokens")
        left, right = ids.get(parts[0]), ids.get(parts[1])
        if left is None or right is None:
            raise TokenizerJsonMalformedError(
                f"merge {i} ({_describe(merge)}) names a token not in the vocabulary"
            )
        if names[BPE_BASE_TOKENS + i] != f"{names[left]}{names[right]}":
            raise TokenizerJsonUnsupportedError(
                f"merge {i} ({_describe(merge)}) does not make id {BPE_BASE_TOKENS + i} (this "
                f"trainer's merge i makes id 256 + i)"
            )
        pairs.append((left, right))
    return pairs
