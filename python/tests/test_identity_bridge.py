"""Browser export -> Python -> export with 0 steps: every tensor and every piece of run state
comes back bit for bit (the browser half of the bridge is tests/unit/python-bridge.test.ts)."""

from pathlib import Path

import pytest
import torch

from continuation import assert_same_checkpoint, continue_zero_steps
from paths import GOLDEN, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.data_pipeline import build_dataset, read_text
from tabtrainer.run_state import open_run

TEXT = str(REPO / "tests/fixtures/text/greek-words.txt")


@pytest.mark.parametrize("kind", ["mlp", "transformer"])
def test_zero_steps_is_the_identity(kind: str, tmp_path: Path) -> None:
    source = GOLDEN / f"{kind}-start.safetensors"
    _, b = continue_zero_steps(source, TEXT, tmp_path / "same.safetensors")
    assert b.raw_meta["producer"].startswith("tabtrainer-py/")


@pytest.mark.parametrize("kind", ["mlp", "transformer"])
def test_the_torch_state_reproduces_the_file(kind: str) -> None:
    """Through torch's own tensors and torch.optim.Adam's state, not only a pass-through."""
    source = read_checkpoint(str(GOLDEN / f"{kind}-start.safetensors"))
    state = open_run(source, build_dataset(read_text(TEXT)))
    assert all(isinstance(p, torch.nn.Parameter) for p in state.model.params)
    assert_same_checkpoint(source, state.to_checkpoint(source.meta.backend))


def test_a_different_text_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.safetensors"
    other = str(REPO / "workers/training/names.txt")
    source = str(GOLDEN / "mlp-start.safetensors")
    code = main(["continue", source, "--steps", "5", "--text", other, "--out", str(out)])
    assert code == 2
    assert "CheckpointDatasetError" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_file_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.safetensors"
    bad = REPO / "tests/fixtures/malformed/flipped-bit.safetensors"
    assert main(["continue", str(bad), "--steps", "5", "--text", TEXT, "--out", str(out)]) == 2
    assert "CheckpointIntegrityError" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_config_setting_the_bridge_lacks_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run whose trajectory depends on something not implemented here must not be continued."""
    import json

    from tabtrainer.checkpoint_write import write_checkpoint

    source = read_checkpoint(str(GOLDEN / "mlp-start.safetensors"))
    config = json.loads(source.raw_meta["config"])
    source.raw_meta["config"] = json.dumps({**config, "clipNorm": 1.0})
    edited = tmp_path / "edited.safetensors"
    write_checkpoint(str(edited), source, "test")
    out = tmp_path / "never.safetensors"
    assert main(["continue", str(edited), "--steps", "1", "--text", TEXT, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "CheckpointMismatchError" in err and "clipNorm" in err
    assert not out.exists()
