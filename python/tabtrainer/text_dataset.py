"""A run's text, tokenized once as its config says (workers/training/text-dataset.ts and
run-setup.ts): lines of characters or bytes, or prose; what the data order draws from; the
refusals of a text the run cannot train on; and the bytes each token stands for."""

from __future__ import annotations

from typing import Any, Mapping, Union

import numpy as np

from .data_pipeline import (
    BatchSampler,
    LinesDataset,
    build_byte_lines,
    build_dataset,
    gather_batch,
    split_documents,
    text_sha256,
)
from .bpe import BpeTokenizer
from .errors import DatasetError
from .prose_data import ProseDataset, build_prose, gather_windows, window_starts
from .text_errors import ContextTooLongError, TextEmptyError, TextTooLargeError
from .text_mode import BYTE_VALUES, max_text_bytes, parse_separator

TextDataset = Union[LinesDataset, ProseDataset]


def build_text_dataset(
    name: str, text: str, settings: Mapping[str, Any], bpe: BpeTokenizer | None = None
) -> TextDataset:
    """Refuses, by name, a text over its mode's limit or with nothing to train on. Byte tokens
    are the text's UTF-8 bytes, as the page encodes the text it read. `bpe`: tokens=bpe, the
    run's BPE (its checkpoint's tokenizer.json); None learns one on the text."""
    data = text.encode("utf-8")
    mode = settings["text"]
    limit = max_text_bytes(mode)
    if len(data) > limit:
        raise TextTooLargeError(name, len(data), limit, mode)
    if mode == "prose":
        separator = parse_separator(settings["separator"])
        tokens, sha = settings["tokens"], text_sha256(text)
        prose = build_prose(name, data, tokens, separator, sha, settings.get("vocabSize"), bpe)
        if len(prose.train) + len(prose.val) == 0:
            raise TextEmptyError(name, "prose")
        return prose
    if len(split_documents(text)) == 0:
        raise TextEmptyError(name, "lines")
    return build_byte_lines(text) if settings["tokens"] == "byte" else build_dataset(text)


def training_examples(data: TextDataset, context: int) -> int:
    """Examples the data order draws from: lines' targets, or prose's window starts."""
    if isinstance(data, ProseDataset):
        return window_starts(len(data.train), context)
    return len(data.train.targets)


def check_batch_fits(name: str, config: Mapping[str, Any], data: TextDataset) -> None:
    """run-setup.ts checkBatchFits: prose windows fit both parts of the text, and the batch fits
    the examples there are."""
    if isinstance(data, ProseDataset):
        for part, stream in (("training", data.train), ("validation", data.val)):
            if window_starts(len(stream), config["context"]) < 1:
                raise ContextTooLongError(name, config["context"], part, len(stream))
    examples = training_examples(data, config["context"])
    if config["batch"] > examples:
        raise DatasetError(
            f'Batch size {config["batch"]} exceeds the {examples} training examples of "{name}". '
            f"Lower the batch size."
        )


def batch_sampler(
    config: Mapping[str, Any],
    data: TextDataset,
    cursor: tuple[int, int] = (0, 0),
    skips: Any = (),
) -> BatchSampler:
    """batches.ts batchSampler: shuffled lines, or prose windows drawn per batch number."""
    order = "windows" if isinstance(data, ProseDataset) else "shuffle"
    size = training_examples(data, config["context"])
    return BatchSampler(config["seed"], size, config["batch"], cursor, skips, order)


def trains_all_positions(config: Mapping[str, Any]) -> bool:
    """The transformer and gpt learn from every position of a window; the mlp from its last."""
    return config["model"] != "mlp"


def host_batch(
    data: TextDataset, part: str, examples: np.ndarray, config: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """batches.ts hostBatch: (x, y, mask). Lines: windows clipped at their line, and a mask of
    the targets that count; prose: windows at those offsets, every target counts."""
    every = trains_all_positions(config)
    if isinstance(data, ProseDataset):
        stream = data.train if part == "train" else data.val
        x, y = gather_windows(stream, examples, config["context"], every)
        return x, y, None
    split = data.train if part == "train" else data.val
    return gather_batch(split, examples, config["context"], every)


def token_byte_lengths(data: TextDataset) -> np.ndarray:
    """tokenizer.ts byteLength by id: a byte token is 1 byte, a character its UTF-8 length, the
    separator its own text's (for bits per byte)."""
    if data.tokens == "byte":
        lengths = [1] * BYTE_VALUES
    elif isinstance(data, ProseDataset) and data.bpe is not None:
        lengths = [len(token) for token in data.bpe.tokens]
    else:
        lengths = [len(ch.encode("utf-8")) for ch in data.vocab]
    text = data.separator_text if isinstance(data, ProseDataset) else None
    if text is not None:
        lengths.append(len(text.encode("utf-8")))
    return np.array(lengths, dtype=np.int64)
