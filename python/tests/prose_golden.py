"""What the prose golden suites share (golden vectors written by
tests/unit/python-golden-prose.test.ts): case ids, the case's text, a stream's digest, and the
check that batches drawn and the validation set are the browser's."""

import hashlib

import numpy as np

from paths import REPO
from tabtrainer.data_pipeline import read_text
from tabtrainer.evaluation import validation_set
from tabtrainer.text_dataset import batch_sampler, host_batch


def case_id(case: dict) -> str:
    c = case["config"]
    return f"{case['name']}-{c['tokens']}-{c['text']}-{c['separator']!r}"


def text_of(case: dict) -> str:
    return case["text"] if case["file"] is None else read_text(str(REPO / case["file"]))


def stream_sha(stream: np.ndarray) -> str:
    return hashlib.sha256(stream.astype("<i4").tobytes()).hexdigest()


def assert_browser_draws(config: dict, data, case: dict) -> None:
    """The windows drawn per batch number (and, where the case has them, the batch numbers and
    masks), the cursor after each, and the validation set's tokens and bytes (and its rows and
    weights where the case has them)."""
    draws = case["draws"]
    start = (draws["start"]["epoch"], draws["start"]["index"])
    sampler = batch_sampler(config, data, start, draws["skips"])
    for want in draws["steps"]:
        examples = sampler.next()
        x, y, mask = host_batch(data, "train", examples, config)
        assert examples.tolist() == want["examples"]
        if "batch" in want:
            assert sampler.last_batch == want["batch"]
        assert (x.reshape(-1).tolist(), y.reshape(-1).tolist()) == (want["x"], want["y"])
        if "mask" in want:
            assert (None if mask is None else mask.reshape(-1).tolist()) == want["mask"]
        assert sampler.cursor == (want["cursor"]["epoch"], want["cursor"]["index"])
    validation = validation_set(data, config)
    want = case["validation"]
    assert (validation.tokens, validation.bytes) == (want["tokens"], want["bytes"])
    if "rows" in want:
        assert [len(c.x) for c in validation.chunks] == want["rows"]
        assert [c.weight for c in validation.chunks] == want["weights"]
