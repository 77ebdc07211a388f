"""A gpt run continued in torch against the same steps in the browser (tfjs CPU, written by
tests/unit/python-golden-gpt.test.ts): the same batches and dropout masks, AdamW's decay, the
warm-up or cosine rate, clipping, validation every 25 steps. Data position, step, Adam's
iteration count and beta powers are exact; the arithmetic agrees within float32 rounding (the
tolerances below are a few times what was measured: see the README, "Continue in PyTorch")."""

from pathlib import Path

import numpy as np
import pytest

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


def rows_after(rows: list[list[float]], step: int) -> np.ndarray:
    return np.array([value for s, value in rows if s > step])


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
    assert (meta.step, meta.optimizer["iterations"]) == (run["step"], run["iterations"])
    assert meta.cursor == (run["cursor"]["epoch"], run["cursor"]["index"])
    assert meta.backend == "torch-cpu" and ckpt.raw_meta["format"] == "tab-trainer/4"
    end = read_checkpoint(str(want.end))
    for tensor in ("optimizer/beta1_power", "optimizer/beta2_power", "optimizer/iter"):
        assert ckpt.tensors[tensor].tobytes() == end.tensors[tensor].tobytes(), tensor
    assert meta.optimizer == end.meta.optimizer
    # Within float32 rounding: each step's loss and gradient norm, validation, the weights.
    losses, browser = rows_after(meta.metrics["train"], start), np.array(run["losses"])
    norms, browser_norms = rows_after(meta.metrics["gradNorm"], start), np.array(run["gradNorms"])
    assert len(losses) == len(browser) == steps
    loss_diff = float(np.max(np.abs(losses - browser)))
    last = abs(losses[-50:].mean() - browser[-50:].mean()) / browser[-50:].mean()
    norm_diff = float(np.max(np.abs(norms - browser_norms) / browser_norms))
    val = [row for row in meta.metrics["val"] if row[0] > start]
    assert [s for s, _ in val] == [s for s, _, _ in run["val"]]
    val_diff = max(abs(v - w) for (_, v), (_, w, _) in zip(val, run["val"]))
    weights = [n for n in end.tensors if n.startswith("model/")]
    drift = max(float(np.max(np.abs(ckpt.tensors[n] - end.tensors[n]))) for n in weights)
    drift /= max(float(np.max(np.abs(end.tensors[n]))) for n in weights)
    print(
        f"{name}, {steps} steps: max |dloss| {loss_diff:.2g}, last-50 mean {last:.2g} relative, "
        f"max |dnorm| {norm_diff:.2g} relative, max |dval| {val_diff:.2g}, "
        f"max |dw| {drift:.2g} of max |w|"
    )
    assert loss_diff < loss_gap and last < mean_gap and norm_diff < norm_gap
    assert val_diff < val_gap and drift < drift_bound
    # Bits per byte: the same validation targets and bytes, so the same factor, exactly.
    source = read_checkpoint(str(want.start))
    data = load_run_text(source, read_text(TEXT))
    factor = validation_set(data, source.meta.config).bits_per_byte_per_nat
    assert factor == want.json["bitsPerBytePerNat"]
    bits_diff = max(abs(v * factor - bits) for (_, v), (_, _, bits) in zip(val, run["val"]))
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
