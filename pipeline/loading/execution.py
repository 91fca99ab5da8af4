"""Load the communes' results of a period (CSV or XLSX): one row per commune.

Columns: "Mã xã" (required), "Tên xã" (optional, checked against the roster), one
column per target of the programme headed by the target's id ("THON", "BIEN-CHE";
a unit after it, "THON (thôn)", is allowed), and "Ghi chú". A cell holds the achieved
figure ("12", "85,5") or a status ("hoàn thành", "đang thực hiện", "chưa thực hiện").
Every problem names the file, the row as Excel numbers it and the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from pipeline.errors import InputError, Problem
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


def results_columns(target_ids: Sequence[str]) -> dict[str, Column]:
    """Return the columns a results file may have for a programme's ``target_ids``."""
    columns = dict(FIXED_COLUMNS)
    for ident in target_ids:
        columns[_TARGET + ident] = Column(ident)
    return columns


def load_commune_results(path: Path, target_ids: Sequence[str], roster: Roster) -> CommuneResults:
    """Read and validate the communes' results at ``path`` against ``roster``.

    Raises:
        InputError: every problem at once: an unknown column (a target id the
            programme lacks), a commune not in the roster or given twice, a name
            that does not match the code, an empty or non-numeric cell, a commune of
            the roster without a row.
    """
    columns = results_columns(target_ids)
    table = read_table(path, columns, required=("ma",), ignored=("STT", "TT"))
    targets = tuple(f.removeprefix(_TARGET) for f in table.headers if f.startswith(_TARGET))
    reader = _RowReader(table.source, table.headers, roster, targets)
    rows = [result for row in table.rows if (result := reader.read(row)) is not None]
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

    def label(self, field: str) -> str:
        return self.headers.get(field) or FIXED_COLUMNS[field].header

    def problem(self, number: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.source, f"hàng {number}", field, message))

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
            self.problem(
                row.number,
                header,
                f"Chưa điền kết quả chỉ tiêu “{ident}” của {commune.full_name}: ghi số đạt "
                f"được, hoặc một tình trạng ({', '.join(STATUSES)}).",
            )
            return None
        try:
            return parse_achievement(raw)
        except PydanticCustomError as exc:
            self.problem(row.number, header, exc.message())
            return None

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
