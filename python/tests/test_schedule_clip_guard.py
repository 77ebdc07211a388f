"""The schedule, clipping, the skip list and the divergence guard against the browser's own
numbers (golden vectors from tests/unit/python-golden.test.ts)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from paths import GOLDEN, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.data_pipeline import build_dataset, read_text
from tabtrainer.run_state import open_run
from tabtrainer.trainer import Options, Trainer
from tabtrainer.data_pipeline import BatchSampler, batch_number
from tabtrainer.divergence_guard import judge_step, rewind_target
from tabtrainer.lr_schedule import adam_rate, learning_rate_at, scheduled_rate

NAMES = str(REPO / "workers/training/names.txt")


def test_schedule_values_match_the_browser() -> None:
    golden = json.loads((GOLDEN / "schedule.json").read_text())
    for case in golden["cases"]:
        for step, rate, rate32 in zip(golden["steps"], case["rates"], case["float32"]):
            got = learning_rate_at(case["config"], step)
            # Math.cos and libm's cos may differ in the last bit; the float32 rate Adam uses may
            # not.
            assert got == pytest.approx(rate, rel=4e-16, abs=0), (case["config"], step)
            assert adam_rate(got) == rate32, (case["config"], step)


def test_the_guard_factor_leaves_a_factor_of_one_exact() -> None:
    config = {
        "lr": 0.003, "warmup": 3, "schedule": "constant", "decaySteps": 0, "minLr": 0, "steps": 0
    }
    assert scheduled_rate(config, 1, 1) == 0.001
    assert scheduled_rate(config, 5, 0.5) == 0.003 * 0.5


def test_skip_windows_across_an_epoch_boundary_give_the_browsers_batches() -> None:
    g = json.loads((GOLDEN / "batches.json").read_text())["skips"]
    start = (g["start"]["epoch"], g["start"]["index"])
    sampler = BatchSampler(g["seed"], g["size"], g["batch"], start, g["skips"])
    for draw in g["draws"]:
        assert sampler.next().tolist() == draw["examples"]
        assert sampler.last_batch == draw["batch"]
        assert sampler.cursor == (draw["cursor"]["epoch"], draw["cursor"]["index"])
    # No windows: exactly the order of a run without a guard.
    plain = BatchSampler(g["seed"], g["size"], g["batch"], start)
    skipped = BatchSampler(g["seed"], g["size"], g["batch"], start, [])
    for _ in range(5):
        assert plain.next().tolist() == skipped.next().tolist()


def test_batch_number_of_a_cursor() -> None:
    assert batch_number((0, 0), 100, 8) == 0
    assert batch_number((1, 16), 100, 8) == 12 + 2
    assert batch_number((0, 96), 100, 8) == 12  # the tail short of a batch rolls into epoch 1


def test_judge_step_as_the_browser() -> None:
    config = {"guard": 1, "spikeFactor": 3, "spikeWindow": 2, "guardWarmup": 2}
    history = [[1, 1.0], [2, 2.0], [3, 4.0]]
    # The window holds steps before this one only: mean(2, 1) = 1.5, and 4.5 is not above 3 × 1.5.
    assert judge_step(config, 3, 4.5, 1.0, history) is None
    spike = judge_step(config, 3, 4.6, 1.0, history)
    assert spike is not None and spike.reason == "loss-ratio" and spike.mean == 1.5
    assert judge_step(config, 2, 100.0, 1.0, history) is None  # warm-up
    assert judge_step(config, 2, 1.0, math.nan, history).reason == "non-finite"
    assert judge_step({**config, "guard": 0}, 3, math.nan, 1.0, history) is None


def test_rewind_target_as_lineage() -> None:
    line = [(15, "c"), (10, "b"), (5, "a")]
    assert rewind_target(line, 18, 5) == (10, "b")
    assert rewind_target(line, 12, 20) == (5, "a")
    assert rewind_target([], 12, 5) is None


def _one_step(clip: float) -> tuple[list[bytes], float]:
    source = read_checkpoint(str(GOLDEN / "guard-start.safetensors"))
    source.meta.config = {**source.meta.config, "clip": clip}
    state = open_run(source, build_dataset(read_text(NAMES)))
    trainer = Trainer(state, Options(snapshot="unused", log=lambda _: None))
    trainer.train_step()
    return [p.detach().numpy().tobytes() for p in state.model.params], trainer.last_norm


def test_clipping_below_the_threshold_is_bitwise_no_clipping() -> None:
    unclipped, norm = _one_step(0)
    assert _one_step(norm * 2)[0] == unclipped  # factor exactly 1: the same step bit for bit
    clipped, same_norm = _one_step(norm / 2)
    assert same_norm == norm  # the norm recorded is the one before clipping
    assert clipped != unclipped


def guard_args(out: Path, *extra: str) -> list[str]:
    """30 steps on from the browser's guarded step-10 checkpoint, on the bundled names."""
    source = str(GOLDEN / "guard-start.safetensors")
    return ["continue", source, "--steps", "30", "--text", NAMES, "--out", str(out), *extra]


