"""python3 -m tabtrainer.step_bench --config '<run config JSON>' --text names.txt

Times training steps of a run's model with this package's PyTorch port (models.py, AdamW as
adam_bridge.py builds it, clipping to the global norm as trainer.py does) on `--threads` torch
threads, and prints one JSON line: the median step, tokens/s, the parameter count. The bench
(bench/runner/training-suite.mjs) compares it with the browser's figure for the same preset.
The weights and batches come from the run's seed through the project's PRNG; their values do
not change a step's time, only the shapes do."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np
import torch

from .adam_bridge import apply_weight_decay, create_adam
from .facts import ADAM_EPSILON
from .lr_schedule import adam_rate
from .models import CharModel, nll_sum
from .prng import Prng, derive_seed
from .prng_lanes import stream_words
from .run_config import element_count, model_spec

# Byte tokens: the vocabulary is every byte value.
BYTE_VOCAB = 256


def uniform(seed: int, stream: int, count: int) -> np.ndarray:
    """`count` floats in [0, 1) from the run's PRNG, one stream per use."""
    words = stream_words(Prng.from_seed(derive_seed(seed, stream)), count)
    return words.astype(np.float64) / 4294967296


def initial_weights(config: dict[str, Any], vocab: int) -> dict[str, np.ndarray]:
    """Small uniform matrices, layer norms at 1 and biases at 0: shapes are what a step's time
    depends on."""
    weights = {}
    for i, spec in enumerate(model_spec(config, vocab)):
        if spec.init == "normal":
            values = (uniform(config["seed"], 1000 + i, element_count(spec.shape)) - 0.5) * 0.04
        else:
            values = np.full(element_count(spec.shape), 1.0 if spec.init == "ones" else 0.0)
        weights[f"model/{spec.name}"] = values.astype(np.float32).reshape(spec.shape)
    return weights


def batch(config: dict[str, Any], data: np.ndarray, number: int) -> tuple[np.ndarray, np.ndarray]:
    """`batch` random windows of context + 1 bytes: inputs and next-byte targets."""
    rows, t = config["batch"], config["context"]
    starts = (uniform(config["seed"], number, rows) * (len(data) - t - 1)).astype(np.int64)
    windows = np.stack([data[s : s + t + 1] for s in starts]).astype(np.int32)
    return windows[:, :-1], windows[:, 1:]


def train_step(model: CharModel, adam: torch.optim.Adam, config: dict[str, Any], x, y) -> float:
    """trainer.py train_step's math without its bookkeeping: loss, gradients, global norm and
    clipping, AdamW's decoupled decay, Adam's update."""
    adam.zero_grad(set_to_none=True)
    loss = nll_sum(model(torch.from_numpy(x)), torch.from_numpy(y), None) / y.size
    loss.backward()
    grads = [p.grad for p in model.params]
    norm = torch.sqrt(sum((g.square().sum() for g in grads[1:]), grads[0].square().sum()))
    if config["clip"] > 0:
        threshold = torch.tensor(config["clip"], dtype=torch.float32)
        factor = threshold / torch.maximum(norm, threshold)
        for g in grads:
            g.mul_(factor)
    apply_weight_decay(model, config["lr"], config["weightDecay"])
    adam.step()
    return float(loss.item())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tabtrainer.step_bench", description=__doc__)
    parser.add_argument("--config", required=True, help="the run config, as JSON (byte tokens)")
    parser.add_argument("--text", required=True, help="a text file whose bytes the steps train on")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args(argv)
    config = json.loads(args.config)
    if config.get("tokens") != "byte":
        raise SystemExit("step_bench times byte-token runs only: pass a config with tokens byte")
    torch.set_num_threads(args.threads)
    with open(args.text, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8)
    model = CharModel(config, BYTE_VOCAB, initial_weights(config, BYTE_VOCAB))
    optimizer = {"beta1": config["beta1"], "beta2": config["beta2"], "epsilon": ADAM_EPSILON}
    settings = {"learningRate": adam_rate(config["lr"]), **optimizer}
    adam = create_adam(model, {"config": settings, "iterations": 0}, {})
    # Wall time, as the browser's figures are; and the process's CPU time, which waiting for a
    # core on a loaded machine does not stretch.
    times, cpu_times, losses = [], [], []
    for number in range(args.warmup + args.steps):
        x, y = batch(config, data, number)
        start, cpu_start = time.perf_counter(), time.process_time()
        losses.append(train_step(model, adam, config, x, y))
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    median = statistics.median(times[args.warmup :])
    tokens = config["batch"] * config["context"]
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": sum(p.numel() for p in model.params),
        "tokens_per_step": tokens,
        "steps": args.steps,
        "step_ms_median": median,
        "step_cpu_ms_median": statistics.median(cpu_times[args.warmup :]),
        "tokens_per_s": tokens / median * 1000,
        "first_loss": losses[0],
        "last_loss": losses[-1],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
