"""Write a record (or an empty one) as a workbook laid out from its model."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.errors import InputError, Problem, UsageError
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.workbook import MODELS, is_workbook, read_workbook
from pipeline.loading.workbook_layout import (
    EMPTY_TEXT,
    GENERAL_SHEET,
    HELP_SHEET,
    META_SHEET,
    NO,
    YES,
    Column,
    Layout,
    ListSheet,
    field_column,
    layout_of,
)
from pipeline.loading.yaml_source import YamlDocument, read_mapping
from pipeline.models.choices import choice_label
from pipeline.models.roster import COLUMNS as ROSTER_COLUMNS
from pipeline.models.roster import Commune
from pipeline.rendering import write_atomic


@dataclass(frozen=True)
class Kind:
    """A kind of workbook ``vanban workbook new`` makes: its model and what is pre-filled."""

    model: str
    title: str
    prefill: tuple[tuple[str, Any], ...] = ()


KINDS: dict[str, Kind] = {
    "ke-hoach": Kind("van-ban", "Kế hoạch", (("loai", "Kế hoạch"),)),
    "chuong-trinh": Kind("van-ban", "Chương trình hành động", (("loai", "Chương trình"),)),
    "danh-ba": Kind("danh-ba", "Danh bạ nơi nhận"),
    "danh-sach-xa": Kind("danh-sach-xa", "Danh sách xã"),
    "ket-qua-xa": Kind("ket-qua-xa", "Kết quả của các xã trong một kỳ báo cáo"),
}

ROSTER_SHEET = "Danh sách xã"
_ROSTER_HELP = (
    "Danh sách xã: mỗi hàng một xã, phường; hàng 1 là tiêu đề cột (giữ nguyên tiêu đề).",
    "Mã xã để dạng chữ để giữ số 0 ở đầu (04378). Ngày gõ ngày/tháng/năm (05/07/2026 là "
    "ngày 5 tháng 7). Số liệu gõ số; tỷ lệ có thể có phần thập phân (85,5).",
    "Cột Loại: chọn trong danh sách. Cột thêm của riêng cơ quan (STT, Ghi chú) được bỏ qua.",
    "Dùng trong tệp đợt: danh_sach: TÊN.xlsx (trang đầu tiên là trang danh sách).",
)

_MAX_ROWS = 300  # rows given dropdowns and text format in a new sheet
_HEADER_FILL = "DDEBF7"


def header_row(ws: Any, headers: list[str], freeze: str) -> None:
    """Write ``headers`` as the sheet's first row (bold, shaded, wrapped) and freeze the
    panes above and left of the cell ``freeze``."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=c, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze


_KEY_FILL = "F2F2F2"

#: The instructions sheet, one paragraph per row.
_HELP = (
    "Sổ tính hồ sơ vanban: {title}",
    "",
    "Cách điền",
    "1. Mỗi trang là một phần của văn bản. Trang “Thông tin chung”: mỗi dòng một trường; "
    "ghi giá trị vào cột C. Trường có nhiều dòng (trích yếu, tên cơ quan nhiều dòng) ghi "
    "mỗi dòng một ô, sang phải: C, D, E…",
    "2. Các trang khác là danh sách: mỗi hàng một mục, hàng 1 là tiêu đề cột (không sửa tiêu đề).",
    "3. Trang “Nội dung”: mỗi hàng một khối. Cột “Cấp”: 1 là khối ở ngoài cùng; các khối "
    "thuộc một mục thì ghi cấp lớn hơn cấp của mục 1 đơn vị. Cột “Loại”: chọn trong danh "
    "sách (Mục, Đoạn văn, Ý, Gạch đầu dòng, Bảng…).",
    "4. Một bảng trong nội dung: ở cột “Các hàng của bảng” ghi tên một trang (ví dụ "
    "“Bảng 1”); các hàng của bảng nằm ở trang đó, mỗi ô một ô. Dòng tiêu đề bảng: mỗi "
    "tiêu đề một dòng trong ô (Alt+Enter).",
    "5. Ngày: gõ ngày/tháng/năm, ví dụ 05/06/2026 (ngày trước, tháng sau). Mã (mã xã, mã "
    "chỉ tiêu) để dạng chữ để giữ số 0 ở đầu.",
    '6. Ô có mũi tên: chọn trong danh sách. Ô để trống là không có; ô ghi "" (hai dấu '
    "nháy kép) là có nhưng để trống (ví dụ dòng Lưu không ghi gì sau chữ “Lưu”).",
    "7. Kiểm tra: vanban validate TÊN.xlsx — mỗi lỗi ghi rõ trang và ô (ví dụ "
    "Nội dung!C14). Tạo văn bản: vanban render TÊN.xlsx.",
    "",
    "Không xóa trang ẩn “vanban”: nó cho biết sổ này là loại hồ sơ gì.",
)


