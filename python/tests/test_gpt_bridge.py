"""A gpt run from the browser in torch: the dropout masks bit for bit, the next batch's logits,
loss and gradients within float32 rounding, and 0 steps handing every tensor and every metadata
value back as the browser wrote it (golden vectors from tests/unit/python-golden-*.test.ts)."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from continuation import assert_same_checkpoint, continue_zero_steps
from gpt_golden import RUNS, TEXT, golden, rel_err
from paths import GOLDEN
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.data_pipeline import read_text
from tabtrainer.dropout import dropout_masks, dropout_tensors
from tabtrainer.models import cross_entropy
from tabtrainer.run_state import load_run_text, open_run
from tabtrainer.safetensors_io import read_layout
from tabtrainer.text_dataset import batch_sampler, host_batch

DROPOUT = json.loads((GOLDEN / "dropout.json").read_text())


@pytest.mark.parametrize("case", DROPOUT, ids=lambda c: f"p{c['p']}-batch{c['number']}")
def test_dropout_masks_are_the_browsers(case: dict) -> None:
    masks = dropout_masks(case["seed"], case["number"], case["p"], case["sites"], case["size"])
    flat = masks.reshape(-1)
    assert masks.dtype == np.float32 and masks.shape == (case["sites"], case["size"])
    assert flat[:80].tobytes() == np.array(case["head"], dtype=np.float32).tobytes()
    assert int(np.sum(flat == 0)) == case["dropped"]
    assert hashlib.sha256(flat.tobytes()).hexdigest() == case["sha256"]


def opened(name: str):
    source = read_checkpoint(str(golden(name).start))
    return source, open_run(source, load_run_text(source, read_text(TEXT)))


@pytest.mark.parametrize("name", RUNS)
def test_the_next_batch_computes_as_in_the_browser(name: str) -> None:
    """The batch after the checkpoint, with its dropout masks: logits, loss and every gradient
    (tied head: the token embedding's gradient has both of its uses)."""
    want = golden(name)
    source, state = opened(name)
    config = source.meta.config
    sampler = batch_sampler(config, state.dataset, source.meta.cursor, source.meta.guard["skips"])
    examples = sampler.next()
    math = want.json["math"]
    assert examples.tolist() == math["examples"] and sampler.last_batch == math["batchNumber"]
    x, y, _ = host_batch(state.dataset, "train", examples, config)
    masks = dropout_tensors(config, sampler.last_batch, len(examples))
    assert masks is not None and len(masks) == 1 + 2 * config["layers"]
    logits = state.model(torch.from_numpy(x), masks)
    loss = cross_entropy(logits, torch.from_numpy(y), None)
    loss.backward()
    errors = {"logits": rel_err(logits.detach().numpy(), want.math["logits"])}
    errors["loss"] = abs(loss.item() - math["loss"]) / math["loss"]
    for param_name, param in zip(state.model.names, state.model.params):
        errors[param_name] = rel_err(param.grad.numpy(), want.math[f"grad/{param_name}"])
    worst = max(errors, key=lambda k: errors[k])
    print(f"{name}: largest relative error {errors[worst]:.2g} ({worst})")
    assert all(e < 1e-5 for e in errors.values()), errors


@pytest.mark.parametrize("name", RUNS)
def test_zero_steps_hand_back_the_browsers_file(name: str, tmp_path: Path) -> None:
    start = golden(name).start
    out = tmp_path / "same.safetensors"
    continue_zero_steps(start, TEXT, out)
    # Every metadata value is the browser's own spelling, format 4 and its tokenizer included.
    with open(start, "rb") as f_a, open(out, "rb") as f_b:
        meta_a = read_layout(f_a, start.stat().st_size).metadata
        meta_b = read_layout(f_b, out.stat().st_size).metadata
    assert meta_a is not None and meta_b is not None
    assert meta_a["format"] == "tab-trainer/4" and "tokenizer" in meta_a
    assert meta_b.pop("producer").startswith("tabtrainer-py/")
    assert meta_b == meta_a


@pytest.mark.parametrize("name", RUNS)
def test_the_torch_state_reproduces_the_file(name: str) -> None:
    """Through torch's own parameters and torch.optim.Adam's state, not only a pass-through."""
    source, state = opened(name)
    assert all(isinstance(p, torch.nn.Parameter) for p in state.model.params)
    assert_same_checkpoint(source, state.to_checkpoint(source.meta.backend))
    assert source.meta.optimizer["className"] == "AdamW"
