"""Read a record from a workbook (.xlsx) into the same data a YAML file gives.

The sheets are those of :func:`pipeline.loading.workbook_layout.layout_of`; every value
keeps the cell it came from ("Nội dung!C14") so that problems name it. The result is a
:class:`~pipeline.loading.yaml_source.YamlDocument` whose ``where`` is a cell, so every
loader that takes a YAML record takes a workbook the same way.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from pipeline.errors import InputError, Problem
from pipeline.loading.detail import DETAILS_HINT, showing_details
from pipeline.loading.spreadsheet import header_key
from pipeline.loading.workbook_layout import (
    EMPTY_TEXT,
    GENERAL_SHEET,
    KIND_HEADER,
    LEVEL_HEADER,
    META_SHEET,
    NO,
    YES,
    Column,
    Layout,
    ListSheet,
    Variant,
    layout_of,
)
from pipeline.loading.yaml_source import PathKey, YamlDocument
from pipeline.models.choices import CHOICE_LABELS
from pipeline.models.document import OfficialDocument
from pipeline.models.registry import Registry

#: The record models a workbook can hold, by the name stored in its hidden sheet.
MODELS: dict[str, type[BaseModel]] = {"van-ban": OfficialDocument, "danh-ba": Registry}
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_SKIP = object()


@dataclass
class WorkbookDocument(YamlDocument):
    """A record read from a workbook: its data and the cell of every path."""

    cells: dict[PathKey, str] = field(default_factory=dict)
    #: Paths whose value came from a real date cell (Excel stored a date, not text).
    date_cells: dict[PathKey, date] = field(default_factory=dict)
    #: Cells that could not be read (kept, with ``defer``, to be reported with the rest).
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: PathKey) -> str:
        """Return the cell of ``path`` (or of its closest ancestor that has one)."""
        for end in range(len(path), -1, -1):
            cell = self.cells.get(path[:end])
            if cell is not None:
                return cell
        return f"trang “{GENERAL_SHEET}”"

    def line_of(self, path: PathKey) -> int:
        """Return the row of ``path``'s cell (for code that wants a number)."""
        digits = re.findall(r"\d+$", self.where(path))
        return int(digits[0]) if digits else 1


def is_workbook(path: Path) -> bool:
    """Return whether ``path`` names a workbook (by its extension)."""
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _cell_name(sheet: str, row: int, col: int) -> str:
    letters = ""
    n = col
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{sheet}!{letters}{row}"


def _open(path: Path, data: bytes | None = None) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions
            source: Any = path if data is None else io.BytesIO(data)
            return openpyxl.load_workbook(source, data_only=True)
    except FileNotFoundError:
        raise InputError(
            [Problem(str(path), "", "", "Không tìm thấy tệp. Kiểm tra đường dẫn.")]
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    f"Không đọc được sổ tính ({type(exc).__name__}): lưu lại tệp dạng "
                    "Excel .xlsx (Excel: Lưu thành → Sổ làm việc Excel; LibreOffice: "
                    "Lưu thành → Excel 2007-365).",
                )
            ]
        ) from None


def workbook_kind(book: Any) -> str | None:
    """Return the kind of record a workbook made by vanban holds (None: unknown)."""
    if META_SHEET not in book.sheetnames:
        return None
    value = book[META_SHEET]["A1"].value
    return value if isinstance(value, str) and value in MODELS else None


def read_workbook(
    path: Path,
    model: type[BaseModel] | None = None,
    *,
    defer: bool = False,
    data: bytes | None = None,
) -> WorkbookDocument:
    """Read the workbook at ``path`` into record data, keeping each value's cell.

    ``data``: the workbook's bytes (an upload), read as if they were the file ``path``.

    ``model`` is the record expected; default: the one the workbook says it holds.
    With ``defer``, cells that cannot be read are returned in ``problems`` (so that the
    record's own problems are reported with them) instead of raised.

    Raises:
        InputError: the file is not a readable workbook, is not a vanban workbook, or
            cells cannot be read (each with its sheet and cell).
    """
    book = _open(path, data)
    source = str(path)
    if model is None:
        kind = workbook_kind(book)
        if kind is None:
            raise InputError(
                [
                    Problem(
                        source,
                        "",
                        "",
                        "Sổ tính này không do vanban tạo (thiếu trang ẩn “vanban”). Tạo sổ "
                        "bằng lệnh: vanban workbook new ke-hoach -o TÊN.xlsx, rồi điền vào.",
                    )
                ]
            )
        model = MODELS[kind]
    reader = _Reader(source, book, layout_of(model))
    record = reader.read()
    if reader.problems and not defer:
        raise InputError(reader.problems)
    return WorkbookDocument(
        source,
        record,
        cells=reader.cells,
        date_cells=reader.date_cells,
        problems=reader.problems,
    )


