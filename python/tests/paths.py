from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MALFORMED = REPO / "tests" / "fixtures" / "malformed"
GOLDEN = REPO / "tests" / "fixtures" / "golden"
SHARED_SAFETENSORS = REPO.parent / "shared" / "fixtures" / "safetensors"
