"""Record tables → grid tables ready to place: merges, emphasis, numbers, totals.

Numbers are printed the Vietnamese way (``1.234,5``); a ``{tinh: tong}`` cell is the
sum of the column's data rows (all of them for a ``tong`` row, those since the last
group or subtotal for a ``tong_phu`` row), computed here and never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.context.inline import Run, parse_inline
from pipeline.models.blocks import Cell, Row, Table, layout_rows

#: Twips per millimetre.
_TWIPS_PER_MM = 1440 / 25.4
_ALIGN = {"trai": "left", "giua": "center", "phai": "right", "deu": "both"}
#: Emphasis of a row kind: (bold, italic).
_EMPHASIS = {"nhom": (True, False), "tong_phu": (True, True), "tong": (True, False)}


@dataclass(frozen=True, slots=True)
class GridCell:
    """One ``w:tc``: paragraphs of runs, the columns it spans, its vertical merge.

    ``vmerge`` is "" (no merge), "restart" (the top of a merged cell) or "continue"
    (a position covered by the cell above: no text).
    """

    paragraphs: tuple[tuple[Run, ...], ...]
    gop_cot: int
    width: int
    can: str
    vmerge: str = ""


@dataclass(frozen=True, slots=True)
class GridRow:
    """One ``w:tr``; header rows repeat on every page."""

    cells: tuple[GridCell, ...]
    header: bool


@dataclass(frozen=True, slots=True)
class GridTable:
    """A table with merged cells, the unit line above it and its column widths (twips)."""

    don_vi: str
    luoi: tuple[GridRow, ...]
    cot: tuple[int, ...]


def text_width_twips(width_mm: float, margins: tuple[float, float]) -> int:
    """Return the width of the text block of a page ``width_mm`` wide, in twips."""
    return round((width_mm - margins[0] - margins[1]) * _TWIPS_PER_MM)


def vn_number(value: Decimal | int | float) -> str:
    """Return ``value`` written the Vietnamese way: "1.234,5", "-12", "0,25"."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    sign = "-" if number < 0 else ""
    digits = f"{abs(number):f}"
    whole, _, fraction = digits.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def grid_table(table: Table, width: int) -> GridTable:
    """Return the grid of ``table`` for a text block ``width`` twips wide."""
    columns = table.columns
    weights = table.do_rong or tuple(1 for _ in range(columns))
    total = sum(weights)
    widths = tuple(round(width * w / total) for w in weights)
    aligns = tuple(_ALIGN[a] for a in table.can) if table.can else ("",) * columns
    placed = layout_rows(table, columns)
    rows: tuple[Row, ...] = (*table.tieu_de, *table.hang)
    header = len(table.tieu_de)
    totals = _totals(placed, rows, header)
    # Positions covered by a cell merged from above: (row, col) → (span, width).
    covered: dict[tuple[int, int], tuple[int, int, str]] = {}
    out: list[GridRow] = []
    for index, row_cells in enumerate(placed):
        is_header = index < header
        bold, italic = (
            (True, False) if is_header else _EMPHASIS.get(rows[index].kieu or "", (False, False))
        )
        cells: list[tuple[int, GridCell]] = []
        for _, col, cell in row_cells:
            span_width = sum(widths[col : col + cell.gop_cot])
            align = _cell_align(cell, aligns[col], is_header)
            value = totals.get((index, col)) if cell.tinh else None
            paragraphs = _paragraphs(cell, value, bold=bold, italic=italic)
            vmerge = "restart" if cell.gop_hang > 1 else ""
            cells.append((col, GridCell(paragraphs, cell.gop_cot, span_width, align, vmerge)))
            for below in range(index + 1, index + cell.gop_hang):
                covered[(below, col)] = (cell.gop_cot, span_width, align)
        for (row_index, col), (span, span_width, align) in covered.items():
            if row_index == index:
                cells.append((col, GridCell(((),), span, span_width, align, "continue")))
        cells.sort(key=lambda item: item[0])
        cells = _fill_gaps(cells, widths)
        out.append(GridRow(tuple(cell for _, cell in cells), is_header))
        if is_header and index == header - 1 and table.danh_so_cot:
            out.append(_index_row(widths))
    return GridTable(table.don_vi or "", tuple(out), widths)


