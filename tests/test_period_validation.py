"""Bad period input: each mistake reported with its file, row or line, and field;
nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.errors import InputError
from tests.conftest import INPUTS


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A copy of the example inputs' periods and roster."""
    root = tmp_path / "inputs"
    shutil.copytree(INPUTS / "periods", root / "periods")
    shutil.copytree(INPUTS / "examples", root / "examples")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")  # the BOM dropped: read too


def _csv(folder: Path) -> Path:
    return folder / "ket-qua-xa.csv"


Case = tuple[str, Callable[[Path], None], str, str, str, str]

CASES: list[Case] = [
    (
        "unknown target id in the body's results (YAML)",
        lambda f: _edit(
            f / "bao-cao.yaml", "{id: PHONG-BAN, dat: 11}", "{id: PHONG-BANN, dat: 11}"
        ),
        "bao-cao.yaml",
        "dòng 31",
        "Mã chỉ tiêu (ket_qua.0.id)",
        "không có chỉ tiêu mã “PHONG-BANN”",
    ),
    (
        "unknown target id as a column (CSV)",
        lambda f: _edit(_csv(f), "Tinh giản,", "BIEN-CHEE,"),
        "ket-qua-xa.csv",
        "hàng 1, cột F",
        "BIEN-CHEE",
        "Không biết cột “BIEN-CHEE”",
    ),
    (
        "commune not in the roster",
        lambda f: _edit(_csv(f), "05455,Định Hoá,", "09999,Định Hoá,"),
        "ket-qua-xa.csv",
        "hàng 3",
        "Mã xã",
        "Mã xã “09999” không có trong danh sách xã",
        # (and Định Hoá then has no row: see the second problem below)
    ),
    (
        "non-numeric value (CSV)",
        lambda f: _edit(_csv(f), "05449,Phú Đình,6,", "05449,Phú Đình,sáu,"),
        "ket-qua-xa.csv",
        "hàng 2",
        "Thôn giảm",
        "“sáu” không phải là số",
    ),
    (
        "non-numeric value (YAML)",
        lambda f: _edit(
            f / "bao-cao.yaml", "{id: PHONG-BAN, dat: 11}", "{id: PHONG-BAN, dat: mười}"
        ),
        "bao-cao.yaml",
        "dòng 31",
        "Kết quả đạt được (ket_qua.0.dat)",
        "“mười” không phải là số",
    ),
    (
        "name that does not match the code",
        lambda f: _edit(_csv(f), "05449,Phú Đình,", "05449,Định Hoá,"),
        "ket-qua-xa.csv",
        "hàng 2",
        "Tên xã",
        "không khớp với mã 05449",
    ),
    (
        "unknown task id",
        lambda f: _edit(f / "bao-cao.yaml", "{id: TC-4,", "{id: TC-9,"),
        "bao-cao.yaml",
        "dòng 40",
        "Mã nhiệm vụ (nhiem_vu.5.id)",
        "không có nhiệm vụ mã “TC-9”",
    ),
    (
        "overdue written by hand",
        lambda f: _edit(
            f / "bao-cao.yaml",
            "{id: TC-4, tinh_trang: chưa thực hiện}",
            "{id: TC-4, tinh_trang: quá hạn}",
        ),
        "bao-cao.yaml",
        "dòng 40",
        "Tình trạng (nhiem_vu.5.tinh_trang)",
        "tính tự động",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_where_it_is(inputs: Path, case: Case) -> None:
    _name, spoil, file, location, field, message = case
    folder = inputs / "periods" / "2026-H2"
    spoil(folder)
    with pytest.raises(InputError) as caught:
        api.build_period(folder, inputs.parent / "build")
    problems = caught.value.problems
    problem = problems[0]
    extra = [p.message for p in problems[1:]]
    assert extra == (
        []
        if "09999" not in message
        else [
            "Chưa có hàng của xã Định Hoá (mã 05455) trong danh sách xã: thêm một hàng cho xã này."
        ]
    )
    assert problem.source.endswith(file)
    assert (problem.location, problem.field) == (location, field)
    assert message in problem.message
    assert not (inputs.parent / "build").exists()


def test_overlapping_periods_are_refused_at_the_date_line(inputs: Path) -> None:
    ky = inputs / "periods" / "2027-H1" / "ky.yaml"
    _edit(ky, "id: 2027-H1\n", "id: 2027-H1\ntu_ngay: 15/12/2026\n")
    with pytest.raises(InputError) as caught:
        api.validate_period(ky.parent)
    (problem,) = caught.value.problems
    assert problem.source == str(ky)
    assert (problem.location, problem.field) == ("dòng 4", "Từ ngày (tu_ngay)")
    assert "chồng lên nhau" in problem.message and "31/12/2026" in problem.message


def test_a_missing_commune_row_and_a_duplicate_are_both_listed(inputs: Path) -> None:
    folder = inputs / "periods" / "2026-H2"
    path = _csv(folder)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[2]  # Bình Yên's row replaced by a second Định Hoá row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    found = {(p.location, p.field): p.message for p in caught.value.problems}
    assert "đã có ở hàng 3" in found[("hàng 4", "Mã xã")]
    assert "Chưa có hàng của xã Bình Yên (mã 05464)" in found[("", "Mã xã")]


def test_build_writes_nothing_when_a_period_is_bad(inputs: Path, tmp_path: Path) -> None:
    _edit(_csv(inputs / "periods" / "2027-H1"), "05449,Phú Đình,6,", "05449,Phú Đình,x,")
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", str(inputs), "-o", str(out)])
    assert result.exit_code == 2
    assert "ket-qua-xa.csv, hàng 2: [Thôn giảm]" in result.output
    assert not out.exists()


def test_a_report_dated_before_the_plan_it_reports_on_is_a_problem(inputs: Path) -> None:
    folder = inputs / "periods" / "2026-H2"
    _edit(folder / "bao-cao.yaml", "ngay: 08/01/2027", "ngay: 08/01/2026")
    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    found = [p for p in caught.value.problems if p.field.startswith("Ngày ban hành")]
    assert found and "sớm hơn ngày của kế hoạch được báo cáo" in found[0].message
    assert found[0].location.startswith("dòng ")
