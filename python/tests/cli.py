"""Runs the command line as a user would: a subprocess of the system Python, or torchrun."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from paths import REPO

PYTHON_DIR = REPO / "python"
TEXT = str(REPO / "tests/fixtures/text/greek-words.txt")


def env() -> dict[str, str]:
    # PYTHONFAULTHANDLER: a process that hangs prints every thread's stack when run_group aborts it.
    return {
        **os.environ,
        "PYTHONPATH": str(PYTHON_DIR),
        "PYTHONUNBUFFERED": "1",
        "PYTHONFAULTHANDLER": "1",
    }


def continue_args(
    source: Path, steps: int, out: Path, *extra: str, text: str = TEXT
) -> list[str]:
    return [
        "continue", str(source), "--steps", str(steps), "--text", text, "--out", str(out), *extra
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def torchrun(
    args: list[str], nproc: int = 2, max_restarts: int = 0
) -> subprocess.CompletedProcess[str]:
    # torch 1.13's torchrun cannot parse its own --redirects/--tee defaults under Python 3.11
    # (IntFlag no longer iterates Std.NONE), so both are given as explicit mappings.
    launcher = [
        sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={nproc}",
        f"--master_port={free_port()}", f"--max_restarts={max_restarts}", "--monitor_interval=0.2",
        "--redirects=0:1", "--tee=0:1", "-m", "tabtrainer",
    ]  # fmt: skip
    return run_group(launcher + args + ["--ddp"])


def single(args: list[str]) -> subprocess.CompletedProcess[str]:
    return run_group([sys.executable, "-m", "tabtrainer", *args])


def run_group(command: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Runs the command in its own process group, and ends that whole group (torchrun's workers
    included) if it outlives the timeout, so a failed test leaves no process behind."""
    proc = subprocess.Popen(
        command,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # SIGABRT first: the fault handler of every Python process in the group (torchrun's agent
        # and its workers) prints where each thread hangs; then SIGKILL for whatever is left.
        os.killpg(proc.pid, signal.SIGABRT)
        try:
            out, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        raise AssertionError(f"timed out after {timeout} s:\n{out}\n{err}") from None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)
