"""The example periods rendered and read back: every table cell equals the figure
computed here independently from the CSV files; the reports pass the format checks."""

from __future__ import annotations

import csv
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document

from pipeline import api
from pipeline.compliance import StyleResolver, iter_paragraphs
from pipeline.compliance.check import check_docx
from pipeline.compliance.check import problems as compliance_problems
from pipeline.context.commune import commune_fields
from pipeline.loading.tabular import load_roster
from pipeline.profiles import get_profile
from tests.conftest import INPUTS

PERIODS = INPUTS / "periods"
ROSTER = INPUTS / "examples" / "xa-thai-nguyen.csv"
D = Decimal


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both example periods built into a temporary folder."""
    out = tmp_path_factory.mktemp("reports")
    built: dict[str, Path] = {}
    for period in ("2026-H2", "2027-H1"):
        for item in api.build_period(PERIODS / period, out):
            built[item.output.relative_to(out).as_posix()] = item.output
    return built


def _open(reports: dict[str, Path], name: str) -> Document:
    return docx.Document(str(reports[name]))


def _cells(document: Document, index: int) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[index].rows]


#: The example results files head target columns by the report's short names (ten_ngan).
_IDS = {
    "Thôn giảm": "THON",
    "Trường sáp nhập": "TRUONG",
    "Kiện toàn chi bộ": "CHI-BO",
    "Tinh giản": "BIEN-CHE",
    "Hồ sơ trực tuyến": "TRUC-TUYEN",
    "Hồ sơ trực tuyến (%)": "TRUC-TUYEN",
}


def _results(period: str) -> dict[str, dict[str, str]]:
    with (PERIODS / period / "ket-qua-xa.csv").open(encoding="utf-8-sig") as f:
        return {
            row["Mã xã"]: {_IDS.get(k, k): v for k, v in row.items()} for row in csv.DictReader(f)
        }


def _num(text: str) -> Decimal:
    return D(text.replace(",", "."))


def _vn(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != value.to_integral() else f"{int(value)}"
    whole, _, frac = text.partition(".")
    return whole + ("," + frac if frac else "")


def _pct(achieved: Decimal, planned: Decimal) -> str:
    rate = (achieved * 100 / planned).quantize(D("0.1"), rounding=ROUND_HALF_UP)
    return f"{rate}".replace(".", ",") + "%"


def _sums(period: str) -> dict[str, Decimal]:
    rows = _results(period).values()
    out = {k: sum((_num(r[k]) for r in rows), D(0)) for k in ("THON", "TRUONG", "BIEN-CHE")}
    rates = [_num(r["TRUC-TUYEN"]) for r in rows]
    out["TRUC-TUYEN"] = (sum(rates, D(0)) / len(rates)).quantize(D("0.1"), rounding=ROUND_HALF_UP)
    out["CHI-BO"] = D(sum(1 for r in rows if r["CHI-BO"] == "hoàn thành"))
    return out


def test_every_period_gives_the_province_report_and_one_per_commune(
    reports: dict[str, Path],
) -> None:
    communes = len(list(load_roster(ROSTER)))
    for period in ("2026-H2", "2027-H1"):
        names = [n for n in reports if n.startswith(f"periods/{period}/")]
        assert f"periods/{period}/bao-cao-so-ket-{period}.docx" in names
        assert len([n for n in names if "/xa/" in n]) == communes == 43


def test_province_target_tables_equal_the_computed_figures(reports: dict[str, Path]) -> None:
    d = _open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx")
    s = _sums("2026-H2")
    head = [
        "TT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Kế hoạch",
        "Thực hiện",
        "Tỷ lệ so với kế hoạch",
    ]  # a first period: no change column
    assert _cells(d, 1) == [
        head,
        [
            "1",
            "Sắp xếp, giảm 220 thôn, tổ dân phố",
            "thôn, tổ dân phố",
            "220",
            _vn(s["THON"]),
            _pct(s["THON"], D(220)),
        ],
        [
            "2",
            "100% xã, phường kiện toàn chi bộ thôn, tổ dân phố sau sắp xếp",
            "đơn vị hoàn thành",
            "43",
            _vn(s["CHI-BO"]),
            _pct(s["CHI-BO"], D(43)),
        ],
        [
            "3",
            "Giảm 15 phòng, ban chuyên môn của các cơ quan cấp tỉnh",
            "phòng, ban",
            "15",
            "11",
            "73,3%",
        ],
    ]
    assert _cells(d, 2)[1:] == [
        [
            "1",
            "Sáp nhập 90 trường, điểm trường",
            "trường",
            "90",
            _vn(s["TRUONG"]),
            _pct(s["TRUONG"], D(90)),
        ],
        [
            "2",
            "Tinh giản 80 biên chế cán bộ, công chức cấp xã",
            "biên chế",
            "80",
            _vn(s["BIEN-CHE"]),
            _pct(s["BIEN-CHE"], D(80)),
        ],
        [
            "3",
            "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trực tuyến toàn trình bình quân đạt từ "
            "85% trở lên",
            "%",
            "85",
            _vn(s["TRUC-TUYEN"]),
            _pct(s["TRUC-TUYEN"], D(85)),
        ],
    ]
    # The example's own figures, computed by hand once, guard the helpers above.
    assert (s["THON"], s["TRUONG"], s["BIEN-CHE"], s["TRUC-TUYEN"], s["CHI-BO"]) == (
        214,
        81,
        33,
        D("86.1"),
        38,
    )


def test_second_period_shows_the_change_against_the_first(reports: dict[str, Path]) -> None:
    d = _open(reports, "periods/2027-H1/bao-cao-so-ket-2027-H1.docx")
    now, before = _sums("2027-H1"), _sums("2026-H2")

    def signed(value: Decimal) -> str:
        return ("+" if value > 0 else "") + _vn(value)

    table = _cells(d, 1)[1:] + _cells(d, 2)[1:]
    changes = {row[1][:12]: row[6] for row in table}
    assert changes["Sắp xếp, giả"] == signed(now["THON"] - before["THON"])
    assert changes["100% xã, phư"] == signed(now["CHI-BO"] - before["CHI-BO"])
    assert changes["Giảm 15 phòn"] == "+4"  # 15 now, 11 in 2026-H2 (bao-cao.yaml)
    assert changes["Sáp nhập 90 "] == signed(now["TRUONG"] - before["TRUONG"]) == "+5"
    assert changes["Tinh giản 80"] == signed(now["BIEN-CHE"] - before["BIEN-CHE"]) == "+41"
    assert changes["Tỷ lệ hồ sơ "] == signed(now["TRUC-TUYEN"] - before["TRUC-TUYEN"]) == "+1,5"


def test_commune_table_has_one_row_per_commune_and_the_totals(reports: dict[str, Path]) -> None:
    d = _open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx")
    rows = _cells(d, 3)
    roster = list(load_roster(ROSTER))
    results = _results("2026-H2")
    assert rows[0][:2] == ["TT", "Xã, phường"]
    assert len(rows) == 1 + len(roster) + 1
    for index, (commune, row) in enumerate(zip(roster, rows[1:-1], strict=True), start=1):
        given = results[commune.ma]
        chibo = given["CHI-BO"][0].upper() + given["CHI-BO"][1:]
        assert row == [
            str(index),
            commune.ten,
            given["THON"],
            given["TRUONG"],
            chibo,
            given["BIEN-CHE"],
            given["TRUC-TUYEN"],
        ]
    s = _sums("2026-H2")
    assert rows[-1] == [
        "",
        "Tổng cộng",
        _vn(s["THON"]),
        _vn(s["TRUONG"]),
        "38/43 hoàn thành",
        _vn(s["BIEN-CHE"]),
        f"{_vn(s['TRUC-TUYEN'])} (bình quân)",
    ]


def _text(document: Document) -> list[str]:
    return [" ".join(p.text.split()) for p in iter_paragraphs(document)]


def test_communes_that_missed_a_target_are_named(reports: dict[str, Path]) -> None:
    roster = {c.ma: c for c in load_roster(ROSTER)}
    missed = [
        roster[code].full_name
        for code, row in _results("2026-H2").items()
        if D(row["THON"]) < D(commune_fields(roster[code]).values["thon_giam"])
    ]
    assert missed  # the example has some
    lines = _text(_open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx"))
    line = next(t for t in lines if t.startswith("- Thôn giảm ("))
    assert line == f"- Thôn giảm ({len(missed)}/43 đơn vị): {', '.join(missed)};"


def test_tasks_overdue_at_the_end_of_the_period_are_marked(reports: dict[str, Path]) -> None:
    lines = _text(_open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx"))
    assert (
        "Trong 6 nhiệm vụ được báo cáo kỳ này: hoàn thành 3; chưa thực hiện 1; quá hạn 2." in lines
    )
    # due 31/12/2026, the last day of the period, not done: overdue
    assert any(
        "dùng chung toàn tỉnh: quá hạn (thời hạn 31/12/2026, đang thực hiện)" in t for t in lines
    )
    # carried over to the directions, with the overdue note
    assert any(
        t.startswith("- Sơ kết 01 năm thực hiện Kế hoạch") and "30/6/2027)" in t for t in lines
    )
    later = _text(_open(reports, "periods/2027-H1/bao-cao-so-ket-2027-H1.docx"))
    assert "Trong 3 nhiệm vụ được báo cáo kỳ này: hoàn thành 2; quá hạn 1." in later


def test_outline_header_and_closing_of_the_province_report(reports: dict[str, Path]) -> None:
    lines = _text(_open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx"))
    for expected in (
        "TỈNH UỶ THÁI NGUYÊN",
        "Số 112-BC/TU",
        "Thái Nguyên, ngày 08 tháng 01 năm 2027",
        "BÁO CÁO",
        "sơ kết 6 tháng cuối năm 2026",
        "thực hiện Kế hoạch số 45-KH/TU của Ban Thường vụ Tỉnh uỷ",
        "-----",
        "I- TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN",
        "2- Kết quả thực hiện các chỉ tiêu",
        "II- ĐÁNH GIÁ CHUNG",
        "III- PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "IV- ĐỀ XUẤT, KIẾN NGHỊ",
        "- Các đảng uỷ xã, phường;",
        "- Lưu Văn phòng Tỉnh uỷ.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Trần Quốc Bình",
    ):
        assert expected in lines, expected
    assert lines[lines.index("-----") + 1].startswith(
        "Thực hiện Kế hoạch số 45-KH/TU, ngày 10/6/2026 của Ban Thường vụ Tỉnh uỷ về sắp xếp"
    )


def test_a_commune_report_has_its_own_header_and_figures(reports: dict[str, Path]) -> None:
    d = _open(reports, "periods/2026-H2/xa/xa-binh-yen.docx")
    lines = _text(d)
    for expected in (
        "ĐẢNG BỘ TỈNH THÁI NGUYÊN",
        "ĐẢNG UỶ XÃ BÌNH YÊN",
        "T/M ĐẢNG UỶ",
        "Phạm Đức Lâm",
        "Ghi chú: Chờ phê duyệt phương án sáp nhập trường",
    ):
        assert expected in lines, expected
    assert any("Ban Thường vụ Đảng uỷ xã Bình Yên báo cáo kết quả sơ kết" in t for t in lines)
    rows = {row[1][:10]: row for row in _cells(d, 1)[1:] + _cells(d, 2)[1:]}
    # Bình Yên: plan 5 hamlets fewer (12 → 7), did 5; 2 schools planned, 1 merged.
    assert rows["Sắp xếp, g"][3:6] == ["5", "5", "100,0%"]
    assert rows["Sáp nhập 2"][3:6] == ["2", "1", "50,0%"]
    assert rows["Tỷ lệ hồ s"][3:6] == ["85,5", "87,5", "102,3%"]


@pytest.mark.parametrize(
    "name",
    [
        "periods/2026-H2/bao-cao-so-ket-2026-H2.docx",
        "periods/2027-H1/bao-cao-so-ket-2027-H1.docx",
        "periods/2026-H2/xa/xa-phu-dinh.docx",
        "periods/2027-H1/xa/xa-ea.docx",
    ],
)
def test_reports_pass_the_format_checker(reports: dict[str, Path], name: str) -> None:
    result = check_docx(reports[name], "party_hd05_2026")
    assert compliance_problems(result) == []


def test_report_elements_read_back_in_the_party_format(reports: dict[str, Path]) -> None:
    d = _open(reports, "periods/2026-H2/bao-cao-so-ket-2026-H2.docx")
    resolver = StyleResolver(d)
    profile = get_profile("party_hd05_2026")

    def look(text: str) -> tuple[float | None, bool, bool, bool]:
        paragraph = next(p for p in iter_paragraphs(d) if " ".join(p.text.split()) == text)
        fmt = resolver.run_format(paragraph._p, paragraph.runs[0]._r)
        assert set(fmt.fonts) == {"Times New Roman"}
        return fmt.size, bool(fmt.bold), bool(fmt.italic), bool(fmt.underline)

    assert look("BÁO CÁO") == (16, True, False, False)
    assert look("sơ kết 6 tháng cuối năm 2026") == (14, True, False, False)
    assert look("I- TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN") == (14, True, False, False)
    assert look("Nơi nhận:") == (14, False, False, True)
    assert look("PHÓ BÍ THƯ") == (14, False, False, False)
    section = d.sections[0]
    assert round(section.left_margin.mm) == profile.margins_mm.left
    assert round(section.right_margin.mm) == profile.margins_mm.right


def test_a_state_report_passes_the_state_format(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(PERIODS, inputs / "periods")
    shutil.copytree(INPUTS / "examples", inputs / "examples")
    record = inputs / "periods" / "2026-H2" / "bao-cao.yaml"
    text = record.read_text(encoding="utf-8")
    text = text.replace(
        "khoi: dang\nco_quan:\n  ban_hanh: [TỈNH UỶ THÁI NGUYÊN]\n  viet_tat: TU",
        "khoi: nha_nuoc\nco_quan:\n  ban_hanh: [ỦY BAN NHÂN DÂN, TỈNH THÁI NGUYÊN]\n"
        "  viet_tat: UBND",
    )
    text = text.replace("chu_the: Ban Thường vụ Tỉnh uỷ", "chu_the: Ủy ban nhân dân tỉnh")
    text = text.replace(
        "  quyen_han: T/M\n  thay_mat: BAN THƯỜNG VỤ\n  chuc_vu: PHÓ BÍ THƯ",
        "  quyen_han: KT.\n  thay_mat: CHỦ TỊCH\n  chuc_vu: PHÓ CHỦ TỊCH",
    )
    text = text.replace("  luu: Văn phòng Tỉnh uỷ", "  luu: VT, NV")
    text = text.replace(
        "    quyen_han: T/M\n    thay_mat: ĐẢNG UỶ",
        "    quyen_han: TM.\n    thay_mat: ỦY BAN NHÂN DÂN",
    )
    text = text.replace("    luu: Văn phòng Đảng uỷ", "    luu: VT")
    record.write_text(text, encoding="utf-8")
    built = api.build_period(inputs / "periods" / "2026-H2", tmp_path / "build")
    d = docx.Document(str(built[0].output))
    lines = _text(d)
    assert "Số: 112/BC-UBND" in lines and "I. TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN" in lines
    assert lines[lines.index("Nơi nhận:") - 1].endswith("cho các trường sau sáp nhập./.")
    assert "KT. CHỦ TỊCH" in lines
    assert compliance_problems(check_docx(built[0].output, "state_nd30_2020")) == []
    assert compliance_problems(check_docx(built[1].output, "state_nd30_2020")) == []
