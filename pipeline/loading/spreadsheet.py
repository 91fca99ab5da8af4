"""Read a spreadsheet (CSV with or without BOM, or XLSX) into rows keyed by field.

Headers are matched without regard to case, diacritics or punctuation ("Mã xã",
"ma xa" and "MA_XA" are one column). Row numbers are those Excel shows: the header
is row 1. Cells are kept as read (text, whole numbers, numbers, dates); the record
model decides what each column must hold. A formula whose value was never computed
is a problem of its row, never a silent 0 or blank.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, Problem
from pipeline.models.roster import Column

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    """One data row: its number as Excel shows it, its filled cells, its cell problems."""

    number: int
    values: dict[str, Any]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Table:
    """A read spreadsheet: the header written for each field found, and the data rows."""

    source: str
    headers: dict[str, str]
    rows: list[Row]
    #: A workbook's sheet, and the column letter of each field found (CSV: none).
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)


def header_key(text: str) -> str:
    """Return the comparison key of a header: "Mã xã (%)" → "ma_xa"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return "_".join(words)


@dataclass(frozen=True)
class _Layout:
    """Which field each spreadsheet column holds (None: a column read past)."""

    fields: tuple[str | None, ...]
    headers: dict[str, str]
    blank: frozenset[int]


def _spellings(columns: Mapping[str, Column]) -> dict[str, str]:
    """Return the field of every accepted header spelling, by its comparison key."""
    index: dict[str, str] = {}
    for field_name, column in columns.items():
        for spelling in (field_name, column.header, *column.aliases):
            index[header_key(spelling)] = field_name
    return index


def _layout(
    source: str,
    header: Sequence[Any],
    columns: Mapping[str, Column],
    required: Iterable[str],
    ignored: Iterable[str],
) -> _Layout:
    index = _spellings(columns)
    skipped = {header_key(text) for text in ignored}
    fields: list[str | None] = []
    headers: dict[str, str] = {}
    blank: set[int] = set()
    problems: list[Problem] = []
    for position, cell in enumerate(header, start=1):
        text = " ".join(str(cell).split()) if cell is not None else ""
        key = header_key(text)
        name = index.get(key)
        fields.append(name)
        if not key:
            blank.add(position - 1)
        elif key in skipped:
            continue
        elif name is None:
            problems.append(_unknown_header(source, text, position, index, columns))
        elif name in headers:
            message = (
                f"Cột “{text}” trùng với cột “{headers[name]}” (cùng là "
                f"“{columns[name].header}”): giữ một cột, xóa cột còn lại."
            )
            problems.append(Problem(source, "hàng 1", text, message))
        else:
            headers[name] = text
    missing = [columns[name].header for name in required if name not in headers]
    if missing:
        names = ", ".join(f"“{m}”" for m in missing)
        message = (
            f"Thiếu cột {names}: hàng đầu tiên của bảng phải là tiêu đề cột, "
            "có ít nhất các cột này."
        )
        problems.append(Problem(source, "hàng 1", "", message))
    if problems:
        raise InputError(problems)
    return _Layout(tuple(fields), headers, frozenset(blank))


def _unknown_header(
    source: str, text: str, position: int, index: Mapping[str, str], columns: Mapping[str, Column]
) -> Problem:
    close = difflib.get_close_matches(header_key(text), list(index), n=1, cutoff=0.6)
    hint = f" Có phải ý bạn là “{columns[index[close[0]]].header}”?" if close else ""
    known = ", ".join(f"“{c.header}”" for c in columns.values())
    return Problem(
        source,
        f"hàng 1, cột {_letter(position - 1)}",
        text,
        f"Không biết cột “{text}”.{hint} Các cột dùng được: {known}. "
        "Đổi tên cột, hoặc xóa cột nếu không cần.",
    )


def _cells_to_row(
    number: int, cells: Sequence[Any], layout: _Layout, problems: list[Problem]
) -> Row | None:
    values: dict[str, Any] = {}
    # Cells past the header hold no field.
    for name, cell in zip(layout.fields, cells, strict=False):
        if name is None:
            continue
        value = cell.strip() if isinstance(cell, str) else cell
        if value is not None and value != "":
            values[name] = value
    if not values and not problems:
        return None  # a blank row: spreadsheets often end with some
    return Row(number, values, tuple(problems))


def _letter(position: int) -> str:
    """Return the spreadsheet letter of a 0-based column position: 0 → "A", 27 → "AB"."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --------------------------------------------------------------------------- CSV


def _decode(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    "Tệp CSV không phải mã UTF-8 (có thể đang là Windows-1258/ANSI). Trong "
                    "Excel chọn Lưu thành → “CSV UTF-8 (Comma delimited)”, hoặc dùng tệp .xlsx.",
                )
            ]
        ) from None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, read: _Reader) -> Table:
    text = _decode(path)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(records, None)
        if header is None:
            raise InputError([Problem(str(path), "", "", "Tệp trống: không có hàng tiêu đề.")])
        layout = read.layout(header)
        rows = []
        for number, cells in enumerate(records, start=2):
            problems = read.extra_cells(number, cells, layout)
            row = _cells_to_row(number, cells, layout, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise InputError(
            [Problem(str(path), f"dòng {records.line_num}", "", f"Tệp CSV hỏng: {exc}.")]
        ) from None
    return Table(str(path), layout.headers, rows)


# --------------------------------------------------------------------------- XLSX


def _open_workbook(path: Path, data_only: bool) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not read (data validation,
            # conditional formats); they do not change cell values.
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    f"Không mở được tệp Excel ({exc}). Lưu lại dưới dạng .xlsx "
                    "(Excel Workbook); tệp .xls cũ không dùng được.",
                )
            ]
        ) from None


def _sheet(workbook: Any, path: Path, sheet: str | None) -> Any:
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    f"Không có trang tính “{sheet}”. "
                    f"Các trang có: {', '.join(workbook.sheetnames)}.",
                )
            ]
        )
    return workbook[sheet]


def _cell_value(cell: Any) -> Any:
    """Return a cell's value as the user sees it (a 85% cell reads 85, a date a date)."""
    value = cell.value
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and "%" in str(getattr(cell, "number_format", "") or ""):
        return Decimal(repr(value)) * 100
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _xlsx_rows(values_sheet: Any, formula_sheet: Any) -> Iterator[tuple[Any, Any]]:
    yield from zip_longest(values_sheet.iter_rows(), formula_sheet.iter_rows(), fillvalue=())


