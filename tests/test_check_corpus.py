"""A corpus of documents built in code, each breaking exactly one rule.

Each case renders one of our examples, breaks one thing in its XML (as a user would in
Word), and asserts that the checker reports exactly that rule - and no other error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pipeline.compliance import check_docx
from tests.check_helpers import (
    Parts,
    body_paragraphs,
    mutate,
    paragraph,
    paragraph_property,
    q,
    rendered,
    run_property,
    section,
    set_text,
)

STATE, PARTY, SEED = "ke-hoach-ubnd-xa", "ke-hoach-dang-uy-xa", "chuong-trinh-hanh-dong-nq18"


@dataclass(frozen=True)
class Case:
    """One broken document: which example, how it is broken, what must be reported."""

    id: str
    example: str
    change: Callable[[Parts], None]
    rule: str
    severity: str = "error"
    excerpt: str | None = None  # text the finding's location must quote


def _retext(old: str, new: str, exact: bool = True) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        set_text(paragraph(parts.document, old, exact), new)

    return change


def _run_prop(text: str, tag: str, **attrs: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        run_property(paragraph(parts.document, text), tag, **attrs)

    return change


def _margin(side: str, twips: int) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        section(parts).find(q("pgMar")).set(q(side), str(twips))

    return change


def _letter(parts: Parts) -> None:
    size = section(parts).find(q("pgSz"))
    size.set(q("w"), "12240")
    size.set(q("h"), "15840")


def _no_title_page(parts: Parts) -> None:
    sect = section(parts)
    sect.remove(sect.find(q("titlePg")))


def _arial_in_one_run(parts: Parts) -> None:
    p = paragraph(parts.document, "2. Phân công rõ người, rõ việc, rõ thời hạn, rõ kết quả.")
    run = next(
        r for r in p.iter(q("r")) if "Phân công" in "".join(t.text or "" for t in r.iter(q("t")))
    )
    rpr = run.find(q("rPr"))
    if rpr is None:
        rpr = run.makeelement(q("rPr"), {})
        run.insert(0, rpr)
    fonts = rpr.makeelement(q("rFonts"), {q("ascii"): "Arial", q("hAnsi"): "Arial"})
    rpr.insert(0, fonts)


def _theme_font(parts: Parts) -> None:
    p = paragraph(parts.document, "KẾ HOẠCH")
    run_property(p, "rFonts", asciiTheme="minorHAnsi", hAnsiTheme="minorHAnsi")


def _body_size(points: int) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        for p in body_paragraphs(parts):
            run_property(p, "sz", val=str(points * 2))

    return change


def _body_left_aligned(parts: Parts) -> None:
    for p in body_paragraphs(parts):
        paragraph_property(p, "jc", val="left")


def _page_number_left(parts: Parts) -> None:
    for root in parts.headers.values():
        for p in root.iter(q("p")):
            if any("PAGE" in (t.text or "") for t in p.iter(q("instrText"))):
                paragraph_property(p, "jc", val="left")


def _drop_border_under(text: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        p = paragraph(parts.document, text).getnext()
        ppr = p.find(q("pPr"))
        ppr.remove(ppr.find(q("pBdr")))

    return change


CASES = [
    Case("le-trai-25mm-hd05", PARTY, _margin("left", 1417), "MARGINS"),
    Case("le-phai-25mm-nd30", STATE, _margin("right", 1417), "MARGINS"),
    Case("kho-letter", STATE, _letter, "PAGE_A4"),
    Case("arial-mot-run", STATE, _arial_in_one_run, "FONT_TNR", excerpt="2. Phân công rõ người"),
    Case("phong-theme", STATE, _theme_font, "FONT_TNR", excerpt="KẾ HOẠCH"),
    Case(
        "thang-03",
        STATE,
        _retext("Phú Đình, ngày 20 tháng 10 năm 2026", "Phú Đình, ngày 20 tháng 03 năm 2026"),
        "DATE_FORMAT",
        excerpt="Phú Đình, ngày 20 tháng 03 năm 2026",
    ),
    Case(
        "ngay-5",
        PARTY,
        _retext("Phú Đình, ngày 15 tháng 9 năm 2026", "Phú Đình, ngày 5 tháng 9 năm 2026"),
        "DATE_FORMAT",
    ),
    Case(
        "thang-2-khong-so-0",
        STATE,
        _retext("Phú Đình, ngày 20 tháng 10 năm 2026", "Phú Đình, ngày 20 tháng 2 năm 2026"),
        "DATE_FORMAT",
    ),
    Case(
        "so-nha-nuoc-thieu-hai-cham",
        STATE,
        _retext("Số: 45/KH-UBND", "Số 45/KH-UBND"),
        "NUMBER_FORMAT",
        excerpt="Số 45/KH-UBND",
    ),
    Case("so-dang-co-hai-cham", PARTY, _retext("Số 12-KH/ĐU", "Số: 12-KH/ĐU"), "NUMBER_FORMAT"),
    Case("so-thieu-so-0", STATE, _retext("Số: 45/KH-UBND", "Số: 5/KH-UBND"), "NUMBER_FORMAT"),
    Case(
        "noi-nhan-dang-khong-gach-chan",
        PARTY,
        _run_prop("Nơi nhận:", "u", val="none"),
        "NOI_NHAN",
        excerpt="Nơi nhận:",
    ),
    Case(
        "noi-nhan-nha-nuoc-khong-nghieng", STATE, _run_prop("Nơi nhận:", "i", val="0"), "NOI_NHAN"
    ),
    Case(
        "luu-nha-nuoc-thieu-hai-cham", STATE, _retext("- Lưu: VT, VP.", "- Lưu VT, VP."), "NOI_NHAN"
    ),
    Case("luu-tran-hd05", PARTY, _retext("- Lưu Văn phòng Đảng uỷ.", "- Lưu."), "NOI_NHAN"),
    Case(
        "noi-nhan-dau-phay-hd05",
        PARTY,
        _retext("- Các chi bộ trực thuộc;", "- Các chi bộ trực thuộc,"),
        "NOI_NHAN_ITEM",
    ),
    Case("so-trang-o-trang-1", PARTY, _no_title_page, "PAGE_NUM_FIRST_HIDDEN"),
    Case(
        "tm-gach-cheo-nha-nuoc",
        STATE,
        _retext("TM. ỦY BAN NHÂN DÂN", "T/M ỦY BAN NHÂN DÂN"),
        "SIGN_PREFIX",
        excerpt="T/M ỦY BAN NHÂN DÂN",
    ),
    Case("kt-cham-dang", PARTY, _retext("T/M ĐẢNG UỶ", "KT. ĐẢNG UỶ"), "SIGN_PREFIX"),
    Case("noi-dung-12pt", STATE, _body_size(12), "ELEMENT_STYLE"),
    Case("noi-dung-13pt-dang", PARTY, _body_size(13), "ELEMENT_STYLE"),
    Case(
        "quoc-hieu-khong-dam",
        STATE,
        _run_prop("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", val="0"),
        "ELEMENT_STYLE",
        excerpt="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ),
    Case(
        "ngay-thang-dang-khong-nghieng",
        PARTY,
        _run_prop("Phú Đình, ngày 15 tháng 9 năm 2026", "i", val="0"),
        "ELEMENT_STYLE",
    ),
    Case("ho-ten-khong-dam", STATE, _run_prop("Trần Thị Hoa", "b", val="0"), "ELEMENT_STYLE"),
    Case("ten-loai-chu-thuong", STATE, _retext("KẾ HOẠCH", "Kế hoạch"), "ELEMENT_STYLE"),
    Case(
        "trich-yeu-dang-viet-hoa",
        PARTY,
        _retext(
            "thực hiện Nghị quyết số 57-NQ/TW",
            "Thực hiện Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị",
            exact=False,
        ),
        "ELEMENT_STYLE",
    ),
    Case("chuc-vu-dang-in-dam", PARTY, _run_prop("BÍ THƯ", "b"), "PARTY_TITLE_NOT_BOLD"),
    Case(
        "tieu-ngu-gach-dai",
        STATE,
        _retext("Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"),
        "HEADER_TITLE_TEXT",
    ),
    Case("thieu-dau-sao", PARTY, _retext("*", ""), "ORGAN_SEPARATOR"),
    Case("thieu-gach-hd05", PARTY, _retext("-----", ""), "SUMMARY_SEPARATOR"),
    Case("thieu-duong-ke-co-quan", STATE, _drop_border_under("XÃ PHÚ ĐÌNH"), "ORGAN_SEPARATOR"),
    # Warnings: no error at all, and the one warning expected.
    Case(
        "quoc-hieu-hoa-kieu-cu",
        STATE,
        _retext("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "HEADER_TITLE_TEXT",
        "warning",
    ),
    Case(
        "huyen-uy-2026",
        PARTY,
        _retext("- Ban Thường vụ Tỉnh uỷ (để báo cáo);", "- Ban Thường vụ Huyện uỷ (để báo cáo);"),
        "DISTRICT_BODY",
        "warning",
        excerpt="- Ban Thường vụ Huyện uỷ (để báo cáo);",
    ),
    Case("noi-dung-can-trai", STATE, _body_left_aligned, "BODY_PARAGRAPH", "warning"),
    Case("so-trang-can-trai", PARTY, _page_number_left, "PAGE_NUM_POS", "warning"),
    Case(
        "ky-hieu-sai-loai",
        STATE,
        _retext("Số: 45/KH-UBND", "Số: 45/CTr-UBND"),
        "ABBREVIATION_KNOWN",
        "warning",
    ),
]


def test_the_corpus_is_large_enough() -> None:
    assert len([c for c in CASES if c.severity == "error"]) >= 20
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("example", [STATE, PARTY, SEED])
def test_the_unbroken_examples_have_no_error(example: str) -> None:
    report = check_docx(rendered(example))
    assert report.failing("error") == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_broken_document_yields_exactly_its_finding(case: Case) -> None:
    base = check_docx(rendered(case.example))
    assert case.rule not in base.failing(), "the unbroken example must pass this rule"
    report = check_docx(mutate(rendered(case.example), case.change))
    expected_errors = {case.rule} if case.severity == "error" else set()
    assert report.failing("error") == expected_errors
    assert case.rule in report.failing(case.severity)
    result = next(r for r in report.results if r.rule_id == case.rule)
    assert result.status == "FAIL"
    finding = result.findings[0]
    assert finding.source.document and finding.source.section
    assert finding.expected and finding.found and finding.message
    if case.excerpt is not None:
        assert any(
            f.location is not None and f.location.excerpt.startswith(case.excerpt)
            for f in result.findings
        ), [str(f.location) for f in result.findings]
