"""Rules about the page and the whole text: paper, margins, page numbers, font, colour."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated
from pipeline.compliance.facts import reads
from pipeline.compliance.package import R_NS, w, wattr
from pipeline.compliance.paras import Para, part_paragraphs
from pipeline.compliance.reader import TWIPS_PER_MM
from pipeline.compliance.report import Location

TNR = "times new roman"
_PAGE_FIELD = re.compile(r"^\s*PAGE\b", re.IGNORECASE)
_MAX_FINDINGS = 15
_BLACK = {None, "auto", "000000", "theme:text1", "theme:dark1"}


@dataclass(frozen=True)
class Section:
    """One section's page set-up and the header/footer parts it uses."""

    number: int
    width_mm: float
    height_mm: float
    margins_mm: dict[str, float]
    header_mm: float | None
    title_page: bool
    refs: dict[tuple[str, str], str]  # (header|footer, default|first|even) → rId


def sections(ctx: CheckContext) -> list[Section]:
    """Return the document's sections in order (read once per document body)."""
    return ctx.resolver.facts.get("sections", ctx.package.body, _sections)


def _sections(body: Any) -> list[Section]:
    out = []
    for number, sect in enumerate(body.iter(w("sectPr")), 1):
        size, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))

        def twips(node: Any, name: str, default: int = 0) -> float:
            value = wattr(node, name) if node is not None else None
            return abs(int(value)) / TWIPS_PER_MM if value else default / TWIPS_PER_MM

        refs = {}
        for kind in ("header", "footer"):
            for ref in sect.findall(w(f"{kind}Reference")):
                refs[(kind, wattr(ref, "type") or "default")] = ref.get(f"{{{R_NS}}}id", "")
        title = sect.find(w("titlePg"))
        out.append(
            Section(
                number,
                twips(size, "w", 12240),
                twips(size, "h", 15840),
                {side: twips(mar, side) for side in ("top", "bottom", "left", "right")},
                twips(mar, "header") if mar is not None and wattr(mar, "header") else None,
                title is not None and wattr(title, "val") not in ("0", "false", "off"),
                refs,
            )
        )
    if not out:
        raise NotEvaluated("Văn bản không có phần thiết lập trang (sectPr).")
    return out


@reads("sections")
def check_page_a4(ctx: CheckContext) -> list[Issue]:
    """PAGE_A4: every section is A4; landscape only after the first section (tables)."""
    issues = []
    for sec in sections(ctx):
        portrait = abs(sec.width_mm - 210) <= 0.5 and abs(sec.height_mm - 297) <= 0.5
        landscape = abs(sec.width_mm - 297) <= 0.5 and abs(sec.height_mm - 210) <= 0.5
        if portrait or (landscape and sec.number > 1):
            continue
        issues.append(
            Issue(
                "Khổ giấy",
                Location("word/document.xml", f"phần (section) {sec.number}"),
                "A4 dọc 210 × 297 mm",
                f"{sec.width_mm:.1f} × {sec.height_mm:.1f} mm",
                "Đặt khổ giấy A4 (Layout › Size › A4 trong Word; "
                "Định dạng › Trang trong LibreOffice).",
            )
        )
    return issues


@reads("sections")
def check_margins(ctx: CheckContext) -> list[Issue]:
    """MARGINS: each margin of each section inside the profile's range (±0.5 mm)."""
    names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
    issues = []
    for sec in sections(ctx):
        for side, (low, high) in ctx.profile.margin_ranges_mm.items():
            value = sec.margins_mm[side]
            if low - 0.5 <= value <= high + 0.5:
                continue
            expected = f"{low:g} mm" if low == high else f"{low:g}–{high:g} mm"
            issues.append(
                Issue(
                    f"Lề {names[side]}",
                    Location("word/document.xml", f"phần (section) {sec.number}"),
                    expected,
                    f"{value:.1f} mm",
                    f"Đặt lề {names[side]} {expected} (Layout › Margins › Custom Margins).",
                )
            )
    return issues


def _field_paras(ctx: CheckContext, rid: str | None) -> Iterator[Para]:
    """Yield the paragraphs of part ``rid`` that hold a PAGE field."""
    if not rid or rid not in ctx.package.parts:
        return
    for para in _part_paras(ctx, rid):
        instr = [t.text or "" for t in para.el.iter(w("instrText"))]
        instr += [wattr(f, "instr") or "" for f in para.el.iter(w("fldSimple"))]
        if any(_PAGE_FIELD.match(text) for text in instr):
            yield para


@reads("sections", "parts")
def check_first_page(ctx: CheckContext) -> list[Issue]:
    """PAGE_NUM_FIRST_HIDDEN: the header and footer shown on page 1 have no PAGE field."""
    first = sections(ctx)[0]
    kind = "first" if first.title_page else "default"
    issues = []
    for part in ("header", "footer"):
        for para in _field_paras(ctx, first.refs.get((part, kind))):
            issues.append(
                Issue(
                    "Số trang ở trang 1",
                    para,
                    "trang 1 không có số trang",
                    "trang 1 hiện số trang",
                    "Bật “Different First Page” (Trang đầu khác) trong đầu trang và xóa số "
                    "trang ở đầu/chân trang của trang 1.",
                )
            )
    return issues


def _multi_page(ctx: CheckContext) -> bool:
    # docProps/app.xml is only as fresh as the last save by Word or LibreOffice (a
    # generated file keeps its template's count), so an estimate can say "more".
    if ctx.package.pages is not None and ctx.package.pages > 1:
        return True
    lines = sum(math.ceil(max(len(p.text), 1) / 75) for p in ctx.layout.paras)
    return lines > 45


