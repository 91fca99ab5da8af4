"""Issue 15, item 3: Excel rosters read as the person sees them, and every change said.

The sheet the workbook opens on (hidden sheets never read unless named, and named in
messages); a code typed as a number zero-padded to the roster's code length with a
warning naming the cell; a date shown as a number read with a warning, a text date
read or refused in Vietnamese; an unknown extra column a warning, not a stop.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.errors import InputError
from pipeline.loading.tabular import load_roster
from tests.batch_helpers import example_rows

HEADER = example_rows()[0]


def _rows(count: int = 3) -> list[list[object]]:
    return [list(row) for row in example_rows()[1 : 1 + count]]


def _workbook(path: Path, sheets: list[tuple[str, list[list[object]], str]], active: int) -> Path:
    """Write ``sheets`` (title, rows, state) with the workbook opening on ``active``."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    book.active = active
    book.save(path)
    return path


def test_a_code_typed_as_a_number_is_zero_padded_with_a_warning_naming_the_cell(
    tmp_path: Path,
) -> None:
    rows = _rows()
    rows[1][0] = 4378  # was "04378"; Excel dropped the zero
    path = _workbook(tmp_path / "xa.xlsx", [("DanhSach", [HEADER, *rows], "visible")], 0)

    roster = load_roster(path)

    assert [c.ma for c in roster] == [rows[0][0], "04378", rows[2][0]]
    (warning,) = [w for w in roster.warnings if "số 0" in w.message]
    assert warning.location == "ô A3" and warning.field == "Mã xã"
    assert "4378 → 04378" in warning.message


def test_an_unknown_extra_column_is_a_warning_naming_it_not_a_stop(tmp_path: Path) -> None:
    rows = [[*row, "0912 345 678"] for row in _rows()]
    path = _workbook(
        tmp_path / "xa.xlsx", [("DanhSach", [[*HEADER, "Số điện thoại"], *rows], "visible")], 0
    )

    roster = load_roster(path)

    assert len(roster) == 3
    (warning,) = [w for w in roster.warnings if "Số điện thoại" in w.message]
    assert warning.field == "Số điện thoại" and "bỏ qua" in warning.message
    assert warning.location == f"hàng 1, cột {chr(ord('A') + len(HEADER))}"


def test_a_misspelt_known_column_still_stops_the_read(tmp_path: Path) -> None:
    header = ["Tên xaa" if h == "Tên xã" else h for h in HEADER]
    path = _workbook(tmp_path / "xa.xlsx", [("DanhSach", [header, *_rows()], "visible")], 0)
    with pytest.raises(InputError, match="Có phải ý bạn là “Tên xã”"):
        load_roster(path)


def test_a_date_shown_as_a_number_is_read_with_a_warning_and_a_wrong_one_refused_in_vietnamese(
    tmp_path: Path,
) -> None:
    rows = _rows()
    day = HEADER.index("Ngày ban hành")
    rows[0][day] = (date(2026, 6, 19) - date(1899, 12, 30)).days  # 46192, a General cell
    rows[1][day] = "19.06.2026x"
    path = _workbook(tmp_path / "xa.xlsx", [("DanhSach", [HEADER, *rows], "visible")], 0)

    roster = load_roster(path, strict=False)

    assert roster.rows[0].commune is not None
    assert roster.rows[0].commune.ngay == date(2026, 6, 19)
    (warning,) = [w for w in roster.warnings if "Ngày" in w.message]
    assert warning.location == f"ô {chr(ord('A') + day)}2"
    (problem,) = roster.rows[1].problems
    assert problem.field == "Ngày ban hành" and "ngày/tháng/năm" in problem.message
    assert "datetime" not in problem.message.lower() and "should" not in problem.message


def test_a_small_number_in_a_date_column_is_refused_in_vietnamese(tmp_path: Path) -> None:
    rows = _rows()
    rows[0][HEADER.index("Ngày ban hành")] = 12
    path = _workbook(tmp_path / "xa.xlsx", [("DanhSach", [HEADER, *rows], "visible")], 0)
    (problem,) = load_roster(path, strict=False).rows[0].problems
    assert "là một số, không phải ngày" in problem.message


def test_the_sheet_the_workbook_opens_on_is_read_and_hidden_sheets_are_named(
    tmp_path: Path,
) -> None:
    old = [["Ghi chú cũ"], ["không phải danh sách"]]
    path = _workbook(
        tmp_path / "xa.xlsx",
        [
            ("Cu", old, "hidden"),
            ("Nhap", [["x"]], "visible"),
            ("DanhSach", [HEADER, *_rows()], "visible"),
        ],
        2,
    )

    roster = load_roster(path)

    assert len(roster) == 3
    (warning,) = roster.warnings
    assert "đọc trang “DanhSach”" in warning.message and "trang ẩn “Cu”" in warning.message


def test_a_wrong_header_names_the_hidden_sheets_where_the_roster_may_be(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "xa.xlsx",
        [("DanhSach", [HEADER, *_rows()], "hidden"), ("Bia", [["DANH SÁCH XÃ"]], "visible")],
        1,
    )
    with pytest.raises(InputError) as caught:
        load_roster(path)
    assert "trang tính ẩn “DanhSach”" in str(caught.value) and "trang_tinh" in str(caught.value)
    assert len(load_roster(path, sheet="DanhSach")) == 3  # named: read, hidden or not
