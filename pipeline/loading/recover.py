"""Recover what a spreadsheet changed behind the user's back, and say so, cell by cell.

Excel stores a code typed as ``04378`` as the number 4378 unless the cell is text, and
a CSV saved from it keeps "4378". A date cell formatted as a number shows 46192. Read
silently, the first makes a code that matches nothing (and a file name that sorts
wrong); the second fails with a puzzling message. Here a code shorter than the
roster's codes is zero-padded to their length and a plausible date serial is read as
its date, each with a warning naming the cell; anything else is left for the record's
validation to refuse in Vietnamese. Nothing is changed silently.
"""

from __future__ import annotations

import types
import typing
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from pipeline.errors import Problem
from pipeline.loading.spreadsheet import Row, Table
from pipeline.models.roster import Commune

#: Excel's day 0 (its serials count days from here, 1900 leap-year bug included).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serials read as dates: 01/01/1990 to 31/12/2100 (a count or code outside is not a date).
_SERIALS = range((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days)
#: Cells named one by one in a warning; beyond, a count.
_NAMED = 8


def _holds_date(annotation: Any) -> bool:
    if annotation is date:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _holds_date(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_holds_date(arg) for arg in typing.get_args(annotation))
    return False


#: The roster's date fields, from the model.
DATE_FIELDS = tuple(
    name for name, info in Commune.model_fields.items() if _holds_date(info.annotation)
)


def _digits(value: Any) -> str | None:
    """Return a code made only of digits as text (a number or a digit string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return value.strip()
    return None


def _cells(cells: list[str]) -> str:
    shown = ", ".join(cells[:_NAMED])
    return shown + (f" và {len(cells) - _NAMED} ô khác" if len(cells) > _NAMED else "")


def recover_cells(table: Table) -> tuple[list[Row], list[Problem]]:
    """Return ``table``'s rows with codes zero-padded and date serials read as dates,
    and a warning for each kind of change, naming the cells."""
    codes = [d for row in table.rows if (d := _digits(row.values.get("ma"))) is not None]
    width = max((len(code) for code in codes), default=0)
    code_letter = table.letters.get("ma", "A")
    padded: list[str] = []
    example = ""
    dated: list[str] = []
    rows = []
    for row in table.rows:
        values = row.values
        code = _digits(values.get("ma"))
        if code is not None and len(code) < width:
            values = {**values, "ma": code.zfill(width)}
            padded.append(f"{code_letter}{row.number}")
            example = example or f"{code} → {code.zfill(width)}"
        for name in DATE_FIELDS:
            value = values.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value in _SERIALS:
                values = {**values, name: _EXCEL_EPOCH + timedelta(days=value)}
                dated.append(f"{table.letters.get(name, '?')}{row.number}")
        rows.append(row if values is row.values else replace(row, values=values))
    warnings = []
    if padded:
        warnings.append(
            Problem(
                table.source,
                f"ô {_cells(padded)}",
                table.headers.get("ma", "Mã xã"),
                f"Mã ghi thiếu số 0 ở đầu (Excel lưu mã dạng số sẽ bỏ số 0): đã đọc thành "
                f"{width} chữ số như các mã khác ({example}). Kiểm tra lại; để Excel giữ số 0, "
                "định dạng cột mã là Text (Văn bản) rồi gõ lại mã.",
            )
        )
    if dated:
        warnings.append(
            Problem(
                table.source,
                f"ô {_cells(dated)}",
                "",
                "Ô ngày đang hiện dạng số (số ngày theo cách Excel đếm): đã đọc thành ngày "
                "tương ứng. Kiểm tra lại; nên định dạng ô là Ngày (Date) dạng ngày/tháng/năm.",
            )
        )
    return rows, warnings
