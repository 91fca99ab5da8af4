"""Paragraph styles of the built-in templates, sized from a profile.

Formatting lives in named styles ("VB Noi dung", "VB Ten loai" …) rather than in
direct run formatting, so a secretariat can restyle a template in Word in one place and
the compliance checker reads the same styles back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from pipeline.profiles import Profile

FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class StyleSpec:
    """One paragraph style: its name, font size and emphasis, and paragraph layout."""

    name: str
    size: float
    bold: bool = False
    italic: bool = False
    underline: bool = False
    align: WD_ALIGN_PARAGRAPH = CENTER
    space_before: float = 0
    space_after: float = 0
    body: bool = False  # body layout: indent, spacing and line rule of the profile
    keep_with_next: bool = False
    left_indent: float = 0  # mm


def style_specs(profile: Profile) -> list[StyleSpec]:
    """Return the paragraph styles a template of ``profile`` needs."""
    s = profile.size
    party = profile.family == "party"
    organ_top = "co_quan_cap_tren" if party else "co_quan_chu_quan"

    def body(name: str, **emphasis: Any) -> StyleSpec:
        return StyleSpec(name, s("noi_dung"), align=JUSTIFY, space_after=6, body=True, **emphasis)

    specs = [
        StyleSpec("VB Co quan cap tren", s(organ_top)),
        StyleSpec("VB Co quan ban hanh", s("co_quan_ban_hanh"), bold=True),
        StyleSpec("VB Dau sao", s("co_quan_ban_hanh")),
        StyleSpec("VB Duong ke", 2, space_after=4),
        StyleSpec("VB So ky hieu", s("so_ky_hieu"), space_before=6),
        StyleSpec("VB Ngay thang", s("dia_danh_ngay"), italic=True, space_before=6),
        StyleSpec("VB Ten loai", s("ten_loai"), bold=True, space_before=24),
        StyleSpec("VB Trich yeu", s("trich_yeu"), bold=True),
        StyleSpec("VB Phan cach", s("trich_yeu")),
        # An attachment (the distribution list): its title, then "(Kèm theo …)".
        StyleSpec("VB Ten phu luc", s("ten_loai"), bold=True),
        StyleSpec("VB Kem theo", s("trich_yeu"), italic=True, space_after=12),
        body("VB Noi dung"),
        body("VB Doan cuoi", keep_with_next=True),
        body("VB Muc 1", bold=True, space_before=6, keep_with_next=True),
        body("VB Muc 2", bold=True, space_before=6, keep_with_next=True),
        body("VB Muc 3", bold=True, italic=True, space_before=6, keep_with_next=True),
        body("VB Muc 4", italic=True),
        StyleSpec(
            "VB Giua", s("noi_dung"), bold=True, space_before=6, space_after=6, keep_with_next=True
        ),
        StyleSpec("VB Kinh gui", s("noi_dung"), space_before=6, space_after=6),
        StyleSpec("VB Kinh gui muc", s("noi_dung"), align=LEFT, left_indent=55),
        StyleSpec("VB Trich yeu cong van", 12, italic=party, space_before=6),
        StyleSpec("VB Bang", s("table"), align=LEFT, space_before=2, space_after=2),
        StyleSpec("VB Bang dau", s("table"), bold=True, space_before=2, space_after=2),
        StyleSpec(
            "VB Noi nhan nhan",
            s("noi_nhan_label"),
            bold=not party,
            italic=not party,
            underline=party,
            align=LEFT,
            space_before=12,
        ),
        StyleSpec("VB Noi nhan", s("noi_nhan_item"), align=LEFT),
        StyleSpec("VB Quyen han", s("quyen_han"), bold=True, space_before=12),
        StyleSpec("VB Chuc vu", s("chuc_vu"), bold=not party),
        StyleSpec("VB Ho ten", s("ho_ten"), bold=True, space_before=72),
        StyleSpec("VB So trang", s("page_number")),
    ]
    if party:
        specs.append(StyleSpec("VB Tieu de Dang", s("tieu_de_dang"), bold=True))
    else:
        specs.append(StyleSpec("VB Quoc hieu", s("quoc_hieu"), bold=True))
        specs.append(StyleSpec("VB Tieu ngu", s("tieu_ngu"), bold=True))
    return specs


def set_fonts(rpr: Any, name: str = FONT) -> None:
    """Set every script's font of the run properties ``rpr`` to ``name``, no theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), name)


def _defaults(document: Document, profile: Profile) -> None:
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(profile.size("noi_dung"))
    set_fonts(normal.element.get_or_add_rPr())


def add_styles(document: Document, profile: Profile) -> None:
    """Add the profile's paragraph styles (and Times New Roman defaults) to ``document``."""
    _defaults(document, profile)
    for spec in style_specs(profile):
        add_style(document, profile, spec)


def add_style(document: Document, profile: Profile, spec: StyleSpec) -> None:
    """Add the paragraph style ``spec`` (based on Normal, Times New Roman) to ``document``."""
    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    font = style.font
    font.name = FONT
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = spec.italic
    font.underline = spec.underline
    set_fonts(style.element.get_or_add_rPr())
    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.space_before = Pt(spec.space_before)
    fmt.space_after = Pt(spec.space_after)
    fmt.first_line_indent = Mm(profile.body.first_line_indent_mm) if spec.body else Mm(0)
    fmt.widow_control = True
    fmt.keep_with_next = spec.keep_with_next
    if spec.left_indent:
        fmt.left_indent = Mm(spec.left_indent)
    if spec.body and profile.body.line_spacing.rule == "exact":
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(profile.body.line_spacing.value)
    elif spec.body:
        fmt.line_spacing = profile.body.line_spacing.value
    else:
        fmt.line_spacing = 1.0
