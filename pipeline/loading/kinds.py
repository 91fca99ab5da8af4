"""Recognise what an input file is: a record, a registry, a roster, a batch, a period.

``vanban build`` walks inputs/ and must never take a registry left beside the records
for a broken document. The answer comes from the file's name and its top-level keys
(or, for a workbook, the kind vanban wrote into it), never from failing to load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml

from pipeline.loading.workbook import is_workbook

Kind = Literal["record", "registry", "roster", "batch", "period", "report", "unknown"]

#: What each kind is called in messages.
KIND_WORDS: dict[Kind, str] = {
    "record": "hồ sơ văn bản",
    "registry": "danh bạ nơi nhận",
    "roster": "danh sách xã",
    "batch": "tệp đợt",
    "period": "tệp kỳ báo cáo",
    "report": "hồ sơ báo cáo của kỳ",
    "unknown": "tệp không rõ loại",
}

_RECORD_KEYS = {"khoi", "co_quan", "loai", "trich_yeu", "noi_dung", "chu_ky"}
_REGISTRY_KEYS = {"noi_nhan", "nhom"}


def _top_keys(path: Path) -> set[str] | None:
    """Return the top-level keys of a YAML mapping (None: not a readable mapping)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    return {str(key.value) for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def _workbook_kind(path: Path) -> Kind:
    from pipeline.loading.workbook import _open, workbook_kind

    try:
        book = _open(path)
    except Exception:  # an unreadable workbook: loading it says why
        return "record"
    kind = workbook_kind(book)
    if kind == "van-ban":
        return "record"
    if kind == "danh-ba":
        return "registry"
    return "roster"


def kind_of(path: Path) -> Kind:
    """Return what the input file at ``path`` is.

    A YAML file that cannot be read is taken for a record, so that loading it reports
    its problems (a record is what a clerk most often breaks).
    """
    name = path.name.lower()
    if name.endswith((".batch.yaml", ".batch.yml")):
        return "batch"
    if path.suffix.lower() == ".csv":
        return "roster"
    if is_workbook(path):
        return _workbook_kind(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return "unknown"
    if name in ("ky.yaml", "ky.yml"):
        return "period"
    return _yaml_kind(path)


def _yaml_kind(path: Path) -> Kind:
    if any((folder / "ky.yaml").is_file() for folder in (path.parent, path.parent.parent)):
        return "report"  # a period's report, or a commune's (periods/<ID>/xa/<MÃ>.yaml)
    keys = _top_keys(path)
    if keys is not None and ("chuong_trinh" in keys or "ket_qua" in keys):
        return "report"
    if keys is None or keys & _RECORD_KEYS:
        return "record"
    if keys and keys <= _REGISTRY_KEYS | {"danh_sach"}:
        return "registry"
    return "record"
