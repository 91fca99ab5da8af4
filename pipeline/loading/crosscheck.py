"""The record-level checks of a document, on its raw data: so that one run lists them all.

The model checks duplicates, references and the signing authority in validators that
Pydantic runs only once the fields they read are valid: a record with a bad figure in
one target would hide its duplicate target ids until the figure is fixed, and a
reference check stops at its first unknown id. When a record fails validation, these
checks are made here on the data as written (same rules, same words), each at its
line, and replace the model's. The signing authority is checked by the model's own
function (:func:`~pipeline.models.document.authority_problem`), on the signature as
written even when its other fields (the name) are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from pipeline.errors import Problem
from pipeline.loading.yaml_source import PathKey, YamlDocument
from pipeline.models.document import authority_problem
from pipeline.models.labels import label_for
from pipeline.models.signature import Signature

#: The model's error types these checks stand in for.
REPLACED = frozenset({"duplicate_id", "unknown_group", "unknown_target", "authority"})


def _ids(items: Any) -> Iterator[tuple[int, str]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                yield index, str(item["id"])


def _problem(doc: YamlDocument, path: PathKey, field: str, message: str) -> Problem:
    dotted = ".".join(str(p) for p in path)
    return Problem(doc.source, doc.where(path), f"{label_for(field)} ({dotted})", message)


def _duplicates(doc: YamlDocument, key: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, ident in _ids(doc.data.get(key)):
        if ident in seen:
            yield _problem(
                doc,
                (key, index, "id"),
                "id",
                f"Mã “{ident}” bị trùng: mỗi mục của {key} cần một mã riêng.",
            )
        seen.add(ident)


def _blocks(blocks: Any, path: PathKey) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    if not isinstance(blocks, list):
        return
    for index, block in enumerate(blocks):
        if isinstance(block, dict):
            yield (*path, index), block
            yield from _blocks(block.get("noi_dung"), (*path, index, "noi_dung"))


def _references(doc: YamlDocument) -> Iterator[Problem]:
    groups = {ident for _, ident in _ids(doc.data.get("nhiem_vu"))}
    targets = {ident for _, ident in _ids(doc.data.get("chi_tieu"))}
    for path, block in _blocks(doc.data.get("noi_dung"), ("noi_dung",)):
        group = block.get("nhiem_vu")
        if isinstance(group, str | int) and str(group) not in groups:
            yield _problem(
                doc,
                (*path, "nhiem_vu"),
                "nhiem_vu",
                f"Nội dung gọi nhóm nhiệm vụ “{group}” nhưng phần nhiem_vu không có nhóm này "
                f"(các nhóm có: {', '.join(sorted(groups)) or 'không có'}).",
            )
        wanted = block.get("chi_tieu")
        if isinstance(wanted, list):
            missing = [str(t) for t in wanted if str(t) not in targets]
            if missing:
                yield _problem(
                    doc,
                    (*path, "chi_tieu"),
                    "chi_tieu",
                    f"Nội dung gọi chỉ tiêu {', '.join(missing)} nhưng phần chi_tieu không có "
                    "các mã này.",
                )


def _authority(doc: YamlDocument) -> Iterator[Problem]:
    khoi = doc.data.get("khoi")
    raw = doc.data.get("chu_ky")
    if khoi not in ("dang", "nha_nuoc") or not isinstance(raw, dict):
        return
    try:  # the lines as written; a missing name is a problem of its own
        signature = Signature.model_validate({**raw, "ho_ten": raw.get("ho_ten") or "-"})
    except ValidationError:
        return
    problem = authority_problem(signature, khoi)
    if problem is not None:
        message, field = problem
        yield _problem(doc, ("chu_ky", field), field, message)


def record_checks(doc: YamlDocument) -> list[Problem]:
    """Return the problems of the record-level checks on ``doc``'s raw data."""
    if not isinstance(doc.data, dict):
        return []
    return [
        *_duplicates(doc, "chi_tieu"),
        *_duplicates(doc, "nhiem_vu"),
        *_references(doc),
        *_authority(doc),
    ]
