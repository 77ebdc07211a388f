"""A run on token shards rebuilt in Python from its text (tests/fixtures/golden/shards.json,
written by tests/unit/python-golden-shards.test.ts with the worker's own corpus code): the
corpus's address and manifest (every shard's SHA-256 at the golden's shard size), the windows
drawn per batch number across shards and an epoch's end, and the validation set, for byte and
BPE tokens; the refusals of another file and of configs that cannot run on shards."""

import base64
import copy
import hashlib
import json

import pytest

from paths import GOLDEN, REPO
from prose_golden import assert_browser_draws
from tabtrainer.bpe_prose import run_bpe
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.checkpoint_meta import decode_meta
from tabtrainer.corpus_address import check_corpus_text
from tabtrainer.errors import (
    CheckpointFormatError,
    CheckpointMismatchError,
    ConfigError,
    CorpusFileMismatchError,
)
from tabtrainer.run_config import validate_config
from tabtrainer.shard_corpus import build_shard_prose, corpus_manifest

GOLDEN_SHARDS = json.loads((GOLDEN / "shards.json").read_text())
CASES = GOLDEN_SHARDS["cases"]


def case_id(case: dict) -> str:
    c = case["config"]
    return f"{case['info']['name']}-{c['tokens']}-{c['separator']!r}"


def text_of(case: dict) -> bytes:
    if case["file"] is None:
        return base64.b64decode(case["base64"])
    return (REPO / case["file"]).read_bytes()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_corpus_and_its_windows_are_the_browsers(case: dict) -> None:
    config, info, want = validate_config(case["config"]), case["info"], case["manifest"]
    assert config == case["config"]
    text = text_of(case)
    bpe = run_bpe(config, info)
    identity = check_corpus_text(info["name"], text, info, config["separator"], bpe)
    data = build_shard_prose(info["name"], text, config, bpe)
    got = corpus_manifest(info["name"], len(text), identity, data, config, want["shardTokens"])
    assert got == want
    assert (len(data.train), len(data.val)) == (info["trainExamples"], info["valExamples"])
    assert_browser_draws(config, data, case)


def test_the_odd_bytes_are_tokenized_as_bytes_not_decoded() -> None:
    """Invalid UTF-8 and NUL stay the bytes they are: the page's File.text() would have made
    U+FFFD of them, and the corpus's SHA-256 is of the bytes."""
    (case,) = [c for c in CASES if c["file"] is None and c["config"]["tokens"] == "byte"]
    text = text_of(case)
    assert b"\x80\x00\xf0\x9f" in text
    data = build_shard_prose("odd.txt", text, case["config"], None)
    stream = [int(t) for t in data.train] + [int(t) for t in data.val]
    odd = [0x80, 0x00, 0xF0, 0x9F]
    assert any(stream[i : i + 4] == odd for i in range(len(stream)))
    assert stream.count(256) == case["manifest"]["documents"] - 1


def test_another_file_is_refused_by_name_before_anything_is_tokenized() -> None:
    case = CASES[0]
    info, separator = case["info"], case["config"]["separator"]
    text = text_of(case)
    shorter, edited = text[:-1], text[:-1] + b"!"
    found = {
        shorter: f"it is {len(text) - 1} bytes, not the size of",
        edited: f"its SHA-256 {hashlib.sha256(edited).hexdigest()[:12]}… is not that of",
    }
    for other, what in found.items():
        with pytest.raises(CorpusFileMismatchError) as err:
            check_corpus_text("other.txt", other, info, separator, None)
        assert str(err.value) == (
            f'"other.txt" is not the text this run trained on: {what} "mark.txt" ({len(text)} '
            f'bytes, SHA-256 {info["id"][:12]}…). Nothing was trained; pass that file with --text.'
        )


def test_a_corpus_the_text_and_tokenizer_do_not_make_is_refused() -> None:
    """The right text with another separator (or tokenizer) makes another address."""
    case = CASES[0]
    with pytest.raises(CheckpointMismatchError, match="names corpus 52d10b4aef27…, but"):
        check_corpus_text("mark.txt", text_of(case), case["info"], "none", None)


@pytest.mark.parametrize("refusal", GOLDEN_SHARDS["configRefusals"], ids=lambda r: r["message"])
def test_configs_that_cannot_run_on_shards_are_refused_in_the_browsers_words(
    refusal: dict,
) -> None:
    with pytest.raises(ConfigError) as err:
        validate_config(refusal["config"])
    assert str(err.value) == refusal["message"]


def test_a_checkpoint_names_its_corpus_exactly_when_its_config_says_shards() -> None:
    raw = read_checkpoint(str(GOLDEN / "shards-byte-start.safetensors")).raw_meta
    assert decode_meta(raw).dataset["corpus"]["bytes"] == CASES[0]["info"]["corpus"]["bytes"]
    no_corpus = copy.deepcopy(dict(raw))
    dataset = json.loads(raw["dataset"])
    del dataset["corpus"]
    no_corpus["dataset"] = json.dumps(dataset)
    with pytest.raises(CheckpointFormatError, match="must name its corpus exactly when"):
        decode_meta(no_corpus)
    bad_ref = dict(raw)
    bad_ref["dataset"] = json.dumps({**dataset, "corpus": {"address": "x", "bytes": 1}})
    with pytest.raises(CheckpointFormatError, match="tokenizer and corpus if any"):
        decode_meta(bad_ref)
