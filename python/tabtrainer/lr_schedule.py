"""The learning-rate schedule (src/shared/lr-schedule.ts learningRateAt) and how the browser
hands a rate to Adam (session.ts learningRate, tfjs's Adam).

The rate is computed in float64, as JavaScript numbers are, in the same order of operations; the
guard's factor multiplies it only when it is not 1 (session.ts keeps a factor of 1 exact). tfjs's
Adam then uses it as ``mul(..., -this.learningRate)``: a float32 scalar, so the rate torch is given
is that float32 value (see ``adam_rate``)."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np


def learning_rate_at(config: Mapping[str, Any], step: int) -> float:
    """The rate of step `step` (1-based: the update from step - 1 to `step`), before the guard."""
    lr, warmup = float(config["lr"]), int(config["warmup"])
    if warmup > 0 and step <= warmup:
        return (lr * max(step, 1)) / warmup
    if config["schedule"] == "constant":
        return lr
    end = config["decaySteps"] if config["decaySteps"] > 0 else config["steps"]
    min_lr = float(config["minLr"])
    if step >= end:
        return min_lr
    progress = (step - warmup) / (end - warmup)
    return min_lr + ((lr - min_lr) * (1 + math.cos(math.pi * progress))) / 2


def scheduled_rate(config: Mapping[str, Any], step: int, lr_scale: float) -> float:
    """session.ts learningRate(step): the schedule's rate times the guard's factor."""
    scheduled = learning_rate_at(config, step)
    return scheduled if lr_scale == 1 else scheduled * lr_scale


def adam_rate(rate: float) -> float:
    """The rate as tfjs's Adam applies it: a float32 scalar."""
    return float(np.float32(rate))
