"""The commune roster: CSV (with or without BOM) and XLSX, headers, rows, every bad cell."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pipeline.errors import InputError
from pipeline.loading.spreadsheet import header_key
from pipeline.loading.tabular import load_roster
from pipeline.models.roster import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "examples" / "xa-thai-nguyen.csv"

HEADER = ["Mã xã", "Tên xã", "Loại", "Bí thư", "Số thôn trước sắp xếp", "Số thôn sau sắp xếp"]


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False, sep: str = ",") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_example_roster_has_forty_communes_or_more_all_valid() -> None:
    roster = load_roster(EXAMPLE)
    assert len(roster) >= 40
    assert not roster.problems
    assert len({c.ma for c in roster}) == len(roster)


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_csv_with_or_without_bom_reads_the_first_header(tmp_path: Path, bom: bool) -> None:
    path = write_csv(
        tmp_path / "xa.csv",
        [HEADER, ["04378", "Phú Đình", "xã", "Nguyễn Văn Thành", "17", "11"]],
        bom=bom,
    )
    (commune,) = load_roster(path)
    assert (commune.ma, commune.ten, commune.loai) == ("04378", "Phú Đình", "xã")
    assert (commune.thon_truoc, commune.thon_sau) == (17, 11)


def test_semicolon_separated_csv_from_a_vietnamese_excel(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "xa.csv",
        [["Mã xã", "Tên xã", "Loại", "Tỷ lệ hồ sơ trực tuyến (%)"], ["1", "A", "xã", "85,5"]],
        sep=";",
    )
    (commune,) = load_roster(path)
    assert commune.ty_le_truc_tuyen == Decimal("85.5")


def test_decomposed_vietnamese_becomes_nfc_in_headers_and_cells(tmp_path: Path) -> None:
    nfd = [unicodedata.normalize("NFD", cell) for cell in HEADER]
    row = [unicodedata.normalize("NFD", c) for c in ["1", "Phượng Tiến", "Xã", "Lường Thị Hoa"]]
    path = write_csv(tmp_path / "xa.csv", [nfd, [*row, "9", "6"]])
    (commune,) = load_roster(path)
    assert commune.ten == "Phượng Tiến" == unicodedata.normalize("NFC", commune.ten)
    assert commune.bi_thu == "Lường Thị Hoa"
    assert commune.loai == "xã"


def test_headers_without_diacritics_or_in_snake_case_are_accepted(tmp_path: Path) -> None:
    header = ["ma xa", "TEN_XA", "loai", "Bi thu", "so thon truoc", "Thôn sau"]
    path = write_csv(tmp_path / "xa.csv", [header, ["1", "Quy Kỳ", "xã", "Ma Văn Sơn", "9", "6"]])
    roster = load_roster(path)
    assert roster.headers["ten"] == "TEN_XA"
    assert [c.bi_thu for c in roster] == ["Ma Văn Sơn"]


def test_xlsx_reads_numbers_dates_percent_cells_and_numeric_names(tmp_path: Path) -> None:
    path = tmp_path / "xa.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã xã", "Tên xã", "Loại", "Hạn hoàn thành", "Tỷ lệ hồ sơ trực tuyến (%)"])
    sheet.append([4378, 3, "phường", date(2026, 12, 31), 0.855])
    sheet["E2"].number_format = "0.0%"
    book.save(path)
    (commune,) = load_roster(path)
    assert (commune.ma, commune.ten, commune.loai) == ("4378", "3", "phường")
    assert commune.han_hoan_thanh == date(2026, 12, 31)
    assert commune.ty_le_truc_tuyen == Decimal("85.5")


def test_xlsx_twin_of_the_example_gives_the_same_communes() -> None:
    # The twin stores figures as numbers and dates as Excel dates, as a secretariat types.
    twin = load_roster(EXAMPLE.with_suffix(".xlsx"))
    assert list(twin) == list(load_roster(EXAMPLE))
    assert [row.number for row in twin.rows] == list(range(2, len(twin) + 2))


def test_formula_without_cached_value_is_an_error_never_zero(tmp_path: Path) -> None:
    # openpyxl writes formulas without a computed value, like many generators do.
    path = write_xlsx(
        tmp_path / "xa.xlsx",
        [HEADER, ["1", "A", "xã", "B", 12, 8], ["2", "C", "xã", "D", "=E2+1", 8]],
    )
    roster = load_roster(path, strict=False)
    good, bad = roster.rows
    assert good.commune is not None and good.commune.thon_truoc == 12
    assert bad.commune is None
    (problem,) = bad.problems
    assert (problem.location, problem.field) == ("hàng 3", "Số thôn trước sắp xếp")
    assert "E3" in problem.message and "=E2+1" in problem.message
    assert "không coi ô này là 0" in problem.message


def _with_cached_error(path: Path) -> None:
    """Rewrite cell E2 of the first sheet as Excel stores a #DIV/0! result."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="E2"[^>]*>.*?</c>', '<c r="E2" t="e"><v>#DIV/0!</v></c>', sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_cell_holding_an_excel_error_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "xa.xlsx", [HEADER, ["1", "A", "xã", "B", 0, 8]])
    _with_cached_error(path)
    (row,) = load_roster(path, strict=False).rows
    assert row.commune is None
    assert "#DIV/0!" in row.problems[0].message


