"""Each example read back with python-docx: page, fonts, and each element's formatting."""

from __future__ import annotations

from typing import Any

import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pipeline.compliance import StyleResolver, iter_paragraphs
from pipeline.profiles import get_profile
from tests.conftest import EXAMPLES

TNR = "Times New Roman"


def _find(document: Document, text: str) -> Paragraph:
    for paragraph in iter_paragraphs(document):
        if " ".join(paragraph.text.split()) == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


def _look(document: Document, text: str) -> dict[str, Any]:
    """Return size/bold/italic/underline of the text runs of the paragraph ``text``."""
    paragraph = _find(document, text)
    resolver = StyleResolver(document)
    formats = {resolver.run_format(paragraph._p, r._r) for r in paragraph.runs if r.text.strip()}
    assert len(formats) == 1, f"{text!r} mixes formats: {formats}"
    fmt = formats.pop()
    return {"size": fmt.size, "bold": fmt.bold, "italic": fmt.italic, "underline": fmt.underline}


def _expect(
    size: float, bold: bool = False, italic: bool = False, underline: bool = False
) -> dict[str, Any]:
    return {"size": size, "bold": bold, "italic": italic, "underline": underline}


@pytest.mark.parametrize("name", EXAMPLES)
def test_page_is_a4_with_the_profile_margins(documents: dict[str, Document], name: str) -> None:
    section = documents[name].sections[0]
    margins = get_profile(EXAMPLES[name]).margin_ranges_mm
    assert abs(section.page_width.mm - 210) < 0.1
    assert abs(section.page_height.mm - 297) < 0.1
    for side in ("top", "bottom", "left", "right"):
        value = getattr(section, f"{side}_margin").mm
        low, high = margins[side]
        assert low - 0.1 <= value <= high + 0.1, (side, value)


