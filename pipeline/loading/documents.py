"""Load official-document records from YAML files."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import InputError
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.yaml_source import read_mapping
from pipeline.models import OfficialDocument


def load_document(path: Path) -> OfficialDocument:
    """Read and validate one official-document record (YAML).

    Raises:
        InputError: every problem of the file at once, each with its line and field.
    """
    doc = read_mapping(
        path,
        "Tệp hồ sơ phải là một khối các trường (khoi, co_quan, loai, …), "
        "không phải danh sách hay một giá trị đơn.",
    )
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(exc, doc.source, doc.data, doc.line_of, OfficialDocument)
        ) from None
    return resolve_distribution(record, doc, roster_addressees)
