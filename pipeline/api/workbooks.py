"""Workbooks (.xlsx records a clerk fills in Excel)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path


def new_workbook(kind: str, target: Path, period: Path | None = None) -> Path:
    """Write an empty workbook of ``kind`` (``pipeline.workbook.KINDS``) at ``target``
    (``ket-qua-xa``: the results of the period folder ``period``)."""
    from pipeline.workbook import new_workbook as _new

    return _new(kind, target, period)


def results_workbook(period: Path) -> bytes:
    """Return the results workbook (.xlsx bytes) of the period folder ``period``."""
    from pipeline.workbook.results import results_bytes

    return results_bytes(period)


def problem_details(on: bool = True) -> AbstractContextManager[None]:
    """Inside the ``with`` block, unfilled sheets and columns are reported cell by cell
    (``vanban validate --chi-tiet``) instead of as one problem."""
    from pipeline.loading.detail import details

    return details(on)


def export_workbook(source: Path, target: Path) -> Path:
    """Write the record ``source`` (YAML) as a workbook at ``target``."""
    from pipeline.workbook import export_record

    return export_record(source, target)
