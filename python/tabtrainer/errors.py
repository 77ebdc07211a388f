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


class CorpusFileMismatchError(TrainerError):
    """The file given for a run on token shards is not the text its corpus was made from."""


class TokenFileFormatError(TrainerError):
    """A --tokens file that is not a token file the page exported (magic, version), or one that
    ends before (or runs past) the tokens its header counts."""


class TokenFileMismatchError(TrainerError):
    """A token file of another corpus than the checkpoint's, or of another token count."""


def _count(n: int) -> str:
    """A whole number as toLocaleString('en-US') writes it: 32768 -> 32,768."""
    return f"{n:,}"


class BpeVocabSizeError(TrainerError):
    """A BPE vocabulary size outside what the trainer offers (src/shared/tokenizer-errors.ts)."""

    def __init__(self, vocab_size: int) -> None:
        from .facts import MAX_BPE_VOCAB, MIN_BPE_VOCAB

        self.vocab_size = vocab_size
        super().__init__(
            f"A BPE vocabulary of {_count(vocab_size)} tokens is out of range: choose a whole "
            f"number from {_count(MIN_BPE_VOCAB)} to {_count(MAX_BPE_VOCAB)} (vocabSize=N)."
        )


class BpeVocabTooLargeError(TrainerError):
    """The text runs out of pairs worth merging before the vocabulary is full."""

    def __init__(
        self, vocab_size: int, merges_found: int, reachable: int, trained_bytes: int
    ) -> None:
        self.vocab_size, self.merges_found, self.reachable = vocab_size, merges_found, reachable
        super().__init__(
            f"The text can fill a vocabulary of only {_count(reachable)} tokens: after "
            f"{_count(merges_found)} merges no pair of tokens occurs twice in the "
            f"{_count(trained_bytes)} bytes trained on, and vocabSize={vocab_size} asks for "
            f"{_count(vocab_size)}. Choose a vocabulary of at most {_count(reachable)} tokens, "
            f"or a longer text."
        )


class TokenizerJsonMalformedError(TrainerError):
    """A tokenizer.json that cannot be read: not JSON, a field missing or of the wrong kind."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"This tokenizer.json is malformed: {problem}. Use the tokenizer.json this trainer "
            f"exported, unchanged (export the run again if it was edited or cut short)."
        )


class TokenizerJsonUnsupportedError(TrainerError):
    """A well-formed tokenizer.json of another kind than the trainer's byte-level BPE."""

    def __init__(self, found: str) -> None:
        self.found = found
        super().__init__(
            f"This tokenizer.json is not this trainer's byte-level BPE: {found}. Only a tokenizer "
            f"this trainer learned can be read (its own pre-tokenizer, byte-level alphabet and "
            f"merges); train one here (tokens=bpe) instead."
        )


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
