"""The writer's files read back bit for bit, and are refused exactly where the browser refuses."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

from paths import MALFORMED
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.checkpoint_write import write_checkpoint
from tabtrainer.errors import CheckpointIntegrityError


def test_write_then_read_is_bitwise(tmp_path: Path) -> None:
    source = read_checkpoint(str(MALFORMED / "valid-v2.safetensors"))
    out = tmp_path / "copy.safetensors"
    write_checkpoint(str(out), source, "tabtrainer-py/test")
    again = read_checkpoint(str(out))
    assert list(again.tensors) == list(source.tensors)
    for name, array in source.tensors.items():
        assert again.tensors[name].dtype == array.dtype
        assert again.tensors[name].tobytes() == array.tobytes(), name
    assert again.meta == source.meta
    assert again.raw_meta["producer"] == "tabtrainer-py/test"
    # Every value but the producer is spelled exactly as the browser spelled it.
    for key, value in source.raw_meta.items():
        assert again.raw_meta[key] == value, key
    # The header is padded to 8 bytes, and nothing is left of the temporary file.
    data = out.read_bytes()
    assert int.from_bytes(data[:8], "little") % 8 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["copy.safetensors"]


def test_a_flipped_bit_in_a_written_file_is_refused(tmp_path: Path) -> None:
    source = read_checkpoint(str(MALFORMED / "valid-v2.safetensors"))
    out = tmp_path / "copy.safetensors"
    write_checkpoint(str(out), source, "tabtrainer-py/test")
    data = bytearray(out.read_bytes())
    data[-20] ^= 0x01
    out.write_bytes(bytes(data))
    with pytest.raises(CheckpointIntegrityError):
        read_checkpoint(str(out))


def test_tricky_float_bits_survive(tmp_path: Path) -> None:
    source = read_checkpoint(str(MALFORMED / "valid-v2.safetensors"))
    name = next(n for n in source.tensors if n.startswith("model/"))
    bits = np.array([0x80000000, 0x7FC00123, 0xFFA00001, 0x00000001], dtype="<u4")
    flat = source.tensors[name].reshape(-1).view("<u4").copy()
    flat[:4] = bits
    source.tensors[name] = flat.view("<f4").reshape(source.tensors[name].shape)
    out = tmp_path / "bits.safetensors"
    write_checkpoint(str(out), source, "tabtrainer-py/test")
    again = read_checkpoint(str(out))
    assert again.tensors[name].reshape(-1).view("<u4")[:4].tolist() == bits.tolist()
    assert hashlib.sha256(again.tensors[name].tobytes()).hexdigest() == again.meta.sha256[name]