BAD_ROWS = [
    (["1", "", "xã", "B", "9", "6"], "Tên xã", "đang trống"),
    (["1", "A", "xã", "B", "mười", "6"], "Số thôn trước sắp xếp", "không phải số nguyên"),
    (["1", "A", "xã", "B", "1.234", "6"], "Số thôn trước sắp xếp", "không có dấu chấm"),
    (["1", "A", "xã", "B", "12,5", "6"], "Số thôn trước sắp xếp", "không phải số nguyên"),
    (["1", "A", "huyện", "B", "9", "6"], "Loại", "cấp huyện không còn"),
    (["1", "A", "xã", "B", "6", "9"], "Số thôn sau sắp xếp", "lớn hơn số thôn trước"),
    (["1 2", "A", "xã", "B", "9", "6"], "Mã xã", "không có dấu cách"),
    (["", "A", "xã", "B", "9", "6"], "Mã xã", "đang trống"),
]


@pytest.mark.parametrize(("cells", "column", "words"), BAD_ROWS)
def test_each_bad_cell_names_its_row_column_and_fix(
    tmp_path: Path, cells: list[str], column: str, words: str
) -> None:
    good = ["7", "Tân Lập", "xã", "Lê Văn Hùng", "9", "6"]
    path = write_csv(tmp_path / "xa.csv", [HEADER, good, cells])
    roster = load_roster(path, strict=False)
    assert [c.ma for c in roster] == ["7"]
    (problem,) = roster.rows[1].problems
    assert (problem.source, problem.location, problem.field) == (str(path), "hàng 3", column)
    assert words in problem.message


def test_duplicate_code_fails_the_later_row_and_names_the_first(tmp_path: Path) -> None:
    rows = [HEADER, ["5", "A", "xã", "B", "9", "6"], ["6", "C", "xã", "D", "9", "6"]]
    path = write_csv(tmp_path / "xa.csv", [*rows, ["5", "E", "phường", "F", "9", "6"]])
    roster = load_roster(path, strict=False)
    assert [c.ten for c in roster] == ["A", "C"]
    (problem,) = roster.rows[2].problems
    assert (problem.location, problem.field) == ("hàng 4", "Mã xã")
    assert "trùng với mã ở hàng 2" in problem.message


def test_strict_loading_reports_every_bad_row_at_once(tmp_path: Path) -> None:
    rows = [HEADER, ["1", "", "xã", "B", "9", "6"], ["2", "A", "xã", "B", "x", "6"]]
    with pytest.raises(InputError) as caught:
        load_roster(write_csv(tmp_path / "xa.csv", rows))
    assert [p.location for p in caught.value.problems] == ["hàng 2", "hàng 3"]


def test_row_numbers_are_excel_rows_with_blank_and_multiline_rows(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["1", "A", "xã", "Nguyễn\nVăn A", "9", "6"],  # one row in Excel, two lines in the file
        ["", "", "", "", "", ""],  # blank rows are read past
        ["2", "B", "xã", "C", "chín", "6"],
    ]
    roster = load_roster(write_csv(tmp_path / "xa.csv", rows), strict=False)
    assert [row.number for row in roster.rows] == [2, 4]
    assert roster.rows[1].problems[0].location == "hàng 4"


def test_unknown_header_is_an_error_of_the_file_with_a_suggestion(tmp_path: Path) -> None:
    header = ["Mã xã", "Tên xã", "Loại", "Bien chee duoc giao"]
    with pytest.raises(InputError) as caught:
        load_roster(write_csv(tmp_path / "xa.csv", [header, ["1", "A", "xã", "20"]]))
    (problem,) = caught.value.problems
    assert (problem.location, problem.field) == ("hàng 1, cột D", "Bien chee duoc giao")
    assert "Biên chế được giao" in problem.message


def test_missing_and_repeated_columns_are_errors_of_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_roster(write_csv(tmp_path / "a.csv", [["Tên xã", "Ten", "STT"], ["A", "B", "1"]]))
    messages = " ".join(p.message for p in caught.value.problems)
    assert "trùng với cột" in messages
    assert "Thiếu cột “Mã xã”, “Loại”" in messages


def test_data_under_a_column_without_header_is_an_error_of_its_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "xa.csv", [["Mã xã", "Tên xã", "Loại"], ["1", "A", "xã", "?"]])
    (row,) = load_roster(path, strict=False).rows
    assert row.problems[0].field == "cột D"


def test_non_utf8_csv_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "xa.csv"
    path.write_bytes("Mã xã,Tên xã,Loai\n1,Phú,xã\n".encode("cp1252"))  # an "ANSI" export
    with pytest.raises(InputError, match="CSV UTF-8"):
        load_roster(path)


def test_every_documented_header_is_recognised() -> None:
    keys = {header_key(column.header) for column in COLUMNS.values()}
    assert len(keys) == len(COLUMNS)


# Vietnamese letters, composed or not, with spaces and punctuation a name may carry.
_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
_NAMES = st.text(alphabet=_LETTERS + _LETTERS.upper() + " -,'\"", min_size=1, max_size=30).filter(
    lambda s: s.strip(" ")
)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_NAMES, min_size=1, max_size=8), nfd=st.booleans(), bom=st.booleans())
def test_any_names_round_trip_through_csv(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], nfd: bool, bom: bool
) -> None:
    rows = [["Mã xã", "Tên xã", "Loại"]]
    for index, name in enumerate(names):
        rows.append([str(index), unicodedata.normalize("NFD" if nfd else "NFC", name), "xã"])
    path = write_csv(tmp_path_factory.mktemp("csv") / "xa.csv", rows, bom=bom)
    read = [c.ten for c in load_roster(path)]
    assert read == [" ".join(unicodedata.normalize("NFC", n).split()) for n in names]
