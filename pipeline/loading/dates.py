"""Dates that cannot be right: a deadline before the document is issued, a document
dated before the one it implements, and the month-first reading that often causes them.

A spreadsheet program set to a month-first locale (English - United States) turns
"05/07/2026" typed by a clerk into 7 May instead of 5 July, and stores a real date:
nothing looks wrong in the cell. When such a date cell (day ≤ 12) makes a date
impossible and reading it day-first would not, the problem says so and names the cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pipeline.errors import Problem
from pipeline.loading.yaml_source import PathKey, YamlDocument
from pipeline.models.document import OfficialDocument
from pipeline.models.labels import label_for

_MONTHS_IN_YEAR = 12


def deadlines(record: OfficialDocument) -> Iterator[tuple[PathKey, date]]:
    """Yield the path and date of every deadline (``thoi_han``) of ``record``."""
    for i, target in enumerate(record.chi_tieu):
        if target.thoi_han is not None:
            yield ("chi_tieu", i, "thoi_han"), target.thoi_han
    for g, group in enumerate(record.nhiem_vu):
        for t, task in enumerate(group.nhiem_vu):
            if task.thoi_han is not None:
                yield ("nhiem_vu", g, "nhiem_vu", t, "thoi_han"), task.thoi_han
    for i, assignment in enumerate(record.phan_cong):
        if assignment.thoi_han is not None:
            yield ("phan_cong", i, "thoi_han"), assignment.thoi_han


def swapped(value: date) -> date | None:
    """Return ``value`` with day and month exchanged (None when that is no date)."""
    if value.day > _MONTHS_IN_YEAR or value.day == value.month:
        return None
    try:
        return date(value.year, value.day, value.month)
    except ValueError:
        return None


def month_first_hint(doc: YamlDocument, path: PathKey, value: date, fits: bool) -> str:
    """Return the sentence explaining a month-first reading of a date cell, or "".

    ``fits`` says whether the day-first reading would make the date possible.
    """
    cells = getattr(doc, "date_cells", {})
    other = swapped(value)
    if path not in cells or other is None or not fits:
        return ""
    return (
        f" Ô này là ngày do Excel/LibreOffice lưu: có thể máy đặt kiểu tháng/ngày (tiếng Anh "
        f"- Mỹ) đã đọc “{other:%d/%m/%Y}” thành ngày {value.day} tháng {value.month}. Gõ lại "
        f"ô dạng chữ {other:%d/%m/%Y} (định dạng ô là Văn bản) hoặc đặt ngôn ngữ của bảng "
        "tính là tiếng Việt."
    )


def early_deadlines(record: OfficialDocument) -> Iterator[tuple[PathKey, date, date]]:
    """Yield (path, deadline, issue date) for each deadline of ``record`` earlier than
    the date it is issued (a month-first spreadsheet often causes it)."""
    issued = record.ngay
    if issued is None:
        return
    for path, value in deadlines(record):
        if value < issued:
            yield path, value, issued


def deadline_problems(record: OfficialDocument, doc: YamlDocument) -> list[Problem]:
    """Return a problem for every deadline of ``record`` earlier than its issue date."""
    out = []
    for path, value, issued in early_deadlines(record):
        other = swapped(value)
        hint = month_first_hint(doc, path, value, other is not None and other >= issued)
        if not hint and ("ngay",) in getattr(doc, "date_cells", {}):
            first = swapped(issued)  # the issue date itself may be the one misread
            fits = first is not None and value >= first
            hint = month_first_hint(doc, ("ngay",), issued, fits)
        dotted = ".".join(str(p) for p in path)
        out.append(
            Problem(
                doc.source,
                doc.where(path),
                f"{label_for('thoi_han')} ({dotted})",
                f"Thời hạn {value:%d/%m/%Y} sớm hơn ngày ban hành {issued:%d/%m/%Y}: thời hạn "
                f"không thể trước ngày văn bản ra đời. Sửa lại ngày.{hint}",
            )
        )
    return out


def earlier_than_parent(
    child: date | None, parent: date | None, doc: YamlDocument, path: PathKey, parent_name: str
) -> list[Problem]:
    """Return a problem when a document (``child``) is dated before the document it
    implements or reports on (``parent``, named ``parent_name``)."""
    if child is None or parent is None or child >= parent:
        return []
    other = swapped(child)
    hint = month_first_hint(doc, path, child, other is not None and other >= parent)
    return [
        Problem(
            doc.source,
            doc.where(path),
            f"{label_for(str(path[-1]))} ({'.'.join(str(p) for p in path)})",
            f"Ngày {child:%d/%m/%Y} sớm hơn ngày của {parent_name} ({parent:%d/%m/%Y}) mà "
            f"văn bản này thực hiện: không thể thực hiện một văn bản chưa ban hành. Sửa lại "
            f"ngày.{hint}",
        )
    ]
