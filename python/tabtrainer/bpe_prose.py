"""A BPE run's prose (workers/training/bpe-prose.ts), id for id: the BPE learned on the text by
the trainer's sample rule with each chunk cut at the separators, each document encoded on its
own and the documents joined by the separator token."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import numpy as np

from .bpe import BpeTokenizer
from .bpe_train import sample_ranges, train_bpe
from .errors import TokenizerJsonMalformedError


def document_spans(length: int, separators: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) byte spans of the documents between the separators, in order."""
    edges = [0] + [edge for span in separators for edge in span] + [length]
    return [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]


def _sample_pieces(data: bytes, documents: list[tuple[int, int]]) -> Iterator[bytes]:
    """Each sampled chunk's pieces between separators, in file order (a text each)."""
    d = 0
    for start, end in sample_ranges(len(data)):
        while d + 1 < len(documents) and documents[d][1] <= start:
            d += 1
        k = d
        while k < len(documents) and documents[k][0] < end:
            lo, hi = max(start, documents[k][0]), min(end, documents[k][1])
            if hi > lo:
                yield data[lo:hi]
            k += 1


def learn_prose_bpe(
    data: bytes, documents: list[tuple[int, int]], vocab_size: int
) -> BpeTokenizer:
    return train_bpe(_sample_pieces(data, documents), vocab_size)


def encode_bpe_documents(
    bpe: BpeTokenizer, data: bytes, documents: list[tuple[int, int]], separator_id: int | None
) -> np.ndarray:
    ids: list[int] = []
    for k, (start, end) in enumerate(documents):
        if k > 0:
            ids.append(separator_id)  # type: ignore[arg-type]
        ids.extend(bpe.encode(data[start:end]))
    return np.array(ids, dtype=np.uint16)


def run_bpe(config: Mapping[str, Any], info: Mapping[str, Any]) -> BpeTokenizer | None:
    """run-tokenizer.ts runBpe: a tokens=bpe run's BPE read from its dataset's tokenizer.json
    (refused by name if missing, malformed, foreign or not of the config's vocabSize); None for
    other tokens."""
    if config["tokens"] != "bpe":
        return None
    if "tokenizer" not in info:
        raise TokenizerJsonMalformedError(f"the run's dataset \"{info['name']}\" carries none")
    bpe = BpeTokenizer.from_json(info["tokenizer"])
    if bpe.vocab_size != config["vocabSize"]:
        raise TokenizerJsonMalformedError(
            f"its vocabulary has {bpe.vocab_size} tokens, but the run's config says "
            f"vocabSize={config['vocabSize']}"
        )
    return bpe
