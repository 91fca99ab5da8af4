"""Load a commune roster (CSV or XLSX): one validated :class:`Commune` per row.

Every bad row is kept with its problems (file, row as Excel numbers it, column header
as the user wrote it, what to do), so that a batch fails only that commune. A code
used twice fails its later rows, naming the row that holds it first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pipeline.errors import InputError, Problem
from pipeline.loading.recover import recover_cells
from pipeline.loading.spreadsheet import Row, read_table
from pipeline.models.roster import COLUMNS, IGNORED_COLUMNS, REQUIRED_COLUMNS, Commune


@dataclass(frozen=True)
class RosterRow:
    """One roster row: its number, its commune (None when the row is bad), its problems."""

    number: int
    values: dict[str, Any]
    commune: Commune | None
    problems: tuple[Problem, ...] = ()

    @property
    def code(self) -> str:
        """Return the code written in the row ("" when the cell is empty)."""
        return str(self.values.get("ma", "")).strip()

    @property
    def name(self) -> str:
        """Return the commune's name as best known ("xã Phú Đình", or the raw cell)."""
        if self.commune is not None:
            return self.commune.full_name
        return " ".join(str(self.values.get(k, "")) for k in ("loai", "ten")).strip()


@dataclass(frozen=True)
class Roster:
    """A loaded roster; iterating it yields the communes of its good rows, in order.

    ``warnings``: what was read past or recovered (an unknown column, a code typed as a
    number whose leading zeros were restored, a date typed as a number), by cell.
    """

    source: str
    headers: dict[str, str]
    rows: tuple[RosterRow, ...]
    warnings: tuple[Problem, ...] = ()

    def __iter__(self) -> Iterator[Commune]:
        return (row.commune for row in self.rows if row.commune is not None)

    def __len__(self) -> int:
        return sum(1 for row in self.rows if row.commune is not None)

    @property
    def problems(self) -> list[Problem]:
        """Return the problems of every bad row, in row order."""
        return [p for row in self.rows for p in row.problems]

    def label(self, field: str) -> str:
        """Return the header of ``field`` as the file writes it (or the documented one)."""
        return self.headers.get(field) or COLUMNS[field].header


def load_roster(path: Path, *, sheet: str | None = None, strict: bool = True) -> Roster:
    """Read and validate the commune roster at ``path`` (CSV UTF-8 with/without BOM, XLSX).

    With ``strict`` (the default), a bad row is an error of the whole file; otherwise
    bad rows are returned with their problems and the good ones are usable.

    Raises:
        InputError: the file cannot be read or its header row is wrong; with
            ``strict``, also the problems of every bad row at once.
    """
    table = read_table(
        path,
        COLUMNS,
        required=REQUIRED_COLUMNS,
        ignored=IGNORED_COLUMNS,
        sheet=sheet,
        unknown_ok=True,
    )
    rows, recovered = recover_cells(table)
    roster = Roster(
        table.source,
        table.headers,
        _validate_rows(table.source, table.headers, rows),
        (*table.warnings, *recovered),
    )
    if strict and roster.problems:
        raise InputError(roster.problems)
    return roster


def _validate_rows(
    source: str, headers: dict[str, str], rows: Sequence[Row]
) -> tuple[RosterRow, ...]:
    first_row: dict[str, int] = {}
    out = []
    for row in rows:
        problems = list(row.problems)
        commune = None
        try:
            commune = Commune.model_validate(row.values)
        except ValidationError as exc:
            flagged = {p.field for p in problems}
            for error in exc.errors():
                problem = _row_problem(source, row.number, headers, error)
                if problem.field not in flagged:
                    problems.append(problem)
        code = commune.ma if commune is not None else str(row.values.get("ma", "")).strip()
        if code and code in first_row:
            problems.append(
                Problem(
                    source,
                    f"hàng {row.number}",
                    _label(headers, "ma"),
                    f"Mã “{code}” trùng với mã ở hàng {first_row[code]}: mỗi xã một mã "
                    "riêng. Sửa mã của một trong hai hàng.",
                )
            )
        elif code:
            first_row[code] = row.number
        good = commune if not problems else None
        out.append(RosterRow(row.number, row.values, good, tuple(problems)))
    return tuple(out)


def _label(headers: dict[str, str], field: str) -> str:
    return headers.get(field) or COLUMNS[field].header


def _row_problem(source: str, number: int, headers: dict[str, str], error: ErrorDetails) -> Problem:
    loc = tuple(error["loc"])
    field = str(loc[0]) if loc else ""
    label = _label(headers, field) if field in COLUMNS else field
    return Problem(source, f"hàng {number}", label, _message(error, label))


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


_MESSAGES: dict[str, str] = {
    "int_type": "“{value}” không phải số nguyên: chỉ ghi chữ số (ví dụ 12).",
    "int_parsing": "“{value}” không phải số nguyên: chỉ ghi chữ số (ví dụ 12).",
    "int_from_float": "“{value}” không phải số nguyên: chỉ ghi chữ số (ví dụ 12).",
    "decimal_type": "“{value}” không phải là số (ví dụ 85,5).",
    "decimal_parsing": "“{value}” không phải là số (ví dụ 85,5).",
    "date_type": "“{value}” không phải là ngày: viết dạng ngày/tháng/năm, ví dụ 30/06/2026.",
    "date_parsing": "“{value}” không phải là ngày: viết dạng ngày/tháng/năm, ví dụ 30/06/2026.",
    "string_type": "Ô này phải là chữ, không phải “{value}”.",
}


def _message(error: ErrorDetails, label: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"Ô “{label}” đang trống: điền vào (cột này bắt buộc)."
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(value=_shown(error.get("input")))
    # Our own validators already word their message in Vietnamese.
    return error["msg"].removeprefix("Value error, ")
