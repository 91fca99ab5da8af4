"""Load official-document records from YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import InputError, Problem
from pipeline.loading.crosscheck import REPLACED, record_checks
from pipeline.loading.dates import deadline_problems
from pipeline.loading.encoding import legacy_text_problems
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, resolve_recipients, roster_addressees
from pipeline.loading.workbook import read_record_source, summarise_empty
from pipeline.loading.yaml_source import PathKey, YamlDocument
from pipeline.models import OfficialDocument
from pipeline.models.document import Distribution
from pipeline.models.labels import label_for


def load_document(path: Path) -> OfficialDocument:
    """Read and validate one official-document record (YAML, or a workbook .xlsx).

    Every problem of the file is reported in one run: repeated keys, each field,
    the record-level checks (duplicates, references, signing authority; made on the
    raw data when a field failed, see :mod:`pipeline.loading.crosscheck`), the Nơi
    nhận against its registry, and text typed in an old font encoding.

    Raises:
        InputError: every problem of the file at once, each with its line and field.
    """
    doc = read_record_source(
        path,
        "Tệp hồ sơ phải là một khối các trường (khoi, co_quan, loai, …), "
        "không phải danh sách hay một giá trị đơn.",
        defer=True,
    )
    problems = [*doc.problems, *legacy_text_problems(doc)]
    problems += [
        Problem(doc.source, doc.where(key), _field(key), message)
        for key, message in changed_numbers(doc.data, doc.typed_numbers)
    ]
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        problems += problems_from_validation(
            exc, doc.source, doc.data, doc.where, OfficialDocument, skip=REPLACED
        )
        problems += record_checks(doc)
        problems += _recipient_problems(doc)
        raise InputError(_in_file_order(summarise_empty(problems))) from None
    problems += deadline_problems(record, doc)
    try:
        record = resolve_distribution(record, doc, roster_addressees)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(_in_file_order(problems))
    return record


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


def _recipient_problems(doc: YamlDocument) -> list[Problem]:
    """Return the problems of the Nơi nhận against its registry, if that part is valid
    by itself (the rest of the record failed)."""
    try:
        dist = Distribution.model_validate(doc.data.get("noi_nhan"))
    except ValidationError:
        return []  # its own problems are reported with the record's
    if dist.danh_ba is None:
        return []
    try:
        resolve_recipients(dist, doc, roster_addressees)
    except InputError as exc:
        return list(exc.problems)
    return []


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    def key(problem: Problem) -> tuple[str, int, str, str]:
        digits = "".join(ch for ch in problem.location.split(",")[0] if ch.isdigit())
        return (problem.source, int(digits or 0), problem.field, problem.message)

    return sorted(dict.fromkeys(problems), key=key)
