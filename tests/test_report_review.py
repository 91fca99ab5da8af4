"""Review reports a secretary would sign (issue 17): each commune's own targets, the
change column only with a previous period, prose from figures, the office's outline and
type, bounded figures, task history across periods, dates written by the date rule."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document

from pipeline import api
from pipeline.cli import main
from pipeline.compliance.check import check_docx
from pipeline.compliance.check import problems as compliance_problems
from pipeline.context.report import Count, Figures
from pipeline.context.report_figures import commune_plan_value
from pipeline.context.report_prose import assessment, overview
from pipeline.errors import InputError
from pipeline.formatting import number_text, short_date
from pipeline.loading.periods import load_period
from pipeline.loading.tabular import load_roster
from pipeline.models.execution import TargetRule
from pipeline.models.programme import Target
from pipeline.reporting.run import commune_file_names
from tests.conftest import INPUTS

D = Decimal
PERIODS = INPUTS / "periods"
ROSTER = INPUTS / "examples" / "xa-thai-nguyen.csv"
#: Targets the communes report, with the roster column of each commune's plan.
COMMUNE_PLANS = {"THON": "thon_giam", "TRUONG": "truong_sap_xep", "TRUC-TUYEN": "ty_le_truc_tuyen"}
WORDING_START = {
    "THON": "Sắp xếp, giảm",
    "TRUONG": "Sáp nhập",
    "TRUC-TUYEN": "Tỷ lệ hồ sơ",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("review")
    files: dict[str, Path] = {}
    for period in ("2026-H2", "2027-H1"):
        for item in api.build_period(PERIODS / period, out):
            files[item.output.relative_to(out / "periods").as_posix()] = item.output
    return files


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "inputs"
    shutil.copytree(PERIODS, root / "periods")
    shutil.copytree(INPUTS / "examples", root / "examples")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(document: Document) -> list[list[str]]:
    return [
        [cell.text for cell in row.cells]
        for table in document.tables[1:-1]
        for row in table.rows
        if row.cells[0].text.strip().isdigit()
    ]


def _text(document: Document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# --- 1. each commune's own targets ---------------------------------------------------


def test_every_number_in_a_commune_report_wording_is_that_communes_plan(
    built: dict[str, Path],
) -> None:
    roster = list(load_roster(ROSTER))
    communes = dict(zip(commune_file_names(roster), roster, strict=True))
    checked = 0
    for name, path in built.items():
        if "/xa/" not in name:
            continue
        commune = communes[Path(name).name]
        document = docx.Document(str(path))
        rows = {row[1]: row for row in _rows(document)}
        body = _text(document)
        for ident, column in COMMUNE_PLANS.items():
            plan = commune_plan_value(commune, column)
            assert plan is not None
            (wording,) = [w for w in rows if w.startswith(WORDING_START[ident])]
            numbers = re.findall(r"\d+(?:,\d+)?", wording)
            assert numbers == [number_text(plan)], (name, wording)
            assert rows[wording][3] == number_text(plan)  # the Kế hoạch column agrees
            checked += 1
        # the province's figures never stand in a commune's wording
        for province in ("giảm 220 thôn", "Sáp nhập 90 trường"):
            assert province not in body, (name, province)
        assert "100% xã, phường" not in body  # its wording for communes (noi_dung_xa)
    assert checked == 2 * 43 * 3


def test_the_province_report_carries_the_province_plan(built: dict[str, Path]) -> None:
    rows = {
        row[1] for row in _rows(docx.Document(str(built["2026-H2/bao-cao-so-ket-2026-H2.docx"])))
    }
    assert "Sắp xếp, giảm 220 thôn, tổ dân phố" in rows
    assert "Sáp nhập 90 trường, điểm trường" in rows
    assert any(r.endswith("bình quân đạt từ 85% trở lên") for r in rows)


def test_the_plan_prints_its_own_value_in_the_slot(tmp_path: Path) -> None:
    out = tmp_path / "ke-hoach.docx"
    api.render_document(PERIODS / "ke-hoach-45-tu.yaml", out)
    text = _text(docx.Document(str(out)))
    assert "Sắp xếp, giảm 220 thôn, tổ dân phố" in text
    assert "{ke_hoach}" not in text


# --- 2. tables that fit the period -----------------------------------------------------


def test_first_period_has_no_change_column_and_the_second_has_signed_figures(
    built: dict[str, Path],
) -> None:
    for name in ("2026-H2/bao-cao-so-ket-2026-H2.docx", "2026-H2/xa/xa-phu-dinh.docx"):
        document = docx.Document(str(built[name]))
        assert "Không có số liệu kỳ trước" not in _text(document)
        heads = [t.rows[0].cells for t in document.tables[1:-1] if t.rows[0].cells[0].text == "TT"]
        for head in heads:
            titles = [c.text for c in head]
            assert "So với kỳ trước" not in titles
        assert all("Không có số liệu kỳ trước" not in c for r in _rows(document) for c in r)
    second = docx.Document(str(built["2027-H1/bao-cao-so-ket-2027-H1.docx"]))
    head = second.tables[1].rows[0].cells
    assert [c.text for c in head][-1] == "So với kỳ trước"
    changes = [
        row.cells[6].text
        for table in second.tables[1:-1]
        if table.rows[0].cells[-1].text == "So với kỳ trước"
        for row in table.rows[1:]
    ]
    assert changes and all(re.fullmatch(r"[+-]\d+(,\d+)?|0|", c) for c in changes), changes
    assert any(c.startswith("+") for c in changes)


# --- 3. prose from figures -------------------------------------------------------------


def _f(
    name: str,
    achieved: Decimal | str | None,
    planned: Decimal | None,
    unit: str = "thôn",
    count: Count | None = None,
) -> Figures:
    target = Target(id=name, noi_dung=f"Chỉ tiêu {name}", don_vi_tinh=unit or None)
    rule = TargetRule(id=name, ten_ngan=name)
    return Figures(target, rule, planned, achieved, None, False, count)  # type: ignore[arg-type]


SENTENCES = [
    (
        "all met",
        [_f("Thôn giảm", D(6), D(6)), _f("Trường", D(3), D(2), "trường")],
        "Cả 2 chỉ tiêu đều đạt và vượt kế hoạch: Thôn giảm (6/6 thôn), Trường (3/2 trường).",
    ),
    (
        "one missed",
        [_f("Thôn giảm", D(6), D(6)), _f("Tinh giản", D(1), D(3), "biên chế")],
        "Đạt và vượt kế hoạch 1/2 chỉ tiêu: Thôn giảm (6/6 thôn); chưa đạt chỉ tiêu Tinh "
        "giản (đạt 1/3 biên chế, còn thiếu 2 biên chế).",
    ),
    (
        "all missed",
        [_f("Tinh giản", D(0), D(1), "biên chế"), _f("Hồ sơ", D(84), D(90), "%")],
        "Chưa đạt chỉ tiêu nào trong 2 chỉ tiêu: Tinh giản (chưa thực hiện được, kế hoạch 1 "
        "biên chế), Hồ sơ (đạt 84%, kế hoạch 90%, còn thiếu 6 điểm phần trăm).",
    ),
    (
        "no data",
        [_f("Thôn giảm", None, D(6)), _f("Trường", None, D(2))],
        "Chưa có số liệu: Thôn giảm, Trường.",
    ),
    (
        "zero plan",
        [_f("Tinh giản", D(0), D(0), "biên chế")],
        "Không giao kế hoạch kỳ này: Tinh giản (đạt 0 biên chế).",
    ),
    (
        "mixed group",
        [
            _f("Thôn giảm", D(6), D(5)),
            _f("Chi bộ", D(38), D(43), "", Count(38, 43)),
            _f("Tinh giản", D(0), D(0), "biên chế"),
            _f("Trường", None, D(2), "trường"),
        ],
        "Đạt và vượt kế hoạch 1/2 chỉ tiêu: Thôn giảm (6/5 thôn); chưa đạt chỉ tiêu Chi bộ "
        "(38/43 đơn vị hoàn thành, còn 5 đơn vị chưa hoàn thành); không giao kế hoạch kỳ "
        "này: Tinh giản (đạt 0 biên chế); chưa có số liệu: Trường.",
    ),
    (
        "one met alone",
        [_f("Trường", "hoàn thành", None, "")],
        "Chỉ tiêu Trường đạt kế hoạch (hoàn thành).",
    ),
]


@pytest.mark.parametrize(
    "figures, expected", [c[1:] for c in SENTENCES], ids=[c[0] for c in SENTENCES]
)
def test_assessment_sentences(figures: list[Figures], expected: str) -> None:
    sentence = assessment(figures)
    assert sentence == expected
    assert "0/0" not in sentence and "0,0%" not in sentence


def test_overview_has_no_empty_counts() -> None:
    assert overview([]) == ""
    assert overview([_f("A", D(1), D(1)), _f("B", D(2), D(1))]) == (
        "cả 2 chỉ tiêu đều đạt và vượt kế hoạch"
    )
    assert overview([_f("A", D(0), D(1)), _f("B", None, D(1))]) == (
        "chỉ tiêu được giao chưa đạt kế hoạch; 1 chỉ tiêu chưa đánh giá được"
    )


def test_reports_never_print_mechanical_figures(built: dict[str, Path]) -> None:
    for name, path in built.items():
        text = _text(docx.Document(str(path)))
        assert "0/0" not in text, name
        assert "bằng 0,0%" not in text, name
        assert "0/0 chỉ tiêu" not in text, name


# --- 4. the office's outline and type ------------------------------------------------


def test_a_commune_report_has_the_leadership_section(built: dict[str, Path]) -> None:
    text = _text(docx.Document(str(built["2026-H2/xa/xa-phu-dinh.docx"])))
    assert "1- Công tác lãnh đạo, chỉ đạo, triển khai thực hiện" in text
    assert "Ban Thường vụ Đảng uỷ xã Phú Đình đã quán triệt, triển khai thực hiện" in text


CUSTOM_OUTLINE = """
loai: Kết luận
dan_y:
  - muc: KẾT QUẢ ĐẠT ĐƯỢC
    noi_dung:
      - Các cấp uỷ đã tập trung lãnh đạo, hoàn thành cơ bản việc sắp xếp thôn, tổ dân phố.
      - {phan: chi_tieu}
  - muc: HẠN CHẾ, NGUYÊN NHÂN
    noi_dung:
      - Việc sáp nhập trường học ở một số xã còn chậm.
  - muc: NHIỆM VỤ THỜI GIAN TỚI
    noi_dung:
      - {y: "Hoàn thành sáp nhập trường, điểm trường trong năm 2027."}
      - {y: "Tiếp tục tinh giản biên chế theo lộ trình."}
