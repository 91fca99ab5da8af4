"""Load official-document records from YAML files."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import InputError, Problem
from pipeline.loading.crosscheck import REPLACED, record_checks
from pipeline.loading.encoding import legacy_text_problems
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, resolve_recipients, roster_addressees
from pipeline.loading.yaml_source import YamlDocument, read_mapping
from pipeline.models import OfficialDocument
from pipeline.models.document import Distribution


def load_document(path: Path) -> OfficialDocument:
    """Read and validate one official-document record (YAML).

    Every problem of the file is reported in one run: repeated keys, each field,
    the record-level checks (duplicates, references, signing authority; made on the
    raw data when a field failed, see :mod:`pipeline.loading.crosscheck`), the Nơi
    nhận against its registry, and text typed in an old font encoding.

    Raises:
        InputError: every problem of the file at once, each with its line and field.
    """
    doc = read_mapping(
        path,
        "Tệp hồ sơ phải là một khối các trường (khoi, co_quan, loai, …), "
        "không phải danh sách hay một giá trị đơn.",
        keep_going=True,
    )
    problems = [*doc.problems, *legacy_text_problems(doc)]
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        problems += problems_from_validation(
            exc, doc.source, doc.data, doc.line_of, OfficialDocument, skip=REPLACED
        )
        problems += record_checks(doc)
        problems += _recipient_problems(doc)
        raise InputError(_in_file_order(problems)) from None
    try:
        record = resolve_distribution(record, doc, roster_addressees)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(_in_file_order(problems))
    return record


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
