"""gpt runs' text, id for id as the browser makes it: prose streams and splits for each tokenizer
and separator, byte lines, windows drawn per batch number across an epoch and a skip list, the
validation set and its bits per byte, and the refusals, word for word (golden vectors written by
tests/unit/python-golden-prose.test.ts)."""

import json

import pytest

from paths import GOLDEN
from prose_golden import assert_browser_draws, case_id, stream_sha, text_of
from tabtrainer.errors import ConfigError, TrainerError
from tabtrainer.facts import MAX_LINES_BYTES
from tabtrainer.format_choice import describe_tokenizer
from tabtrainer.prose_data import ProseDataset
from tabtrainer.run_config import validate_config
from tabtrainer.text_dataset import build_text_dataset, check_batch_fits
from tabtrainer.text_errors import TextTooLargeError
from tabtrainer.text_mode import vocab_size

PROSE = json.loads((GOLDEN / "prose.json").read_text())
CASES = PROSE["cases"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_text_is_the_browsers_token_stream(case: dict) -> None:
    config = validate_config(case["config"])
    data = build_text_dataset(case["name"], text_of(case), config)
    info, want = case["info"], case["streams"]
    alphabet = "".join(data.vocab)
    assert (data.sha256, alphabet) == (info["id"], info["vocab"])
    assert vocab_size(config, alphabet) == case["vocabSize"]
    assert describe_tokenizer(config, alphabet) == case["tokenizer"]
    if isinstance(data, ProseDataset):
        assert (len(data.train), len(data.val)) == (info["trainExamples"], info["valExamples"])
        assert (len(data.train), len(data.val)) == (want["trainLength"], want["valLength"])
        assert data.documents == want["documents"]
        assert data.train[:64].tolist() == want["trainHead"]
        assert data.val[:64].tolist() == want["valHead"]
        assert (stream_sha(data.train), stream_sha(data.val)) == (want["trainSha"], want["valSha"])
    else:
        train, val = data.train, data.val
        assert (len(train.targets), len(val.targets)) == (
            info["trainExamples"],
            info["valExamples"],
        )
        assert train.tokens[:64].tolist() == want["trainTokensHead"]
        assert train.doc_start[:64].tolist() == want["trainDocStartHead"]
        assert train.targets[:64].tolist() == want["trainTargetsHead"]
        assert val.tokens[:64].tolist() == want["valTokensHead"]
        assert (stream_sha(train.tokens), stream_sha(val.tokens)) == (
            want["trainSha"],
            want["valSha"],
        )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_batches_and_validation_are_the_browsers(case: dict) -> None:
    config = validate_config(case["config"])
    data = build_text_dataset(case["name"], text_of(case), config)
    assert_browser_draws(config, data, case)


@pytest.mark.parametrize("refusal", PROSE["refusals"]["texts"], ids=lambda r: r["message"][:40])
def test_a_text_the_run_cannot_train_on_is_refused_as_the_browser_refuses_it(
    refusal: dict,
) -> None:
    config = validate_config(refusal["config"])
    with pytest.raises(TrainerError) as caught:
        data = build_text_dataset(refusal["name"], refusal["text"], config)
        check_batch_fits(refusal["name"], config, data)
    assert type(caught.value).__name__ == refusal["error"]
    assert str(caught.value) == refusal["message"]


@pytest.mark.parametrize("refusal", PROSE["refusals"]["tooLarge"], ids=lambda r: r["facts"]["name"])
def test_a_text_over_its_limit_is_refused_in_the_browsers_words(refusal: dict) -> None:
    f = refusal["facts"]
    error = TextTooLargeError(f["name"], f["bytes"], f["limit"], f["mode"])
    assert str(error) == refusal["message"]


def test_each_mode_has_its_own_limit() -> None:
    """A text over the limit of one example per line is refused as that, and trains as prose."""
    text = "ab\n" * (MAX_LINES_BYTES // 3 + 1)
    lines = validate_config({**CASES[0]["config"], "text": "lines", "separator": "none"})
    with pytest.raises(TextTooLargeError, match="; one example per line takes at most 10.0 MB"):
        build_text_dataset("big.txt", text, lines)
    prose = build_text_dataset("big.txt", text, validate_config(CASES[0]["config"]))
    assert isinstance(prose, ProseDataset) and len(prose.train) + len(prose.val) == len(text)


@pytest.mark.parametrize("refusal", PROSE["refusals"]["configs"], ids=lambda r: r["message"][:40])
def test_a_config_the_model_cannot_build_is_refused_in_the_browsers_words(refusal: dict) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_config(refusal["config"])
    assert str(caught.value) == refusal["message"]