"""


def test_a_custom_outline_of_three_prose_parts_as_a_ket_luan(inputs: Path) -> None:
    folder = inputs / "periods" / "2026-H2"
    _edit(
        folder / "bao-cao.yaml",
        "chu_the: Ban Thường vụ Tỉnh uỷ\n",
        "chu_the: Ban Thường vụ Tỉnh uỷ\n" + CUSTOM_OUTLINE,
    )
    out = inputs.parent / "build"
    built = api.build_period(folder, out)
    main_report = built[0].output
    assert main_report.name == "ket-luan-so-ket-2026-H2.docx"
    document = docx.Document(str(main_report))
    text = [p.text for p in document.paragraphs if p.text.strip()]
    assert text[0] == "KẾT LUẬN"
    assert "về kết quả sơ kết 6 tháng cuối năm 2026" in text
    headings = [t for t in text if re.match(r"^[IVX]+- ", t)]
    assert headings == [
        "I- KẾT QUẢ ĐẠT ĐƯỢC",
        "II- HẠN CHẾ, NGUYÊN NHÂN",
        "III- NHIỆM VỤ THỜI GIAN TỚI",
    ]
    assert "1- Hoàn thành sáp nhập trường, điểm trường trong năm 2027." in text
    assert any("kết luận về kết quả sơ kết" in t for t in text)
    assert compliance_problems(check_docx(main_report, "party_hd05_2026")) == []
    commune = docx.Document(str(built[1].output))
    assert next(p.text for p in commune.paragraphs if p.text.strip()) == "KẾT LUẬN"


def test_a_review_type_outside_the_list_is_refused(inputs: Path) -> None:
    folder = inputs / "periods" / "2026-H2"
    _edit(
        folder / "bao-cao.yaml",
        "chu_the: Ban Thường vụ Tỉnh uỷ\n",
        "chu_the: Ban Thường vụ Tỉnh uỷ\nloai: Kế hoạch\n",
    )
    with pytest.raises(InputError) as caught:
        api.validate_period(folder)
    (problem,) = caught.value.problems
    assert problem.field.startswith("Loại văn bản") and "Kết luận" in problem.message


# --- bad input: bounds, located, nothing written -----------------------------------------


@pytest.mark.parametrize(
    "file, old, new, location, field, words",
    [
        (
            "2026-H2/ket-qua-xa.csv",
            '05464,Bình Yên,5,1,hoàn thành,1,"87,5"',
            "05464,Bình Yên,5,1,hoàn thành,1,101",
            "hàng 4",
            "Cột TRUC-TUYEN",
            "từ 0 đến 100",
        ),
        (
            "2026-H2/ket-qua-xa.csv",
            '05464,Bình Yên,5,1,hoàn thành,1,"87,5"',
            '05464,Bình Yên,5,1,hoàn thành,1,"102,5"',
            "hàng 4",
            "Cột TRUC-TUYEN",
            "102,5",
        ),
        (
            "2026-H2/ket-qua-xa.csv",
            "05449,Phú Đình,6,1,",
            '05449,Phú Đình,"6,5",1,',
            "hàng 2",
            "Cột THON",
            "số nguyên",
        ),
        (
            "2026-H2/bao-cao.yaml",
            "{id: PHONG-BAN, dat: 11}",
            "{id: PHONG-BAN, dat: 11.5}",
            "dòng 31",
            "Kết quả (dat)",
            "số nguyên",
        ),
    ],
)
def test_figures_out_of_bounds_are_located_and_nothing_is_written(
    inputs: Path, file: str, old: str, new: str, location: str, field: str, words: str
) -> None:
    _edit(inputs / "periods" / file, old, new)
    out = inputs.parent / "build"
    result = CliRunner().invoke(main, ["build", str(inputs), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists()
    with pytest.raises(InputError) as caught:
        api.validate_period(inputs / "periods" / "2026-H2")
    (problem,) = caught.value.problems
    assert problem.source.endswith(Path(file).name)
    assert (problem.location, problem.field) == (location, field)
    assert words in problem.message


def test_a_target_value_out_of_bounds_in_the_programme(inputs: Path) -> None:
    programme = inputs / "periods" / "ke-hoach-45-tu.yaml"
    _edit(programme, 'trở lên", gia_tri: 85,', 'trở lên", gia_tri: 185,')
    result = CliRunner().invoke(main, ["validate", str(programme)])
    assert result.exit_code == 2
    assert "từ 0 đến 100" in result.output and "dòng 24" in result.output


# --- 5. history across periods ------------------------------------------------------------


def test_no_false_warning_for_a_task_done_two_periods_back(inputs: Path) -> None:
    """Named case: CD-1 was done in 2026-H2, not listed in 2027-H1 (done), not in 2027-H2."""
    periods = inputs / "periods"
    api.create_period(periods, "2027-H2")
    folder = periods / "2027-H2"
    record = (folder / "bao-cao.yaml").read_text(encoding="utf-8")
    listed = record.split("nhiem_vu:")[1].split("lanh_dao")[0]
    assert "TC-4" in listed  # still unfinished at the end of 2027-H1
    for done in ("CD-1", "CD-2", "TC-1", "TC-2", "TC-3"):
        assert done not in listed, done  # finished one or two periods back
    _edit(folder / "bao-cao.yaml", "    dat:\n", "    dat: 15\n")
    csv_path = folder / "ket-qua-xa.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0]] + [
        ",".join([*ln.split(",")[:2], "5", "2", "hoàn thành", "1", "86", ""]) for ln in lines[1:]
    ]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_period(folder)
    task_warnings = [w.message for w in loaded.warnings if w.field == "Nhiệm vụ (nhiem_vu)"]
    assert task_warnings == []
    assert loaded.previous is not None and loaded.previous.previous is not None  # whole chain


def test_a_period_chain_that_loops_is_a_located_problem(inputs: Path) -> None:
    ky = inputs / "periods" / "2026-H2" / "ky.yaml"
    _edit(ky, "loai_ky: so_ket\n", "loai_ky: so_ket\nky_truoc: 2027-H1\n")
    with pytest.raises(InputError) as caught:
        load_period(inputs / "periods" / "2027-H1")
    assert any("nối vòng" in p.message for p in caught.value.problems)


# --- 6. dates ----------------------------------------------------------------------------


def test_dates_in_sentences_follow_the_date_rule(built: dict[str, Path]) -> None:
    from datetime import date

    assert short_date(date(2026, 6, 10)) == "10/6/2026"
    assert short_date(date(2026, 2, 5)) == "05/02/2026"
    text = _text(docx.Document(str(built["2026-H2/bao-cao-so-ket-2026-H2.docx"])))
    assert "ngày 10/6/2026 của Ban Thường vụ Tỉnh uỷ" in text
    assert "10/06/2026" not in text and "/06/" not in text


# --- issue 21: the format check's warnings of period reports are printed ---------------


def test_period_reports_warnings_are_printed_beside_the_report(inputs: Path) -> None:
    record = inputs / "periods" / "2026-H2" / "bao-cao.yaml"
    _edit(record, "so: 112\n", "so: 112\ntrich_yeu: [SƠ KẾT 6 THÁNG CUỐI NĂM 2026]\n")
    out = inputs.parent / "build"
    result = CliRunner().invoke(main, ["build", str(inputs), "-o", str(out)])
    assert result.exit_code == 0, result.output  # a warning does not stop the build
    report = "periods/2026-H2/bao-cao-so-ket-2026-H2.docx"
    assert f"Cảnh báo ở {report}" in result.output
    assert "CHỮ IN HOA" in result.output
    single = CliRunner().invoke(
        main, ["period", "build", str(inputs / "periods" / "2026-H2"), "-o", str(out)]
    )
    assert single.exit_code == 0, single.output
    assert f"Cảnh báo ở {out / report}" in single.output and "CHỮ IN HOA" in single.output
