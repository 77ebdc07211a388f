"""A corpus of token shards by its content address (workers/corpus/corpus-address.ts): what the
browser hashes (the layout's name, the text's SHA-256, the tokenizer and the text mode), and the
refusal of a file that is not the run's text."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from .bpe import BpeTokenizer
from .errors import CheckpointMismatchError, CorpusFileMismatchError
from .facts import CORPUS_FORMAT, EXPORT_AGAIN


def corpus_identity(text_sha256: str, separator: str, bpe: BpeTokenizer | None) -> dict[str, str]:
    """corpusIdentity: keys in the browser's order, which its address hashes."""
    return {
        "format": CORPUS_FORMAT,
        "textSha256": text_sha256,
        "tokenizer": "byte" if bpe is None else bpe.hash(),
        "textMode": f"prose;separator={separator}",
    }


def corpus_address(identity: Mapping[str, str]) -> str:
    """corpusAddress: SHA-256 of the identity as JSON.stringify writes it (compact, keys in
    order, only what JSON requires escaped)."""
    canonical = json.dumps(dict(identity), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _not_the_text(file_name: str, found: str, info: Mapping[str, Any]) -> CorpusFileMismatchError:
    return CorpusFileMismatchError(
        f'"{file_name}" is not the text this run trained on: {found} "{info["name"]}" '
        f"({info['corpus']['bytes']} bytes, SHA-256 {info['id'][:12]}…). Nothing was trained; "
        f"pass that file with --text."
    )


def check_corpus_size(file_name: str, size: int, info: Mapping[str, Any]) -> None:
    """A file of another size is refused before it is read."""
    if size != info["corpus"]["bytes"]:
        raise _not_the_text(file_name, f"it is {size} bytes, not the size of", info)


def check_corpus_text(
    file_name: str, data: bytes, info: Mapping[str, Any], separator: str, bpe: BpeTokenizer | None
) -> dict[str, str]:
    """The run's identity once `data` is its text: the same size and SHA-256 (the dataset's id),
    and with the run's tokenizer and separator the corpus its checkpoint names. Another file is
    refused by name before anything is tokenized or trained."""
    check_corpus_size(file_name, len(data), info)
    sha256 = hashlib.sha256(data).hexdigest()
    ref = info["corpus"]
    if sha256 != info["id"]:
        raise _not_the_text(file_name, f"its SHA-256 {sha256[:12]}… is not that of", info)
    identity = corpus_identity(sha256, separator, bpe)
    address = corpus_address(identity)
    if address != ref["address"]:
        # The text is right, so the checkpoint's tokenizer, separator or layout is not the one
        # that made its corpus: an edited file, or one from a newer app.
        raise CheckpointMismatchError(
            f"The checkpoint names corpus {ref['address'][:12]}…, but its text, tokenizer and "
            f"separator make corpus {address[:12]}… ({CORPUS_FORMAT}): the file was edited, or "
            f"comes from a newer app (update python/tabtrainer to its version). {EXPORT_AGAIN}"
        )
    return identity