def _decimal(value: Decimal) -> Any:
    if value == value.to_integral_value() and int(value.as_tuple().exponent) >= 0:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def _yaml_text(value: Any) -> str:
    return yaml.safe_dump(
        _plain(value), allow_unicode=True, default_flow_style=True, width=10_000
    ).strip()


def _joined(value: Any, separator: str) -> Any:
    if isinstance(value, str | int):
        return value  # a record written by hand: one line given without a list
    return separator.join(str(v) for v in value)


#: What a cell of each kind shows for a value (the loader reads it back).
_SHOW: dict[str, Callable[[Any], Any]] = {
    "date": lambda v: f"{v:%d/%m/%Y}" if isinstance(v, date) else v,
    "bool": lambda v: YES if v else NO,
    "choice": lambda v: choice_label(str(v)),
    "decimal": lambda v: _decimal(v) if isinstance(v, Decimal) else v,
    "lines": lambda v: _joined(v, "\n"),
    "numbers": lambda v: _joined(v, ", "),
    "yaml": _yaml_text,
}


def cell_value(column: Column, value: Any) -> Any:
    """Return what a cell of ``column`` shows for ``value`` (the loader reads it back)."""
    if value is None:
        return None
    if value == "":
        return EMPTY_TEXT  # an empty cell is "not given"; this is "given, empty"
    if column.or_lines and isinstance(value, str):
        return choice_label(value)
    show = _SHOW.get(column.kind)
    return show(value) if show is not None else value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return value


def _get(data: Any, path: tuple[str, ...]) -> Any:
    node = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


