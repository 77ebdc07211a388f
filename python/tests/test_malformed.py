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


@pytest.mark.skipif(
    not SHARED_SAFETENSORS.is_dir(), reason="../shared is not checked out beside the repo"
)
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


def test_v2_is_migrated_to_v3_with_legacy_training_and_no_guard() -> None:
    from tabtrainer.facts import LEGACY_TRAINING, NO_GUARD_STATE

    v2 = read_checkpoint(str(MALFORMED / "valid-v2.safetensors"))
    v1 = read_checkpoint(str(MALFORMED / "valid-v1.safetensors"))
    for ckpt in (v1, v2):
        assert {k: ckpt.meta.config[k] for k in LEGACY_TRAINING} == LEGACY_TRAINING
        assert ckpt.meta.guard == NO_GUARD_STATE and "gradNorm" not in ckpt.meta.metrics
        assert ckpt.raw_meta["format"] == "tab-trainer/3"


def test_v3_guard_and_gradnorm_pass_through_exactly(tmp_path) -> None:
    """valid-v3 holds a rewind: written back, the guard, metrics and config strings are the
    browser's byte for byte, and every tensor too."""
    from tabtrainer.checkpoint_write import write_checkpoint

    source = read_checkpoint(str(MALFORMED / "valid-v3.safetensors"))
    assert len(source.meta.guard["rewinds"]) == 1 and "gradNorm" in source.meta.metrics
    out = tmp_path / "again.safetensors"
    write_checkpoint(str(out), source, "test")
    again = read_checkpoint(str(out))
    for key in ("guard", "metrics", "config", "optimizer", "data_cursor", "rng", "format"):
        assert again.raw_meta[key] == source.raw_meta[key], key
    assert again.meta == source.meta
    for name, array in source.tensors.items():
        assert again.tensors[name].tobytes() == array.tobytes(), name
