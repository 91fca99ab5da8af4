"""``vanban period new``: a period rolled over from the last; valid once the achieved
values are filled; never overwrites an existing period."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.errors import InputError
from tests.conftest import INPUTS


@pytest.fixture
def periods(tmp_path: Path) -> Path:
    """A copy of the example periods (2026-H2 only) and the roster they use."""
    inputs = tmp_path / "inputs"
    (inputs / "periods").mkdir(parents=True)
    for name in ("2026-H2", "ke-hoach-45-tu.yaml", "noi-nhan-tinh-uy.yaml"):
        source = INPUTS / "periods" / name
        if source.is_dir():
            shutil.copytree(source, inputs / "periods" / name)
        else:
            shutil.copy(source, inputs / "periods" / name)
    shutil.copytree(INPUTS / "examples", inputs / "examples")
    return inputs / "periods"


def _fill_values(folder: Path) -> None:
    """Fill only the achieved values: the body's own, and every commune's cells."""
    record = folder / "bao-cao.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("    dat:\n", "    dat: 13\n"), encoding="utf-8"
    )
    path = folder / "ket-qua-xa.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    filled = [rows[0]] + [[*row[:2], "5", "2", "hoàn thành", "1", "86", ""] for row in rows[1:]]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(filled)


def test_new_period_carries_over_and_validates_after_only_values_are_filled(periods: Path) -> None:
    result = CliRunner().invoke(main, ["period", "new", "2027-H1", "--thu-muc", str(periods)])
    assert result.exit_code == 0, result.output
    folder = periods / "2027-H1"
    assert sorted(p.name for p in folder.iterdir()) == ["bao-cao.yaml", "ket-qua-xa.csv", "ky.yaml"]
    assert "ky_truoc: 2026-H2" in (folder / "ky.yaml").read_text(encoding="utf-8")
    record = (folder / "bao-cao.yaml").read_text(encoding="utf-8")
    # unfinished tasks carried over with their last status; done ones are not
    assert "id: TC-2\n    tinh_trang: đang thực hiện" in record
    assert "id: TC-4\n    tinh_trang: chưa thực hiện" in record
    assert "CD-1" not in record.split("nhiem_vu:")[1].split("lanh_dao")[0]
    for heading in ("# Ưu điểm\nuu_diem: []", "# Đề xuất, kiến nghị\nkien_nghi: []"):
        assert heading in record
    # Excel reads it as UTF-8 (a BOM) and the clerk sees Vietnamese headers.
    assert (folder / "ket-qua-xa.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with (folder / "ket-qua-xa.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "Mã xã",
        "Tên xã",
        "Thôn giảm",
        "Trường sáp nhập",
        "Kiện toàn chi bộ",
        "Tinh giản",
        "Hồ sơ trực tuyến",
        "Ghi chú",
    ]
    assert len(rows) == 44 and rows[1] == ["05449", "Phú Đình", "", "", "", "", "", ""]

    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    assert [p.field for p in caught.value.problems] == ["Kết quả đạt được (ket_qua.0.dat)"]

    _fill_values(folder)
    blank_csv = CliRunner().invoke(main, ["validate", str(folder)])
    assert blank_csv.exit_code == 0, blank_csv.output
    assert "báo cáo sơ kết 6 tháng đầu năm 2027" in blank_csv.output
    built = api.build_period(folder, periods.parent / "build")
    assert built[0].output.name == "bao-cao-so-ket-2027-H1.docx" and len(built) == 44


def test_an_unfilled_results_sheet_is_one_problem(periods: Path) -> None:
    api.create_period(periods, "2027-H1")
    folder = periods / "2027-H1"
    record = folder / "bao-cao.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("    dat:\n", "    dat: 13\n"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    [problem] = caught.value.problems  # not 43 x 5 one-cell lines
    assert problem.message.startswith("Bảng kết quả chưa điền: chưa điền 215 ô của 5 cột")
    assert "“Thôn giảm”" in problem.message and "(43 xã)" in problem.message


def test_a_column_left_empty_is_one_problem_naming_it(periods: Path) -> None:
    api.create_period(periods, "2027-H1")
    folder = periods / "2027-H1"
    record = folder / "bao-cao.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("    dat:\n", "    dat: 13\n"), encoding="utf-8"
    )
    path = folder / "ket-qua-xa.csv"
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        row[3:7] = ["1", "hoàn thành", "0", "90"]  # every column but "Thôn giảm"
    rows[1][2] = "4"  # one commune's Thôn giảm
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    [problem] = caught.value.problems
    assert (problem.location, problem.field) == ("hàng 3–44", "Thôn giảm")
    assert problem.message.startswith("Chưa điền 42 ô của cột Thôn giảm")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_existing_period_is_refused_and_left_unchanged(periods: Path) -> None:
    before = _digest(periods)
    result = CliRunner().invoke(main, ["period", "new", "2026-H2", "--thu-muc", str(periods)])
    assert result.exit_code == 2
    assert "Kỳ “2026-H2” đã có" in result.output and "không ghi đè" in result.output
    assert _digest(periods) == before
    api.create_period(periods, "2027-H1")
    made = _digest(periods)
    again = CliRunner().invoke(main, ["period", "new", "2027-H1", "--thu-muc", str(periods)])
    assert again.exit_code == 2 and "đã có" in again.output
    assert _digest(periods) == made
    assert not [p for p in periods.iterdir() if p.name.startswith(".")]


def test_new_period_needs_a_previous_one(periods: Path) -> None:
    result = CliRunner().invoke(main, ["period", "new", "2030-Q1", "--thu-muc", str(periods)])
    assert result.exit_code == 2 and "--from" in result.output
    overlap = CliRunner().invoke(
        main, ["period", "new", "2026", "--from", "2026-H2", "--thu-muc", str(periods)]
    )
    assert overlap.exit_code == 2 and "chồng lên" in overlap.output
    assert not (periods / "2026").exists() and not (periods / "2030-Q1").exists()
