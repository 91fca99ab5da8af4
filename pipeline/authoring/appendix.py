"""The appendices of a plan, after the signature: each on a new page, some landscape.

For each appendix the template places how the page before it ends (a page break, or
a section break carrying the layout of the section it ends), the title ("PHỤ LỤC
I"), the name (bold), the caption "(Kèm theo …)" (italic) and the body lines. The
context decides which break each appendix needs (``pipeline.context.appendix``).
"""

from __future__ import annotations

import copy

from docx.document import Document
from docx.oxml.ns import qn

from pipeline.authoring.builder import _para, body_block
from pipeline.authoring.styles import StyleSpec, add_style
from pipeline.profiles import Profile


def _styles(document: Document, profile: Profile) -> None:
    size = profile.size("ten_loai")
    for spec in (
        StyleSpec("VB Phu luc", size, bold=True),
        StyleSpec("VB Phu luc ten", profile.size("trich_yeu"), bold=True),
        StyleSpec("VB Phu luc kem theo", profile.size("noi_dung"), italic=True, space_after=12),
    ):
        add_style(document, profile, spec)
    document.styles["VB Phu luc"].paragraph_format.page_break_before = True
    document.styles["VB Phu luc"].paragraph_format.keep_with_next = True
    document.styles["VB Phu luc ten"].paragraph_format.keep_with_next = True


def _section_break(document: Document, kind: str) -> None:
    """Add an empty paragraph ending a section laid out as ``kind`` says: "dau" (the
    document's first section, as it is), "doc" (portrait) or "ngang" (landscape)."""
    paragraph = _para(document, "VB Noi dung")
    sect = copy.deepcopy(document.sections[0]._sectPr)
    if kind != "dau":
        for node in sect.findall(qn("w:titlePg")):
            sect.remove(node)
    if kind == "ngang":
        size = sect.find(qn("w:pgSz"))
        width, height = size.get(qn("w:w")), size.get(qn("w:h"))
        size.set(qn("w:w"), height)
        size.set(qn("w:h"), width)
        size.set(qn("w:orient"), "landscape")
    paragraph._p.get_or_add_pPr().append(sect)


def appendix_block(document: Document, profile: Profile) -> None:
    """Add the loop over ``phu_luc`` after the closing table."""
    _styles(document, profile)
    _para(document, "VB Noi dung", "{%p for a in phu_luc %}")
    for index, kind in enumerate(("dau", "doc", "ngang")):
        keyword = "if" if index == 0 else "elif"
        _para(document, "VB Noi dung", f"{{%p {keyword} a.dau.ngat == '{kind}' %}}")
        _section_break(document, kind)
    _para(document, "VB Noi dung", "{%p endif %}")
    _para(document, "VB Phu luc", "{{ a.dau.tieu_de }}")
    _para(document, "VB Phu luc ten", "{{r a.dau.ten|runs }}")
    _para(document, "VB Phu luc kem theo", "{{ a.dau.kem_theo }}")
    body_block(document, source="a.noi_dung")
    _para(document, "VB Noi dung", "{%p endfor %}")
