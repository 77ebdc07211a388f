"""The browser's refusals, one class per name (src/shared/errors.ts), so both sides say the same.

Callers and tests switch on ``type(err).__name__`` exactly as the page switches on ``err.name``.
"""

from .json_scan import js_stringify


class TrainerError(Exception):
    pass


class ConfigError(TrainerError):
    pass


class DatasetError(TrainerError):
    pass


class CheckpointFormatError(TrainerError):
    pass


class CheckpointTruncatedError(CheckpointFormatError):
    """The file ends before what its own header promises: a partial download or copy."""


class CheckpointLimitError(CheckpointFormatError):
    """The header asks for more than the importer's caps allow; refused before allocating it."""


class CheckpointMismatchError(TrainerError):
    pass


class CheckpointVersionError(TrainerError):
    pass


class CheckpointIntegrityError(TrainerError):
    pass


class CheckpointDatasetError(TrainerError):
    pass


def quote_name(name: str) -> str:
    """A name from the file, quoted and cut short: a hostile name must not flood a message."""
    quoted = js_stringify(name)
    return quoted if len(quoted) <= 82 else f'{quoted[:80]}…"'


def format_shape(shape: "list[int] | tuple[int, ...]") -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"


class DivergenceError(TrainerError):
    """Three rewinds of the divergence guard within its window (src/shared/errors.ts)."""

    def __init__(
        self,
        spike_steps: list[int],
        window: int,
        paused_at: int,
        lr: float,
        clip: float,
        written: str | None = None,
    ) -> None:
        from .json_scan import js_number

        self.spike_steps, self.window, self.paused_at, self.lr, self.clip = (
            spike_steps,
            window,
            paused_at,
            lr,
            clip,
        )
        clip_text = (
            f"a lower clipping threshold (now {js_number(clip)})"
            if clip > 0
            else "gradient clipping (clip=1)"
        )
        steps = ", ".join(str(s) for s in spike_steps)
        text = (
            f"The loss diverged {len(spike_steps)} times within {window} steps (at steps "
            f"{steps}); the guard rewound each time and has stopped the run at step {paused_at}. "
            f"Try a lower learning rate (now {js_number(lr)}), {clip_text} or a longer warm-up: "
            f"start a new run from the newest snapshot with a lower learning rate, or a new run "
            f"with these settings. Every snapshot is kept."
        )
        if written is not None:
            text += f" The rewound state (step {paused_at}) was written to {written}."
        super().__init__(text)

    def written_to(self, path: str) -> "DivergenceError":
        return DivergenceError(
            self.spike_steps, self.window, self.paused_at, self.lr, self.clip, path
        )
