"""Check a workbook record (a file, or an upload's bytes) the way the web page checks a
YAML record: every problem with its sheet and cell and the path of its field."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.loading.dates import deadline_problems
from pipeline.loading.drafts import LocatedProblem, _path_of_field, check_yaml
from pipeline.loading.workbook import WorkbookDocument, read_workbook
from pipeline.models import OfficialDocument


def read_workbook_record(path: Path, data: bytes | None = None) -> WorkbookDocument:
    """Return the record data of the workbook ``path`` (or of its bytes ``data``), its
    unreadable cells kept as problems.

    Raises:
        InputError: not a workbook that can be opened.
    """
    return read_workbook(path, OfficialDocument, defer=True, data=data)


def check_workbook(
    path: Path, data: bytes | None = None, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate the workbook record ``path`` (its bytes ``data`` when given; nothing is
    written). Return the record (None when invalid) and every problem, located by sheet
    and cell (``Nội dung!C14``) and by the path of its field in the record's data."""
    try:
        doc = read_workbook_record(path, data)
    except InputError as exc:
        return None, [LocatedProblem((), p) for p in exc.problems]
    located = [LocatedProblem(_path_of_field(p.field), p) for p in doc.problems]
    record, found = check_yaml(doc, within)
    located += found
    if record is not None:
        dates = deadline_problems(record, doc)
        located += [LocatedProblem(_path_of_field(p.field), p) for p in dates]
    return (record if not located else None), located
