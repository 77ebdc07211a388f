"""The bench's PyTorch side (tabtrainer.step_bench): it trains the model the config describes,
with the browser's parameter count, and reports its step time."""

import json
import math

import pytest

from paths import REPO
from tabtrainer.run_config import element_count, model_spec
from tabtrainer.step_bench import BYTE_VOCAB, main

TINY = {
    "model": "gpt",
    "tokens": "byte",
    "embed": 8,
    "width": 16,
    "layers": 1,
    "heads": 2,
    "context": 8,
    "batch": 2,
    "lr": 0.01,
    "clip": 1,
    "weightDecay": 0.1,
    "dropout": 0,
    "tie": 1,
    "beta1": 0.9,
    "beta2": 0.95,
    "seed": 3,
}


def run(capsys, config, steps=3):
    text = str(REPO / "workers" / "training" / "names.txt")
    args = ["--config", json.dumps(config), "--text", text, "--warmup", "1", "--steps", str(steps)]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_trains_the_configured_model_and_times_its_steps(capsys):
    result = run(capsys, TINY)
    expected = sum(element_count(s.shape) for s in model_spec(TINY, BYTE_VOCAB))
    assert result["params"] == expected
    assert result["tokens_per_step"] == TINY["batch"] * TINY["context"]
    assert result["threads"] == 1
    assert result["step_ms_median"] > 0
    assert math.isclose(result["tokens_per_s"], 16 / result["step_ms_median"] * 1000)
    # Small weights give nearly uniform logits over the 256 bytes; training moves the loss.
    assert abs(result["first_loss"] - math.log(BYTE_VOCAB)) < 0.1
    assert result["last_loss"] != result["first_loss"]


def test_refuses_other_tokens(capsys):
    with pytest.raises(SystemExit, match="byte-token runs only"):
        run(capsys, {**TINY, "tokens": "char"})