@pytest.mark.parametrize("name", EXAMPLES)
def test_times_new_roman_throughout(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    resolver = StyleResolver(document)
    paragraphs = list(iter_paragraphs(document))
    for section in document.sections:
        paragraphs += section.header.paragraphs + section.first_page_header.paragraphs
    runs = [(p, r) for p in paragraphs for r in p.runs if r.text.strip()]
    assert len(runs) > 50
    for paragraph, run in runs:
        fonts = resolver.run_format(paragraph._p, run._r).fonts
        assert set(fonts) == {TNR}, (run.text, fonts)


def test_party_hd36_elements(documents: dict[str, Document]) -> None:
    d = documents["chuong-trinh-hanh-dong-nq18"]
    assert _look(d, "ĐẢNG CỘNG SẢN VIỆT NAM") == _expect(15, bold=True)
    assert _look(d, "ĐẢNG BỘ TỈNH THÁI NGUYÊN") == _expect(14)
    assert _look(d, "HUYỆN UỶ ĐỊNH HOÁ") == _expect(14, bold=True)
    assert _look(d, "*") == _expect(14)
    assert _look(d, "Số 05-CTr/HU") == _expect(14)
    assert _look(d, "Định Hoá, ngày 15 tháng 01 năm 2018") == _expect(14, italic=True)
    assert _look(d, "CHƯƠNG TRÌNH HÀNH ĐỘNG") == _expect(16, bold=True)
    assert _look(d, "thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017") == _expect(14, bold=True)
    assert _look(d, "I- MỤC ĐÍCH, YÊU CẦU") == _expect(14, bold=True)
    assert _look(d, "T/M BAN THƯỜNG VỤ") == _expect(14, bold=True)
    assert _look(d, "BÍ THƯ") == _expect(14)  # Party: the title line is not bold
    assert _look(d, "Triệu Đức Hạnh") == _expect(14, bold=True)
    assert _look(d, "Nơi nhận:") == _expect(14, underline=True)
    assert _look(d, "- Thường trực Huyện uỷ;") == _expect(12)
    assert _look(d, "- Lưu.") == _expect(12)


def test_party_hd05_elements(documents: dict[str, Document]) -> None:
    d = documents["ke-hoach-dang-uy-xa"]
    assert _look(d, "ĐẢNG CỘNG SẢN VIỆT NAM") == _expect(15, bold=True)
    assert _look(d, "ĐẢNG UỶ XÃ PHÚ ĐÌNH") == _expect(14, bold=True)
    assert _look(d, "Số 12-KH/ĐU") == _expect(14)
    assert _look(d, "Phú Đình, ngày 15 tháng 9 năm 2026") == _expect(14, italic=True)
    assert _look(d, "KẾ HOẠCH") == _expect(16, bold=True)
    assert _look(d, "-----") == _expect(14)
    assert _look(d, "T/M ĐẢNG UỶ") == _expect(14, bold=True)
    assert _look(d, "BÍ THƯ") == _expect(14)
    assert _look(d, "Nơi nhận:") == _expect(14, underline=True)
    assert _look(d, "- Lưu Văn phòng Đảng uỷ.") == _expect(12)


def test_state_nd30_elements(documents: dict[str, Document]) -> None:
    d = documents["ke-hoach-ubnd-xa"]
    assert _look(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == _expect(13, bold=True)
    assert _look(d, "Độc lập - Tự do - Hạnh phúc") == _expect(14, bold=True)
    assert _look(d, "ỦY BAN NHÂN DÂN") == _expect(13, bold=True)
    assert _look(d, "Số: 45/KH-UBND") == _expect(13)
    assert _look(d, "Phú Đình, ngày 20 tháng 10 năm 2026") == _expect(14, italic=True)
    assert _look(d, "KẾ HOẠCH") == _expect(14, bold=True)
    assert _look(d, "Triển khai chuyển đổi số trên địa bàn xã năm 2027") == _expect(14, bold=True)
    assert _look(d, "TM. ỦY BAN NHÂN DÂN") == _expect(14, bold=True)
    assert _look(d, "CHỦ TỊCH") == _expect(14, bold=True)  # State: title line bold
    assert _look(d, "Trần Thị Hoa") == _expect(14, bold=True)
    assert _look(d, "Nơi nhận:") == _expect(12, bold=True, italic=True)
    assert _look(d, "- Lưu: VT, VP.") == _expect(11)


@pytest.mark.parametrize("name", EXAMPLES)
def test_body_paragraphs_are_justified_indented_and_spaced(
    documents: dict[str, Document], name: str
) -> None:
    document = documents[name]
    resolver = StyleResolver(document)
    profile = get_profile(EXAMPLES[name])
    body = [p for p in iter_paragraphs(document) if p.style.name == "VB Noi dung" and p.text]
    assert len(body) >= 5
    for paragraph in body:
        fmt = resolver.paragraph_format(paragraph._p)
        assert fmt.align == "justify"
        assert abs(fmt.first_line_mm - profile.body.first_line_indent_mm) < 0.2
        assert fmt.space_after >= 6
        size = resolver.run_format(paragraph._p, paragraph.runs[0]._r).size
        assert size == profile.size("noi_dung")
        if profile.family == "party":
            assert (fmt.line_rule, fmt.line_value) == ("exact", 18)
        else:
            assert fmt.line_rule == "auto"
            assert fmt.line_value is not None and 1.0 <= fmt.line_value <= 1.5


def _has_page_field(paragraphs: list[Paragraph]) -> bool:
    for paragraph in paragraphs:
        instr = "".join(t.text or "" for t in paragraph._p.iter(qn("w:instrText")))
        simple = [f.get(qn("w:instr")) for f in paragraph._p.iter(qn("w:fldSimple"))]
        if "PAGE" in instr or any("PAGE" in (s or "") for s in simple):
            return True
    return False


@pytest.mark.parametrize("name", EXAMPLES)
def test_page_number_only_from_page_two_centred(documents: dict[str, Document], name: str) -> None:
    section = documents[name].sections[0]
    assert section.different_first_page_header_footer
    assert not _has_page_field(section.first_page_header.paragraphs)
    assert section.first_page_header.paragraphs[0].text.strip() == ""
    header = section.header.paragraphs
    assert _has_page_field(header)
    numbered = next(p for p in header if _has_page_field([p]))
    resolver = StyleResolver(documents[name])
    assert resolver.paragraph_format(numbered._p).align == "center"
