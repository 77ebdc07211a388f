"""safetensors read and write with numpy, as strict as the browser's reader
(src/shared/checkpoint/safetensors-header.ts and safetensors-read.ts): same caps, same refusals,
and nothing but the 8-byte length and the capped header is read before the layout is valid."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO, Mapping, Sequence

import numpy as np

from .errors import (
    CheckpointFormatError,
    CheckpointLimitError,
    CheckpointMismatchError,
    CheckpointTruncatedError,
    format_shape,
    quote_name,
)
from .facts import (
    CHOOSE_OURS,
    COPY_AGAIN,
    EXPORT_AGAIN,
    KNOWN_DTYPES,
    LENGTH_BYTES,
    MAX_ENTRY_CHARS,
    MAX_HEADER_BYTES,
    MAX_RANK,
    MAX_TENSORS,
    METADATA_KEY,
)
from .json_scan import (
    MAX_SAFE_INTEGER,
    ScanFail,
    ScanOk,
    is_count,
    js_stringify,
    parse_json,
    scan_object,
    skip_space,
)

# The dtypes this trainer writes and reads (safetensors-dtype.ts SafetensorsDType).
NUMPY_DTYPES = {"F32": np.dtype("<f4"), "I32": np.dtype("<i4")}


@dataclass(frozen=True)
class Entry:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass(frozen=True)
class Layout:
    metadata: dict[str, str] | None
    entries: list[Entry]
    data_bytes: int
    data_start: int


def _format_error(problem: str) -> CheckpointFormatError:
    return CheckpointFormatError(f"{problem} {EXPORT_AGAIN}")


def _scan_or_raise(text: str, start: int, limit: int, what: str) -> ScanOk:
    scan = scan_object(text, start, limit)
    if isinstance(scan, ScanOk):
        return scan
    assert isinstance(scan, ScanFail)
    if scan.reason == "syntax":
        raise _format_error(f"The checkpoint header is not valid JSON (at character {scan.at}).")
    if scan.reason == "duplicate":
        raise _format_error(f"The {what} names {quote_name(scan.key)} twice (duplicate names).")
    raise CheckpointLimitError(
        f"The {what} lists more than {MAX_TENSORS} tensors or keys, over the limit of this "
        f"importer; this is not a checkpoint of this trainer. {CHOOSE_OURS}"
    )


def _parse_slice(text: str, start: int, end: int) -> object:
    try:
        return parse_json(text[start:end])
    except ValueError:
        raise _format_error(
            f"The checkpoint header is not valid JSON (at character {start})."
        ) from None


def _parse_metadata(text: str, kind: str, start: int) -> dict[str, str]:
    if kind != "object":
        raise _format_error(f"{METADATA_KEY} must be an object whose values are strings.")
    scan = _scan_or_raise(text, start, MAX_TENSORS, f"{METADATA_KEY} object")
    out: dict[str, str] = {}
    for m in scan.members:
        if m.kind != "string":
            raise _format_error(
                f"{METADATA_KEY} values must be strings, but {quote_name(m.key)} is a {m.kind}."
            )
        value = _parse_slice(text, m.start, m.end)
        assert isinstance(value, str)
        out[m.key] = value
    return out


def _parse_entry(text: str, key: str, kind: str, start: int, end: int) -> Entry:
    name = quote_name(key)
    if kind != "object":
        raise _format_error(f"Tensor {name} is not an object with dtype, shape and data_offsets.")
    if end - start > MAX_ENTRY_CHARS:
        raise CheckpointLimitError(
            f"Tensor {name}'s entry is {end - start} characters long, over the "
            f"{MAX_ENTRY_CHARS} this importer accepts; this is not a checkpoint of this trainer. "
            + CHOOSE_OURS
        )
    raw = _parse_slice(text, start, end)
    assert isinstance(raw, dict)
    dtype, shape, offsets = raw.get("dtype"), raw.get("shape"), raw.get("data_offsets")
    if not isinstance(dtype, str):
        raise _format_error(f"Tensor {name} has no dtype string.")
    if dtype not in KNOWN_DTYPES:
        raise _format_error(f"Tensor {name} has unknown dtype {quote_name(dtype)}.")
    if dtype not in NUMPY_DTYPES:
        raise CheckpointMismatchError(
            f"Tensor {name} has unsupported dtype {dtype}: this trainer's checkpoints hold only "
            f"F32 and I32 tensors, so the file is not one of its checkpoints. {CHOOSE_OURS}"
        )
    if not isinstance(shape, list):
        raise _format_error(f"Tensor {name} has no shape array.")
    if len(shape) > MAX_RANK:
        raise CheckpointLimitError(
            f"Tensor {name} has {len(shape)} dimensions, over the {MAX_RANK} this importer "
            f"accepts. {CHOOSE_OURS}"
        )
    if not all(is_count(d) for d in shape):
        raise _format_error(
            f"Tensor {name}'s shape must be whole numbers between 0 and 2^53-1, got "
            f"{js_stringify_list(shape)}."
        )
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(is_count(o) for o in offsets)):
        shown = (
            "nothing"
            if offsets is None and "data_offsets" not in raw
            else js_stringify_list(offsets)
        )
        raise _format_error(
            f"Tensor {name}'s data_offsets must be two whole numbers between 0 and 2^53-1, got "
            f"{quote_name(shown)}."
        )
    begin, stop = int(offsets[0]), int(offsets[1])
    if stop < begin:
        raise _format_error(f"Tensor {name}'s data_offsets end before they begin.")
    dims = tuple(int(d) for d in shape)
    size = KNOWN_DTYPES[dtype] or 0
    for d in dims:
        size *= d
    if size > MAX_SAFE_INTEGER:
        raise _format_error(
            f"Tensor {name}'s element count overflows: shape {format_shape(dims)} of {dtype} would "
            f"be {size} bytes."
        )
    if size != stop - begin:
        raise _format_error(
            f"Tensor {name}'s shape {format_shape(dims)} of {dtype} does not match its byte span: "
            f"it needs {size} bytes, data_offsets give {stop - begin}."
        )
    return Entry(key, dtype, dims, begin, stop)


def js_stringify_list(value: object) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _tiled_length(entries: Sequence[Entry]) -> int:
    """The tensors must tile the data section from 0 with no gap and no overlap, in any order."""
    nxt = 0
    previous: Entry | None = None
    for e in sorted(entries, key=lambda e: (e.begin, e.end)):
        if e.begin < nxt and previous is not None:
            raise _format_error(
                f"Tensors {quote_name(previous.name)} and {quote_name(e.name)} overlap in the "
                f"data section."
            )
        if e.begin > nxt:
            raise _format_error(
                f"The data section has a gap of {e.begin - nxt} bytes before tensor "
                f"{quote_name(e.name)}; the tensors must cover it exactly."
            )
        nxt = e.end
        previous = e
    return nxt


def parse_header(text: str) -> tuple[dict[str, str] | None, list[Entry], int]:
    start = skip_space(text, 0)
    if start == len(text):
        raise _format_error("The checkpoint header is empty, not JSON.")
    if text[start] != "{":
        raise _format_error("The checkpoint header is not a JSON object.")
    scan = _scan_or_raise(text, start, MAX_TENSORS + 1, "header")
    if skip_space(text, scan.end) != len(text):
        raise _format_error(f"The checkpoint header is not valid JSON (at character {scan.end}).")
    if sum(1 for m in scan.members if m.key != METADATA_KEY) > MAX_TENSORS:
        raise CheckpointLimitError(
            f"The header lists more than {MAX_TENSORS} tensors, over the limit of this importer; "
            f"this is not a checkpoint of this trainer. {CHOOSE_OURS}"
        )
    metadata: dict[str, str] | None = None
    entries: list[Entry] = []
    for m in scan.members:
        if m.key == METADATA_KEY:
            metadata = _parse_metadata(text, m.kind, m.start)
        else:
            entries.append(_parse_entry(text, m.key, m.kind, m.start, m.end))
    return metadata, entries, _tiled_length(entries)


def read_layout(f: BinaryIO, size: int) -> Layout:
    """Validates everything but the tensor bytes, reading at most 8 + MAX_HEADER_BYTES bytes."""
    if size == 0:
        raise CheckpointTruncatedError(f"The file is empty (0 bytes). {COPY_AGAIN}")
    if size < LENGTH_BYTES:
        raise CheckpointTruncatedError(
            f"The file is only {size} bytes, shorter than the 8-byte header length that starts "
            f"every safetensors file. {COPY_AGAIN}"
        )
    f.seek(0)
    (declared,) = struct.unpack("<Q", f.read(LENGTH_BYTES))
    if declared > MAX_HEADER_BYTES:
        raise CheckpointLimitError(
            f"The file says its header is {declared} bytes, over the {MAX_HEADER_BYTES}-byte "
            f"limit of this importer, so it was not read. The file is damaged or not a checkpoint "
            f"of this trainer. {CHOOSE_OURS}"
        )
    if LENGTH_BYTES + declared > size:
        raise CheckpointTruncatedError(
            f"The header length ({declared} bytes) exceeds the file: only "
            f"{size - LENGTH_BYTES} bytes follow it. {COPY_AGAIN}"
        )
    raw = f.read(declared)
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise CheckpointFormatError(
            f"The checkpoint header is not valid UTF-8 text. {EXPORT_AGAIN}"
        ) from None
    # TextDecoder drops a leading byte-order mark; so does the browser's reader.
    if text.startswith("\ufeff"):
        text = text[1:]
    metadata, entries, data_bytes = parse_header(text)
    data_start = LENGTH_BYTES + declared
    available = size - data_start
    if available < data_bytes:
        raise CheckpointTruncatedError(
            f"The data section is {available} bytes, shorter than the {data_bytes} bytes the "
            f"header says (the file is truncated). {COPY_AGAIN}"
        )
    if available > data_bytes:
        raise CheckpointFormatError(
            f"The file has {available - data_bytes} bytes after the last tensor that the header "
            f"does not describe. {EXPORT_AGAIN}"
        )
    return Layout(metadata, entries, data_bytes, data_start)


def read_tensor_bytes(f: BinaryIO, layout: Layout, entry: Entry) -> bytes:
    f.seek(layout.data_start + entry.begin)
    return f.read(entry.end - entry.begin)


def to_array(entry: Entry, data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=NUMPY_DTYPES[entry.dtype]).reshape(entry.shape).copy()


@dataclass(frozen=True)
class TensorToWrite:
    name: str
    dtype: str
    shape: tuple[int, ...]
    data: bytes


def encode_header(tensors: Sequence[TensorToWrite], metadata: Mapping[str, str]) -> bytes:
    """Length prefix and space-padded JSON header in the given member order, as the browser
    writes it."""
    members = [
        js_stringify(METADATA_KEY)
        + ":{"
        + ",".join(f"{js_stringify(k)}:{js_stringify(v)}" for k, v in metadata.items())
        + "}"
    ]
    offset = 0
    for t in tensors:
        end = offset + len(t.data)
        shape = ",".join(str(d) for d in t.shape)
        entry = f'{{"dtype":"{t.dtype}","shape":[{shape}],"data_offsets":[{offset},{end}]}}'
        members.append(f"{js_stringify(t.name)}:{entry}")
        offset = end
    body = ("{" + ",".join(members) + "}").encode("utf-8")
    padded = -(-len(body) // 8) * 8
    if padded > MAX_HEADER_BYTES:
        raise CheckpointLimitError(
            f"The checkpoint header would be {padded} bytes, over the {MAX_HEADER_BYTES}-byte "
            f"limit that import accepts (the loss history is too long to export)."
        )
    return struct.pack("<Q", padded) + body + b" " * (padded - len(body))


def write_file_atomically(
    path: str, tensors: Sequence[TensorToWrite], metadata: Mapping[str, str]
) -> None:
    """Writes beside the target, fsyncs, then renames over it: a kill leaves the old file or the
    new."""
    for t in tensors:
        expected = (KNOWN_DTYPES[t.dtype] or 0) * int(np.prod(t.shape, dtype=np.int64))
        if len(t.data) != expected:
            raise ValueError(f"tensor {t.name} has {len(t.data)} bytes, its shape needs {expected}")
    header = encode_header(tensors, metadata)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(header)
            for t in tensors:
                out.write(t.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
