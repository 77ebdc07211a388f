"""The Python pipeline yields the browser's PRNG words, dataset and batches exactly
(golden vectors written by tests/unit/python-golden.test.ts)."""

import json

import numpy as np

from paths import GOLDEN, REPO
from tabtrainer.data_pipeline import (
    BatchSampler,
    build_dataset,
    epoch_permutation,
    gather_batch,
    read_text,
)
from tabtrainer.prng import Prng, derive_seed

DATA = json.loads((GOLDEN / "data.json").read_text())
BATCHES = json.loads((GOLDEN / "batches.json").read_text())


def greek():
    return build_dataset(read_text(str(REPO / DATA["dataset"]["file"])))


def test_prng_words() -> None:
    for seed, words in DATA["prng"]["fromSeed"].items():
        prng = Prng.from_seed(int(seed))
        assert [prng.next_uint32() for _ in words] == words
    for parts, value in DATA["prng"]["derive"]:
        assert derive_seed(*parts) == value
    ints = DATA["prng"]["nextInt"]
    prng = Prng.from_seed(ints["seed"])
    assert [prng.next_int(n) for n in ints["n"]] == ints["values"]


def test_dataset_matches_the_browser() -> None:
    data, want = greek(), DATA["dataset"]
    info = want["info"]
    assert data.sha256 == info["id"]
    assert "".join(data.vocab) == info["vocab"]
    assert len(data.train.targets) == info["trainExamples"]
    assert len(data.val.targets) == info["valExamples"]
    assert data.train.tokens[:48].tolist() == want["trainTokensHead"]
    assert data.train.doc_start[:48].tolist() == want["trainDocStartHead"]
    assert data.train.targets[:48].tolist() == want["trainTargetsHead"]
    assert data.val.tokens[:48].tolist() == want["valTokensHead"]


def test_bundled_names_dataset() -> None:
    data, info = build_dataset(read_text(str(REPO / "workers/training/names.txt"))), DATA["names"]
    assert data.sha256 == info["id"] and "".join(data.vocab) == info["vocab"]
    assert len(data.train.targets) == info["trainExamples"]
    assert len(data.val.targets) == info["valExamples"]


def test_epoch_permutation() -> None:
    want = DATA["permutation"]
    perm = epoch_permutation(want["seed"], want["epoch"], want["size"])
    assert perm[:64].tolist() == want["head"]
    assert int(np.sum(perm.astype(np.int64) ** 2)) == want["sum"]
    assert sorted(perm.tolist()) == list(range(want["size"]))


def test_batches_across_an_epoch_boundary() -> None:
    data = greek()
    for kind in ("mlp", "transformer"):
        golden = BATCHES[kind]
        config = golden["config"]
        start = (golden["start"]["epoch"], golden["start"]["index"])
        sampler = BatchSampler(config["seed"], len(data.train.targets), config["batch"], start)
        epochs = set()
        for want in golden["steps"]:
            examples = sampler.next()
            all_positions = kind == "transformer"
            x, y, mask = gather_batch(data.train, examples, config["context"], all_positions)
            assert examples.tolist() == want["examples"], kind
            assert x.reshape(-1).tolist() == want["x"], kind
            assert y.reshape(-1).tolist() == want["y"], kind
            assert (None if mask is None else mask.reshape(-1).tolist()) == want["mask"], kind
            assert sampler.cursor == (want["cursor"]["epoch"], want["cursor"]["index"]), kind
            epochs.add(sampler.cursor[0])
        assert epochs == {0, 1}, "the goldens must cross an epoch boundary"
