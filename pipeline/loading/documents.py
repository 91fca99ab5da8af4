"""Load official-document records from YAML files."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import InputError
from pipeline.loading.dates import deadline_problems
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.workbook import read_record_source, summarise_empty
from pipeline.models import OfficialDocument


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
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        found = problems_from_validation(exc, doc.source, doc.data, doc.where, OfficialDocument)
        raise InputError(summarise_empty(early + found)) from None
    early.extend(deadline_problems(record, doc))
    if early:
        raise InputError(early)
    return resolve_distribution(record, doc, roster_addressees)
