"""A run on token shards continued from the file the page's Export tokens downloads
(workers/corpus/token-file.ts): llm.c's token file, a header of 256 little-endian int32 (magic,
version 1, the token count, and from slot 3 on the corpus's content address) and then the tokens
as little-endian uint16, the corpus's shards in order.

The tokens are never read whole into memory: they are memory-mapped, and training and validation
read them by windows, so the process holds only the pages the windows touch. One pass over the
file (buffered reads of SCAN_TOKENS, not through the map) checks every id is in the run's
vocabulary and counts its documents. The split is the browser's (corpus-dataset.ts: the last
tenth validates), so the batches are those the text path (shard_corpus.load_run_corpus) makes.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .bpe import BpeTokenizer
from .bpe_prose import run_bpe
from .checkpoint import Checkpoint
from .corpus_address import corpus_address, corpus_identity
from .errors import CheckpointMismatchError, TokenFileFormatError, TokenFileMismatchError
from .facts import (
    CORPUS_FORMAT,
    EXPORT_AGAIN,
    PROSE_VAL_FRACTION,
    TOKEN_FILE_ADDRESS_SLOT,
    TOKEN_FILE_HEADER_INTS,
    TOKEN_FILE_MAGIC,
    TOKEN_FILE_VERSION,
)
from .prose_data import ProseDataset
from .text_mode import BYTE_VALUES, parse_separator, separator_display, vocab_size

HEADER_BYTES = TOKEN_FILE_HEADER_INTS * 4
ADDRESS_START = TOKEN_FILE_ADDRESS_SLOT * 4
ADDRESS_BYTES = 32
TOKEN_DTYPE = np.dtype("<u2")
# Tokens per read of the checking pass: 16 MB at a time, whatever the file's size.
SCAN_TOKENS = 1 << 23
EXPORT_HINT = (
    "Export the corpus's tokens again (the Corpora list's Export tokens), or pass the run's text "
    "with --text."
)


@dataclass(frozen=True)
class TokenFile:
    path: str
    address: str
    tokens: np.ndarray  # a read-only np.memmap of uint16 little-endian, the header skipped


def token_file_header(count: int, address: str) -> bytes:
    """The header Export tokens writes for `count` tokens of the corpus at `address`."""
    header = np.zeros(TOKEN_FILE_HEADER_INTS, dtype="<i4")
    header[:3] = (TOKEN_FILE_MAGIC, TOKEN_FILE_VERSION, count)
    raw = bytearray(header.tobytes())
    raw[ADDRESS_START : ADDRESS_START + ADDRESS_BYTES] = bytes.fromhex(address)
    return bytes(raw)


def write_token_file(path: str, stream: np.ndarray, address: str) -> None:
    """The file Export tokens downloads for a corpus whose shards hold `stream` (tests and
    measurements; python/tests checks it byte for byte against the browser's golden SHA-256)."""
    with open(path, "wb") as f:
        f.write(token_file_header(len(stream), address))
        f.write(np.asarray(stream).astype(TOKEN_DTYPE).tobytes())


def read_token_file(path: str) -> TokenFile:
    """The file's header checked (magic, version, and a size that holds exactly the tokens it
    counts) and its tokens mapped, not read."""
    size = os.path.getsize(path)
    if size < HEADER_BYTES:
        raise TokenFileFormatError(
            f'"{path}" is {size} bytes, shorter than a token file\'s header of {HEADER_BYTES}: '
            f"a partial download or copy, or not a token file. {EXPORT_HINT}"
        )
    with open(path, "rb") as f:
        raw = f.read(HEADER_BYTES)
    magic, version, count = (int(v) for v in np.frombuffer(raw, dtype="<i4", count=3))
    if magic != TOKEN_FILE_MAGIC:
        raise TokenFileFormatError(
            f'"{path}" is not a token file: its header starts with {magic}, not llm.c\'s magic '
            f"{TOKEN_FILE_MAGIC}. {EXPORT_HINT}"
        )
    if version != TOKEN_FILE_VERSION:
        raise TokenFileFormatError(
            f'"{path}" is a token file of version {version}; this bridge reads version '
            f"{TOKEN_FILE_VERSION} (uint16 tokens), which Export tokens writes. {EXPORT_HINT}"
        )
    expected = HEADER_BYTES + count * TOKEN_DTYPE.itemsize
    if count < 0 or size != expected:
        shape = "ends early" if size < expected else "runs past its tokens"
        raise TokenFileFormatError(
            f'"{path}" {shape}: its header counts {count} tokens ({expected} bytes with the '
            f"header), but the file has {size} bytes (a partial download or copy, or an edited "
            f"file). {EXPORT_HINT}"
        )
    address = raw[ADDRESS_START : ADDRESS_START + ADDRESS_BYTES].hex()
    # numpy cannot map zero bytes; an empty corpus is refused later as a count the run lacks.
    if count == 0:
        return TokenFile(path, address, np.zeros(0, dtype=TOKEN_DTYPE))
    tokens = np.memmap(path, dtype=TOKEN_DTYPE, mode="r", offset=HEADER_BYTES, shape=(count,))
    return TokenFile(path, address, tokens)


def _separator(
    config: Mapping[str, Any], bpe: BpeTokenizer | None
) -> tuple[int | None, str | None]:
    """The separator token's id and the text it stands for (build_prose's), or None."""
    separator = parse_separator(config["separator"])
    if separator.kind == "none":
        return None, None
    return (BYTE_VALUES if bpe is None else bpe.vocab_size), separator_display(separator)


def _scan(file: TokenFile, vocab: int, separator_id: int | None) -> int:
    """Checks every id is below `vocab`; the documents the separators make. Read in buffers,
    not through the map, so the pages read do not stay in this process."""
    documents = 1
    buffer = np.empty(SCAN_TOKENS, dtype=TOKEN_DTYPE)
    with open(file.path, "rb", buffering=0) as f:
        f.seek(HEADER_BYTES)
        while True:
            got = f.readinto(memoryview(buffer).cast("B")) // TOKEN_DTYPE.itemsize
            if got == 0:
                return documents
            chunk = buffer[:got]
            top = int(chunk.max())
            if top >= vocab:
                raise TokenFileFormatError(
                    f'"{file.path}" holds token id {top}, past the run\'s vocabulary of {vocab} '
                    f"ids: the file was changed after it was exported. {EXPORT_HINT}"
                )
            if separator_id is not None:
                documents += int(np.count_nonzero(chunk == separator_id))


def load_run_tokens(source: Checkpoint, path: str) -> ProseDataset:
    """A shard run's dataset from an exported token file (`--tokens`)."""
    return tokens_dataset(source.meta.dataset, source.meta.config, path)


def tokens_dataset(info: Mapping[str, Any], config: Mapping[str, Any], path: str) -> ProseDataset:
    """The dataset of the run `info` and `config` describe (a checkpoint's), from a token file:
    refused by name unless its header names the run's corpus and counts its training and
    validation tokens; split as the browser splits the corpus."""
    if "corpus" not in info:
        raise TokenFileMismatchError(
            f'This checkpoint\'s run trains on "{info["name"]}" in memory, not on token shards '
            f"(corpus=shards), so no token file is its corpus. Pass its text with --text."
        )
    want = info["corpus"]["address"]
    bpe = run_bpe(config, info)
    # The checkpoint's own text, tokenizer and separator must make the corpus it names: the
    # token file is then bound to the text by that address, as the text path binds by SHA-256.
    made = corpus_address(corpus_identity(info["id"], config["separator"], bpe))
    if made != want:
        raise CheckpointMismatchError(
            f"The checkpoint names corpus {want[:12]}…, but its text, tokenizer and separator "
            f"make corpus {made[:12]}… ({CORPUS_FORMAT}): the file was edited, or comes from a "
            f"newer app (update python/tabtrainer to its version). {EXPORT_AGAIN}"
        )
    file = read_token_file(path)
    if file.address != want:
        raise TokenFileMismatchError(
            f'"{path}" holds the tokens of corpus {file.address[:12]}…, but this run trains on '
            f'corpus {want[:12]}… (of "{info["name"]}"). Nothing was trained; export that '
            f"corpus's tokens, or pass its text with --text."
        )
    train, val = info["trainExamples"], info["valExamples"]
    count = len(file.tokens)
    if count != train + val or count - math.ceil(count * PROSE_VAL_FRACTION) != train:
        raise TokenFileMismatchError(
            f'"{path}" holds {count} tokens, but the run\'s corpus holds {train} training and '
            f"{val} validation tokens ({train + val}). Nothing was trained. {EXPORT_HINT}"
        )
    separator_id, separator_text = _separator(config, bpe)
    documents = _scan(file, vocab_size(config, ""), separator_id)
    return ProseDataset(
        vocab=[],
        train=file.tokens[:train],
        val=file.tokens[train:],
        documents=documents,
        sha256=info["id"],
        tokens=config["tokens"],
        separator_id=separator_id,
        separator_text=separator_text,
        bpe=bpe,
    )
