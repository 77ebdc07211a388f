"""tokens=bpe runs' text, id for id as the browser makes it (issue 20): the BPE learned on the
text (its tokenizer.json), the stream and splits, windows drawn per batch number, the
validation set and its bits per byte (golden vectors written by
tests/unit/python-golden-prose.test.ts, bpe-prose.json)."""

import json

import pytest

from paths import GOLDEN
from tabtrainer.bpe import BpeTokenizer
from tabtrainer.format_choice import describe_tokenizer
from tabtrainer.prose_data import ProseDataset
from tabtrainer.run_config import validate_config
from tabtrainer.text_dataset import build_text_dataset
from tabtrainer.text_mode import vocab_size
from prose_golden import assert_browser_draws, case_id, stream_sha, text_of

CASES = json.loads((GOLDEN / "bpe-prose.json").read_text())["cases"]


def _learned(case: dict) -> ProseDataset:
    config = validate_config(case["config"])
    data = build_text_dataset(case["name"], text_of(case), config)
    assert isinstance(data, ProseDataset) and data.bpe is not None
    return data


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_bpe_and_stream_are_the_browsers(case: dict) -> None:
    config = validate_config(case["config"])
    data = _learned(case)
    info, want = case["info"], case["streams"]
    assert data.bpe is not None
    assert data.bpe.merges == BpeTokenizer.from_json(info["tokenizer"]).merges
    assert vocab_size(config, "") == case["vocabSize"]
    assert describe_tokenizer(config, "") == case["tokenizer"]
    assert (len(data.train), len(data.val)) == (want["trainLength"], want["valLength"])
    assert data.documents == want["documents"]
    assert data.train[:64].tolist() == want["trainHead"]
    assert (stream_sha(data.train), stream_sha(data.val)) == (want["trainSha"], want["valSha"])


@pytest.mark.parametrize("case", CASES[:1], ids=case_id)
def test_a_given_tokenizer_json_tokenizes_as_the_run_did(case: dict) -> None:
    config = validate_config(case["config"])
    given = BpeTokenizer.from_json(case["info"]["tokenizer"])
    data = build_text_dataset(case["name"], text_of(case), config, given)
    assert isinstance(data, ProseDataset) and data.bpe is given
    want = case["streams"]
    assert (stream_sha(data.train), stream_sha(data.val)) == (want["trainSha"], want["valSha"])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bpe_batches_and_validation_are_the_browsers(case: dict) -> None:
    config = validate_config(case["config"])
    data = _learned(case)
    assert_browser_draws(config, data, case)
