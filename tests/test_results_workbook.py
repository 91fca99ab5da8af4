"""A period's results kept as a workbook made by ``vanban workbook new ket-qua-xa``:
one row per commune, a column per target by its short name, codes as text; the period
builds the same reports as with the CSV; problems name the sheet and cell; an unfilled
sheet is one problem, every cell with ``validate --chi-tiet``."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.workbook.results import RESULTS_SHEET
from tests.conftest import INPUTS
from tests.workbook_helpers import fill_results

PERIOD = "periods/2026-H2"


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    shutil.copytree(INPUTS, tmp_path / "inputs")
    return tmp_path / "inputs"


def _new(inputs: Path) -> Path:
    folder = inputs / PERIOD
    target = folder / "ket-qua-xa.xlsx"
    result = CliRunner().invoke(
        main, ["workbook", "new", "ket-qua-xa", "--ky", str(folder), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    report = folder / "bao-cao.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("ket_qua_xa: ket-qua-xa.csv", "ket_qua_xa: ket-qua-xa.xlsx"))
    return target


def _fill_from_csv(inputs: Path, target: Path) -> None:
    fill_results(inputs / PERIOD / "ket-qua-xa.csv", target)


def _texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_workbook_has_a_row_per_commune_and_a_column_per_target(inputs: Path) -> None:
    target = _new(inputs)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == RESULTS_SHEET
    sheet = book[RESULTS_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Mã xã",
        "Tên xã",
        "Thôn giảm",
        "Trường sáp nhập",
        "Kiện toàn chi bộ",
        "Tinh giản",
        "Hồ sơ trực tuyến",
        "Ghi chú",
    ]  # PHONG-BAN is the province's own result: no column
    assert sheet.max_row == 1 + 43
    assert (sheet["A2"].value, sheet["A2"].number_format) == ("05449", "@")
    assert sheet["B2"].value == "Phú Đình"


def test_a_period_with_a_results_workbook_builds_the_same_reports(
    inputs: Path, tmp_path: Path
) -> None:
    csv_done = api.build_period(inputs / PERIOD, tmp_path / "csv")
    _fill_from_csv(inputs, _new(inputs))
    xlsx_done = api.build_period(inputs / PERIOD, tmp_path / "xlsx")
    assert [d.output.name for d in xlsx_done] == [d.output.name for d in csv_done]
    for from_csv, from_xlsx in zip(csv_done, xlsx_done, strict=True):
        assert _texts(from_xlsx.output) == _texts(from_csv.output)
    province = _texts(xlsx_done[0].output)
    assert any("Phú Đình" in text for text in _texts(xlsx_done[1].output))
    assert len(province) > 20


def test_a_wrong_cell_is_named_by_sheet_and_cell(inputs: Path) -> None:
    target = _new(inputs)
    _fill_from_csv(inputs, target)
    book = openpyxl.load_workbook(target)
    book[RESULTS_SHEET]["C5"] = "mười"
    book.save(target)
    with pytest.raises(InputError) as caught:
        api.validate_period(inputs / PERIOD)
    [problem] = [p for p in caught.value.problems if "mười" in p.message]
    assert (problem.location, problem.field) == (f"{RESULTS_SHEET}!C5", "Thôn giảm")


def test_an_unfilled_sheet_is_one_problem_and_chi_tiet_lists_every_cell(inputs: Path) -> None:
    folder = inputs / PERIOD
    _new(inputs)
    short = CliRunner().invoke(main, ["validate", str(folder)])
    assert short.exit_code == 2
    assert short.output.count("Bảng kết quả chưa điền: chưa điền 215 ô") == 1
    assert "vanban validate --chi-tiet" in short.output
    assert f"{RESULTS_SHEET}!C2" not in short.output
    full = CliRunner().invoke(main, ["validate", "--chi-tiet", str(folder)])
    assert full.exit_code == 2
    lines = [line for line in full.output.splitlines() if "Chưa điền kết quả chỉ tiêu" in line]
    assert len(lines) == 43 * 5
    assert any(f"{RESULTS_SHEET}!C2" in line and "Phú Đình" in line for line in lines)
    assert any(f"{RESULTS_SHEET}!G44" in line for line in lines)


def test_chi_tiet_lists_every_empty_cell_of_a_record_workbook(tmp_path: Path) -> None:
    from tests.workbook_helpers import typed_plan

    path = typed_plan(tmp_path / "thieu.xlsx")
    book = openpyxl.load_workbook(path)
    for r in range(2, 7):  # five targets, each with its code and no Nội dung
        book["Chỉ tiêu"].cell(row=r, column=1, value=f"00{r}")
    book.save(path)
    short = CliRunner().invoke(main, ["validate", str(path)])
    assert short.exit_code == 2
    assert "Chỉ tiêu!B2:B6" in short.output and "Chưa điền 5 ô" in short.output
    full = CliRunner().invoke(main, ["validate", "--chi-tiet", str(path)])
    cells = [f"Chỉ tiêu!B{r}" for r in range(2, 7)]
    assert all(f"{cell}:" in full.output or f"{cell} " in full.output for cell in cells), (
        full.output
    )
    assert "Chưa điền 5 ô" not in full.output
