"""A browser checkpoint continued in torch: what the bridge tests compare, written once. For 0
steps, the file comes back (test_identity_bridge.py, test_gpt_bridge.py). For a run continued
against the same steps in the browser (test_gpt_continue.py, test_shard_continue.py), position,
step, Adam's iteration count and beta powers must match exactly; the arithmetic is measured as
gaps the tests bound by their own tolerances."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tabtrainer.__main__ import main
from tabtrainer.checkpoint import Checkpoint, read_checkpoint


def rows_after(rows: list[list[float]], step: int) -> np.ndarray:
    return np.array([value for s, value in rows if s > step])


def assert_same_position(ckpt: Checkpoint, end: Checkpoint, run: dict) -> None:
    """Exact: where the run is, and Adam's count and beta powers, as the browser's end."""
    meta = ckpt.meta
    assert (meta.step, meta.optimizer["iterations"]) == (run["step"], run["iterations"])
    assert meta.cursor == (run["cursor"]["epoch"], run["cursor"]["index"])
    for tensor in ("optimizer/beta1_power", "optimizer/beta2_power", "optimizer/iter"):
        assert ckpt.tensors[tensor].tobytes() == end.tensors[tensor].tobytes(), tensor


@dataclass(frozen=True)
class Gaps:
    """Torch's continuation against the browser's, after the start step."""

    losses: np.ndarray
    browser_losses: np.ndarray
    loss: float  # max |Δloss| over the steps
    norm: float  # max |Δ gradient norm|, relative
    val: list  # torch's validation rows [step, loss]
    val_loss: float  # max |Δ validation loss|
    drift: float  # max |Δw| / max |w| over the model's weights


def continuation_gaps(
    ckpt: Checkpoint, end: Checkpoint, run: dict, start: int, steps: int
) -> Gaps:
    """Each step's loss and gradient norm, validation and the weights, against the browser's;
    the steps and the validation steps must be the same ones."""
    meta = ckpt.meta
    losses, browser = rows_after(meta.metrics["train"], start), np.array(run["losses"])
    norms, browser_norms = rows_after(meta.metrics["gradNorm"], start), np.array(run["gradNorms"])
    assert len(losses) == len(browser) == steps
    val = [row for row in meta.metrics["val"] if row[0] > start]
    assert [s for s, _ in val] == [s for s, _, _ in run["val"]]
    weights = [n for n in end.tensors if n.startswith("model/")]
    drift = max(float(np.max(np.abs(ckpt.tensors[n] - end.tensors[n]))) for n in weights)
    drift /= max(float(np.max(np.abs(end.tensors[n]))) for n in weights)
    return Gaps(
        losses=losses,
        browser_losses=browser,
        loss=float(np.max(np.abs(losses - browser))),
        norm=float(np.max(np.abs(norms - browser_norms) / browser_norms)),
        val=val,
        val_loss=max(abs(v - w) for (_, v), (_, w, _) in zip(val, run["val"])),
        drift=drift,
    )


def assert_same_checkpoint(a: Checkpoint, b: Checkpoint) -> None:
    """The same tensors in the same order, each bit for bit, and the same run state."""
    assert list(a.tensors) == list(b.tensors)
    for name in a.tensors:
        assert a.tensors[name].tobytes() == b.tensors[name].tobytes(), name
    assert a.meta == b.meta


def continue_zero_steps(source: Path, text: str, out: Path) -> tuple[Checkpoint, Checkpoint]:
    """`continue` for 0 steps must hand the file back: the source and what was written."""
    assert main(["continue", str(source), "--steps", "0", "--text", text, "--out", str(out)]) == 0
    a, b = read_checkpoint(str(source)), read_checkpoint(str(out))
    assert_same_checkpoint(a, b)
    return a, b