# -- cells to values ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if value.time() == time() else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, kind: str) -> Any:
    """Return a number cell's value for an int or decimal field (text left to the model)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if kind == "int" and value.is_integer():
            return int(value)
        return Decimal(repr(value)) if kind == "decimal" else value
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", text):  # "12,5": a decimal comma
        text = text.replace(",", ".")
    if kind == "int":
        return int(text) if re.fullmatch(r"-?\d+", text) else value
    try:
        return Decimal(text)
    except InvalidOperation:
        return value


def _choice(value: Any, column: Column) -> Any:
    """Return the choice a cell names: exactly, by its label, else by a loose match
    (case, diacritics, punctuation) only when that names one choice ("1." and "(1)" are
    two numbering levels, not one)."""
    text = _text(value).strip()
    for choice in column.choices:
        if text in (choice, CHOICE_LABELS.get(choice)):
            return choice
    keys: dict[str, set[str]] = {}
    for choice in column.choices:
        for key in (header_key(choice), header_key(CHOICE_LABELS.get(choice, choice))):
            keys.setdefault(key, set()).add(choice)
    found = keys.get(header_key(text), set())
    return next(iter(found)) if len(found) == 1 else text


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    key = header_key(_text(value))
    if key in ("co", "x", "true", "1", "dung", "yes"):
        return True
    if key in ("khong", "false", "0", "sai", "no"):
        return False
    return value


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in _text(value).splitlines() if line.strip()]


def _is_choice(raw: Any, column: Column) -> bool:
    key = header_key(_text(raw))
    return any(key in (header_key(c), header_key(CHOICE_LABELS.get(c, c))) for c in column.choices)


def _plain_text(raw: Any, column: Column) -> Any:
    text = _text(raw)
    return "" if text.strip() == EMPTY_TEXT else text


#: How a cell of each simple kind is read.
_SIMPLE: dict[str, Callable[[Any, Column], Any]] = {
    "text": _plain_text,
    "int": lambda raw, column: _number(raw, "int"),
    "decimal": lambda raw, column: _number(raw, "decimal"),
    "bool": lambda raw, column: _bool(raw),
    "choice": _choice,
    "lines": lambda raw, column: _lines(raw),
    "numbers": lambda raw, column: [
        _number(p, "int") for p in re.split(r"[;,\s]+", _text(raw)) if p
    ],
}


class _Reader:
    def __init__(self, source: str, book: Any, layout: Layout) -> None:
        self.source = source
        self.book = book
        self.layout = layout
        self.problems: list[Problem] = []
        self.cells: dict[PathKey, str] = {}
        self.date_cells: dict[PathKey, date] = {}
        self.empty_cell: Callable[[str], str | None] = lambda label: None

    # -- helpers

    def problem(self, cell: str, label: str, message: str) -> None:
        self.problems.append(Problem(self.source, cell, label, message))

    def convert(self, column: Column, raw: Any, cell: str, path: PathKey) -> Any:
        """Return the value of a cell for ``column`` (``_SKIP`` when empty)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return _SKIP
        self.cells[path] = cell
        if column.or_lines and _is_choice(raw, column):
            return _choice(raw, column)
        if column.kind == "date":
            return self.date(column, raw, cell, path)
        if column.kind == "grid":
            return self.grid(_text(raw).strip(), cell, column, path)
        if column.kind == "yaml":
            return self.yaml_cell(raw, cell, column)
        return _SIMPLE[column.kind](raw, column)

    def date(self, column: Column, raw: Any, cell: str, path: PathKey) -> Any:
        if isinstance(raw, datetime | date):
            day = raw.date() if isinstance(raw, datetime) else raw
            self.date_cells[path] = day
            return day
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.problem(
                cell,
                column.label,
                f"Ô ngày chứa con số {_text(raw)}: gõ ngày dạng ngày/tháng/năm, ví dụ 05/02/2026.",
            )
            return _SKIP
        return _text(raw).strip()

    def yaml_cell(self, raw: Any, cell: str, column: Column) -> Any:
        try:
            return yaml.safe_load(_text(raw))
        except yaml.YAMLError:
            self.problem(cell, column.label, "Ô này phải viết theo dạng YAML (như trong hồ sơ).")
            return _SKIP

    def grid(self, name: str, cell: str, column: Column, path: PathKey) -> Any:
        if name not in self.book.sheetnames:
            self.problem(
                cell,
                column.label,
                f"Không có trang “{name}”: ô này ghi tên trang chứa các hàng của bảng.",
            )
            return _SKIP
        rows: list[list[str]] = []
        sheet = self.book[name]
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(row)
            while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
                cells.pop()
            if not cells:
                continue
            index = len(rows)
            self.cells[(*path, index)] = _cell_name(name, r, 1)
            for c in range(len(cells)):
                self.cells[(*path, index, c)] = _cell_name(name, r, c + 1)
            rows.append(["" if v is None else _text(v) for v in cells])
        return rows

    # -- sheets

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        self.general(data)
        # A part left wholly empty (the signature): its required fields are each named,
        # with their cells, rather than one "missing" for the whole part.
        for column in self.layout.general:
            if column.required and len(column.path) > 1:
                node = data
                for key in column.path[:-1]:
                    node = node.setdefault(key, {})
        for sheet in self.layout.lists:
            if sheet.title not in self.book.sheetnames:
                continue
            self.cells[sheet.path] = f"{sheet.title}!A2"  # an empty list: its first row
            items = self.list_sheet(sheet)
            if items:
                _put(data, sheet.path, items)
        return data

    def general(self, data: dict[str, Any]) -> None:
        if GENERAL_SHEET not in self.book.sheetnames:
            self.problem("", "", f"Thiếu trang “{GENERAL_SHEET}”.")
            return
        sheet = self.book[GENERAL_SHEET]
        by_key = {c.key: c for c in self.layout.general}
        by_label = {header_key(c.label): c for c in self.layout.general}
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if r == 1 or len(row) < 3:
                continue
            key = str(row[1]).strip() if row[1] is not None else ""
            column = by_key.get(key) or by_label.get(header_key(str(row[0] or "")))
            if column is None:
                if any(v not in (None, "") for v in row[2:]):
                    self.problem(
                        _cell_name(GENERAL_SHEET, r, 1),
                        str(row[0] or key),
                        "Không biết dòng này thuộc trường nào: giữ nguyên cột A và B như "
                        "sổ tính mẫu.",
                    )
                continue
            path = column.path
            self.cells.setdefault(path, _cell_name(GENERAL_SHEET, r, 3))  # even when empty
            if column.kind == "lines":
                values = [(c, v) for c, v in enumerate(row[2:], start=3) if v not in (None, "")]
                if not values:
                    continue
                lines: list[str] = []
                for c, value in values:
                    self.cells[(*path, len(lines))] = _cell_name(GENERAL_SHEET, r, c)
                    lines.extend(_lines(value))
                self.cells[path] = _cell_name(GENERAL_SHEET, r, values[0][0])
                _put(data, path, lines)
                continue
            value = self.convert(column, row[2], _cell_name(GENERAL_SHEET, r, 3), path)
            if value is not _SKIP:
                _put(data, path, value)

    def header_map(self, sheet: ListSheet, header: tuple[Any, ...]) -> dict[int, str]:
        """Return the header of each column position that the sheet knows."""
        wanted = {header_key(h): h for h in sheet.headers}
        out: dict[int, str] = {}
        for c, text in enumerate(header):
            key = header_key(str(text or ""))
            if not key:
                continue
            if key in wanted:
                out[c] = wanted[key]
            else:
                self.problem(
                    _cell_name(sheet.title, 1, c + 1),
                    str(text),
                    f"Không biết cột “{text}” (các cột dùng được: {', '.join(sheet.headers)}).",
                )
        return out

    def rows(self, sheet: ListSheet) -> Iterator[tuple[int, dict[str, tuple[Any, str]]]]:
        ws = self.book[sheet.title]
        it = ws.iter_rows(values_only=True)
        header = next(it, ())
        names = self.header_map(sheet, header)
        places = {label: c + 1 for c, label in names.items()}
        for r, row in enumerate(it, start=2):
            cells = {
                names[c]: (v, _cell_name(sheet.title, r, c + 1))
                for c, v in enumerate(row)
                if c in names and not (v is None or (isinstance(v, str) and not v.strip()))
            }
            if cells:
                # Where an empty cell of this row is: a missing field is named there.
                self.empty_cell = partial(_place, sheet.title, r, places)
                yield r, cells

    def fill(
        self,
        item: dict[str, Any],
        columns: tuple[Column, ...],
        cells: dict[str, Any],
        base: PathKey,
    ) -> None:
        for column in columns:
            found = cells.get(column.label)
            if found is None:
                empty = self.empty_cell(column.label)
                if empty is not None:
                    self.cells.setdefault((*base, *column.path), empty)
                continue
            value = self.convert(column, found[0], found[1], (*base, *column.path))
            if value is not _SKIP:
                _put(item, column.path, value)

    def list_sheet(self, sheet: ListSheet) -> list[Any]:
        if sheet.variants:
            return self.union_sheet(sheet)
        if sheet.inner is not None:
            return self.group_sheet(sheet, sheet.inner)
        items: list[Any] = []
        for r, cells in self.rows(sheet):
            item: dict[str, Any] = {}
            path: PathKey = (*sheet.path, len(items))
            self.cells[path] = _cell_name(sheet.title, r, 1)
            self.fill(item, sheet.columns, cells, path)
            items.append(item)
        return items

    def group_sheet(self, sheet: ListSheet, inner_field: str) -> list[Any]:
        """Read a flattened group: the group's cells start a group, the others add an
        inner item to the last group."""
        items: list[dict[str, Any]] = []
        outer_labels = {c.label for c in sheet.columns}
        shifted = tuple(replace(c, path=c.path[1:]) for c in sheet.inner_columns)
        for r, cells in self.rows(sheet):
            outer = {k: v for k, v in cells.items() if k in outer_labels}
            inner = {k: v for k, v in cells.items() if k not in outer_labels}
            if outer:
                group: dict[str, Any] = {inner_field: []}
                path: PathKey = (*sheet.path, len(items))
                self.cells[path] = _cell_name(sheet.title, r, 1)
                self.fill(group, sheet.columns, outer, path)
                items.append(group)
            elif not items:
                self.problem(
                    _cell_name(sheet.title, r, 1),
                    sheet.columns[0].label,
                    "Hàng đầu tiên phải ghi nhóm (các cột của nhóm) trước các hàng nhiệm vụ.",
                )
                continue
            if inner:
                children = items[-1][inner_field]
                child_path: PathKey = (*sheet.path, len(items) - 1, inner_field, len(children))
                self.cells[child_path] = _cell_name(sheet.title, r, 1)
                child: dict[str, Any] = {}
                self.fill(child, shifted, inner, child_path)
                children.append(child)
        return list(items)

    def variant_of(self, sheet: ListSheet, cells: dict[str, Any]) -> Variant | None:
        found = cells.get(KIND_HEADER)
        if found is None:
            return sheet.variants[0]
        key = header_key(_text(found[0]))
        for variant in sheet.variants:
            if key in (header_key(variant.tag), header_key(variant.label)):
                return variant
        kinds = ", ".join(v.label for v in sheet.variants)
        self.problem(found[1], KIND_HEADER, f"Loại “{found[0]}” không có; chọn một trong: {kinds}.")
        return None

    def union_sheet(self, sheet: ListSheet) -> list[Any]:
        root: list[Any] = []
        stack: list[tuple[int, list[Any], PathKey]] = [(1, root, sheet.path)]
        previous, opened = 1, False
        for r, cells in self.rows(sheet):
            variant = self.variant_of(sheet, cells)
            if variant is None:
                continue
            level = previous + 1 if opened else previous
            if sheet.recursive and LEVEL_HEADER in cells:
                raw, cell = cells[LEVEL_HEADER]
                number = _number(raw, "int")
                if not isinstance(number, int) or number < 1:
                    self.problem(
                        cell, LEVEL_HEADER, f"Cấp phải là số 1, 2, 3…, không phải “{raw}”."
                    )
                else:
                    level = number
            while len(stack) > 1 and stack[-1][0] > level:
                stack.pop()
            if stack[-1][0] < level:
                self.problem(
                    _cell_name(sheet.title, r, 1),
                    LEVEL_HEADER,
                    f"Cấp {level} nhưng ngay trên không có mục cấp {level - 1}: sửa cấp "
                    f"thành {stack[-1][0]} hoặc thêm một mục ở trên.",
                )
                level = stack[-1][0]
            container = stack[-1]
            path = (*container[2], len(container[1]))
            item = self.union_item(sheet, variant, cells, path, r)
            if item is _SKIP:
                continue
            container[1].append(item)
            previous, opened = level, False
            if variant.children and isinstance(item, dict):
                children: list[Any] = []
                item[variant.children] = children
                stack.append((level + 1, children, (*path, variant.children)))
                opened = True
        return root

    def union_item(
        self, sheet: ListSheet, variant: Variant, cells: dict[str, Any], path: PathKey, row: int
    ) -> Any:
        self.cells[path] = _cell_name(sheet.title, row, 1)
        main = cells.get(sheet.main_label)
        own = {c.label for c in variant.columns}
        for column in sheet.union_columns:
            if column.label in cells and column.label not in own:
                self.problem(
                    cells[column.label][1],
                    column.label,
                    f"Cột “{column.label}” không dùng cho loại “{variant.label}”: xóa ô này "
                    "hoặc đổi loại.",
                )
        if variant.model is None:
            if main is None:
                self.problem(path_cell(sheet, row), sheet.main_label, "Ô này để trống.")
                return _SKIP
            self.cells[path] = main[1]
            return _text(main[0]).strip()
        item: dict[str, Any] = {}
        if variant.main_column is not None and main is not None:
            column = variant.main_column
            value = self.convert(column, main[0], main[1], (*path, *column.path))
            if value is not _SKIP:
                _put(item, column.path, value)
        self.fill(item, variant.columns, cells, path)
        return item


