"""SIGTERM (the preemption signal) snapshots at the next step boundary and exits 143; the same
command then resumes that snapshot and ends bit for bit where an uninterrupted job ends."""

import signal
import subprocess
import sys
from pathlib import Path

from cli import continue_args, env, single
from paths import GOLDEN
from tabtrainer.checkpoint import read_checkpoint

SOURCE = GOLDEN / "mlp-start.safetensors"
STEPS = 1500


def test_sigterm_snapshots_and_the_rerun_resumes(tmp_path: Path) -> None:
    clean, out = tmp_path / "clean.safetensors", tmp_path / "out.safetensors"
    assert single(continue_args(SOURCE, STEPS, clean)).returncode == 0

    args = continue_args(SOURCE, STEPS, out, "--log-every", "50")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tabtrainer", *args], env=env(), stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:  # wait for training to be under way, then preempt it
        if line.startswith("step 100/"):
            proc.send_signal(signal.SIGTERM)
            break
    rest = proc.stdout.read()
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM, rest
    assert "stopped by signal" in rest and not out.exists()
    snapshot = read_checkpoint(f"{out}.snapshot")
    assert 100 <= snapshot.meta.step < 20 + STEPS
    assert snapshot.meta.cursor[1] > 0 and snapshot.meta.backend == "torch-cpu"

    rerun = single(args)
    assert rerun.returncode == 0, rerun.stderr
    assert f"Resuming this job's own snapshot at step {snapshot.meta.step}" in rerun.stdout
    a, b = read_checkpoint(str(clean)), read_checkpoint(str(out))
    assert (a.meta.step, a.meta.cursor) == (b.meta.step, b.meta.cursor)
    for name in a.tensors:
        assert a.tensors[name].tobytes() == b.tensors[name].tobytes(), name
    assert not Path(f"{out}.snapshot").exists()
