"""Load the communes' results of a period (CSV or XLSX): one row per commune.

Columns: "Mã xã" (required), "Tên xã" (optional, checked against the roster), one
column per target of the programme headed by the target's id ("THON", "BIEN-CHE";
a unit after it, "THON (thôn)", is allowed), and "Ghi chú". A cell holds the achieved
figure ("12", "85,5") or a status ("hoàn thành", "đang thực hiện", "chưa thực hiện").
Every problem names the file, the row as Excel numbers it and the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from pipeline.errors import InputError, Problem
from pipeline.loading.detail import DETAILS_HINT, showing_details
from pipeline.loading.spreadsheet import Row, header_key, read_table
from pipeline.loading.tabular import Roster
from pipeline.models.execution import (
    STATUSES,
    Achievement,
    CommuneResult,
    CommuneResults,
    parse_achievement,
)
from pipeline.models.roster import Column, Commune

#: Fixed columns of a results file, by field (target columns are added per programme).
FIXED_COLUMNS: dict[str, Column] = {
    "ma": Column("Mã xã", ("mã", "mã đơn vị", "mã đvhc", "code")),
    "ten": Column("Tên xã", ("tên", "xã", "tên đơn vị", "đơn vị", "xã, phường")),
    "ghi_chu": Column("Ghi chú", ("ghi chú, kiến nghị",)),
}
_TARGET = "chi_tieu:"


def results_columns(
    target_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> dict[str, Column]:
    """Return the columns a results file may have for a programme's ``target_ids``: a
    target's column is headed by its Vietnamese short name (``names``, the report's
    ``ten_ngan``) or by its id; both are accepted."""
    columns = dict(FIXED_COLUMNS)
    for ident in target_ids:
        name = (names or {}).get(ident)
        columns[_TARGET + ident] = Column(name, (ident,)) if name else Column(ident)
    return columns


#: From this many empty cells in one column on, they are one problem, not one per row.
MANY_EMPTY = 3


def load_commune_results(
    path: Path,
    target_ids: Sequence[str],
    roster: Roster,
    names: Mapping[str, str] | None = None,
) -> CommuneResults:
    """Read and validate the communes' results at ``path`` against ``roster``.

    Raises:
        InputError: every problem at once: an unknown column (a target id the
            programme lacks), a commune not in the roster or given twice, a name
            that does not match the code, an empty or non-numeric cell, a commune of
            the roster without a row.
    """
    columns = results_columns(target_ids, names)
    table = read_table(path, columns, required=("ma",), ignored=("STT", "TT"))
    targets = tuple(f.removeprefix(_TARGET) for f in table.headers if f.startswith(_TARGET))
    reader = _RowReader(table.source, table.headers, roster, targets)
    if table.sheet is not None:  # a workbook: problems name the sheet and cell
        reader.cells = (table.sheet, {table.headers[f]: c for f, c in table.letters.items()})
    rows = [result for row in table.rows if (result := reader.read(row)) is not None]
    reader.report_empty()
    reader.check_complete()
    if reader.problems:
        raise InputError(reader.problems)
    order = {commune.ma: index for index, commune in enumerate(roster)}
    rows.sort(key=lambda r: order[r.code])
    return CommuneResults(table.source, targets, tuple(rows))


class _RowReader:
    def __init__(
        self, source: str, headers: dict[str, str], roster: Roster, targets: tuple[str, ...]
    ) -> None:
        self.source = source
        self.headers = headers
        self.roster = roster
        self.communes = {c.ma: c for c in roster}
        self.targets = targets
        self.seen: dict[str, int] = {}
        self.problems: list[Problem] = []
        #: Empty result cells by target: (row, commune) — reported by report_empty.
        self.empty: dict[str, list[tuple[int, Commune]]] = {}

    def label(self, field: str) -> str:
        return self.headers.get(field) or FIXED_COLUMNS[field].header

    #: A workbook's sheet and the column letter of each header (None: a CSV).
    cells: tuple[str, dict[str, str]] | None = None

    def place(self, number: int, header: str, last: int | None = None) -> str:
        """Return where a cell is: "Kết quả!C5" in a workbook, "hàng 5" in a CSV."""
        letter = self.cells[1].get(header) if self.cells is not None else None
        if self.cells is None or letter is None:
            return f"hàng {number}" if last is None else f"hàng {number}–{last}"
        first = f"{self.cells[0]}!{letter}{number}"
        return first if last is None else f"{first}:{letter}{last}"

    def problem(self, number: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.place(number, field), field, message))

    def read(self, row: Row) -> CommuneResult | None:
        self.problems.extend(row.problems)
        commune = self._commune(row)
        if commune is None:
            return None
        values: dict[str, Achievement] = {}
        for ident in self.targets:
            value = self._value(row, ident, commune)
            if value is not None:
                values[ident] = value
        note = row.values.get("ghi_chu")
        return CommuneResult(commune.ma, row.number, values, str(note) if note else None)

    def _commune(self, row: Row) -> Commune | None:
        raw = row.values.get("ma")
        code = str(raw).strip() if raw is not None else ""
        if not code:
            self.problem(row.number, self.label("ma"), "Ô mã xã đang trống: ghi mã của xã.")
            return None
        commune = self.communes.get(code) or self._unpadded(code)
        if commune is None:
            self.problem(
                row.number,
                self.label("ma"),
                f"Mã xã “{code}” không có trong danh sách xã {Path(self.roster.source).name}: "
                "sửa mã cho đúng, hoặc thêm xã đó vào danh sách xã.",
            )
            return None
        if commune.ma in self.seen:
            self.problem(
                row.number,
                self.label("ma"),
                f"{commune.full_name.capitalize()} (mã {commune.ma}) đã có ở hàng "
                f"{self.seen[commune.ma]}: mỗi xã một hàng. Xóa một trong hai hàng.",
            )
            return None
        self.seen[commune.ma] = row.number
        name = row.values.get("ten")
        if name is not None and not _same_name(str(name), commune):
            self.problem(
                row.number,
                self.label("ten"),
                f"Tên “{name}” không khớp với mã {commune.ma}, là {commune.full_name} trong "
                "danh sách xã: sửa mã hoặc tên.",
            )
        return commune

    def _unpadded(self, code: str) -> Commune | None:
        """A spreadsheet may store 05449 as the number 5449: match it by value."""
        if not code.isdigit():
            return None
        matches = [c for c in self.communes.values() if c.ma.isdigit() and int(c.ma) == int(code)]
        return matches[0] if len(matches) == 1 else None

    def _value(self, row: Row, ident: str, commune: Commune) -> Achievement | None:
        field = _TARGET + ident
        raw: Any = row.values.get(field)
        header = self.headers.get(field, ident)
        if raw is None:
            self.empty.setdefault(ident, []).append((row.number, commune))
            return None
        try:
            return parse_achievement(raw)
        except PydanticCustomError as exc:
            self.problem(row.number, header, exc.message())
            return None

    def report_empty(self) -> None:
        """Report empty result cells: one problem for a sheet left unfilled, one per
        column with many empty cells, one per cell otherwise."""
        how = f"ghi số đạt được, hoặc một tình trạng ({', '.join(STATUSES)})"
        total = sum(len(cells) for cells in self.empty.values())
        details = showing_details()
        filled_any = len(self.seen) * len(self.targets) > total
        if total and not filled_any and len(self.targets) > 1 and not details:
            headers = ", ".join(f"“{self.headers.get(_TARGET + t, t)}”" for t in self.targets)
            self.problems.append(
                Problem(
                    self.source,
                    self.cells[0] if self.cells is not None else "",
                    "",
                    f"Bảng kết quả chưa điền: chưa điền {total} ô của {len(self.targets)} cột "
                    f"{headers} ({len(self.seen)} xã). Điền kết quả của từng xã: {how}."
                    f"{DETAILS_HINT}",
                )
            )
            return
        for ident, cells in self.empty.items():
            header = self.headers.get(_TARGET + ident, ident)
            if len(cells) >= MANY_EMPTY and not details:
                rows = self.place(cells[0][0], header, cells[-1][0])
                self.problems.append(
                    Problem(
                        self.source,
                        rows,
                        header,
                        f"Chưa điền {len(cells)} ô của cột {header}: {how}.{DETAILS_HINT}",
                    )
                )
                continue
            for number, commune in cells:
                self.problem(
                    number,
                    header,
                    f"Chưa điền kết quả chỉ tiêu “{ident}” của {commune.full_name}: {how}.",
                )

    def check_complete(self) -> None:
        for commune in self.communes.values():
            if commune.ma not in self.seen:
                self.problems.append(
                    Problem(
                        self.source,
                        "",
                        self.label("ma"),
                        f"Chưa có hàng của {commune.full_name} (mã {commune.ma}) trong danh "
                        "sách xã: thêm một hàng cho xã này.",
                    )
                )


def _same_name(written: str, commune: Commune) -> bool:
    key = header_key(written)
    return key in {header_key(commune.ten), header_key(commune.full_name)}


__all__ = [
    "FIXED_COLUMNS",
    "CommuneResult",
    "CommuneResults",
    "load_commune_results",
    "results_columns",
]