def test_guarded_scheduled_clipped_run_matches_the_browser(tmp_path: Path) -> None:
    """From the browser's step-10 checkpoint: a poisoned step 18, rewound to the step-10 state
    (snapshots every 5 steps; margin 5), batches [10, 18) skipped, rate halved, on to step 40."""
    golden = json.loads((GOLDEN / "guard.json").read_text())
    out = tmp_path / "next.safetensors"
    args = guard_args(out, "--snapshot", str(tmp_path / "snap.safetensors"))
    args += ["--snapshot-steps", "5", "--snapshot-seconds", "1e9"]
    assert main(args + ["--poison", str(golden["poisonStep"])]) == 0
    meta = read_checkpoint(str(out)).meta
    want = golden["guard"]
    assert meta.guard["skips"] == want["skips"] and meta.guard["lrScale"] == want["lrScale"]
    [got_r], [want_r] = meta.guard["rewinds"], want["rewinds"]
    for key in ("spikeStep", "reason", "loss", "gradNorm", "mean", "toStep", "skipped", "lrScale"):
        assert got_r[key] == want_r[key], key
    assert meta.step == golden["step"] and meta.optimizer["iterations"] == golden["iterations"]
    assert meta.cursor == (golden["cursor"]["epoch"], golden["cursor"]["index"])
    steps = [s for s, _ in golden["train"]]
    assert [s for s, _ in meta.metrics["train"]] == steps
    assert [s for s, _ in meta.metrics["gradNorm"]] == [s for s, _ in golden["gradNorm"]]
    loss = np.array([v for _, v in meta.metrics["train"]])
    norm = np.array([v for _, v in meta.metrics["gradNorm"]])
    want_loss = np.array([v for _, v in golden["train"]])
    want_norm = np.array([v for _, v in golden["gradNorm"]])
    # Steps 1-10 came with the file; torch trained 11-40 (after the rewind) with clipping on.
    assert loss[:10].tolist() == want_loss[:10].tolist()
    dl = np.max(np.abs(loss[10:] - want_loss[10:]))
    dn = np.max(np.abs(norm[10:] - want_norm[10:]) / want_norm[10:])
    print(f"guard run: max |dloss| {dl:.3g}, max rel |dnorm| {dn:.3g} over steps 11-40")
    assert dl < 1e-4 and dn < 1e-4
    clipped = int(np.sum(want_norm[10:] > golden["config"]["clip"]))
    assert clipped > 10  # the run really clips: the threshold is below most norms


def test_three_rewinds_stop_with_divergence_error_and_write_the_rewound_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "next.safetensors"
    args = guard_args(out, "--snapshot", str(tmp_path / "snap.safetensors"))
    args += ["--snapshot-steps", "5", "--poison", "12,13,14"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "DivergenceError" in err and "at steps 12, 13, 14" in err and str(out) in err
    meta = read_checkpoint(str(out)).meta
    assert meta.step == 10 and len(meta.guard["rewinds"]) == 3
    assert meta.guard["lrScale"] == 0.125
    assert [w["fromBatch"] for w in meta.guard["skips"]] == [10, 10, 10]
