"""A run on token shards (corpus=shards) rebuilt from its text, id for id: the stream the
browser's tokenizer wrote into shards (workers/corpus/tokenize-corpus.ts: each document encoded
on its own, each separator one token), split and read as the browser reads it
(corpus-dataset.ts: the last tenth validates), and the manifest it wrote, shard hashes and all.

This is `--text`: the bridge makes the same stream from the same file; the checkpoint names the
corpus by its content address, which the file, the run's tokenizer and its separator must
reproduce. `--tokens` reads the page's Export tokens file instead, memory-mapped (token_file.py).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Iterator, Mapping

import numpy as np

from .bpe import BpeTokenizer
from .bpe_prose import run_bpe
from .checkpoint import Checkpoint
from .corpus_address import check_corpus_size, check_corpus_text, corpus_address
from .errors import CheckpointDatasetError
from .facts import SHARD_TOKENS
from .prose_data import ProseDataset, build_prose
from .text_mode import parse_separator, vocab_size


def shard_dtype(vocab: int) -> np.dtype:
    """corpus-manifest.ts shardDtype: uint16 when every id fits, else uint32; little-endian, as
    typed arrays are in every browser engine."""
    return np.dtype("<u2" if vocab <= 0x10000 else "<u4")


def build_shard_prose(
    name: str, data: bytes, config: Mapping[str, Any], bpe: BpeTokenizer | None
) -> ProseDataset:
    """The text's bytes as they are (invalid UTF-8 included: a corpus is read as bytes, never
    decoded) in the run's byte or BPE tokens; the split is prose's, as the browser's is."""
    separator = parse_separator(config["separator"])
    sha256 = hashlib.sha256(data).hexdigest()
    vocab = config.get("vocabSize")
    return build_prose(name, data, config["tokens"], separator, sha256, vocab, bpe)


def shard_files(data: ProseDataset, vocab: int, shard_tokens: int) -> Iterator[bytes]:
    """The shard files' bytes, in order: `shard_tokens` ids each, the last one shorter."""
    dtype = shard_dtype(vocab)
    stream = np.concatenate([data.train, data.val])
    for at in range(0, len(stream), shard_tokens):
        yield stream[at : at + shard_tokens].astype(dtype).tobytes()


def corpus_manifest(
    name: str,
    size: int,
    identity: Mapping[str, str],
    data: ProseDataset,
    config: Mapping[str, Any],
    shard_tokens: int = SHARD_TOKENS,
) -> dict[str, Any]:
    """The manifest.json the browser writes for this corpus, key for key."""
    vocab = vocab_size(config, "")
    hashes = [hashlib.sha256(shard).hexdigest() for shard in shard_files(data, vocab, shard_tokens)]
    return {
        "format": identity["format"],
        "address": corpus_address(identity),
        "identity": dict(identity),
        "name": name,
        "bytes": size,
        "dtype": "uint16" if shard_dtype(vocab).itemsize == 2 else "uint32",
        "vocabSize": vocab,
        "shardTokens": shard_tokens,
        "shards": len(hashes),
        "tokens": len(data.train) + len(data.val),
        "documents": data.documents,
        "shardSha256": hashes,
    }


def load_run_corpus(source: Checkpoint, path: str) -> ProseDataset:
    """A shard run's dataset from the file at `path`: refused by name unless it is the run's
    text (its size, SHA-256 and corpus address), then tokenized with the run's tokenizer.json,
    and checked to split into the token counts the browser recorded."""
    info, config = source.meta.dataset, source.meta.config
    bpe = run_bpe(config, info)
    check_corpus_size(path, os.path.getsize(path), info)
    with open(path, "rb") as f:
        text = f.read()
    check_corpus_text(path, text, info, config["separator"], bpe)
    data = build_shard_prose(info["name"], text, config, bpe)
    counts = (len(data.train), len(data.val))
    if counts != (info["trainExamples"], info["valExamples"]):
        raise CheckpointDatasetError(
            f'"{info["name"]}" tokenizes here to {counts[0]} training and {counts[1]} validation '
            f"tokens, but the browser's corpus holds {info['trainExamples']} and "
            f"{info['valExamples']}: this python/tabtrainer does not tokenize as that app did. "
            f"Update python/tabtrainer to the app's version."
        )
    return data
