"""Load official-document records from YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import InputError, Problem
from pipeline.loading.dates import deadline_problems
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.workbook import read_record_source, summarise_empty
from pipeline.loading.yaml_source import PathKey
from pipeline.models import OfficialDocument
from pipeline.models.labels import label_for


def load_document(path: Path) -> OfficialDocument:
    """Read and validate one official-document record (YAML, or a workbook .xlsx).

    Raises:
        InputError: every problem of the file at once, each with its line and field.
    """
    doc = read_record_source(
        path,
        "Tệp hồ sơ phải là một khối các trường (khoi, co_quan, loai, …), "
        "không phải danh sách hay một giá trị đơn.",
        defer=True,
    )
    early = list(getattr(doc, "problems", ()))  # a workbook's unreadable cells
    changed = changed_numbers(doc.data, getattr(doc, "typed_numbers", {}))
    if changed:
        raise InputError(
            [
                Problem(doc.source, doc.where(path), _field(path), message)
                for path, message in changed
            ]
        )
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        found = problems_from_validation(exc, doc.source, doc.data, doc.where, OfficialDocument)
        raise InputError(summarise_empty(early + found)) from None
    early.extend(deadline_problems(record, doc))
    if early:
        raise InputError(early)
    return resolve_distribution(record, doc, roster_addressees)


def changed_numbers(data: Any, typed: dict[PathKey, str]) -> list[tuple[PathKey, str]]:
    """Return (path, message) for each unquoted value YAML read as a different number.

    ``010`` is octal 8 for YAML (the person meant ten), ``1:20`` is 80: what the person
    typed would be silently changed. Such a value is refused, with how to write it;
    ``02`` (2 either way) is not.
    """
    out = []
    for path, text in typed.items():
        value = _at(data, path)
        if isinstance(value, int) and not isinstance(value, bool) and _decimal(text) != value:
            out.append(
                (
                    path,
                    f"YAML đọc “{text}” (không có dấu ngoặc kép) thành số {value}, không "
                    f"phải điều bạn gõ. Nếu là số, viết không có số 0 ở đầu (ví dụ "
                    f"{text.lstrip('0+') or '0'}); nếu là chữ, đặt trong dấu ngoặc kép: "
                    f'"{text}".',
                )
            )
    return out


def _decimal(text: str) -> int | None:
    """Return the number ``text`` means written in decimal ("02" → 2, "1_000" → 1000)."""
    try:
        return int(text.replace("_", ""), 10)
    except ValueError:
        return None


def _at(data: Any, path: PathKey) -> Any:
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _field(path: PathKey) -> str:
    names = [p for p in path if isinstance(p, str)]
    dotted = ".".join(str(p) for p in path)
    return f"{label_for(names[-1])} ({dotted})" if names else dotted