def _read_xlsx(path: Path, read: _Reader, sheet: str | None) -> Table:
    values_book = _open_workbook(path, data_only=True)
    formula_book = _open_workbook(path, data_only=False)
    try:
        values_sheet = _sheet(values_book, path, sheet)
        rows_iter = _xlsx_rows(values_sheet, _sheet(formula_book, path, sheet))
        first = next(rows_iter, None)
        if first is None:
            raise InputError([Problem(str(path), "", "", "Trang tính trống: không có tiêu đề.")])
        layout = read.layout([c.value for c in first[0]])
        rows = []
        for counted, (cells, formulas) in enumerate(rows_iter, start=2):
            # The row openpyxl read (Excel's own number), should any row be skipped.
            number = next((c.row for c in cells if getattr(c, "row", None)), counted)
            values = [_cell_value(c) for c in cells]
            problems = read.cell_problems(number, cells, formulas, layout)
            problems.extend(read.extra_cells(number, values, layout))
            row = _cells_to_row(number, values, layout, problems)
            if row is not None:
                rows.append(row)
    finally:
        values_book.close()
        formula_book.close()
    letters = {name: _letter(i) for i, name in enumerate(layout.fields) if name is not None}
    return Table(str(path), layout.headers, rows, values_sheet.title, letters)


@dataclass(frozen=True)
class _Reader:
    """What both readers share: the column table and how problems are worded."""

    source: str
    columns: Mapping[str, Column]
    required: tuple[str, ...]
    ignored: tuple[str, ...]

    def layout(self, header: Sequence[Any]) -> _Layout:
        return _layout(self.source, header, self.columns, self.required, self.ignored)

    def label(self, layout: _Layout, position: int) -> str:
        name = layout.fields[position] if position < len(layout.fields) else None
        return layout.headers.get(name, "") if name else f"cột {_letter(position)}"

    def extra_cells(self, number: int, cells: Sequence[Any], layout: _Layout) -> list[Problem]:
        """Return a problem for text in a column that has no header."""
        problems = []
        unheaded = layout.blank.union(range(len(layout.fields), len(cells)))
        for position in sorted(p for p in unheaded if p < len(cells)):
            value = cells[position]
            if value is not None and str(value).strip():
                problems.append(
                    Problem(
                        self.source,
                        f"hàng {number}",
                        f"cột {_letter(position)}",
                        f"Ô có dữ liệu “{str(value).strip()[:40]}” nhưng cột không có tiêu đề: "
                        "thêm tiêu đề cột hoặc xóa ô này.",
                    )
                )
        return problems

    def cell_problems(
        self, number: int, cells: Sequence[Any], formulas: Sequence[Any], layout: _Layout
    ) -> list[Problem]:
        """Return a problem for each formula without a computed value and each error cell."""
        problems = []
        for position, (cell, formula) in enumerate(zip_longest(cells, formulas)):
            if position >= len(layout.fields) or layout.fields[position] is None:
                continue
            value = getattr(cell, "value", None)
            source = getattr(formula, "value", None)
            where = f"{_letter(position)}{number}"
            if getattr(cell, "data_type", None) == "e":
                message = f"Ô {where} báo lỗi “{value}” của Excel: sửa công thức hoặc ghi số vào ô."
            elif value is None and isinstance(source, str) and source.startswith("="):
                message = (
                    f"Ô {where} có công thức “{source}” nhưng tệp chưa lưu giá trị đã tính "
                    "(tệp do phần mềm khác tạo ra, chưa mở bằng Excel). vanban không tự tính "
                    "công thức và không coi ô này là 0: mở tệp bằng Excel hoặc LibreOffice "
                    "rồi lưu lại, hoặc ghi số trực tiếp."
                )
            else:
                continue
            problems.append(
                Problem(self.source, f"hàng {number}", self.label(layout, position), message)
            )
        return problems


def read_table(
    path: Path,
    columns: Mapping[str, Column],
    *,
    required: Sequence[str] = (),
    ignored: Sequence[str] = (),
    sheet: str | None = None,
) -> Table:
    """Read the CSV or XLSX at ``path`` into rows keyed by the fields of ``columns``.

    Raises:
        InputError: the file cannot be read, or its header row is wrong (an unknown,
            repeated or missing column): nothing in it can be trusted.
    """
    read = _Reader(str(path), columns, tuple(required), tuple(ignored))
    if not path.is_file():
        raise InputError([Problem(str(path), "", "", "Không tìm thấy tệp. Kiểm tra đường dẫn.")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, read)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, read, sheet)
    raise InputError(
        [
            Problem(
                str(path),
                "",
                "",
                f"Không đọc được tệp “{path.suffix}”: danh sách phải là .csv (UTF-8) hoặc .xlsx.",
            )
        ]
    )
