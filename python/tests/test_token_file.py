"""A run on token shards continued from the file the page's Export tokens downloads (--tokens)
instead of its text (--text): the file this bridge writes from the text's stream is, byte for
byte, the one the browser's exporter makes (tests/fixtures/golden/shards.json's tokenFileSha256,
written by tests/unit/python-golden-shards.test.ts with workers/corpus/token-file.ts); read back,
it gives the same stream, batches and validation set as the text, and a continuation from it is
the text path's bit for bit. Anything else is refused by name and nothing is trained."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from paths import GOLDEN, REPO
from prose_golden import assert_browser_draws
from tabtrainer.__main__ import main
from tabtrainer.bpe_prose import run_bpe
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.errors import TokenFileFormatError, TokenFileMismatchError
from tabtrainer.evaluation import validation_set
from tabtrainer.shard_corpus import build_shard_prose
from tabtrainer.token_file import HEADER_BYTES, tokens_dataset, write_token_file
from test_shard_corpus import CASES, case_id, text_of

TEXT = str(REPO / "tests/fixtures/text/mark.txt")
BYTE_CASE = CASES[0]


def text_stream(case: dict):
    config, info = case["config"], case["info"]
    data = build_shard_prose(info["name"], text_of(case), config, run_bpe(config, info))
    return data, np.concatenate([data.train, data.val])


def exported(case: dict, tmp_path: Path) -> Path:
    _, stream = text_stream(case)
    path = tmp_path / "corpus.bin"
    write_token_file(str(path), stream, case["info"]["corpus"]["address"])
    return path


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_file_is_the_browsers_and_reads_back_as_the_text(case: dict, tmp_path: Path) -> None:
    path = exported(case, tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == case["tokenFileSha256"]
    config, info = case["config"], case["info"]
    text, _ = text_stream(case)
    data = tokens_dataset(info, config, str(path))
    # The tokens stay on disk: both parts are views of one read-only map of the file.
    assert isinstance(data.train, np.memmap) and isinstance(data.val, np.memmap)
    assert not data.train.flags.writeable
    assert np.array_equal(data.train, text.train) and np.array_equal(data.val, text.val)
    assert data.documents == text.documents == case["manifest"]["documents"]
    assert (data.separator_id, data.separator_text) == (text.separator_id, text.separator_text)
    assert (data.sha256, data.tokens, data.vocab) == (info["id"], config["tokens"], [])
    assert_browser_draws(config, data, case)
    ours_set, theirs_set = validation_set(data, config), validation_set(text, config)
    assert len(ours_set.chunks) == len(theirs_set.chunks) > 0
    for ours, theirs in zip(ours_set.chunks, theirs_set.chunks):
        assert ours.x.tobytes() == theirs.x.tobytes() and ours.y.tobytes() == theirs.y.tobytes()


@pytest.mark.parametrize("name", ["shards-byte", "shards-bpe"])
def test_a_continuation_from_the_file_is_the_texts_bit_for_bit(name: str, tmp_path: Path) -> None:
    source = read_checkpoint(str(GOLDEN / f"{name}-start.safetensors"))
    address = source.meta.dataset["corpus"]["address"]
    (case,) = [c for c in CASES if c["info"]["corpus"]["address"] == address]
    tokens = exported(case, tmp_path)
    outs = {}
    for flag, path in (("--text", TEXT), ("--tokens", str(tokens))):
        out = tmp_path / f"{flag[2:]}.safetensors"
        args = ["continue", str(GOLDEN / f"{name}-start.safetensors"), "--steps", "6"]
        assert main([*args, flag, path, "--out", str(out)]) == 0
        outs[flag] = read_checkpoint(str(out))
    a, b = outs["--text"], outs["--tokens"]
    assert a.meta.step == b.meta.step == source.meta.step + 6
    assert a.meta.cursor == b.meta.cursor and a.meta.metrics == b.meta.metrics
    assert a.raw_meta["dataset"] == b.raw_meta["dataset"] == source.raw_meta["dataset"]
    assert sorted(a.tensors) == sorted(b.tensors)
    for tensor in a.tensors:
        assert a.tensors[tensor].tobytes() == b.tensors[tensor].tobytes(), tensor
    # The run moved: equal because both trained, not because neither did.
    moved = [n for n in a.tensors if n.startswith("model/")]
    assert any(a.tensors[n].tobytes() != source.tensors[n].tobytes() for n in moved)


def refused(path: Path, case: dict = BYTE_CASE) -> str:
    with pytest.raises((TokenFileFormatError, TokenFileMismatchError)) as err:
        tokens_dataset(case["info"], case["config"], str(path))
    return f"{type(err.value).__name__}: {err.value}"


def test_a_file_that_is_not_the_runs_corpus_is_refused_by_name(tmp_path: Path) -> None:
    good = exported(BYTE_CASE, tmp_path).read_bytes()
    _, stream = text_stream(BYTE_CASE)
    address = BYTE_CASE["info"]["corpus"]["address"]
    bad = tmp_path / "bad.bin"

    def with_bytes(data: bytes) -> Path:
        bad.write_bytes(data)
        return bad

    magic = bytearray(good)
    magic[0] ^= 1
    assert refused(with_bytes(bytes(magic))).startswith("TokenFileFormatError: ")
    assert "not llm.c's magic 20240520" in refused(bad)
    version = bytearray(good)
    version[4] = 2
    assert "of version 2; this bridge reads version 1" in refused(with_bytes(bytes(version)))
    assert "ends early" in refused(with_bytes(good[:-2]))
    assert "runs past its tokens" in refused(with_bytes(good + b"\0\0"))
    assert "shorter than a token file's header" in refused(with_bytes(good[: HEADER_BYTES - 4]))
    # Another corpus: Mark's BPE corpus's file for the byte run.
    other = next(c for c in CASES if c["config"]["tokens"] == "bpe")
    text = refused(exported(other, tmp_path))
    assert text.startswith("TokenFileMismatchError: ") and address[:12] in text
    assert other["info"]["corpus"]["address"][:12] in text
    # The right address, one token short (a consistent header): the wrong count.
    write_token_file(str(bad), stream[:-1], address)
    count = len(stream)
    assert f"holds {count - 1} tokens" in refused(bad) and f"({count})" in refused(bad)
    # An id past the vocabulary: a file edited after its export.
    edited = stream.astype(np.uint16)
    edited[5] = 300
    write_token_file(str(bad), edited, address)
    assert "holds token id 300, past the run's vocabulary of 257 ids" in refused(bad)


def test_the_command_refuses_and_trains_nothing(tmp_path: Path, capsys) -> None:
    path = tmp_path / "corpus.bin"
    _, stream = text_stream(BYTE_CASE)
    write_token_file(str(path), stream, "ab" * 32)
    out = tmp_path / "next.safetensors"
    source = str(GOLDEN / "shards-byte-start.safetensors")
    code = main(["continue", source, "--steps", "2", "--tokens", str(path), "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "TokenFileMismatchError: " in capsys.readouterr().err
    # A run on its text in memory has no corpus for a token file to be.
    plain = json.loads((GOLDEN / "shards.json").read_text())["cases"][0]["info"].copy()
    del plain["corpus"]
    with pytest.raises(TokenFileMismatchError, match="not on token shards"):
        tokens_dataset(plain, BYTE_CASE["config"], str(path))
    with pytest.raises(SystemExit):
        main(["continue", source, "--steps", "1", "--text", TEXT, "--tokens", str(path),
              "--out", str(out)])  # fmt: skip
