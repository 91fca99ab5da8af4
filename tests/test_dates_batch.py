"""A month-first spreadsheet in a batch: a plan due before it is issued fails its commune,
naming the row, the column and the likely cause; the other communes are made."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from pipeline import api
from tests.batch_helpers import DEADLINE, SPEC, example_rows, make_batch


def test_a_deadline_misread_month_first_fails_only_its_commune(tmp_path: Path) -> None:
    folder = tmp_path / "dot"
    make_batch(folder)
    rows = example_rows()[:4]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value).number_format = "@"
    # The clerk typed 01/07/2026 (1 July) for the second commune; a Calc set to
    # English (US) stored 7 January, before the plan's date.
    sheet.cell(row=3, column=DEADLINE + 1, value=datetime(2026, 1, 7)).number_format = "dd/mm/yyyy"
    book.save(folder / "xa.xlsx")
    spec = folder / SPEC
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("xa-thai-nguyen.csv", "xa.xlsx"), encoding="utf-8"
    )
    report = api.build_batch(spec, tmp_path / "build", lists=False)
    assert report.rendered == 2
    [failure] = report.failures
    assert failure.row == 3
    [problem] = failure.problems
    assert (problem.location, problem.field) == ("hàng 3", "Hạn hoàn thành, Ngày ban hành")
    assert "07/01/2026 sớm hơn ngày ban hành" in problem.message
    assert "“01/07/2026”" in problem.message and "tháng/ngày" in problem.message
