"""How a run reads its text (src/shared/text-mode.ts): the tokenizer (`tokens`), one example per
line or one stream (`text`), and what separates the stream's documents (`separator`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .facts import MAX_LINES_BYTES, MAX_PROSE_BYTES, SEPARATOR_BLANK, SEPARATOR_NONE

# The values a byte takes: byte tokens are ids 0-255, and a separator token is the next id.
BYTE_VALUES = 256


@dataclass(frozen=True)
class Separator:
    """`none` (one document), `blank` (a run of two or more line breaks) or a `literal`."""

    kind: str
    text: str = ""


def parse_separator(value: str) -> Separator:
    if value == SEPARATOR_NONE:
        return Separator("none")
    if value == SEPARATOR_BLANK:
        return Separator("blank")
    return Separator("literal", value)


def separator_display(separator: Separator) -> str:
    """The text a separator token stands for: its literal, or a blank line."""
    return separator.text if separator.kind == "literal" else "\n\n"


def max_text_bytes(mode: str) -> int:
    return MAX_PROSE_BYTES if mode == "prose" else MAX_LINES_BYTES


def has_separator_token(settings: Mapping[str, Any]) -> bool:
    return settings["text"] == "prose" and settings["separator"] != SEPARATOR_NONE


def vocab_size(settings: Mapping[str, Any], char_vocab: str) -> int:
    """text-mode.ts vocabSize: 256 byte ids or the alphabet's code points (not its UTF-16 units,
    so an emoji is one token), plus the separator token of prose that has one."""
    tokens = settings["tokens"]
    base = (
        BYTE_VALUES
        if tokens == "byte"
        else settings["vocabSize"]
        if tokens == "bpe"
        else len(char_vocab)
    )
    return base + (1 if has_separator_token(settings) else 0)
