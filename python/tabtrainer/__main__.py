"""python3 -m tabtrainer continue run.safetensors --steps N (--text names.txt | --tokens
corpus.byte.bin) --out next.safetensors [--ddp]"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
from datetime import timedelta

import torch
import torch.distributed as dist

from . import PRODUCER
from .checkpoint import read_checkpoint
from .checkpoint_write import write_checkpoint
from .errors import DivergenceError, TrainerError
from .run_state import load_run_dataset, open_run
from .token_file import load_run_tokens
from .trainer import Options, Trainer, resume_point


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m tabtrainer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("continue", help="continue a run from a checkpoint the browser exported")
    c.add_argument("checkpoint", help="a .safetensors checkpoint (the browser's export, or ours)")
    c.add_argument(
        "--steps",
        type=int,
        required=True,
        help="optimizer steps to train (0 passes the state through)",
    )
    data = c.add_mutually_exclusive_group(required=True)
    data.add_argument(
        "--text",
        help="the run's training text (its SHA-256 must match the checkpoint); for a run on "
        "token shards (corpus=shards), the file its corpus was tokenized from",
    )
    data.add_argument(
        "--tokens",
        help="for a run on token shards (corpus=shards): the .bin its corpus's Export tokens "
        "downloaded (llm.c's token file), memory-mapped instead of the text tokenized again",
    )
    c.add_argument("--out", required=True, help="where to write the continued checkpoint")
    c.add_argument(
        "--ddp",
        action="store_true",
        help="run under torchrun: the batch is split across its processes (gloo)",
    )
    c.add_argument("--snapshot", help="this job's snapshot file (default: <out>.snapshot)")
    c.add_argument(
        "--snapshot-seconds",
        type=float,
        default=60.0,
        help="snapshot interval in seconds (default 60)",
    )
    c.add_argument(
        "--snapshot-steps", type=int, default=0, help="also snapshot every this many steps"
    )
    c.add_argument("--log-every", type=int, default=10, help="print progress every this many steps")
    c.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads per process (default 1: reproducible)",
    )
    c.add_argument("--fault", help=argparse.SUPPRESS)  # tests: "rank:step" kills that rank once
    # tests: "s1,s2" makes those steps' loss NaN, once each
    c.add_argument("--poison", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def continue_run(args: argparse.Namespace) -> int:
    if args.steps < 0:
        raise SystemExit("--steps must be 0 or more")
    torch.set_num_threads(args.threads)
    if args.ddp:
        dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    rank = dist.get_rank() if args.ddp else 0
    snapshot = args.snapshot or f"{args.out}.snapshot"
    source = read_checkpoint(args.checkpoint)
    if args.tokens is not None:
        dataset = load_run_tokens(source, args.tokens)
    else:
        dataset = load_run_dataset(source, args.text)
    target = source.meta.step + args.steps
    budget = source.meta.config["steps"]
    if budget > 0 and target > budget:
        print(
            f"The run's step budget is {budget}: training stops there (fine-tune it in the "
            f"browser for more)."
        )
        target = max(budget, source.meta.step)
    start = resume_point(source, snapshot, target)
    if start is not source and rank == 0:
        print(f"Resuming this job's own snapshot at step {start.meta.step} ({snapshot})")
    state = open_run(start, dataset)
    fault = None
    if args.fault and os.environ.get("TORCHELASTIC_RESTART_COUNT", "0") == "0":
        r, s = args.fault.split(":")
        fault = (int(r), int(s))
    options = Options(
        snapshot=snapshot,
        snapshot_seconds=args.snapshot_seconds,
        snapshot_steps=args.snapshot_steps,
        log_every=args.log_every,
        fault=fault,
        poison=None if not args.poison else {int(s) for s in args.poison.split(",")},
    )
    trainer = Trainer(state, options)
    if rank == 0:
        world = dist.get_world_size() if args.ddp else 1
        print(
            f"{source.meta.run_name}: {source.meta.config['model']} at step {state.step}, "
            f"training to step {target} on {world} process{'es' if world > 1 else ''}"
        )
    try:
        code = trainer.run(target)
    except DivergenceError as err:
        # The guard stopped the run: the rewound state, the last good one, is what goes back.
        if rank == 0:
            trainer.snapshot(args.out)
        if args.ddp:
            dist.barrier()
        raise err.written_to(args.out) from None
    if code == 0 and rank == 0:
        if state.step == source.meta.step:
            # Nothing trained: the source state goes back as it came, with only the producer added.
            write_checkpoint(args.out, source, f"{PRODUCER} (0 steps, passed through)")
        else:
            trainer.snapshot(args.out)
        if os.path.exists(snapshot):
            os.unlink(snapshot)
        print(f"wrote {args.out} at step {state.step}")
    if args.ddp:
        # Every rank meets here once rank 0 has written; the process group is not destroyed, see
        # leave() below.
        dist.barrier()
    return code


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return continue_run(args)
    except TrainerError as err:
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        return 2


def leave(code: int) -> None:
    """Exits. Under DDP, without destroy_process_group() or the interpreter's teardown: with gloo
    both can hang now and then (pytorch/pytorch#75097; seen here as a torchrun that never ended
    after both ranks had finished and rank 0 had written its file). By now every rank has met at
    the final barrier and every file is written, so the process leaves at once."""
    if dist.is_available() and dist.is_initialized():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 <pid> prints every thread's stack
    leave(main())
