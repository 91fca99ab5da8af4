"""Real tables (merged cells, several header rows, computed totals) and appendices.

A table cell is text (inline ``**bold**``/``*italic*``, footnotes ``^[…]``), a number
(printed the Vietnamese way, ``1.234,5``), empty, a list of paragraphs, or
``{o: …, gop_cot: 2, gop_hang: 3, can: giua}``; a cell ``{tinh: tong}`` is a total
computed from the column. A row is a list of cells, or ``{kieu: nhom|tong_phu|tong,
o: [...]}``. As in HTML, a row lists only the cells that start in it: the positions
covered by a cell merged down from a row above are skipped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.models.common import Record, Text, _text

Align = Literal["trai", "giua", "phai", "deu"]
RowKind = Literal["nhom", "tong_phu", "tong"]
Number = int | float | Decimal


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value)
    return value


CellText = Annotated[str, BeforeValidator(_cell_text)]


class Cell(Record):
    """One table cell with its spans, alignment, or a computed value."""

    o: CellText | Number | tuple[CellText, ...] = ""
    gop_cot: int = Field(default=1, ge=1)
    gop_hang: int = Field(default=1, ge=1)
    can: Align | None = None
    tinh: Literal["tong"] | None = None

    @field_validator("o", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value


def _as_cell(value: Any) -> Any:
    if isinstance(value, Cell | dict):
        return value
    if isinstance(value, bool):
        return {"o": str(value)}
    if value is None:
        return {"o": ""}
    if isinstance(value, list):
        return {"o": tuple(value)}
    return {"o": value}


CellSpec = Annotated[Cell, BeforeValidator(_as_cell)]


class Row(Record):
    """A table row: its cells and what kind of row it is (group, subtotal, total)."""

    o: tuple[CellSpec, ...] = ()
    kieu: RowKind | None = None


def _as_row(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return {"o": value}
    return value


#: A row may be written as the list of its cells: the schema says so, so that a form
#: generated from it (the web page) offers a plain grid for plain rows.
RowSpec = Annotated[Row, BeforeValidator(_as_row, json_schema_input_type=list[str] | Row)]


def _is_row(value: Any) -> bool:
    """Return whether ``value`` is a whole row: a list of cells, or a row record (its
    cells in ``o`` are records, or it has a ``kieu``), not a single cell record."""
    if isinstance(value, list | tuple | Row):
        return True
    if isinstance(value, dict):
        cells = value.get("o")
        return "kieu" in value or (
            isinstance(cells, list | tuple)
            and bool(cells)
            and all(isinstance(c, dict | Cell) for c in cells)
        )
    return False


def _header_rows(value: Any) -> Any:
    """One header row (a list of cells) or several (a list of rows)."""
    if isinstance(value, list | tuple) and value and all(_is_row(v) for v in value):
        return value
    if isinstance(value, list | tuple):
        return [value]
    return value


class Table(Record):
    """A table: header rows, body rows, column widths and alignments, unit line."""

    # the header and the rows first: forms and workbooks show the main fields first
    tieu_de: Annotated[tuple[RowSpec, ...], BeforeValidator(_header_rows)] = Field(min_length=1)
    hang: tuple[RowSpec, ...] = ()
    don_vi: Text | None = None
    danh_so_cot: bool = False
    do_rong: tuple[Annotated[int, Field(ge=1)], ...] | None = None
    can: tuple[Align, ...] | None = None

    @model_validator(mode="after")
    def _layout(self) -> Table:
        columns = self.columns
        grid = layout_rows(self, columns)
        _check_totals(grid, len(self.tieu_de))
        if self.can is not None and len(self.can) != columns:
            raise PydanticCustomError(
                "table_align",
                "Bảng có {columns} cột nhưng “can” ghi {count} giá trị: ghi mỗi cột một giá "
                "trị (trai, giua, phai hoặc deu).",
                {"field": "can", "columns": columns, "count": len(self.can)},
            )
        return self

    @property
    def columns(self) -> int:
        """Return the number of columns: that of ``do_rong``, else of the first header row."""
        if self.do_rong is not None:
            return len(self.do_rong)
        return sum(cell.gop_cot for cell in self.tieu_de[0].o)


#: A laid-out cell: (row, column, cell) of each cell start.
Placed = tuple[int, int, Cell]


def layout_rows(table: Table, columns: int) -> list[list[Placed]]:
    """Return the cells of every row (header rows first) with their grid columns.

    Raises:
        PydanticCustomError: a row has more cells than columns, a span overlaps another
            cell, or a merge runs past the last row.
    """
    rows = (*table.tieu_de, *table.hang)
    header = len(table.tieu_de)
    covered: dict[int, set[int]] = {}  # row → columns taken by a cell merged from above
    out: list[list[Placed]] = []
    for index, row in enumerate(rows):
        taken = covered.get(index, set())
        placed: list[Placed] = []
        col = 0
        for cell in row.o:
            while col in taken:
                col += 1
            end = col + cell.gop_cot
            clash = taken.intersection(range(col, end))
            if end > columns and not clash:
                raise _row_error(index, header, columns, cell)
            if clash:
                raise PydanticCustomError(
                    "table_overlap",
                    "{where}: ô “{text}” gộp {span} cột, đè lên ô đã gộp hàng từ hàng trên "
                    "(cột {column}). Bớt gop_cot của ô này, hoặc bớt gop_hang của ô phía trên.",
                    {
                        "field": "hang" if index >= header else "tieu_de",
                        "where": _where(index, header),
                        "text": _preview(cell),
                        "span": cell.gop_cot,
                        "column": min(clash) + 1,
                    },
                )
            if cell.gop_hang > 1:
                last = index + cell.gop_hang - 1
                if last >= len(rows) or (index < header <= last):
                    raise PydanticCustomError(
                        "table_span",
                        "{where}: ô “{text}” gộp {span} hàng, vượt quá {part}. Bớt gop_hang.",
                        {
                            "field": "hang" if index >= header else "tieu_de",
                            "where": _where(index, header),
                            "text": _preview(cell),
                            "span": cell.gop_hang,
                            "part": "dòng tiêu đề" if index < header else "hàng cuối của bảng",
                        },
                    )
                for below in range(index + 1, last + 1):
                    covered.setdefault(below, set()).update(range(col, end))
            placed.append((index, col, cell))
            col = end
        out.append(placed)
    return out


def _where(index: int, header: int) -> str:
    if index < header:
        return f"Dòng tiêu đề thứ {index + 1}"
    return f"Hàng thứ {index - header + 1} của bảng"


def _preview(cell: Cell) -> str:
    if isinstance(cell.o, tuple):
        return " ".join(cell.o)[:40]
    return str(cell.o)[:40]


def _row_error(index: int, header: int, columns: int, cell: Cell) -> PydanticCustomError:
    return PydanticCustomError(
        "table_row",
        "{where} có nhiều ô hơn số cột của bảng ({columns} cột): ô “{text}” không còn chỗ. "
        "Bớt ô, ghép bằng gop_cot, hoặc thêm cột vào do_rong / dòng tiêu đề.",
        {
            "field": "hang" if index >= header else "tieu_de",
            "where": _where(index, header),
            "columns": columns,
            "text": _preview(cell),
        },
    )


def _check_totals(grid: list[list[Placed]], header: int) -> None:
    """Refuse a computed total over a column that holds text (it cannot be summed)."""
    wanted = {col for row in grid for _, col, cell in row if cell.tinh is not None}
    for row in grid[header:]:
        for index, col, cell in row:
            if col in wanted and cell.tinh is None and isinstance(cell.o, str | tuple) and cell.o:
                text = cell.o if isinstance(cell.o, str) else " ".join(cell.o)
                if index >= header:
                    raise PydanticCustomError(
                        "table_total",
                        "Cột {column} có ô tính tổng (tinh: tong) nhưng {where} ghi chữ "
                        "“{text}” ở cột này: ghi số không đặt trong ngoặc kép (ví dụ 1234.5) "
                        "để vanban cộng được, hoặc bỏ trống.",
                        {
                            "field": "hang",
                            "column": col + 1,
                            "where": _where(index, header).lower(),
                            "text": text[:40],
                        },
                    )
