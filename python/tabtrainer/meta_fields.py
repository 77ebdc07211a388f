"""Typed readers of ``__metadata__`` values (src/shared/checkpoint/metadata-fields.ts): each
refusal names the key that is wrong, as the browser's do."""

from __future__ import annotations

from typing import Any, Mapping

from .errors import CheckpointFormatError
from .facts import EXPORT_AGAIN
from .json_scan import is_count, parse_json


def bad_field(key: str, problem: str) -> CheckpointFormatError:
    return CheckpointFormatError(f'The checkpoint\'s metadata "{key}" {problem}. {EXPORT_AGAIN}')


def meta_text(meta: Mapping[str, str], key: str) -> str:
    if key not in meta:
        raise bad_field(key, "is missing")
    return meta[key]


def meta_json(meta: Mapping[str, str], key: str) -> Any:
    text = meta_text(meta, key)
    try:
        return parse_json(text)
    except ValueError:
        raise bad_field(key, "is not valid JSON") from None


def meta_count(meta: Mapping[str, str], key: str) -> int:
    value = meta_json(meta, key)
    if not is_count(value):
        raise bad_field(key, "must be a whole number of at least 0")
    return int(value)
