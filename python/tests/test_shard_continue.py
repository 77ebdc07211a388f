"""A browser checkpoint of a run on token shards (corpus=shards; tests/fixtures/golden/
shards-<tokens>-start.safetensors at step 20, written by tests/unit/python-golden-shards.test.ts)
continued in torch from the text its corpus was made from, against the same 10 steps in the
browser (tfjs CPU): the same batches, exact position, the arithmetic within float32 rounding.
The file written keeps the run's corpus, so the browser resumes it from its shards."""

import json
from pathlib import Path

import pytest

from continuation import assert_same_position, continuation_gaps
from paths import GOLDEN, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint

TEXT = str(REPO / "tests/fixtures/text/mark.txt")
# name: (max |Δloss|, max |Δ gradient norm| relative, max |Δ validation loss|,
#        max |Δw| / max |w|). Measured here (torch 1.13, one thread): byte 4.8e-7, 1.1e-7, 0,
# 1.2e-7; BPE 4.8e-7, 9.7e-8, 1.5e-7, 1.1e-7. The bounds are about 5 times those (the
# validation loss's 7.5e-7 for both).
BOUNDS = {
    "shards-byte": (2.4e-6, 5.5e-7, 7.5e-7, 6e-7),
    "shards-bpe": (2.4e-6, 5e-7, 7.5e-7, 5.5e-7),
}


@pytest.mark.parametrize("name", BOUNDS)
def test_a_shard_run_continues_in_torch_as_in_the_browser(name: str, tmp_path: Path) -> None:
    loss_gap, norm_gap, val_gap, drift_bound = BOUNDS[name]
    want = json.loads((GOLDEN / f"{name}.json").read_text())
    run, start = want["continuation"], want["startStep"]
    source = GOLDEN / f"{name}-start.safetensors"
    out = tmp_path / "next.safetensors"
    steps = run["step"] - start
    assert main(["continue", str(source), "--steps", str(steps), "--text", TEXT,
                 "--out", str(out)]) == 0  # fmt: skip
    ckpt = read_checkpoint(str(out))
    meta = ckpt.meta
    end = read_checkpoint(str(GOLDEN / f"{name}-end.safetensors"))
    assert_same_position(ckpt, end, run)
    # The run still trains on its shards: the corpus named as the browser named it.
    original = read_checkpoint(str(source))
    assert ckpt.raw_meta["dataset"] == original.raw_meta["dataset"]
    assert meta.config["corpus"] == "shards" and meta.dataset["corpus"]["bytes"] > 0
    gaps = continuation_gaps(ckpt, end, run, start, steps)
    assert len(gaps.val) == 1
    print(
        f"{name}, {steps} steps: max |dloss| {gaps.loss:.2g}, max |dnorm| {gaps.norm:.2g} "
        f"relative, max |dval| {gaps.val_loss:.2g}, max |dw| {gaps.drift:.2g} of max |w|"
    )
    assert gaps.loss < loss_gap and gaps.norm < norm_gap
    assert gaps.val_loss < val_gap and gaps.drift < drift_bound


def test_another_file_trains_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    other = tmp_path / "mark.txt"
    other.write_bytes(Path(TEXT).read_bytes().replace(b"Jesus", b"JESUS", 1))
    out = tmp_path / "next.safetensors"
    source = str(GOLDEN / "shards-byte-start.safetensors")
    code = main(["continue", source, "--steps", "2", "--text", str(other), "--out", str(out)])
    assert code == 2
    assert "CorpusFileMismatchError: " in capsys.readouterr().err
    assert not out.exists()
