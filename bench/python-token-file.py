"""Peak memory and wall time of `python3 -m tabtrainer continue` on a run on token shards of a
large text: from the text (--text: read whole, hashed, tokenized again) against from its Export
tokens file (--tokens: memory-mapped). docs/PERFORMANCE.md has the figures.

    python3 bench/python-token-file.py [MEGABYTES] [STEPS]

Writes into a temporary folder (removed after): a generated text of MEGABYTES (default 256) MB
of words in blank-line documents, its token file (written by the bridge's own writer, which
python/tests/test_token_file.py proves equal to the browser's), and a checkpoint of the golden
byte-token shard run (tests/fixtures/golden/shards-byte-start.safetensors) whose dataset is
that text's corpus. Each path runs in its own process under /usr/bin/time -v.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from tabtrainer.checkpoint import read_checkpoint  # noqa: E402
from tabtrainer.checkpoint_write import write_checkpoint  # noqa: E402
from tabtrainer.corpus_address import corpus_address, corpus_identity  # noqa: E402
from tabtrainer.shard_corpus import build_shard_prose  # noqa: E402
from tabtrainer.token_file import write_token_file  # noqa: E402


def generate_text(path: Path, megabytes: float) -> None:
    """Words from a seeded generator, 120 to a document, documents ending in a blank line."""
    words = [b"the", b"shard", b"of", b"a", b"tab", b"trains", b"on", b"and", b"text", b"resumes"]
    rng = np.random.default_rng(4)
    target = int(megabytes * 1e6)
    with open(path, "wb") as f:
        written = 0
        while written < target:
            picks = rng.integers(0, len(words), size=120 * 1000)
            docs = [
                b" ".join(words[i] for i in picks[d * 120 : (d + 1) * 120]) + b".\n\n"
                for d in range(1000)
            ]
            block = b"".join(docs)[: target - written]
            f.write(block)
            written += len(block)


def make_run(text: Path, out: Path, bin_path: Path) -> None:
    source = read_checkpoint(str(ROOT / "tests/fixtures/golden/shards-byte-start.safetensors"))
    config = source.meta.config
    data = build_shard_prose(text.name, text.read_bytes(), config, None)
    info = copy.deepcopy(source.meta.dataset)
    identity = corpus_identity(data.sha256, config["separator"], None)
    info.update(
        id=data.sha256,
        name=text.name,
        trainExamples=len(data.train),
        valExamples=len(data.val),
        corpus={"address": corpus_address(identity), "bytes": text.stat().st_size},
    )
    source.meta.dataset = info
    source.raw_meta["dataset"] = json.dumps(info, separators=(",", ":"), ensure_ascii=False)
    write_checkpoint(str(out), source, "bench")
    stream = np.concatenate([data.train, data.val])
    write_token_file(str(bin_path), stream, info["corpus"]["address"])


def measure(args: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one continuation."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "tabtrainer", "continue", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    start = time.perf_counter()
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(run.stdout + run.stderr)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    return wall, rss


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 256
    steps = sys.argv[2] if len(sys.argv) > 2 else "10"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text, ckpt, bin_path = folder / "big.txt", folder / "start.safetensors", folder / "big.bin"
        generate_text(text, megabytes)
        make_run(text, ckpt, bin_path)
        sizes = (text.stat().st_size / 1e6, bin_path.stat().st_size / 1e6)
        print("text %.1f MB, token file %.1f MB" % sizes)
        for flag, path in (("--text", text), ("--tokens", bin_path)):
            out = folder / f"{flag[2:]}.safetensors"
            wall, rss = measure([str(ckpt), "--steps", steps, flag, str(path), "--out", str(out)])
            print(f"{flag}: {wall:.1f} s, peak RSS {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