def _place(sheet: str, row: int, places: dict[str, int], label: str) -> str | None:
    """Return the cell of column ``label`` in ``row`` (None: the sheet has no such column)."""
    return _cell_name(sheet, row, places[label]) if label in places else None


def path_cell(sheet: ListSheet, row: int) -> str:
    """Return the main cell of a row of a union sheet."""
    offset = 3 if sheet.recursive else 2
    return _cell_name(sheet.title, row, offset)


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def read_record_source(path: Path, what: str, *, defer: bool = False) -> YamlDocument:
    """Read a document record from YAML or from a workbook (by the file's extension).

    ``what`` says, in Vietnamese, what a YAML file must be (see ``read_mapping``);
    ``defer`` keeps a workbook's unreadable cells in its ``problems`` (see
    :func:`read_workbook`).
    """
    from pipeline.loading.yaml_source import read_mapping

    if is_workbook(path):
        return read_workbook(path, OfficialDocument, defer=defer)
    return read_mapping(path, what, keep_going=defer)


_CELL = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]+)(?P<row>\d+)$")
#: From this many empty required cells in one column on, they are one problem.
MANY_EMPTY = 3


def summarise_empty(problems: list[Problem]) -> list[Problem]:
    """Return ``problems`` with the "missing" ones of a workbook column folded into one
    ("Chưa điền 43 ô của cột Nội dung (Chỉ tiêu!B2:B44)") when there are many; as they
    are with :func:`pipeline.loading.detail.details` (``validate --chi-tiet``)."""
    if showing_details():
        return problems
    groups: dict[tuple[str, str, str], list[tuple[int, Problem]]] = {}
    for problem in problems:
        found = _CELL.match(problem.location)
        if found and problem.message.startswith("Thiếu "):
            label = problem.field.split(" (")[0]
            key = (found["sheet"], found["col"], label)
            groups.setdefault(key, []).append((int(found["row"]), problem))
    folded = {
        id(p) for members in groups.values() if len(members) >= MANY_EMPTY for _, p in members
    }
    out = [p for p in problems if id(p) not in folded]
    for (sheet, col, label), members in groups.items():
        if len(members) < MANY_EMPTY:
            continue
        rows = sorted(r for r, _ in members)
        out.append(
            Problem(
                members[0][1].source,
                f"{sheet}!{col}{rows[0]}:{col}{rows[-1]}",
                label,
                f"Chưa điền {len(rows)} ô của cột {label} (trang {sheet}, hàng {rows[0]} đến "
                f"{rows[-1]}): điền các ô này, hoặc xóa các hàng không dùng.{DETAILS_HINT}",
            )
        )
    return out
