"""A gpt run continued in torch against the same steps in the browser (tfjs CPU, written by
tests/unit/python-golden-gpt.test.ts): the same batches and dropout masks, AdamW's decay, the
warm-up or cosine rate, clipping, validation every 25 steps. Data position, step, Adam's
iteration count and beta powers are exact; the arithmetic agrees within float32 rounding (the
tolerances below are a few times what was measured: see the README, "Continue in PyTorch")."""

from pathlib import Path

import numpy as np
import pytest

from continuation import assert_same_position, continuation_gaps
from gpt_golden import TEXT, golden
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.data_pipeline import read_text
from tabtrainer.evaluation import validation_set
from tabtrainer.run_state import load_run_text

# name: (steps, max |Δloss| over all steps, |Δ mean of the last 50| relative,
#        max |Δ gradient norm| relative, max |Δ validation loss|, max |Δw| / max |w|).
# Measured here (torch 1.13, one thread): gpt 1.3e-5, 2.5e-7, 1.4e-4, 2.4e-6, 4e-5;
# gpt-char 2.4e-7, 2e-8, 1.3e-6, 2.4e-7, 5.7e-6; gpt-bpe (30 steps, so its "last 50" is all
# 30) 9.5e-7, 5.4e-9, 4.3e-7, 1.8e-7, 6.8e-6. The bounds are about 5 times those.
BOUNDS = {
    "gpt": (200, 6e-5, 1.5e-6, 7e-4, 1.2e-5, 2e-4),
    "gpt-char": (50, 1.2e-6, 1e-7, 7e-6, 1.2e-6, 3e-5),
    "gpt-bpe": (30, 5e-6, 3e-8, 2.2e-6, 1e-6, 3.5e-5),
}


@pytest.mark.parametrize("name", BOUNDS)
def test_steps_in_torch_follow_the_browsers(name: str, tmp_path: Path) -> None:
    steps, loss_gap, mean_gap, norm_gap, val_gap, drift_bound = BOUNDS[name]
    want = golden(name)
    run = want.json["continuation"]
    out = tmp_path / "next.safetensors"
    code = main(["continue", str(want.start), "--steps", str(steps), "--text", TEXT,
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    ckpt = read_checkpoint(str(out))
    meta, start = ckpt.meta, want.json["startStep"]
    # Exact: where the run is, and what the browser needs to resume it as its own.
    end = read_checkpoint(str(want.end))
    assert_same_position(ckpt, end, run)
    assert meta.backend == "torch-cpu" and ckpt.raw_meta["format"] == "tab-trainer/4"
    assert meta.optimizer == end.meta.optimizer
    # Within float32 rounding: each step's loss and gradient norm, validation, the weights.
    gaps = continuation_gaps(ckpt, end, run, start, steps)
    losses, browser = gaps.losses, gaps.browser_losses
    last = abs(losses[-50:].mean() - browser[-50:].mean()) / browser[-50:].mean()
    print(
        f"{name}, {steps} steps: max |dloss| {gaps.loss:.2g}, last-50 mean {last:.2g} relative, "
        f"max |dnorm| {gaps.norm:.2g} relative, max |dval| {gaps.val_loss:.2g}, "
        f"max |dw| {gaps.drift:.2g} of max |w|"
    )
    assert gaps.loss < loss_gap and last < mean_gap and gaps.norm < norm_gap
    assert gaps.val_loss < val_gap and gaps.drift < drift_bound
    # Bits per byte: the same validation targets and bytes, so the same factor, exactly.
    source = read_checkpoint(str(want.start))
    data = load_run_text(source, read_text(TEXT))
    factor = validation_set(data, source.meta.config).bits_per_byte_per_nat
    assert factor == want.json["bitsPerBytePerNat"]
    bits_diff = max(abs(v * factor - bits) for (_, v), (_, _, bits) in zip(gaps.val, run["val"]))
    assert bits_diff < val_gap * factor


def test_a_poisoned_step_rewinds_past_prose_batches(tmp_path: Path) -> None:
    """The guard on a gpt: a non-finite step goes back to the imported state (step 20, within
    the rewind margin of 20) and skips the window batches from there through the spike's, by
    batch number (prose's batches are its windows' draws), then trains on past them."""
    want = golden("gpt")
    out = tmp_path / "next.safetensors"
    args = ["continue", str(want.start), "--steps", "15", "--text", TEXT, "--out", str(out)]
    assert main([*args, "--poison", "25", "--snapshot-steps", "5"]) == 0
    meta = read_checkpoint(str(out)).meta
    batch = meta.config["batch"]
    (rewind,) = meta.guard["rewinds"]
    assert (rewind["spikeStep"], rewind["reason"], rewind["toStep"]) == (25, "non-finite", 20)
    assert meta.guard["skips"] == [{"fromBatch": 20, "toBatch": 25}]
    # Steps 21 to 35 after the rewind draw batches 25 to 39.
    assert meta.step == 35 and meta.cursor == (0, 40 * batch)
    assert all(np.isfinite(loss) for step, loss in meta.metrics["train"] if step > 20)
