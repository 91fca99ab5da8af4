"""The checker on documents people make: the Government's own Word files, documents typed
the way offices type them, things that are not official documents, and the practices
that are warnings rather than errors (issue 21)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from pipeline import api
from pipeline.compliance import CheckReport, check_docx
from pipeline.compliance.catalogue import CARRIED, has_own_source, rules_for
from pipeline.compliance.conventions import apply_conventions, load_conventions
from pipeline.errors import InputError
from tests.check_helpers import mutate, paragraph, rendered, set_text
from tests.conftest import INPUTS
from tests.real_docx import real_docx


def _seen(report: CheckReport) -> list[tuple[str, str, str]]:
    """Return (rule, severity, start of the excerpt) of every finding."""
    return [
        (f.rule_id, f.severity, f.location.excerpt[:30] if f.location else "")
        for f in report.findings
    ]


# -- the Government's own files ---------------------------------------------------------

#: Nghị định 30/2020 as the Government published it: what remains, checked by hand.
#: - FONT_BLACK: the signature note is led by a white "[" (a hidden marker; it is white).
#: - BODY_PARAGRAPH: ten paragraphs followed by 0 pt (the next one has no space before
#:   either): the decree's own spacing, a warning.
ND30_EXPECTED = [
    ("FONT_BLACK", "warning", "[ (Đã ký)"),
    ("BODY_PARAGRAPH", "warning", "Chính phủ ban hành Nghị định v"),
    ("BODY_PARAGRAPH", "warning", "đ) Quản lý, sử dụng con dấu, t"),
    ("BODY_PARAGRAPH", "warning", "Kỹ thuật trình bày văn bản bao"),
    ("BODY_PARAGRAPH", "warning", "7. Đối với văn bản điện tử, ng"),
    ("BODY_PARAGRAPH", "warning", "c) Cơ quan, tổ chức có Hệ thốn"),
    ("BODY_PARAGRAPH", "warning", "2. Khi nhận được văn bản đến, "),
    ("BODY_PARAGRAPH", "warning", "2. Việc sao, chụp tài liệu, vậ"),
    ("BODY_PARAGRAPH", "warning", "đ) Cán bộ, công chức, viên chứ"),
    ("BODY_PARAGRAPH", "warning", "Thiết bị lưu khóa bí mật của c"),
    ("BODY_PARAGRAPH", "warning", "d) Các hoạt động khác phục vụ "),
]

#: Mẫu 1.4 of Phụ lục III (a blank sample): its dotted fields are notes (not filled in);
#: the "./." line alone has no first-line indent (warning); the sample's 11-underscore
#: line (≈ 15 mm) is shorter than 1/3 of its placeholder name "TÊN CƠ QUAN, TỔ CHỨC".
MAU_14_EXPECTED = [
    ("NUMBER_FORMAT", "info", "Số: /…3...-...4..."),
    ("DATE_FORMAT", "info", "....... 5 ......., ngày …… thá"),
    ("ELEMENT_STYLE", "info", "......... 7 ........"),
    ("ELEMENT_STYLE", "info", "Họ và tên"),
    ("BODY_PARAGRAPH", "warning", "./."),
    ("NOI_NHAN", "info", "- Lưu: VT, ...9. … 10."),
    ("ABBREVIATION_KNOWN", "info", "Số: /…3...-...4..."),
    ("SEPARATOR_LENGTH", "warning", "TÊN CƠ QUAN, TỔ CHỨC2"),
    ("SEPARATOR_LENGTH", "info", "......... 7 ........"),
]


def test_the_decree_has_no_error_and_its_remaining_findings_are_known() -> None:
    report = check_docx(real_docx("30_2020_ND_CP.docx"))
    assert report.profile_id == "state_nd30_2020"
    assert report.ok
    assert _seen(report) == ND30_EXPECTED
    statuses = {r.rule_id: r.status for r in report.results}
    # Read as people make them: the underscore lines, wrapped items, "(Đã ký)".
    for rule in ("ORGAN_SEPARATOR", "SUMMARY_SEPARATOR", "NOI_NHAN_ITEM", "FONT_TNR"):
        assert statuses[rule] == "PASS", rule
    # A Nghị định is a legal normative document: its code is not in Phụ lục III's table.
    assert statuses["ABBREVIATION_KNOWN"] == "NOT_EVALUATED"


def test_the_sample_of_a_typed_document_has_no_error() -> None:
    report = check_docx(real_docx("nd30-phuluc3-mau-1.4.docx"))
    assert report.ok
    assert _seen(report) == MAU_14_EXPECTED
    statuses = {r.rule_id: r.status for r in report.results}
    assert statuses["ORGAN_SEPARATOR"] == statuses["RULE_UNDER_TITLE"] == "PASS"


# -- documents typed the way offices type them ------------------------------------------


def _run(paragraph: Any, text: str, size: float, **emphasis: Any) -> Any:
    run = paragraph.add_run(text)
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.font.bold = emphasis.get("bold", False)
    run.font.italic = emphasis.get("italic", False)
    run.font.underline = emphasis.get("underline", False)
    if emphasis.get("face"):  # the face name Word writes for some installs
        fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:ascii"), emphasis["face"])
        fonts.set(qn("w:hAnsi"), emphasis["face"])
    if emphasis.get("superscript"):
        run.font.superscript = True
    return run


def _add(container: Any, text: str, size: float, align: Any = None, **emphasis: Any) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _run(paragraph, text, size, **emphasis)
    return paragraph


def _cells(table: Any, widths: tuple[float, float]) -> list[Any]:
    cells = list(table.rows[0].cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Mm(width)
        cell._tc.remove(cell.paragraphs[0]._p)
    return cells


def _body(document: Any, texts: list[str], party: bool = False) -> None:
    for text in texts:
        paragraph = _add(document, text, 14, WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
        if party:
            paragraph.paragraph_format.line_spacing = Pt(18)
        else:
            paragraph.paragraph_format.line_spacing = 1.15


def _save(document: Any) -> bytes:
    document.sections[0].different_first_page_header_footer = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: Any, margins: tuple[float, float, float, float]) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(margins[0]), Mm(margins[1])
    section.left_margin, section.right_margin = Mm(margins[2]), Mm(margins[3])


def office_state_plan(*, number_below: bool = False, capitals: bool = False) -> bytes:
    """A State plan typed in Word the way communes do: lines as superscript underscores,
    numbering typed by hand, direct formatting, a wrapped Nơi nhận item, "(Đã ký)", a
    bold face named "Times New Roman Bold"; the number line under the header table when
    ``number_below``; the summary in capitals when ``capitals``."""
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    left, right = _cells(document.add_table(rows=1, cols=2), (65, 100))
    _add(left, "ỦY BAN NHÂN DÂN", 13, bold=True, face="Times New Roman Bold")
    _add(left, "XÃ HÒA BÌNH", 13, bold=True)
    _add(left, "_" * 12, 13, superscript=True)
    _add(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _add(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _add(right, "_" * 40, 14, superscript=True)
    number = "Số: 15/KH-UBND"
    date = "Hòa Bình, ngày 12 tháng 3 năm 2026"
    if number_below:
        _add(right, date, 14, italic=True)
        line = _add(document, number, 13)  # centred under the left column
        line.paragraph_format.right_indent = Mm(100)
    else:
        _add(left, number, 13)
        _add(right, date, 14, italic=True)
    _add(document, "", 14)
    _add(document, "KẾ HOẠCH", 14, bold=True)
    summary = "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026"
    _add(document, summary.upper() if capitals else summary, 14, bold=True)
    _add(document, "_" * 30, 14, superscript=True)
    _body(
        document,
        [
            "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh, Ủy ban nhân dân xã ban hành Kế "
            "hoạch tổ chức Ngày hội như sau:",
            "1. Các thôn tổ chức Ngày hội tại nhà văn hóa thôn, bảo đảm an toàn, tiết kiệm.",
            "a) Mặt trận Tổ quốc xã chủ trì, phối hợp với các đoàn thể hướng dẫn các thôn.",
            "2. Văn phòng HĐND và UBND xã tổng hợp, báo cáo kết quả trước ngày 30 tháng 11 "
            "năm 2026./.",
        ],
    )
    left, right = _cells(document.add_table(rows=1, cols=2), (75, 90))
    _add(left, "Nơi nhận:", 12, WD_ALIGN_PARAGRAPH.LEFT, bold=True, italic=True)
    for item in (
        "- Ủy ban nhân dân tỉnh,",
        "Ban Dân vận Tỉnh ủy (để báo cáo);",
        "- Các thôn;",
        "- Lưu: VT, VP.",
    ):
        _add(left, item, 11, WD_ALIGN_PARAGRAPH.LEFT)
    _add(right, "TM. ỦY BAN NHÂN DÂN", 14, bold=True)
    _add(right, "CHỦ TỊCH", 14, bold=True)
    _add(right, "(Đã ký)", 14, italic=True)
    _add(right, "Lê Văn Bình", 14, bold=True)
    return _save(document)


def office_party_plan() -> bytes:
    """A Party plan typed in Word: two-line central superior body as the Central
    Committee's offices type it, "*" and "-----", T/M, items ending ";"."""
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    left, right = _cells(document.add_table(rows=1, cols=2), (75, 90))
    _add(left, "ĐẢNG BỘ TỈNH NINH BÌNH", 14)
    _add(left, "ĐẢNG UỶ XÃ GIA VIỄN", 14, bold=True)
    _add(left, "*", 14)
    _add(left, "Số 08-KH/ĐU", 14)
    title = _add(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    title._p.get_or_add_pPr().append(border)
    title.paragraph_format.left_indent = title.paragraph_format.right_indent = Mm(7)
    _add(right, "Gia Viễn, ngày 02 tháng 7 năm 2026", 14, italic=True)
    _add(document, "", 14)
    _add(document, "KẾ HOẠCH", 16, bold=True)
    _add(document, "tổ chức hội nghị sơ kết 6 tháng đầu năm 2026", 14, bold=True)
    _add(document, "-----", 14)
    _body(
        document,
        [
            "Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Đảng uỷ xã xây dựng Kế "
            "hoạch tổ chức hội nghị như sau:",
            "1- Các chi bộ chuẩn bị báo cáo, gửi về Văn phòng Đảng uỷ trước ngày 10/7/2026.",
        ],
        party=True,
    )
    left, right = _cells(document.add_table(rows=1, cols=2), (75, 90))
    _add(left, "Nơi nhận:", 14, WD_ALIGN_PARAGRAPH.LEFT, underline=True)
    for item in (
        "- Ban Thường vụ Tỉnh uỷ (để báo cáo);",
        "- Các chi bộ;",
        "- Lưu Văn phòng Đảng uỷ.",
    ):
        _add(left, item, 12, WD_ALIGN_PARAGRAPH.LEFT)
    _add(right, "T/M ĐẢNG UỶ", 14, bold=True)
    _add(right, "BÍ THƯ", 14)
    _add(right, "(Đã ký và đóng dấu)", 14, italic=True)
    _add(right, "Phạm Thị Hằng", 14, bold=True)
    return _save(document)


def test_an_office_typed_state_plan_has_no_error() -> None:
    report = check_docx(office_state_plan())
    assert report.profile_id == "state_nd30_2020"
    assert report.findings == [], _seen(report)
    statuses = {r.rule_id: r.status for r in report.results}
    assert statuses["ORGAN_SEPARATOR"] == statuses["SUMMARY_SEPARATOR"] == "PASS"
    assert statuses["SEPARATOR_LENGTH"] == statuses["RULE_UNDER_TITLE"] == "PASS"


def test_the_number_line_under_the_header_table_still_finds_the_issuing_body() -> None:
    report = check_docx(office_state_plan(number_below=True))
    assert report.findings == [], _seen(report)
    statuses = {r.rule_id: r.status for r in report.results}
    assert statuses["ORGAN_SEPARATOR"] == statuses["NUMBER_FORMAT"] == "PASS"


def test_an_office_typed_party_plan_has_no_error() -> None:
    report = check_docx(office_party_plan())
    assert report.profile_id == "party_hd05_2026"
    assert report.findings == [], _seen(report)
    statuses = {r.rule_id: r.status for r in report.results}
    assert statuses["ORGAN_SEPARATOR"] == statuses["PARTY_TITLE_NOT_BOLD"] == "PASS"


# -- practice that differs from the law: warnings, not errors ---------------------------


def test_a_summary_in_capitals_is_a_warning_that_says_both() -> None:
    report = check_docx(office_state_plan(capitals=True))
    assert report.ok
    (finding,) = report.findings
    assert (finding.rule_id, finding.severity) == ("ELEMENT_STYLE", "warning")
    assert "chữ thường" in finding.message and "nhiều cơ quan" in finding.message


@pytest.mark.parametrize(
    "archive", ["- Lưu: VT, NC (TP, Vinh).", "- Lưu: VT, KT (KH03).", "- Lưu: VT, NC (TP. Vinh)."]
)
def test_archive_lines_with_office_codes_pass_or_warn(archive: str) -> None:
    def change(parts: Any) -> None:
        set_text(paragraph(parts.document, "- Lưu: VT, VP."), archive)

    report = check_docx(mutate(rendered("ke-hoach-ubnd-xa"), change))
    assert report.ok, _seen(report)
    assert {f.severity for f in report.findings} <= {"warning"}


def test_a_copy_count_line_after_the_archive_line_is_a_warning() -> None:
    def change(parts: Any) -> None:
        archive = paragraph(parts.document, "- Lưu: VT, VP.")
        copy = archive.__copy__()
        archive.addnext(copy)
        set_text(copy, "(05 bản)")

    report = check_docx(mutate(rendered("ke-hoach-ubnd-xa"), change))
    assert report.ok, _seen(report)
    assert _seen(report) == [("NOI_NHAN", "warning", "(05 bản)")]


def test_house_conventions_turn_named_warnings_into_notes(tmp_path: Path) -> None:
    path = tmp_path / "quy-uoc.yaml"
    path.write_text(
        "chap_nhan:\n  - quy_tac: ELEMENT_STYLE\n    ly_do: UBND xã gõ trích yếu chữ in hoa\n",
        encoding="utf-8",
    )
    report = apply_conventions(check_docx(office_state_plan(capitals=True)), load_conventions(path))
    assert [f.severity for f in report.findings] == ["info"]
    assert report.conventions == (("ELEMENT_STYLE", "UBND xã gõ trích yếu chữ in hoa"),)
    assert report.to_json()["conventions"] == [
        {"rule": "ELEMENT_STYLE", "accepted": "UBND xã gõ trích yếu chữ in hoa"}
    ]


def test_a_conventions_file_naming_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "quy-uoc.yaml"
    path.write_text("chap_nhan:\n  - quy_tac: KHONG_CO\n    ly_do: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_conventions(path)
    assert "Không có quy tắc “KHONG_CO”" in caught.value.problems[0].message


def test_render_prints_the_warnings_it_found(tmp_path: Path) -> None:
    shutil.copytree(INPUTS, tmp_path, dirs_exist_ok=True)  # its registry comes along
    source = tmp_path / "chuong-trinh-hanh-dong-nq18.yaml"
    result = api.render_document(source, tmp_path / "out.docx")
    assert any("NOI_NHAN_ITEM" in line for line in result.warnings)
    (tmp_path / "quy-uoc.yaml").write_text(
        "chap_nhan:\n  - quy_tac: NOI_NHAN_ITEM\n    ly_do: giữ như bản 2018\n", encoding="utf-8"
    )
    again = api.render_document(source, tmp_path / "out.docx")
    assert not any("NOI_NHAN_ITEM" in line for line in again.warnings)
    assert len(again.warnings) == len(result.warnings) - 2


# -- shapes that are errors, and documents that are not official documents ---------------


def test_two_type_names_are_an_error() -> None:
    def change(parts: Any) -> None:
        name = paragraph(parts.document, "KẾ HOẠCH")
        copy = name.__copy__()
        name.addnext(copy)
        set_text(copy, "BÁO CÁO")

    report = check_docx(mutate(rendered("ke-hoach-ubnd-xa"), change))
    assert report.failing("error") == {"STRUCTURE"}


def test_the_quoc_hieu_under_the_issuing_body_is_an_error() -> None:
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    for text, size in (("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", 13),):
        _add(document, text, size, bold=True)
    _add(document, "_" * 12, 13, superscript=True)
    _add(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _add(document, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _add(document, "Số: 15/KH-UBND", 13)
    _add(document, "Hòa Bình, ngày 12 tháng 3 năm 2026", 14, italic=True)
    _add(document, "KẾ HOẠCH", 14, bold=True)
    report = check_docx(_save(document))
    assert "STRUCTURE" in report.failing("error")
    finding = next(f for f in report.findings if f.rule_id == "STRUCTURE")
    assert finding.found == "nằm dưới tên cơ quan ban hành"


def test_a_citizens_application_is_reported_as_what_it_is() -> None:
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    _add(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _add(document, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _add(document, "ĐƠN ĐỀ NGHỊ CẤP GIẤY XÁC NHẬN", 14, bold=True)
    _add(document, "Kính gửi: Ủy ban nhân dân xã Hòa Bình", 14)
    _add(document, "Tôi tên là: Nguyễn Văn Nam; điện thoại: 0912 345 678", 14)
    report = check_docx(_save(document))
    assert report.kind.startswith("đơn của cá nhân")
    assert report.findings == []
    assert {r.status for r in report.results} == {"NOT_EVALUATED"}
    assert all("đơn của cá nhân" in r.reason for r in report.results)


def test_an_appendix_file_alone_is_reported_as_what_it_is() -> None:
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    _add(document, "Phụ lục", 14, bold=True)
    _add(document, "DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM", 14, bold=True)
    _add(document, "(Kèm theo Kế hoạch số 15/KH-UBND ngày 12/3/2026 của UBND xã)", 14, italic=True)
    report = check_docx(_save(document))  # no profile can be guessed: not refused either
    assert report.kind.startswith("phụ lục đứng riêng")
    assert report.findings == []


# -- sources ---------------------------------------------------------------------------


def test_every_hd36_rule_cites_hd36_or_says_it_is_carried_over() -> None:
    from pipeline.compliance.catalogue import page_rules_for
    from pipeline.pdf.page_check import PAGE_RULES  # the page rules have sources too

    specs = [*rules_for("party_hd36_2018"), *page_rules_for("party_hd36_2018")]
    assert set(PAGE_RULES) <= {s.id for s in specs}
    hd05 = {
        s.id: s.source.section
        for s in (*rules_for("party_hd05_2026"), *page_rules_for("party_hd05_2026"))
    }
    for spec in specs:
        source = spec.source
        assert source.section, spec.id
        if source.document.startswith("Hướng dẫn 36"):
            assert has_own_source(spec.id, "party_hd36_2018"), spec.id
            if CARRIED not in source.section:
                # HD 36's own: a source about HD 36 itself (P6 font table, P7 Q&As, P9
                # header, P10 summary, P11 layout grid), never HD 05's numbers alone.
                assert set(source.refs.split(", ")) & {"P6", "P7", "P9", "P10", "P11"}, spec.id
                assert "P1" not in source.refs.split(", "), spec.id  # P1 is HD 05's text
            else:
                # Carried over: which HD 05 section (as HD 05 numbers it), and why.
                carried = source.section.removeprefix(f"{CARRIED}, ").split(": ")[0]
                assert carried and carried in hd05[spec.id], spec.id
                assert ": " in source.section, spec.id  # ... and why
        else:
            # Another document: the law on districts, or HD 05 replacing HD 36.
            assert source.document.startswith(("Nghị quyết 203", "Hướng dẫn 05")), spec.id


def test_findings_under_hd36_carry_the_hd36_source() -> None:
    report = check_docx(rendered("chuong-trinh-hanh-dong-nq18"))
    assert report.profile_id == "party_hd36_2018"
    for finding in report.findings:
        assert "36" in finding.source.document or "05" in finding.source.document
        assert "9.2.5 [" not in str(finding.source) or CARRIED in str(finding.source)


# -- distribution lists -----------------------------------------------------------------


def test_every_distribution_list_the_build_writes_passes(tmp_path: Path) -> None:
    report = api.build(INPUTS, tmp_path / "build")
    lists = sorted((tmp_path / "build").rglob("*.noi-nhan.docx"))
    plans = [d for d in report.documents if "periods" not in d.output.parts]
    batched = sum(len(list(b.out_dir.glob("*.noi-nhan.docx"))) for b in report.batches)
    assert batched > 0 and len(lists) == len(plans) + batched
    for path in lists:
        checked = check_docx(path)
        assert checked.ok, (path.name, _seen(checked))
        assert {r.rule_id for r in checked.results} == {
            "PAGE_A4",
            "MARGINS",
            "FONT_TNR",
            "FONT_BLACK",
            "LIST_LAYOUT",
        }
        texts = [p.text for p in docx.Document(str(path)).paragraphs if p.text]
        assert texts[0] == "DANH SÁCH NƠI NHẬN"
        assert re.match(r"^\(Kèm theo .+ số .+ ngày .+ của .+\)$", texts[1]), texts[1]
        assert not any(t.startswith("Số") for t in texts)  # no second number line


def test_a_list_dressed_as_a_second_document_fails_the_list_rules() -> None:
    document = docx.Document()
    _page(document, (20, 20, 30, 15))
    _add(document, "DANH SÁCH NƠI NHẬN", 14, bold=True)
    _add(document, "Kèm theo Kế hoạch số 45/KH-UBND", 14, bold=True)
    _add(document, "Số: 45/KH-UBND", 13)
    report = check_docx(_save(document))
    found = {(f.element, f.found) for f in report.findings if f.rule_id == "LIST_LAYOUT"}
    assert ("Dòng kèm theo", "Kèm theo Kế hoạch số 45/KH-UBND") in found
    assert ("Số, ký hiệu", "Số: 45/KH-UBND") in found
    assert ("Bảng nơi nhận", "không có bảng") in found


def test_docs_state_every_rules_level_per_profile_and_why() -> None:
    from pipeline.compliance.catalogue import list_rules_for, page_rules_for
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    table = text.split("### Levels per profile, and why")[1].split("\n\n")[2]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    columns = ("state_nd30_2020", "party_hd05_2026", "party_hd36_2018")
    for index, profile_id in enumerate(columns):
        specs = {
            s.id: s
            for s in (
                *rules_for(profile_id),
                *page_rules_for(profile_id),
                *list_rules_for(profile_id),
            )
        }
        for rule_id, spec in specs.items():
            level, why = rows[rule_id][index], rows[rule_id][3]
            assert why, rule_id
            assert level[0] == spec.severity[0].upper(), (rule_id, profile_id, level)
        for rule_id, cells in rows.items():
            if rule_id not in specs:
                assert cells[index] == "—", (rule_id, profile_id)


def test_ban_chap_hanh_trung_uong_is_one_name_on_two_lines() -> None:
    from pipeline.compliance.detect import detect
    from pipeline.compliance.package import open_package
    from pipeline.compliance.paras import flatten
    from pipeline.compliance.reader import StyleResolver
    from tests.check_helpers import run_property

    def change(parts: Any) -> None:
        top = paragraph(parts.document, "ĐẢNG BỘ TỈNH THÁI NGUYÊN")
        set_text(top, "BAN CHẤP HÀNH")
        run_property(top, "b")
        set_text(paragraph(parts.document, "ĐẢNG UỶ XÃ PHÚ ĐÌNH"), "TRUNG ƯƠNG")

    package = open_package(mutate(rendered("ke-hoach-dang-uy-xa"), change))
    resolver = StyleResolver.from_styles(package.styles, package.theme_fonts)
    layout = detect(flatten(package.body), resolver)
    assert [p.text for p in layout.issuer] == ["BAN CHẤP HÀNH", "TRUNG ƯƠNG"]
    assert layout.superior == []


@pytest.mark.parametrize(
    "summary",
    [
        "Triển khai chuyển đổi số trên địa bàn xã năm 2027",
        "Triển khai chuyển đổi số, phát triển kinh tế số, xã hội số và chính quyền số trên "
        "địa bàn xã giai đoạn 2026 - 2030, tầm nhìn đến năm 2035",
    ],
)
def test_the_tools_own_summary_line_fits_short_and_wrapped_summaries(summary: str) -> None:
    def change(parts: Any) -> None:
        set_text(
            paragraph(parts.document, "Triển khai chuyển đổi số trên địa bàn xã năm 2027"), summary
        )

    report = check_docx(mutate(rendered("ke-hoach-ubnd-xa"), change))
    statuses = {r.rule_id: r.status for r in report.results}
    assert statuses["SEPARATOR_LENGTH"] == "PASS", _seen(report)