def check_page_position(ctx: CheckContext) -> list[Issue]:
    """PAGE_NUM_POS: from page 2 a centred PAGE field in the header (Party: 10 mm)."""
    if not _multi_page(ctx):
        raise NotEvaluated("Văn bản chỉ có một trang: không cần số trang.")
    first = sections(ctx)[0]
    header = list(_field_paras(ctx, first.refs.get(("header", "default"))))
    footer = list(_field_paras(ctx, first.refs.get(("footer", "default"))))
    where = Location("word/document.xml", "đầu trang từ trang 2")
    if footer:
        return [_page_issue(footer[0], "ở giữa lề trên (đầu trang)", "ở chân trang")]
    if not header:
        return [_page_issue(where, "số trang ở giữa đầu trang", "không có số trang")]
    issues = []
    align = ctx.resolver.paragraph_format(header[0].el).align
    if align != "center":
        found = {"left": "căn trái", "right": "căn phải", "justify": "căn đều"}.get(align, align)
        issues.append(_page_issue(header[0], "căn giữa", found))
    wanted = ctx.profile.page_number.get("distance_from_top_edge_mm")
    if wanted and (first.header_mm is None or abs(first.header_mm - wanted) > 0.5):
        found = f"{first.header_mm:.1f} mm" if first.header_mm is not None else "không rõ"
        issues.append(_page_issue(where, f"cách mép trên {wanted:g} mm", found))
    return issues


def _page_issue(where: Para | Location, expected: str, found: str) -> Issue:
    return Issue(
        "Số trang",
        where,
        expected,
        found,
        "Đặt trường số trang (Insert › Page Number › Top of Page › Plain Number 2) "
        "ở giữa đầu trang, không hiện ở trang 1.",
    )


def all_text_paras(ctx: CheckContext) -> list[Para]:
    """Return every paragraph that prints: body, tables, and used headers/footers."""
    paras = list(ctx.layout.paras)
    used = {rid for sec in sections(ctx) for rid in sec.refs.values()}
    for rid in sorted(used):
        if rid in ctx.package.parts:
            paras.extend(_part_paras(ctx, rid))
    return paras


def _part_paras(ctx: CheckContext, rid: str) -> list[Para]:
    """Return the paragraphs of header/footer part ``rid``, read once per package."""
    cache = ctx.package.paragraphs
    found: list[Para] | None = cache.get(rid)
    if found is None:
        name, root = ctx.package.parts[rid]
        found = cache[rid] = part_paragraphs(root, name)
    return found


def _wrong_fonts(ctx: CheckContext, para: Para) -> set[str]:
    wrong: set[str] = set()
    for run, fmt in ctx.runs(para):
        fonts = list(fmt.fonts[:2])  # ascii, hAnsi: the fonts that print Vietnamese text
        rpr = run.find(w("rPr"))
        hint = rpr.find(w("rFonts")) if rpr is not None else None
        if hint is not None and wattr(hint, "hint") == "eastAsia":
            fonts.append(fmt.fonts[3])
        if rpr is not None and (rpr.find(w("rtl")) is not None or rpr.find(w("cs")) is not None):
            fonts.append(fmt.fonts[2])
        wrong.update(f for f in fonts if f is not None and font_family(f) != TNR)
    return wrong


_STYLE_SUFFIX = re.compile(r"(?:\s+(?:bold|italic|regular|oblique|normal))+$", re.IGNORECASE)


def font_family(name: str) -> str:
    """Return a font name folded to its family: "Times New Roman Bold" → "times new roman"
    (Word writes the face name some fonts were installed with; it prints the same family)."""
    return _STYLE_SUFFIX.sub("", name.strip()).casefold()


@reads("sections", "parts", "format")
def check_font(ctx: CheckContext) -> list[Issue]:
    """FONT_TNR: every printed run is in Times New Roman (styles and theme resolved)."""
    issues = []
    for para in all_text_paras(ctx):
        wrong = _wrong_fonts(ctx, para)
        if wrong:
            issues.append(
                Issue(
                    "Phông chữ",
                    para,
                    "Times New Roman",
                    ", ".join(sorted(wrong)),
                    "Chọn đoạn này và đặt phông Times New Roman (kiểm tra cả kiểu chữ - style).",
                )
            )
    return _capped(issues)


@reads("sections", "parts", "format")
def check_black(ctx: CheckContext) -> list[Issue]:
    """FONT_BLACK: text colour is automatic or black."""
    issues = []
    for para in all_text_paras(ctx):
        colours = {fmt.color for _run, fmt in ctx.runs(para)} - _BLACK
        if colours:
            issues.append(
                Issue(
                    "Màu chữ",
                    para,
                    "đen (Automatic hoặc 000000)",
                    ", ".join(sorted(str(c) for c in colours)),
                    "Đặt màu chữ Automatic hoặc đen.",
                )
            )
    return _capped(issues)


def _capped(issues: list[Issue]) -> list[Issue]:
    if len(issues) <= _MAX_FINDINGS:
        return issues
    rest = len(issues) - _MAX_FINDINGS
    more = Issue(
        issues[0].element,
        None,
        issues[0].expected,
        f"còn {rest} đoạn khác",
        f"Còn {rest} đoạn khác cùng lỗi; sửa kiểu chữ (style) chung sẽ sửa tất cả một lần.",
    )
    return [*issues[:_MAX_FINDINGS], more]
