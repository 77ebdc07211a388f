"""A browser checkpoint of a run on token shards (corpus=shards; tests/fixtures/golden/
shards-<tokens>-start.safetensors at step 20, written by tests/unit/python-golden-shards.test.ts)
continued in torch from the text its corpus was made from, against the same 10 steps in the
browser (tfjs CPU): the same batches, exact position, the arithmetic within float32 rounding.
The file written keeps the run's corpus, so the browser resumes it from its shards."""

import json
from pathlib import Path

import numpy as np
import pytest

from paths import GOLDEN, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint

TEXT = str(REPO / "tests/fixtures/text/mark.txt")
# name: (max |Δloss|, max |Δ gradient norm| relative, max |Δ validation loss|,
#        max |Δw| / max |w|). Measured here (torch 1.13, one thread): byte 4.8e-7, 1.1e-7, 0,
# 1.2e-7; BPE 4.8e-7, 9.7e-8, 1.5e-7, 1.1e-7. The bounds are about 5 times those (the
# validation loss's 7.5e-7 for both).
BOUNDS = {
    "shards-byte": (2.4e-6, 5.5e-7, 7.5e-7, 6e-7),
    "shards-bpe": (2.4e-6, 5e-7, 7.5e-7, 5.5e-7),
}


def rows_after(rows: list[list[float]], step: int) -> np.ndarray:
    return np.array([value for s, value in rows if s > step])


@pytest.mark.parametrize("name", BOUNDS)
def test_a_shard_run_continues_in_torch_as_in_the_browser(name: str, tmp_path: Path) -> None:
    loss_gap, norm_gap, val_gap, drift_bound = BOUNDS[name]
    want = json.loads((GOLDEN / f"{name}.json").read_text())
    run, start = want["continuation"], want["startStep"]
    source = GOLDEN / f"{name}-start.safetensors"
    out = tmp_path / "next.safetensors"
    steps = run["step"] - start
    assert main(["continue", str(source), "--steps", str(steps), "--text", TEXT,
                 "--out", str(out)]) == 0  # fmt: skip
    ckpt = read_checkpoint(str(out))
    meta = ckpt.meta
    assert (meta.step, meta.optimizer["iterations"]) == (run["step"], run["iterations"])
    assert meta.cursor == (run["cursor"]["epoch"], run["cursor"]["index"])
    end = read_checkpoint(str(GOLDEN / f"{name}-end.safetensors"))
    for tensor in ("optimizer/beta1_power", "optimizer/beta2_power", "optimizer/iter"):
        assert ckpt.tensors[tensor].tobytes() == end.tensors[tensor].tobytes(), tensor
    # The run still trains on its shards: the corpus named as the browser named it.
    original = read_checkpoint(str(source))
    assert ckpt.raw_meta["dataset"] == original.raw_meta["dataset"]
    assert meta.config["corpus"] == "shards" and meta.dataset["corpus"]["bytes"] > 0
    losses, browser = rows_after(meta.metrics["train"], start), np.array(run["losses"])
    norms, browser_norms = rows_after(meta.metrics["gradNorm"], start), np.array(run["gradNorms"])
    assert len(losses) == len(browser) == steps
    loss_diff = float(np.max(np.abs(losses - browser)))
    norm_diff = float(np.max(np.abs(norms - browser_norms) / browser_norms))
    val = [row for row in meta.metrics["val"] if row[0] > start]
    assert [s for s, _ in val] == [s for s, _, _ in run["val"]] and len(val) == 1
    val_diff = max(abs(v - w) for (_, v), (_, w, _) in zip(val, run["val"]))
    weights = [n for n in end.tensors if n.startswith("model/")]
    drift = max(float(np.max(np.abs(ckpt.tensors[n] - end.tensors[n]))) for n in weights)
    drift /= max(float(np.max(np.abs(end.tensors[n]))) for n in weights)
    print(
        f"{name}, {steps} steps: max |dloss| {loss_diff:.2g}, max |dnorm| {norm_diff:.2g} "
        f"relative, max |dval| {val_diff:.2g}, max |dw| {drift:.2g} of max |w|"
    )
    assert loss_diff < loss_gap and norm_diff < norm_gap
    assert val_diff < val_gap and drift < drift_bound


def test_another_file_trains_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    other = tmp_path / "mark.txt"
    other.write_bytes(Path(TEXT).read_bytes().replace(b"Jesus", b"JESUS", 1))
    out = tmp_path / "next.safetensors"
    source = str(GOLDEN / "shards-byte-start.safetensors")
    code = main(["continue", source, "--steps", "2", "--text", str(other), "--out", str(out)])
    assert code == 2
    assert "CorpusFileMismatchError: " in capsys.readouterr().err
    assert not out.exists()
