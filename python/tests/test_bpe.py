"""python/tabtrainer's BPE against the browser's (tests/fixtures/golden/bpe*.json, written by
tests/unit/python-golden-bpe.test.ts): the same merges from the same text, the same pre-tokens
and ids, the same hash, and the browser's tokenizer.json read back with its refusals."""

import base64
import gzip
import json
import random

import pytest

from paths import GOLDEN, REPO
from tabtrainer.bpe import BpeTokenizer, pre_tokens
from tabtrainer.bpe_train import count_words, sample_ranges, train_bpe
from tabtrainer.errors import (
    BpeVocabSizeError,
    BpeVocabTooLargeError,
    TokenizerJsonMalformedError,
    TokenizerJsonUnsupportedError,
)

GOLD = json.loads((GOLDEN / "bpe.json").read_text())
EXPORT = GOLDEN / "bpe-tokenizer.json"


@pytest.fixture(scope="module")
def mark() -> BpeTokenizer:
    text = (REPO / GOLD["mark"]["file"]).read_bytes()
    return train_bpe([text], GOLD["mark"]["vocabSize"])


def test_training_on_mark_learns_the_browsers_merges(mark: BpeTokenizer) -> None:
    assert [list(m) for m in mark.merges] == GOLD["mark"]["merges"]
    assert mark.hash() == GOLD["mark"]["hash"]


def test_a_seeded_sample_of_the_bible_gives_the_same_chunks_and_merges() -> None:
    gold = GOLD["sampled"]
    web = gzip.decompress((REPO / gold["file"]).read_bytes())
    ranges = sample_ranges(len(web), gold["maxBytes"], gold["seed"], gold["chunkBytes"])
    assert [list(r) for r in ranges] == gold["ranges"]
    tokenizer = train_bpe((web[a:b] for a, b in ranges), gold["vocabSize"])
    assert [list(m) for m in tokenizer.merges] == gold["merges"]
    assert tokenizer.hash() == gold["hash"]
    assert [a for a, _ in sample_ranges(2**31 + 12345)] == GOLD["sampleOfTwoGigabytes"]


def test_pre_tokens_and_ids_equal_the_browsers_on_invalid_utf8_emoji_nul_crlf() -> None:
    tokenizer = BpeTokenizer.from_file(str(EXPORT))
    for case in GOLD["encoded"]:
        data = base64.b64decode(case["bytes"])
        spans = case["spans"]
        expected = [data[spans[i] : spans[i + 1]] for i in range(0, len(spans), 2)]
        assert list(pre_tokens(data)) == expected
        ids = tokenizer.encode(data)
        assert ids == case["ids"]
        assert tokenizer.decode(ids) == data


def test_the_exported_tokenizer_json_is_the_trained_tokenizer(mark: BpeTokenizer) -> None:
    loaded = BpeTokenizer.from_file(str(EXPORT))
    assert loaded.merges == mark.merges
    assert loaded.hash() == GOLD["mark"]["hash"]


def test_encode_then_decode_is_the_identity_on_arbitrary_bytes(mark: BpeTokenizer) -> None:
    rng = random.Random(7)
    for length in (0, 1, 5, 300, 5000):
        data = bytes(rng.randrange(256) for _ in range(length))
        assert mark.decode(mark.encode(data)) == data
    with pytest.raises(ValueError):
        mark.decode([mark.vocab_size])


def test_vocabulary_sizes_out_of_range_or_beyond_the_text_are_named() -> None:
    for size in (511, 32769):
        with pytest.raises(BpeVocabSizeError, match="choose a whole number from 512 to 32,768"):
            train_bpe([b"ab ab"], size)
    with pytest.raises(BpeVocabTooLargeError, match="only 262 tokens: after 6 merges"):
        train_bpe([b"aab aab aab xyz xyz xyz"], 512)
    counts, total = count_words([b"ab", b"cd"])
    assert (sorted(counts), total) == ([b"ab", b"cd"], 4)


def _edited(edit) -> str:
    tokenizer = json.loads(EXPORT.read_text())
    edit(tokenizer)
    return json.dumps(tokenizer)


@pytest.mark.parametrize(
    ("source", "error", "text"),
    [
        (EXPORT.read_text()[:4000], TokenizerJsonMalformedError, "it is not JSON"),
        ("[1]", TokenizerJsonMalformedError, "it is not a JSON object"),
        (
            _edited(lambda j: j["model"]["merges"].pop()),
            TokenizerJsonMalformedError,
            "767 merges make 1023",
        ),
        (
            _edited(lambda j: j["model"].update(type="Unigram")),
            TokenizerJsonUnsupportedError,
            'its model is "Unigram", not BPE',
        ),
        (
            _edited(lambda j: j.update(pre_tokenizer={"type": "Whitespace"})),
            TokenizerJsonUnsupportedError,
            "it has another pre-tokenizer",
        ),
        (
            _edited(lambda j: j["model"].update(merges=j["model"]["merges"][:10])),
            TokenizerJsonMalformedError,
            "its vocabulary has 1024 tokens where 256 bytes and 10 merges make 266",
        ),
    ],
    ids=["cut-short", "not-an-object", "merge-missing", "unigram", "whitespace", "ten-merges"],
)
def test_a_tokenizer_json_malformed_or_of_another_kind_is_refused_by_name(
    source: str, error: type, text: str
) -> None:
    with pytest.raises(error, match=text):
        BpeTokenizer.from_json(source)
