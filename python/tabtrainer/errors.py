"""The browser's refusals, one class per name (src/shared/errors.ts), so both sides say the same.

Callers and tests switch on ``type(err).__name__`` exactly as the page switches on ``err.name``.
"""


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


# The "what to do next" halves of refusals (src/shared/checkpoint/refusal-text.ts).
EXPORT_AGAIN = "Export the checkpoint again from the trainer."
COPY_AGAIN = (
    "The file is incomplete: download or copy it again, or export it again from the trainer."
)
CHOOSE_OURS = "Choose a .safetensors checkpoint that this trainer exported."


def js_stringify(value: str) -> str:
    """JSON.stringify of a string: only what JSON requires is escaped, the rest kept as is."""
    import json

    return json.dumps(value, ensure_ascii=False)


def quote_name(name: str) -> str:
    """A name from the file, quoted and cut short: a hostile name must not flood a message."""
    quoted = js_stringify(name)
    return quoted if len(quoted) <= 82 else f'{quoted[:80]}…"'


def format_shape(shape: "list[int] | tuple[int, ...]") -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"
