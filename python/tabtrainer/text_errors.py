"""Refusals of a training text (src/shared/text-errors.ts), worded as the browser words them."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .errors import TrainerError
from .json_scan import js_stringify

MB = 1024 * 1024


def _to_fixed(x: float, digits: int) -> str:
    """Number.prototype.toFixed: the exact value rounded half up (Python's format rounds a tie
    to even: 1.25 MB would read 1.2 here and 1.3 in the browser)."""
    return str(Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def format_bytes(size: int) -> str:
    """Bytes as the page says them: "3.2 MB", "1.5 GB" (binary units, as the limits are set)."""
    if size >= 1024 * MB:
        return f"{_to_fixed(size / (1024 * MB), 1)} GB"
    if size >= MB:
        return f"{_to_fixed(size / MB, 1)} MB"
    return f"{math.ceil(size / 1024)} KB"


def _mode_name(mode: str) -> str:
    return "prose" if mode == "prose" else "one example per line"


class TextTooLargeError(TrainerError):
    """The text is over the limit of its mode."""

    def __init__(self, name: str, size: int, limit: int, mode: str) -> None:
        instead = (
            "Train it as prose (text=prose takes up to 256 MB) or use a smaller file."
            if mode == "lines"
            else "Use a smaller file."
        )
        super().__init__(
            f'"{name}" is {format_bytes(size)}; {_mode_name(mode)} takes at most '
            f"{format_bytes(limit)}. {instead}"
        )


class TextEmptyError(TrainerError):
    """The text holds nothing to train on (empty, or only blank lines in lines mode)."""

    def __init__(self, name: str, mode: str) -> None:
        what = "no line with text on it" if mode == "lines" else "no text"
        super().__init__(f'"{name}" has {what} to train on. Choose a file with some text.')


class SeparatorNotFoundError(TrainerError):
    """A prose separator was asked for and the text never contains it."""

    def __init__(self, name: str, separator: str) -> None:
        what = (
            "no blank line"
            if separator == "blank"
            else f"the separator {js_stringify(separator)} never"
        )
        super().__init__(
            f'In "{name}" {what} occurs, so it would be one document. Choose the separator the '
            f"file uses, or separator=none to train on it as one stream."
        )


class ContextTooLongError(TrainerError):
    """A window of `context` tokens (and its next token) does not fit in a part of the text."""

    def __init__(self, name: str, context: int, part: str, tokens: int) -> None:
        super().__init__(
            f"The context of {context} tokens is longer than the {part} part of "
            f'"{name}" ({tokens} tokens; a window needs context + 1). Lower the context '
            f"or use a longer text."
        )
