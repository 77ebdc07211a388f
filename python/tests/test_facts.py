"""The port against the facts the TypeScript owns (python/tabtrainer/facts.json, which
tests/unit/python-facts.test.ts keeps equal to the TypeScript sources)."""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import MALFORMED
from tabtrainer import errors, facts, text_errors
from tabtrainer.checkpoint import read_checkpoint
from tabtrainer.checkpoint_write import write_checkpoint
from tabtrainer.errors import CheckpointFormatError, TrainerError

VALID = MALFORMED / "valid-v3.safetensors"


def _error_classes() -> list[type[TrainerError]]:
    """Every TrainerError class defined: errors.py's and text_errors.py's (imported above)."""
    assert text_errors.TextTooLargeError.__module__ == text_errors.__name__
    found: list[type[TrainerError]] = []
    pending: list[type[TrainerError]] = [TrainerError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_the_bridge_raises_is_named_as_in_typescript() -> None:
    """The page and the tests switch on the name, so each class must be one the browser has,
    under the same parent (the base is Error in TypeScript, Exception here)."""
    classes = _error_classes()
    assert len(classes) >= 10
    for cls in classes:
        name = cls.__name__
        assert name in facts.ERROR_PARENTS, f"{name} is not an error class of src/shared/errors.ts"
        base = cls.__base__
        parent = "Error" if base is Exception else base.__name__
        assert parent == facts.ERROR_PARENTS[name], f"{name} extends {parent} here"


def test_the_errors_module_defines_only_named_errors() -> None:
    """A class defined in errors.py outside the TrainerError tree would escape the check above."""
    defined = [
        v for v in vars(errors).values() if isinstance(v, type) and v.__module__ == errors.__name__
    ]
    assert all(issubclass(cls, TrainerError) for cls in defined)


@pytest.mark.parametrize(
    ("section", "name", "value", "refusal"),
    [
        ("checkpoint", "MAX_TENSORS", 3, "CheckpointLimitError: The header lists more than 3"),
        ("checkpoint", "CURRENT_FORMAT_VERSION", 2, "CheckpointVersionError: This checkpoint is"),
        ("checkpoint", "FORMAT_NAME", "other", "CheckpointMismatchError: This file is not a"),
    ],
)
def test_the_reader_takes_its_facts_from_the_file(
    tmp_path: Path, section: str, name: str, value: object, refusal: str
) -> None:
    """A copy of the package with one fact changed in facts.json refuses a valid file by it: no
    module keeps a copy of its own."""
    package = tmp_path / "tabtrainer"
    source = Path(facts.__file__).parent
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__"))
    changed = json.loads((package / "facts.json").read_text())
    changed[section][name] = value
    (package / "facts.json").write_text(json.dumps(changed))
    code = f"from tabtrainer.checkpoint import read_checkpoint; read_checkpoint({str(VALID)!r})"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    # cwd: `python -c` puts the working directory first on sys.path, before PYTHONPATH.
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 1 and refusal in run.stderr, run.stderr


def test_a_checkpoint_trained_on_wasm_is_read(tmp_path: Path) -> None:
    """Every backend the browser trains on may be named in a file's `backend`."""
    source = read_checkpoint(str(VALID))
    assert "wasm" in facts.BACKENDS

    def written_with(backend: str) -> str:
        out = tmp_path / f"{backend}.safetensors"
        meta = dataclasses.replace(source.meta, backend=backend)
        write_checkpoint(str(out), dataclasses.replace(source, meta=meta), "test")
        return str(out)

    for backend in facts.BACKENDS:
        assert read_checkpoint(written_with(backend)).meta.backend == backend
    refusal = "must be one of webgpu, webgl, wasm, cpu or torch-<device>"
    with pytest.raises(CheckpointFormatError, match=refusal):
        read_checkpoint(written_with("tpu"))
