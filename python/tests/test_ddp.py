"""DDP, 2 processes on gloo: the same run as one process within float32 noise (a character mlp,
and a gpt on byte prose with dropout and AdamW), and a rank killed mid-run makes torchrun restart
the job from its newest snapshot."""

from pathlib import Path

import numpy as np

from cli import continue_args, single, torchrun
from gpt_golden import TEXT as MARK
from paths import GOLDEN
from tabtrainer.checkpoint import read_checkpoint

SOURCE = GOLDEN / "mlp-start.safetensors"
STEPS = 40


def model_drift(a_path: Path, b_path: Path) -> float:
    a, b = read_checkpoint(str(a_path)), read_checkpoint(str(b_path))
    weights = [n for n in a.tensors if n.startswith("model/")]
    return max(float(np.max(np.abs(a.tensors[n] - b.tensors[n]))) for n in weights)


def losses(path: Path) -> np.ndarray:
    return np.array([loss for _, loss in read_checkpoint(str(path)).meta.metrics["train"]])


def test_two_ranks_follow_the_single_process_run(tmp_path: Path) -> None:
    one, two = tmp_path / "one.safetensors", tmp_path / "two.safetensors"
    assert single(continue_args(SOURCE, STEPS, one)).returncode == 0
    run = torchrun(continue_args(SOURCE, STEPS, two))
    assert run.returncode == 0, run.stdout + run.stderr
    a, b = read_checkpoint(str(one)), read_checkpoint(str(two))
    assert (a.meta.step, a.meta.cursor) == (b.meta.step, b.meta.cursor)
    assert a.meta.optimizer["iterations"] == b.meta.optimizer["iterations"]
    assert "2 processes" in b.raw_meta["producer"]
    drift = model_drift(one, two)
    loss_gap = float(np.max(np.abs(losses(one) - losses(two))))
    print(f"DDP-2 vs single after {STEPS} steps: max |dw| {drift:.3g}, max |dloss| {loss_gap:.3g}")
    assert drift < 1e-4 and loss_gap < 1e-5
    assert drift > 0 or loss_gap >= 0  # bitwise equality is not promised: gradient sums reorder


def test_two_ranks_follow_one_process_on_a_gpt_with_dropout(tmp_path: Path) -> None:
    """Each rank takes its rows of the batch and of every dropout mask (one stream runs through
    the whole batch), decays and steps the same parameters."""
    source = GOLDEN / "gpt-start.safetensors"
    one, two = tmp_path / "one.safetensors", tmp_path / "two.safetensors"
    assert single(continue_args(source, 30, one, text=MARK)).returncode == 0
    run = torchrun(continue_args(source, 30, two, text=MARK))
    assert run.returncode == 0, run.stdout + run.stderr
    a, b = read_checkpoint(str(one)), read_checkpoint(str(two))
    assert (a.meta.step, a.meta.cursor) == (b.meta.step, b.meta.cursor)
    assert a.raw_meta["format"] == b.raw_meta["format"] == "tab-trainer/4"
    drift = model_drift(one, two)
    loss_gap = float(np.max(np.abs(losses(one) - losses(two))))
    print(f"gpt DDP-2 vs single after 30 steps: max |dw| {drift:.3g}, max |dloss| {loss_gap:.3g}")
    # Measured: 3.7e-7 and 4.8e-7 (gradient sums reorder across the two ranks).
    assert drift < 1.5e-6 and loss_gap < 2e-6


def test_a_killed_rank_restarts_from_the_newest_snapshot(tmp_path: Path) -> None:
    clean, resumed = tmp_path / "clean.safetensors", tmp_path / "resumed.safetensors"
    args = ("--snapshot-steps", "10")
    run = torchrun(continue_args(SOURCE, STEPS, clean, *args))
    assert run.returncode == 0, run.stdout + run.stderr
    # Rank 1 SIGKILLs itself after step 45 on the first attempt; the newest snapshot is step 40.
    run = torchrun(continue_args(SOURCE, STEPS, resumed, *args, "--fault", "1:45"), max_restarts=1)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Resuming this job's own snapshot at step 40" in run.stdout
    a, b = read_checkpoint(str(clean)), read_checkpoint(str(resumed))
    assert b.meta.step == a.meta.step and b.meta.cursor == a.meta.cursor
    # Resuming restores the exact state, so the restarted job ends where the clean one did.
    for name in a.tensors:
        assert a.tensors[name].tobytes() == b.tensors[name].tobytes(), name
    assert not Path(f"{resumed}.snapshot").exists()
