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
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, Problem
from pipeline.limits import CSV_BYTES, XLSX_BYTES, check_file, check_zip
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
    """A read spreadsheet: the header written for each field found, and the data rows.

    ``letters``: the column letter of each field found ("A" for the first column);
    ``warnings``: what was read past or read in a way the user should know about (a
    column vanban does not know, the sheet chosen among several).
    """

    source: str
    headers: dict[str, str]
    rows: list[Row]
    letters: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    #: A workbook's sheet (CSV: none); ``letters``: the column letter of each field found.
    sheet: str | None = None


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
    warnings: tuple[Problem, ...] = ()

    @property
    def letters(self) -> dict[str, str]:
        """Return the column letter of each field found."""
        return {name: _letter(i) for i, name in enumerate(self.fields) if name is not None}


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
    unknown_ok: bool = False,
) -> _Layout:
    index = _spellings(columns)
    skipped = {header_key(text) for text in ignored}
    fields: list[str | None] = []
    headers: dict[str, str] = {}
    blank: set[int] = set()
    problems: list[Problem] = []
    warnings: list[Problem] = []
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
            problem = _unknown_header(source, text, position, index, columns)
            if unknown_ok and not _close(key, index):
                # A column of the user's own (a phone number): read past, said once.
                warnings.append(
                    Problem(
                        source,
                        f"hàng 1, cột {_letter(position - 1)}",
                        text,
                        f"Cột “{text}” không dùng để tạo văn bản: vanban bỏ qua cột này.",
                    )
                )
            else:
                problems.append(problem)
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
    return _Layout(tuple(fields), headers, frozenset(blank), tuple(warnings))


def _close(key: str, index: Mapping[str, str]) -> bool:
    """Return whether a header is close to a known one (then likely a misspelling)."""
    return bool(difflib.get_close_matches(key, list(index), n=1, cutoff=0.6))


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
    check_file(path, CSV_BYTES, "tệp CSV")
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
    return Table(str(path), layout.headers, rows, layout.letters, list(layout.warnings))


# --------------------------------------------------------------------------- XLSX


def _check_xlsx(path: Path) -> None:
    """Refuse a workbook too large, as stored or once unpacked (a zip bomb)."""
    check_file(path, XLSX_BYTES, "tệp Excel")
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(path, archive, "Tệp Excel")
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_a_workbook(path, exc) from None


def _not_a_workbook(path: Path, exc: Exception) -> InputError:
    return InputError(
        [
            Problem(
                str(path),
                "",
                "",
                "Không mở được tệp Excel (tệp hỏng, hoặc không phải .xlsx). Lưu lại dưới "
                "dạng .xlsx (Excel Workbook); tệp .xls cũ không dùng được.",
            )
        ]
    )


def _open_workbook(path: Path, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not read (data validation,
            # conditional formats); they do not change cell values.
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl fails in many ways on a damaged file
        raise _not_a_workbook(path, exc) from None


def _sheet_names(workbook: Any) -> str:
    return ", ".join(
        f"“{ws.title}”" + (" (ẩn)" if getattr(ws, "sheet_state", "visible") != "visible" else "")
        for ws in workbook.worksheets
    )


def _sheet(workbook: Any, path: Path, sheet: str | None) -> tuple[Any, list[Problem]]:
    """Return the sheet to read and what to tell the user about the choice.

    Without ``sheet``: the sheet the workbook opens on (as the person sees it), or the
    first visible one; hidden sheets are never read unless named.
    """
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "",
                        "",
                        f"Không có trang tính “{sheet}”. Các trang có: {_sheet_names(workbook)}.",
                    )
                ]
            )
        return workbook[sheet], []
    visible = [
        ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"
    ]
    if not visible:
        raise InputError(
            [
                Problem(
                    str(path), "", "", "Mọi trang tính của tệp đều đang ẩn: bỏ ẩn trang danh sách."
                )
            ]
        )
    try:
        active = workbook.active
    except (IndexError, AttributeError):
        active = None
    chosen = active if active in visible else visible[0]
    warnings = []
    if len(workbook.worksheets) > 1:
        hidden = [ws.title for ws in workbook.worksheets if ws not in visible]
        note = f" (bỏ qua trang ẩn {', '.join(f'“{t}”' for t in hidden)})" if hidden else ""
        warnings.append(
            Problem(
                str(path),
                "",
                "",
                f"Tệp có {len(workbook.worksheets)} trang tính; đọc trang “{chosen.title}”"
                f"{note}. Muốn đọc trang khác, ghi tên trang vào trường trang_tinh của tệp đợt.",
            )
        )
    return chosen, warnings


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _merged_header(path: Path, worksheet: Any) -> None:
    """Refuse a header row with merged cells: only the first cell of a merge holds the
    text, so the columns under the rest would have no header (or the wrong one).

    Raises:
        InputError: which cells are merged and how to fix it.
    """
    try:
        with worksheet._get_source() as source:  # the sheet's XML (size checked before)
            xml = source.read()
    except Exception:
        return
    merged = [m for m in _MERGE.finditer(xml) if int(m.group(2)) <= 1 and m.group(3)]
    if not merged:
        return
    refs = ", ".join(
        f"{m.group(1).decode()}1:{m.group(3).decode()}{m.group(4).decode()}" for m in merged
    )
    raise InputError(
        [
            Problem(
                str(path),
                f"hàng 1 (ô gộp {refs})",
                "",
                "Hàng tiêu đề có ô gộp (Merge): chỉ ô đầu của vùng gộp có chữ, các cột còn lại "
                "không có tiêu đề nên vanban không biết chúng chứa gì. Bỏ gộp ô (Home → Merge "
                "& Center → Unmerge Cells), ghi tiêu đề riêng cho từng cột; hàng 1 phải là "
                "tiêu đề cột (xóa các hàng tên bảng phía trên nếu có).",
            )
        ]
    )


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


