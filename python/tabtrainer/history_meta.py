"""The run's history in ``__metadata__``: the loss curve (`metrics`) and the divergence guard's
state (`guard`), read as metadata-fields.ts reads them (metaMetrics, metaGuard)."""

from __future__ import annotations

from typing import Any, Mapping

from .json_scan import is_count, is_number
from .meta_fields import bad_field, meta_json

_MISSING = object()


def _loss_rows(rows: Any) -> list[list[float]] | None:
    if not isinstance(rows, list):
        return None
    out: list[list[float]] = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and is_count(row[0])):
            return None
        if row[1] is not None and not (
            isinstance(row[1], (int, float)) and not isinstance(row[1], bool)
        ):
            return None
        out.append([int(row[0]), float("nan") if row[1] is None else float(row[1])])
    return out


def read_metrics(meta: Mapping[str, str]) -> dict[str, list[list[float]]]:
    v = meta_json(meta, "metrics")
    train = _loss_rows(v.get("train")) if isinstance(v, dict) else None
    val = _loss_rows(v.get("val")) if isinstance(v, dict) else None
    # Format 3 adds the gradient norms; a file without them has none recorded.
    has_norms = isinstance(v, dict) and "gradNorm" in v
    norms = _loss_rows(v["gradNorm"]) if has_norms else None
    if train is None or val is None or (has_norms and norms is None):
        raise bad_field(
            "metrics",
            'must be {"train", "val"} (and "gradNorm"), each a list of [step, value] rows',
        )
    out = {"train": train, "val": val}
    if norms is not None:
        out["gradNorm"] = norms
    return out


def _skip_window(v: Any) -> dict[str, int] | None:
    if not (isinstance(v, dict) and is_count(v.get("fromBatch")) and is_count(v.get("toBatch"))):
        return None
    return {"fromBatch": int(v["fromBatch"]), "toBatch": int(v["toBatch"])}


def _maybe_number(v: Any) -> Any:
    """A number that JSON may have written as null (NaN, ±Infinity): None here."""
    if v is None:
        return None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else _MISSING


def _rewind_record(v: Any) -> dict[str, Any] | None:
    if not isinstance(v, dict):
        return None
    skipped = _skip_window(v.get("skipped"))
    loss = _maybe_number(v.get("loss", _MISSING))
    grad_norm = _maybe_number(v.get("gradNorm", _MISSING))
    mean = v.get("mean", _MISSING)
    if (
        skipped is None
        or loss is _MISSING
        or grad_norm is _MISSING
        or (mean is not None and not is_number(mean))
        or v.get("reason") not in ("non-finite", "loss-ratio")
        or not is_count(v.get("spikeStep"))
        or not is_count(v.get("toStep"))
        or not isinstance(v.get("toSnapshotId"), str)
        or not is_number(v.get("lrScale"))
    ):
        return None
    return {
        "spikeStep": int(v["spikeStep"]),
        "reason": v["reason"],
        "loss": loss,
        "gradNorm": grad_norm,
        "mean": mean,
        "toSnapshotId": v["toSnapshotId"],
        "toStep": int(v["toStep"]),
        "skipped": skipped,
        "lrScale": v["lrScale"],
    }


def read_guard(meta: Mapping[str, str]) -> dict[str, Any]:
    v = meta_json(meta, "guard")
    skips = (
        [_skip_window(w) for w in v["skips"]]
        if isinstance(v, dict) and isinstance(v.get("skips"), list)
        else None
    )
    rewinds = (
        [_rewind_record(r) for r in v["rewinds"]]
        if isinstance(v, dict) and isinstance(v.get("rewinds"), list)
        else None
    )
    lr_scale = v.get("lrScale") if isinstance(v, dict) else None
    if (
        skips is None
        or rewinds is None
        or None in skips
        or None in rewinds
        or not is_number(lr_scale)
        or lr_scale <= 0
    ):
        raise bad_field("guard", 'must be {"skips", "rewinds", "lrScale"} as this app writes them')
    return {"skips": skips, "rewinds": rewinds, "lrScale": lr_scale}
