"""Adam's state between the checkpoint and torch.optim.Adam.

tfjs's Adam (workers/training/adam-state.ts) keeps m and v per variable, an iteration count, and
running float32 products of the betas for its bias correction. torch.optim.Adam keeps exp_avg,
exp_avg_sq and step, and computes beta**step in double: the same update up to float32 rounding.
The running products are carried here as tfjs computes them (one float32 multiply per step), so
the file handed back resumes in the browser as if it had taken those steps itself, and a file
passed through with 0 steps keeps them bit for bit.

AdamW (workers/training/adamw.ts) is Adam plus a decoupled weight decay applied just before
Adam's update: each decayed parameter becomes p · float32(1 − lr · weightDecay), the factor taken
from the float64 rate as the browser takes it. torch.optim.AdamW would compute that factor from
the float32 rate torch's Adam is given, one rounding away, so the decay is applied here, exactly,
and torch.optim.Adam does the rest: the file's state is Adam's either way."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import torch

from .models import CharModel
from .run_config import decays


def create_adam(
    model: CharModel, optimizer_meta: Mapping, tensors: Mapping[str, np.ndarray]
) -> torch.optim.Adam:
    c = optimizer_meta["config"]
    adam = torch.optim.Adam(
        model.parameters(),
        lr=c["learningRate"],
        betas=(c["beta1"], c["beta2"]),
        eps=c["epsilon"],
        foreach=False,
    )
    iterations = optimizer_meta["iterations"]
    for name, param in zip(model.names, model.params):
        m = tensors.get(f"optimizer/{name}/m")
        v = tensors.get(f"optimizer/{name}/v")
        if m is None or v is None:
            continue  # before the first step: Adam starts the slots at zero, as tfjs does
        adam.state[param] = {
            "step": torch.tensor(float(iterations)),
            "exp_avg": torch.from_numpy(np.array(m, dtype=np.float32)),
            "exp_avg_sq": torch.from_numpy(np.array(v, dtype=np.float32)),
        }
    return adam


def advance_beta_power(power: np.ndarray, beta: float) -> np.ndarray:
    """One step of tfjs's accBeta.assign(accBeta * beta), in float32."""
    return np.array(np.float32(power) * np.float32(beta), dtype=np.float32)


def adam_tensors(model: CharModel, adam: torch.optim.Adam) -> dict[str, np.ndarray]:
    """m and v by checkpoint name, in the model's order; empty before the first step."""
    out: dict[str, np.ndarray] = {}
    for name, param in zip(model.names, model.params):
        state = adam.state.get(param)
        if not state:
            return {}
        out[f"optimizer/{name}/m"] = (
            state["exp_avg"].detach().numpy().astype(np.float32, copy=True)
        )
        out[f"optimizer/{name}/v"] = (
            state["exp_avg_sq"].detach().numpy().astype(np.float32, copy=True)
        )
    return out


def apply_weight_decay(model: CharModel, rate: float, weight_decay: float) -> None:
    """p · float32(1 − rate · weightDecay) on matrices and embeddings (model-spec.ts decays),
    in float32 as tfjs multiplies; nothing at all when the run does not decay."""
    if weight_decay == 0:
        return
    factor = torch.tensor(np.float32(1 - rate * weight_decay))
    with torch.no_grad():
        for spec, param in zip(model.specs, model.params):
            if decays(spec):
                param.mul_(factor)
