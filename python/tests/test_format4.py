"""Format 4 in python/tabtrainer as in the browser (tests/unit/checkpoint-format4.test.ts): a file
must agree with itself (tokenizer, optimizer, alphabet, config) or is refused by the browser's
names; format 3 is still read (migrated) and written for the runs it describes; a vocabulary
counts code points."""

import json
from pathlib import Path
from typing import Callable

import pytest

from gpt_golden import golden
from paths import GOLDEN, MALFORMED, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.checkpoint_write import write_checkpoint
from tabtrainer.errors import TrainerError
from tabtrainer.facts import LEGACY_TEXT_MODEL
from tabtrainer.safetensors_io import (
    TensorToWrite,
    read_layout,
    read_tensor_bytes,
    write_file_atomically,
)

GPT_START = golden("gpt").start


def edited(tmp_path: Path, source: Path, edit: Callable[[dict[str, str]], None]) -> str:
    """The same file with its metadata edited (every tensor and hash kept); an edit that sets a
    key to "" removes it."""
    with open(source, "rb") as f:
        layout = read_layout(f, source.stat().st_size)
        tensors = [
            TensorToWrite(e.name, e.dtype, e.shape, read_tensor_bytes(f, layout, e))
            for e in layout.entries
        ]
    assert layout.metadata is not None
    metadata = dict(layout.metadata)
    edit(metadata)
    out = tmp_path / "edited.safetensors"
    write_file_atomically(str(out), tensors, {k: v for k, v in metadata.items() if v != ""})
    return str(out)


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (
            lambda m: m.update(tokenizer=m["tokenizer"].replace(":257,", ":256,")),
            "CheckpointFormatError",
            'metadata "tokenizer" disagrees with the run config',
        ),
        (lambda m: m.update(tokenizer=""), "CheckpointFormatError", '"tokenizer" is missing'),
        (
            lambda m: m.update(optimizer=m["optimizer"].replace('"beta2":0.95', '"beta2":0.999')),
            "CheckpointMismatchError",
            "betas 0.9 and 0.999, weight decay 0.1) is not the one its run config trains with",
        ),
        (
            lambda m: m.update(optimizer=m["optimizer"].replace('"AdamW"', '"Adam"')),
            "CheckpointFormatError",
            "or AdamW (and weightDecay above 0)",
        ),
        (
            lambda m: m.update(dataset=m["dataset"].replace('"vocab":""', '"vocab":"ab"')),
            "CheckpointFormatError",
            'metadata "dataset" must describe the dataset',
        ),
        (
            lambda m: m.update(config=m["config"].replace('"heads":2', '"heads":3')),
            "CheckpointMismatchError",
            "must be a multiple of heads (3)",
        ),
        (
            lambda m: m.update(config=m["config"].replace('"tie":1', '"tie":0')),
            "CheckpointMismatchError",
            'tensor "model/head/kernel" is missing, and a gpt (embed 16, width 64, layers 2, '
            "heads 2, context 16, vocab 257) needs it",
        ),
    ],
    ids=["tokenizer", "no-tokenizer", "betas", "adam-with-decay", "byte-alphabet", "heads", "tie"],
)
def test_a_format4_file_that_does_not_hold_together_is_refused(
    tmp_path: Path, edit: Callable[[dict[str, str]], None], error: str, message: str
) -> None:
    path = edited(tmp_path, GPT_START, edit)
    with pytest.raises(TrainerError) as caught:
        read_checkpoint(path)
    assert type(caught.value).__name__ == error
    assert message in str(caught.value)


def test_a_format3_file_is_migrated_and_written_back_as_format3(tmp_path: Path) -> None:
    source = GOLDEN / "transformer-start.safetensors"
    ckpt = read_checkpoint(str(source))
    assert ckpt.format_version == 3
    assert {k: ckpt.meta.config[k] for k in LEGACY_TEXT_MODEL} == LEGACY_TEXT_MODEL
    assert ckpt.meta.optimizer["className"] == "Adam"
    out = tmp_path / "next.safetensors"
    text = str(REPO / "tests/fixtures/text/greek-words.txt")
    assert main(["continue", str(source), "--steps", "2", "--text", text, "--out", str(out)]) == 0
    again = read_checkpoint(str(out))
    assert again.raw_meta["format"] == "tab-trainer/3" and "tokenizer" not in again.raw_meta
    assert again.raw_meta["config"] == ckpt.raw_meta["config"]
    assert not set(json.loads(again.raw_meta["config"])) & set(LEGACY_TEXT_MODEL)


def test_a_character_alphabet_counts_code_points(tmp_path: Path) -> None:
    """A format-3 run whose alphabet holds an emoji: one token, two UTF-16 units. The vocabulary
    (and the embedding's rows) count it once, as the browser does since issue 18."""
    source = read_checkpoint(str(MALFORMED / "valid-v3.safetensors"))
    dataset = json.loads(source.raw_meta["dataset"])
    vocab = dataset["vocab"]
    dataset["vocab"] = vocab[:-1] + "😀"
    source.raw_meta["dataset"] = json.dumps(dataset, ensure_ascii=False, separators=(",", ":"))
    out = tmp_path / "emoji.safetensors"
    write_checkpoint(str(out), source, "test")
    ckpt = read_checkpoint(str(out))
    rows = ckpt.tensors["model/emb"].shape[0]
    assert rows == len(ckpt.meta.dataset["vocab"]) == len(vocab)
    assert len(ckpt.meta.dataset["vocab"].encode("utf-16-le")) // 2 == rows + 1