def _read_xlsx(path: Path, read: _Reader, sheet: str | None) -> Table:
    _check_xlsx(path)
    values_book = _open_workbook(path, data_only=True)
    formula_book = _open_workbook(path, data_only=False)
    readers: list[Any] = []  # the sheets' row readers: closed first, or the file stays open
    try:
        values_sheet, warnings = _sheet(values_book, path, sheet)
        _merged_header(path, values_sheet)
        readers = [values_sheet.iter_rows(), formula_book[values_sheet.title].iter_rows()]
        rows_iter = zip_longest(*readers, fillvalue=())
        first = next(rows_iter, None)
        if first is None:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "",
                        "",
                        f"Trang tính “{values_sheet.title}” trống: không có tiêu đề.",
                    )
                ]
            )
        try:
            layout = read.layout([c.value for c in first[0]])
        except InputError as exc:
            raise InputError([*exc.problems, *_hidden_hint(values_book, path)]) from None
        warnings.extend(layout.warnings)
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
        for reader in readers:
            reader.close()
        values_book.close()
        formula_book.close()
    return Table(
        str(path), layout.headers, rows, layout.letters, warnings, sheet=values_sheet.title
    )


def _hidden_hint(workbook: Any, path: Path) -> list[Problem]:
    """Name the hidden sheets when the sheet read has a wrong header: the roster may
    be on one of them."""
    hidden = [ws.title for ws in workbook.worksheets if getattr(ws, "sheet_state", "") != "visible"]
    if not hidden:
        return []
    names = ", ".join(f"“{t}”" for t in hidden)
    return [
        Problem(
            str(path),
            "",
            "",
            f"Tệp còn có trang tính ẩn {names}. Nếu danh sách nằm ở đó, ghi tên trang vào "
            "trường trang_tinh của tệp đợt (hoặc bỏ ẩn trang và mở tệp ở trang đó).",
        )
    ]


@dataclass(frozen=True)
class _Reader:
    """What both readers share: the column table and how problems are worded."""

    source: str
    columns: Mapping[str, Column]
    required: tuple[str, ...]
    ignored: tuple[str, ...]
    unknown_ok: bool = False

    def layout(self, header: Sequence[Any]) -> _Layout:
        return _layout(
            self.source, header, self.columns, self.required, self.ignored, self.unknown_ok
        )

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
    unknown_ok: bool = False,
) -> Table:
    """Read the CSV or XLSX at ``path`` into rows keyed by the fields of ``columns``.

    With ``unknown_ok``, a column vanban does not know (and whose header is not close to
    a known one) is read past with a warning instead of stopping the read.

    Raises:
        InputError: the file cannot be read, or its header row is wrong (an unknown,
            repeated or missing column, merged header cells): nothing in it can be trusted.
    """
    read = _Reader(str(path), columns, tuple(required), tuple(ignored), unknown_ok)
    check_file(path, max(CSV_BYTES, XLSX_BYTES), "danh sách (.csv hoặc .xlsx)")
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
