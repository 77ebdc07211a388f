"""The divergence guard: workers/training/divergence-guard.ts (judgeStep, rewindsWithin) and
workers/store/lineage.ts (rewindTarget), the same decisions from the same numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, TypeVar


@dataclass(frozen=True)
class Spike:
    reason: str  # 'non-finite' or 'loss-ratio'
    mean: float | None


def judge_step(
    config: Mapping[str, Any],
    step: int,
    loss: float,
    grad_norm: float,
    history: Sequence[Sequence[float]],
) -> Spike | None:
    """A non-finite loss or norm is always a spike; after guardWarmup steps, so is a loss above
    spikeFactor × the mean of the last spikeWindow finite losses of steps before this one."""
    if config["guard"] != 1:
        return None
    if not math.isfinite(loss) or not math.isfinite(grad_norm):
        return Spike("non-finite", None)
    if step <= config["guardWarmup"]:
        return None
    total, count = 0.0, 0
    for row_step, row_loss in reversed(history):
        if count >= config["spikeWindow"]:
            break
        if row_step >= step or not math.isfinite(row_loss):
            continue
        total += row_loss
        count += 1
    if count == 0:
        return None
    mean = total / count
    return Spike("loss-ratio", mean) if loss > config["spikeFactor"] * mean else None


def rewinds_within(
    rewinds: Sequence[Mapping[str, Any]], spike_step: int, window: int
) -> list[Mapping[str, Any]]:
    return [r for r in rewinds if abs(spike_step - r["spikeStep"]) < window]


T = TypeVar("T")


def rewind_target(
    line: Sequence[tuple[int, T]], spike_step: int, margin: int
) -> tuple[int, T] | None:
    """`line` is (step, state) newest first. The newest at least `margin` steps before the spike,
    else the newest of those at the line's lowest step."""
    far = next((entry for entry in line if entry[0] <= spike_step - margin), None)
    if far is not None:
        return far
    if not line:
        return None
    lowest = min(step for step, _ in line)
    return next(entry for entry in line if entry[0] == lowest)
