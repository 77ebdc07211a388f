"""200 steps on from the golden checkpoint in torch and in the browser (tfjs CPU, written by
tests/unit/python-golden.test.ts): same cursor and iteration count, per-step loss within 1e-4 for
the first 10 steps, mean of the last 50 within 1%; the file written is one the browser reads."""

import json
from pathlib import Path

import numpy as np
import pytest

from paths import GOLDEN, REPO
from tabtrainer.__main__ import main
from tabtrainer.checkpoint import read_checkpoint

TEXT = str(REPO / "tests/fixtures/text/greek-words.txt")


@pytest.mark.parametrize("kind", ["mlp", "transformer"])
def test_continue_200_steps_like_the_browser(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    golden = json.loads((GOLDEN / f"{kind}.json").read_text())
    want = golden["continuation"]
    out = tmp_path / "next.safetensors"
    source = str(GOLDEN / f"{kind}-start.safetensors")
    code = main(["continue", source, "--steps", "200", "--text", TEXT, "--out", str(out)])
    assert code == 0
    ckpt = read_checkpoint(str(out))
    meta = ckpt.meta
    assert meta.step == want["step"] and meta.optimizer["iterations"] == want["iterations"]
    assert meta.cursor == (want["cursor"]["epoch"], want["cursor"]["index"])
    assert meta.backend == "torch-cpu" and meta.app_version.startswith("tabtrainer-py/")
    losses = np.array([loss for step, loss in meta.metrics["train"] if step > golden["startStep"]])
    browser = np.array(want["losses"])
    assert len(losses) == len(browser) == 200
    assert np.max(np.abs(losses[:10] - browser[:10])) < 1e-4
    assert abs(losses[-50:].mean() - browser[-50:].mean()) / browser[-50:].mean() < 0.01
    # Validation rows every 25 steps, as the browser's controller records them.
    assert [s for s, _ in meta.metrics["val"]] == list(range(25, 221, 25))
    # The browser's own end state: the weights drift apart only by float32 rounding.
    end = read_checkpoint(str(GOLDEN / f"{kind}-end.safetensors"))
    weights = [n for n in end.tensors if n.startswith("model/")]
    drift = max(float(np.max(np.abs(ckpt.tensors[n] - end.tensors[n]))) for n in weights)
    scale = max(float(np.max(np.abs(end.tensors[n]))) for n in weights)
    first = np.max(np.abs(losses[:10] - browser[:10]))
    print(f"{kind}: max |dw| {drift:.3g} (max |w| {scale:.3g}); first-10 max |dloss| {first:.3g}")
    assert drift < 1e-2 * scale
    # Adam's running beta powers are the browser's, bit for bit: float32 products, one per step.
    for name in ("optimizer/beta1_power", "optimizer/beta2_power", "optimizer/iter"):
        assert ckpt.tensors[name].tobytes() == end.tensors[name].tobytes(), name
