"""Same math as tfjs's CPU backend: logits, loss and gradients at the golden checkpoint agree
within 1e-5 relative (golden vectors from tests/unit/python-golden.test.ts)."""

import json

import numpy as np
import pytest
import torch

from paths import GOLDEN, REPO
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.data_pipeline import build_dataset, gather_batch, read_text
from tabtrainer.models import CharModel, cross_entropy

TEXT = REPO / "tests/fixtures/text/greek-words.txt"


def rel_err(got: np.ndarray, want: np.ndarray) -> float:
    """max |got - want| over the largest |want|: per-element relative error is meaningless
    for gradients that are nearly 0."""
    return float(np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30))


@pytest.mark.parametrize("kind", ["mlp", "transformer"])
def test_logits_loss_gradients(kind: str) -> None:
    golden = json.loads((GOLDEN / f"{kind}.json").read_text())
    ckpt = read_checkpoint(str(GOLDEN / f"{kind}-start.safetensors"))
    data = build_dataset(read_text(str(TEXT)))
    config = ckpt.meta.config
    model = CharModel(config, len(data.vocab), ckpt.tensors)
    math = golden["math"]
    examples = np.array(math["examples"])
    x, y, mask = gather_batch(data.train, examples, config["context"], kind == "transformer")
    logits = model(torch.from_numpy(x))
    mask_t = None if mask is None else torch.from_numpy(mask)
    loss = cross_entropy(logits, torch.from_numpy(y), mask_t)
    loss.backward()
    assert rel_err(logits.detach().numpy().reshape(-1), np.array(math["logits"])) < 1e-5
    assert abs(loss.item() - math["loss"]) / abs(math["loss"]) < 1e-5
    for name, param in zip(model.names, model.params):
        want = np.array(math["gradients"][name], dtype=np.float64)
        assert rel_err(param.grad.numpy().reshape(-1), want) < 1e-5, name
