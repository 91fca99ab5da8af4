"""Footnotes: number every ``^[…]`` of a document in reading order.

The body, the tables' cells and the appendices are walked once; each footnote run
gets its id (1, 2, …) and its text becomes one entry of ``word/footnotes.xml``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pipeline.context.inline import Run, parse_inline
from pipeline.context.tables import GridRow, GridTable


@dataclass(frozen=True, slots=True)
class Footnote:
    """One footnote: its id (the reference's ``w:id``) and its text as runs."""

    id: int
    runs: tuple[Run, ...]


class FootnoteNumbers:
    """Gives each footnote of a document the next id, keeping their texts."""

    def __init__(self) -> None:
        self.notes: list[Footnote] = []

    def runs(self, runs: tuple[Run, ...]) -> tuple[Run, ...]:
        """Return ``runs`` with every footnote numbered (unchanged if it has none)."""
        if not any(run.note for run in runs):
            return runs
        out = []
        for run in runs:
            if run.note and not run.ref:
                number = len(self.notes) + 1
                self.notes.append(Footnote(number, parse_inline(run.note)))
                out.append(replace(run, ref=number))
            else:
                out.append(run)
        return tuple(out)

    def table(self, table: GridTable) -> GridTable:
        """Return ``table`` with the footnotes of its cells numbered."""
        rows = []
        for row in table.luoi:
            cells = tuple(
                replace(cell, paragraphs=tuple(self.runs(p) for p in cell.paragraphs))
                for cell in row.cells
            )
            rows.append(GridRow(cells, row.header))
        return replace(table, luoi=tuple(rows))

    def line(self, line: Any) -> Any:
        """Return a body line (``runs`` and maybe ``bang``) with its footnotes numbered."""
        runs = self.runs(line.runs)
        table = line.bang
        if isinstance(table, GridTable):
            table = self.table(table)
        if runs is line.runs and table is line.bang:
            return line
        return replace(line, runs=runs, bang=table)
