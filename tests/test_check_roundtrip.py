"""Documents not made by vanban: saved again by LibreOffice, or typed by hand in Word.

The checker must read styles and inherited formatting, not only direct run properties
and never the names of our styles.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from pipeline.compliance import check_docx
from tests.check_helpers import rendered
from tests.conftest import EXAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine"
)
@pytest.mark.parametrize(("example", "profile_id"), EXAMPLES.items())
def test_a_document_saved_by_libreoffice_still_passes(
    tmp_path: Path, example: str, profile_id: str
) -> None:
    source = tmp_path / "in" / f"{example}.docx"
    source.parent.mkdir()
    source.write_bytes(rendered(example))
    out = tmp_path / "out"
    profile_dir = tmp_path / "lo-profile"  # a private profile: parallel runs do not collide
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile_dir}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = (out / source.name).read_bytes()
    assert saved != source.read_bytes()
    report = check_docx(saved)
    assert report.profile_id == profile_id
    assert report.failing("error") == set(), [str(f.location) for f in report.findings]
    before = {r.rule_id: r.status for r in check_docx(source.read_bytes()).results}
    after = {r.rule_id: r.status for r in report.results}
    assert after == before


def _border(paragraph: Any, side: str, indent_mm: float = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    ppr.append(borders)
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)


def _add(
    container: Any,
    text: str,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.name = "Times New Roman"  # direct formatting only, as a hand-typed document
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    return paragraph


def _hand_made() -> bytes:
    """A State plan typed in Word: direct formatting only, default styles, no "VB" names."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    head = document.add_table(rows=2, cols=2)
    left, right = head.rows[0].cells
    for cell, width in ((left, 65), (right, 100)):
        cell.width = Mm(width)
        cell._tc.remove(cell.paragraphs[0]._p)
    _add(left, "ỦY BAN NHÂN DÂN", 13, bold=True)
    _add(left, "XÃ TÂN LẬP", 13, bold=True)
    _border(_add(left, "", 13), "top", indent_mm=20)
    _add(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _add(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _border(_add(right, "", 13), "top", indent_mm=20)
    number, place = head.rows[1].cells
    number.paragraphs[0].add_run("Số: 07/KH-UBND").font.size = Pt(13)
    number.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    date = place.paragraphs[0].add_run("Tân Lập, ngày 05 tháng 02 năm 2026")
    date.font.size, date.font.italic = Pt(14), True
    place.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell in (number, place):
        cell.paragraphs[0].runs[0].font.name = "Times New Roman"
    _add(document, "KẾ HOẠCH", 14, bold=True)
    _add(document, "Phòng, chống thiên tai năm 2026", 14, bold=True)
    _border(_add(document, "", 13), "top", indent_mm=62)
    for text in (
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Ủy ban nhân dân xã ban hành Kế hoạch "
        "phòng, chống thiên tai năm 2026 như sau:",
        "Các thôn, các đơn vị chủ động rà soát phương án, chuẩn bị lực lượng, phương tiện; "
        "báo cáo kết quả về Ủy ban nhân dân xã trước ngày 15 tháng 5 năm 2026./.",
    ):
        paragraph = _add(document, text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.paragraph_format.line_spacing = 1.15
    closing = document.add_table(rows=1, cols=2)
    left, right = closing.rows[0].cells
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    _add(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for item in ("- UBND tỉnh;", "- Các thôn;", "- Lưu: VT, VP."):
        _add(left, item, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _add(right, "TM. ỦY BAN NHÂN DÂN", 14, bold=True)
    _add(right, "CHỦ TỊCH", 14, bold=True)
    _add(right, "Nguyễn Văn An", 14, bold=True)
    section.different_first_page_header_footer = True
    import io

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_hand_made_word_document_is_read_without_our_styles() -> None:
    data = _hand_made()
    assert b"VBNoidung" not in data
    report = check_docx(data)
    assert report.profile_id == "state_nd30_2020"
    assert report.failing("error") == set(), [
        (f.rule_id, str(f.location), f.expected, f.found) for f in report.findings
    ]
    passed = {r.rule_id for r in report.results if r.status == "PASS"}
    assert {"FONT_TNR", "ELEMENT_STYLE", "NOI_NHAN", "SIGN_PREFIX", "ORGAN_SEPARATOR"} <= passed
