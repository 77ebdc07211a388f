"""The browser's malformed corpus gets the same named refusal here (tests/fixtures/malformed)."""

import json

import pytest

from paths import MALFORMED, SHARED_SAFETENSORS
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.errors import TrainerError

EXPECTED = json.loads((MALFORMED / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED["malformed"]))
def test_refusal_has_the_browsers_name(name: str) -> None:
    want = EXPECTED["malformed"][name]
    with pytest.raises(TrainerError) as caught:
        read_checkpoint(str(MALFORMED / name))
    assert type(caught.value).__name__ == want["error"]
    assert want["message"] in str(caught.value)


@pytest.mark.parametrize("name", sorted(EXPECTED["valid"]))
def test_valid_files_are_read(name: str) -> None:
    ckpt = read_checkpoint(str(MALFORMED / name))
    assert ckpt.meta.config["model"] == "mlp"
    assert "optimizer/beta1_power" in ckpt.tensors


def test_the_corpus_lists_every_file() -> None:
    files = {p.name for p in MALFORMED.glob("*.safetensors")}
    assert files == set(EXPECTED["malformed"]) | set(EXPECTED["valid"])


SHARED_VERDICTS = {
    "foreign-model.safetensors": ("CheckpointMismatchError", "not a checkpoint of this trainer"),
    "empty.safetensors": ("CheckpointTruncatedError", "empty"),
    "truncated-header.safetensors": ("CheckpointTruncatedError", "header length"),
    "truncated-data.safetensors": ("CheckpointTruncatedError", "data section is 6319 bytes"),
    "header-length-huge.safetensors": ("CheckpointLimitError", "over the 16777216-byte limit"),
    "header-not-json.safetensors": ("CheckpointFormatError", "not valid JSON"),
    "header-not-utf8.safetensors": ("CheckpointFormatError", "not valid UTF-8"),
    "overlapping-offsets.safetensors": ("CheckpointFormatError", "overlap"),
    "unknown-dtype.safetensors": ("CheckpointFormatError", 'unknown dtype "Q7"'),
    "shape-mismatch.safetensors": ("CheckpointFormatError", "does not match its byte span"),
    "metadata-not-string.safetensors": ("CheckpointFormatError", "values must be strings"),
}


@pytest.mark.skipif(not SHARED_SAFETENSORS.is_dir(), reason="../shared is not checked out beside the repo")
@pytest.mark.parametrize("name", sorted(SHARED_VERDICTS))
def test_shared_fixture_verdicts(name: str) -> None:
    error, message = SHARED_VERDICTS[name]
    with pytest.raises(TrainerError) as caught:
        read_checkpoint(str(SHARED_SAFETENSORS / name))
    assert type(caught.value).__name__ == error
    assert message in str(caught.value)


def test_v1_migration_rebuilds_the_beta_powers_of_the_v2_file() -> None:
    v1 = read_checkpoint(str(MALFORMED / "valid-v1.safetensors"))
    v2 = read_checkpoint(str(MALFORMED / "valid-v2.safetensors"))
    assert v1.format_version == 1 and v2.format_version == 2
    for name in ("optimizer/beta1_power", "optimizer/beta2_power"):
        assert v1.tensors[name].tobytes() == v2.tensors[name].tobytes()
    assert v1.meta.prng == v2.meta.prng and v1.meta.cursor == v2.meta.cursor