class _Writer:
    def __init__(self, layout: Layout, kind: str, title: str) -> None:
        from openpyxl import Workbook

        self.layout = layout
        self.book = Workbook()
        self.kind = kind
        self.title = title
        self.lists: dict[tuple[str, ...], str] = {}  # choices → range on the hidden sheet
        self.grids = 0
        self.meta: Any = None

    def write(self, data: dict[str, Any]) -> bytes:
        from openpyxl.styles import Alignment, Font

        help_sheet: Any = self.book.active
        help_sheet.title = HELP_SHEET
        lines = (_HELP[0].format(title=self.title), *_HELP[1:])
        for r, line in enumerate(lines, start=1):
            cell = help_sheet.cell(row=r, column=1, value=line or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet["A1"].font = Font(bold=True, size=14)
        help_sheet.column_dimensions["A"].width = 100
        _fit_rows(help_sheet, 2, len(lines))
        self.meta = self.book.create_sheet(META_SHEET)
        self.meta["A1"] = self.kind
        self.meta.sheet_state = "hidden"
        self.general(data)
        for sheet in self.layout.lists:
            self.list_sheet(sheet, _get(data, sheet.path) or [])
        # The hidden sheet goes last, the instructions first.
        self.book.move_sheet(META_SHEET, offset=len(self.book.sheetnames))
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()

    # -- formatting helpers

    def _choices(self, column: Column) -> str:
        labels = tuple(choice_label(c) for c in column.choices)
        if column.kind == "bool":
            labels = (YES, NO)
        if labels not in self.lists:
            col = len(self.lists) + 2
            for r, label in enumerate(labels, start=1):
                self.meta.cell(row=r, column=col, value=label)
            letter = _letter(col)
            self.lists[labels] = f"{META_SHEET}!${letter}$1:${letter}${len(labels)}"
        return self.lists[labels]

    def _validate(self, ws: Any, column: Column, cells: str, choices: Any = None) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        formula = choices
        if formula is None and (column.kind in ("choice", "bool") or column.or_lines):
            formula = self._choices(column)
        if formula is None:
            return
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = "Chọn một giá trị trong danh sách."
        dv.errorTitle = column.label
        dv.showErrorMessage = not column.or_lines
        ws.add_data_validation(dv)
        dv.add(cells)

    def _header(self, ws: Any, headers: list[str]) -> None:
        header_row(ws, headers, "A2")

    def _format_column(self, ws: Any, index: int, column: Column, rows: int) -> None:
        from openpyxl.styles import Alignment

        letter = _letter(index)
        wide = column.kind in ("text", "lines", "yaml") and column.label.startswith(
            ("Nội dung", "Đoạn", "Nhiệm vụ", "Tên", "Các")
        )
        ws.column_dimensions[letter].width = 60 if wide else 18
        text_cells = column.kind in ("text", "date", "lines", "numbers", "grid", "yaml")
        for r in range(2, rows + 1):
            cell = ws.cell(row=r, column=index)
            if text_cells:
                cell.number_format = "@"  # codes keep their zeros, dates stay day-first text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        self._validate(ws, column, f"{letter}2:{letter}{rows}")

    # -- sheets

    def general(self, data: dict[str, Any]) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        ws = self.book.create_sheet(GENERAL_SHEET)
        self._header(ws, ["Thông tin", "Mã trường", "Giá trị", "Dòng tiếp theo (nếu nhiều dòng)"])
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 60
        ws.column_dimensions["D"].width = 40
        for r, column in enumerate(self.layout.general, start=2):
            label = ws.cell(row=r, column=1, value=column.label + (" *" if column.required else ""))
            label.font = Font(bold=column.required)
            key = ws.cell(row=r, column=2, value=column.key)
            key.font = Font(color="808080", size=9)
            key.fill = PatternFill("solid", fgColor=_KEY_FILL)
            value = _get(data, column.path)
            if column.kind == "lines":
                if isinstance(value, str):
                    value = [value]
                for c, line in enumerate(value or [None], start=3):
                    cell = ws.cell(row=r, column=c, value=line)
                    cell.number_format = "@"
                continue
            cell = ws.cell(row=r, column=3, value=cell_value(column, value))
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            if column.kind in ("text", "date", "yaml"):
                cell.number_format = "@"
            self._validate(ws, column, f"C{r}")
        _fit_rows(ws, 2, len(self.layout.general) + 1)

    def list_sheet(self, sheet: ListSheet, items: list[Any]) -> None:
        ws = self.book.create_sheet(sheet.title)
        self._header(ws, sheet.headers)
        rows: list[list[Any]] = []
        if sheet.variants:
            self._union_rows(sheet, items, 1, rows)
            columns: list[Column] = list(sheet.union_columns)
            offset = 3 if sheet.recursive else 2
            main = Column(("_",), sheet.main_label, "text")
            self._format_column(ws, offset, main, max(_MAX_ROWS, len(rows) + 1))
            kinds = Column(("_",), "Loại", "choice", tuple(v.label for v in sheet.variants))
            self._format_column(ws, offset - 1, kinds, max(_MAX_ROWS, len(rows) + 1))
            if sheet.recursive:
                level = Column(("_",), "Cấp", "int")
                self._format_column(ws, 1, level, max(_MAX_ROWS, len(rows) + 1))
                ws.column_dimensions["A"].width = 6
            start = offset + 1
        else:
            columns = [*sheet.columns, *sheet.inner_columns]
            for item in items:
                if sheet.inner is None:
                    rows.append([cell_value(c, _get(item, c.path)) for c in columns])
                    continue
                outer = [cell_value(c, _get(item, c.path)) for c in sheet.columns]
                for k, child in enumerate(item.get(sheet.inner) or [{}]):
                    inner = [cell_value(c, _get(child, c.path[1:])) for c in sheet.inner_columns]
                    rows.append([*(outer if k == 0 else [None] * len(outer)), *inner])
            start = 1
        for index, column in enumerate(columns, start=start):
            self._format_column(ws, index, column, max(_MAX_ROWS, len(rows) + 1))
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        _fit_rows(ws, 2, len(rows) + 1)

    def _union_rows(
        self, sheet: ListSheet, items: list[Any], level: int, rows: list[list[Any]]
    ) -> None:
        by_tag = {v.tag: v for v in sheet.variants}
        others = sheet.union_columns
        for given in items:
            item = given
            if isinstance(item, str) and all(v.model is not None for v in sheet.variants):
                item = {sheet.variants[0].tag: item}  # a bare text: the first kind (Đoạn văn)
            variant = next(v for v in sheet.variants if _is_variant(v.tag, v, item, by_tag))
            row: list[Any] = [level] if sheet.recursive else []
            row.append(variant.label)
            if variant.model is None:
                row.append(item)
            elif variant.main_column is not None:
                row.append(cell_value(variant.main_column, _get(item, variant.main)))
            else:
                row.append(None)
            own = {c.path for c in variant.columns}
            for column in others:
                value = _get(item, column.path) if column.path in own else None
                if column.kind == "grid" and value:
                    value = self._grid(value)
                else:
                    value = cell_value(column, value)
                row.append(value)
            rows.append(row)
            if variant.children:
                self._union_rows(sheet, item.get(variant.children) or [], level + 1, rows)

    def _grid(self, grid: list[list[Any]]) -> str:
        self.grids += 1
        name = f"Bảng {self.grids}"
        ws = self.book.create_sheet(name)
        for r, cells in enumerate(grid, start=1):
            for c, value in enumerate(cells, start=1):
                cell = ws.cell(row=r, column=c, value=str(value))
                cell.number_format = "@"
        return name


def _fit_rows(ws: Any, first: int, last: int) -> None:
    """Give rows with wrapped text the height of their lines: Calc, unlike Excel, keeps
    the default height of rows a file does not size."""
    for r in range(first, last + 1):
        lines = 1
        for cell in ws[r]:
            if cell.value is None:
                continue
            letter = cell.column_letter
            width = ws.column_dimensions[letter].width or 10
            per_line = max(int(width * 1.1), 8)
            count = sum(max(1, -(-len(part) // per_line)) for part in str(cell.value).split("\n"))
            lines = max(lines, count)
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines


def _is_variant(tag: str, variant: Any, item: Any, by_tag: dict[str, Any]) -> bool:
    if variant.model is None:
        return isinstance(item, str)
    if not isinstance(item, dict):
        return False
    fields = set(variant.model.model_fields)
    if tag in fields:
        return tag in item and set(item) <= fields
    # a variant keyed by its first field (a full Nơi nhận): no other variant's key
    return set(item) <= fields and not any(
        t in item for t in by_tag if t != tag and by_tag[t].model is not None
    )


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def workbook_bytes(model_name: str, data: dict[str, Any], title: str) -> bytes:
    """Return the .xlsx bytes of ``data`` (record data as a YAML file holds it)."""
    if model_name == "danh-sach-xa":
        return roster_bytes()
    return _Writer(layout_of(MODELS[model_name]), model_name, title).write(data)


def roster_columns() -> list[tuple[str, Column]]:
    """Return the roster's columns (field, cell kind) from its model, headed as the
    roster reader expects (``pipeline.models.roster.COLUMNS``)."""
    out = []
    for name, info in Commune.model_fields.items():
        column = field_column((name,), info.annotation, info.is_required())
        header = ROSTER_COLUMNS[name].header if name in ROSTER_COLUMNS else name
        kind = column.kind if column is not None else "text"
        if name == "ma":
            kind = "text"  # a code: its zeros are kept
        choices = column.choices if column is not None else ()
        out.append((name, Column((name,), header, kind, choices, info.is_required())))
    return out


def roster_bytes() -> bytes:
    """Return an empty roster workbook: the list first (the sheet a batch reads), then
    the instructions."""
    writer = _Writer(layout_of(MODELS["danh-ba"]), "danh-sach-xa", ROSTER_SHEET)
    book = writer.book
    sheet: Any = book.active
    sheet.title = ROSTER_SHEET
    writer.meta = book.create_sheet(META_SHEET)
    writer.meta["A1"] = "danh-sach-xa"
    writer.meta.sheet_state = "hidden"
    columns = roster_columns()
    writer._header(sheet, [c.label + (" *" if c.required else "") for _, c in columns])
    for index, (_name, column) in enumerate(columns, start=1):
        writer._format_column(sheet, index, column, _MAX_ROWS)
    help_sheet = book.create_sheet(HELP_SHEET)
    for r, line in enumerate(_ROSTER_HELP, start=1):
        help_sheet.cell(row=r, column=1, value=line)
    help_sheet.column_dimensions["A"].width = 100
    book.move_sheet(META_SHEET, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_workbook(kind: str, target: Path, period: Path | None = None) -> Path:
    """Write an empty workbook of ``kind`` (see :data:`KINDS`) at ``target``; the
    results of a period (``ket-qua-xa``) are laid out from the period folder ``period``.

    Raises:
        UsageError: an unknown kind, ``target`` is not an .xlsx file name, or no
            period folder for ``ket-qua-xa``.
        InputError: the period's report, programme or roster is invalid.
    """
    if kind not in KINDS:
        known = ", ".join(KINDS)
        raise UsageError([Problem(kind, "", "", f"Không có loại sổ tính này; dùng: {known}.")])
    _check_target(target)
    if kind == "ket-qua-xa":
        if period is None or not period.is_dir():
            message = "Sổ kết quả cần thư mục kỳ báo cáo: --ky inputs/periods/2026-H2."
            raise UsageError([Problem(str(period or ""), "", "", message)])
        from pipeline.workbook.results import results_bytes

        write_atomic(target, results_bytes(period))
        return target
    spec = KINDS[kind]
    data: dict[str, Any] = {}
    for key, value in spec.prefill:
        data[key] = value
    write_atomic(target, workbook_bytes(spec.model, data, spec.title))
    return target


def _check_target(target: Path) -> None:
    if not is_workbook(target):
        raise UsageError([Problem(str(target), "", "", "Tên tệp sổ tính phải có đuôi .xlsx.")])


def export_record(source: Path, target: Path) -> Path:
    """Write the YAML record ``source`` as a workbook at ``target``.

    The record is validated first (the workbook holds what the record says, with its
    defaults left out); a registry file it names is given relative to ``target``.

    Raises:
        InputError: the record is invalid.
    """
    _check_target(target)
    write_atomic(target, export_bytes(source, target.parent))
    return target


def export_bytes(source: Path, folder: Path) -> bytes:
    """Return the record ``source`` as workbook bytes, for a workbook kept in ``folder``
    (a registry file the record names is given relative to it).

    Raises:
        InputError: the record is invalid.
    """
    doc: YamlDocument
    if is_workbook(source):
        doc = read_workbook(source)
    else:
        doc = read_mapping(source, "Tệp hồ sơ phải là một khối các trường.")
    model_name = _model_name(doc.data)
    model = MODELS[model_name]
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        if not _has_placeholders(doc.data):
            raise InputError(
                problems_from_validation(exc, doc.source, doc.data, doc.where, model)
            ) from None
        # A batch's base record: its {{ xa.… }} fields are valid once a commune fills
        # them; it is written as it is.
        data = doc.data
    else:
        data = record.model_dump(mode="python", exclude_defaults=True)
    registry = _get(data, ("noi_nhan", "danh_ba"))
    if isinstance(registry, str):
        moved = os.path.relpath(source.parent / registry, folder)
        data["noi_nhan"]["danh_ba"] = Path(moved).as_posix()
    title = str(data.get("loai") or "Danh bạ nơi nhận")
    return workbook_bytes(model_name, data, title)


def _has_placeholders(data: Any) -> bool:
    if isinstance(data, dict):
        return any(_has_placeholders(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_placeholders(v) for v in data)
    return isinstance(data, str) and "{{" in data


def _model_name(data: Any) -> str:
    if isinstance(data, dict) and "khoi" not in data and ("nhom" in data or "noi_nhan" in data):
        return "danh-ba"
    return "van-ban"
