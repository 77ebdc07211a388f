"""Which format a run's file is written in, and format 4's `tokenizer` metadata
(src/shared/checkpoint/format-choice.ts and tokenizer-meta.ts), spelled as the browser spells
them so a file handed back reads as one the browser wrote."""

from __future__ import annotations

from typing import Any, Mapping

from .facts import BYTE_BOUNDARY, BOUNDARY, LEGACY_TEXT_MODEL
from .json_scan import js_json
from .text_mode import has_separator_token, parse_separator, separator_display, vocab_size


def format_version_for(config: Mapping[str, Any]) -> int:
    """3 when format 3 describes the run completely (an mlp or transformer on characters, one
    example per line, plain Adam with the old betas), so readers of format 3 keep reading every
    run they can continue exactly; else 4."""
    legacy = all(config[key] == value for key, value in LEGACY_TEXT_MODEL.items())
    return 3 if config["model"] != "gpt" and legacy else 4


def format3_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The config as format 3 writes it: without issue 18's keys, in its key order."""
    return {k: v for k, v in config.items() if k not in LEGACY_TEXT_MODEL}


def describe_tokenizer(config: Mapping[str, Any], alphabet: str) -> str:
    """JSON.stringify of {kind, vocabSize, text, boundary, separator}: what the ids mean. Lines:
    the boundary is id 0 (`\\n`, char tokens) or the line feed byte. Prose: the separator is the
    last id."""
    size = vocab_size(config, alphabet)
    lines = config["text"] == "lines"
    separator = (
        {"id": size - 1, "text": separator_display(parse_separator(config["separator"]))}
        if has_separator_token(config)
        else None
    )
    boundary = (BYTE_BOUNDARY if config["tokens"] == "byte" else BOUNDARY) if lines else None
    return js_json(
        {
            "kind": config["tokens"],
            "vocabSize": size,
            "text": config["text"],
            "boundary": boundary,
            "separator": separator,
        }
    )
