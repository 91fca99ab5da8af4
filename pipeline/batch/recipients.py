"""Resolve a batch's Nơi nhận against its recipient registry once, not once per commune.

When the record's ``noi_nhan`` names a registry (``danh_ba``), its ids and groups are
the same for every commune: they are looked up once, at planning, and written into
the recipe as full recipients. Recipients written out in full stay as they are, so
they may still use the commune's fields ("Uỷ ban nhân dân {{ xa.ten_day_du }}").
"""

from __future__ import annotations

from typing import Any

from pipeline.batch.fill import PathKey
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.yaml_source import YamlDocument
from pipeline.models import OfficialDocument


def _is_reference(item: Any) -> bool:
    return isinstance(item, str) or (isinstance(item, dict) and ("id" in item or "nhom" in item))


def distribution_source(spec: YamlDocument, record: YamlDocument) -> YamlDocument:
    """Return the file that writes the Nơi nhận (the spec's ``dien`` or the record),
    with its lines keyed as in the record, for the registry's messages."""
    fill = spec.data.get("dien") if isinstance(spec.data, dict) else None
    if not isinstance(fill, dict) or "noi_nhan" not in fill:
        return record
    lines: dict[PathKey, int] = {
        path[1:]: line for path, line in spec.lines.items() if path[:1] == ("dien",)
    }
    return YamlDocument(spec.source, fill, lines)


def resolve_registry(
    data: dict[str, Any], sample: OfficialDocument, source: YamlDocument
) -> dict[str, Any]:
    """Return ``data`` with the registry references of its Nơi nhận resolved.

    ``sample`` is the record as a sample commune fills it; ``source`` the file that
    writes the Nơi nhận.

    Raises:
        InputError: the registry is missing or wrong, or an id or group is unknown.
    """
    dist = data.get("noi_nhan")
    if not isinstance(dist, dict) or not dist.get("danh_ba"):
        return data
    resolved = resolve_distribution(sample, source, roster_addressees).noi_nhan.recipients()
    items = [
        item.model_dump(mode="json", exclude_defaults=True) if _is_reference(raw) else raw
        for raw, item in zip(dist.get("cac_noi") or [], resolved, strict=True)
    ]
    plain = {key: value for key, value in dist.items() if key != "danh_ba"}
    return {**data, "noi_nhan": {**plain, "cac_noi": items}}