def _fill_gaps(
    cells: list[tuple[int, GridCell]], widths: tuple[int, ...]
) -> list[tuple[int, GridCell]]:
    """Add an empty cell for every column a short row leaves out (a row may end early)."""
    taken: set[int] = set()
    for col, cell in cells:
        taken.update(range(col, col + cell.gop_cot))
    missing = [
        (col, GridCell(((),), 1, widths[col], "")) for col in range(len(widths)) if col not in taken
    ]
    return sorted(cells + missing, key=lambda item: item[0])


def _index_row(widths: tuple[int, ...]) -> GridRow:
    cells = tuple(
        GridCell(((Run(f"({n})", italic=True),),), 1, w, "center")
        for n, w in enumerate(widths, start=1)
    )
    return GridRow(cells, True)


def _cell_align(cell: Cell, column: str, header: bool) -> str:
    if cell.can is not None:
        return _ALIGN[cell.can]
    if header:
        return "center"
    if column:
        return column
    if (isinstance(cell.o, int | float | Decimal) and not isinstance(cell.o, bool)) or cell.tinh:
        return "right"
    return ""


def _paragraphs(
    cell: Cell, total: Decimal | None, *, bold: bool, italic: bool
) -> tuple[tuple[Run, ...], ...]:
    if cell.tinh is not None:
        return ((Run(vn_number(total if total is not None else 0), bold, italic),),)
    value = cell.o
    if isinstance(value, tuple):
        return tuple(parse_inline(text, bold=bold, italic=italic) for text in value) or ((),)
    if isinstance(value, str):
        return (parse_inline(value, bold=bold, italic=italic),) if value else ((),)
    return ((Run(vn_number(value), bold, italic),),)


def _totals(
    placed: list[list[tuple[int, int, Cell]]], rows: tuple[Row, ...], header: int
) -> dict[tuple[int, int], Decimal]:
    """Return the value of every ``{tinh: tong}`` cell, by (row, column).

    A ``tong`` row sums every data row of the table; a ``tong_phu`` row the data rows
    since the last group or subtotal row; a ``nhom`` row the data rows after it, up to
    the next group, subtotal or total row.
    """
    numbers = [
        _row_numbers(row_cells) if index >= header and rows[index].kieu is None else {}
        for index, row_cells in enumerate(placed)
    ]

    def add(indexes: range, col: int) -> Decimal:
        total = Decimal(0)
        for i in indexes:
            total += numbers[i].get(col, Decimal(0))
        return total

    out: dict[tuple[int, int], Decimal] = {}
    last_break = header
    for index in range(header, len(placed)):
        kind = rows[index].kieu
        if kind is None:
            continue
        end = index + 1
        while end < len(placed) and rows[end].kieu is None:
            end += 1
        for _, col, cell in placed[index]:
            if cell.tinh is None:
                continue
            if kind == "tong":
                out[(index, col)] = add(range(header, len(placed)), col)
            elif kind == "tong_phu":
                out[(index, col)] = add(range(last_break, index), col)
            else:
                out[(index, col)] = add(range(index + 1, end), col)
        if kind in ("nhom", "tong_phu"):
            last_break = index + 1
    return out


def _row_numbers(row_cells: list[tuple[int, int, Cell]]) -> dict[int, Decimal]:
    """Return the numbers of a data row, by column."""
    return {
        col: Decimal(str(cell.o))
        for _, col, cell in row_cells
        if isinstance(cell.o, int | float | Decimal) and not isinstance(cell.o, bool)
    }
