"""Build the built-in Word templates from the profiles, reproducibly.

``python -m pipeline.authoring`` (or ``make templates``) writes
``templates/docx/*.docx``; a test checks that the committed files equal what this
module makes, so every change to a template goes through this reviewable code.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from pipeline.authoring.styles import add_styles
from pipeline.profiles import Profile, get_profile
from pipeline.rendering.zipfile_raw import read_members, write_members

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TIEU_DE_DANG = "ĐẢNG CỘNG SẢN VIỆT NAM"
#: Fixed creation time written into every template, so that builds are reproducible.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)

#: Length in mm of the drawn lines (rules.yaml common.measured_text_widths_mm).
LINE_PARTY_TITLE = 74.0
LINE_TIEU_NGU = 61.0
LINE_STATE_ORGAN = 18.0  # 1/3–1/2 of "ỦY BAN NHÂN DÂN" (13 pt bold, ≈ 42 mm)
LINE_SUMMARY = 50.0  # 1/3–1/2 of a one-line (≈ 120 mm) or a wrapped (≈ 160 mm) summary


@dataclass(frozen=True)
class TemplateSpec:
    """A built-in template: file stem, profile it is sized for, and its title."""

    stem: str
    profile_id: str
    title: str
    # "plan": header, body, Nơi nhận and signature; "list": distribution list;
    # "letter": công văn (V/v under the number, no type name, Kính gửi); "report".
    kind: str = "plan"


BUILTIN = (
    TemplateSpec(
        "dang-chuong-trinh", "party_hd05_2026", "Chương trình hành động (văn bản của Đảng)"
    ),
    TemplateSpec("dang-ke-hoach", "party_hd05_2026", "Kế hoạch (văn bản của Đảng)"),
    TemplateSpec("nha-nuoc-chuong-trinh", "state_nd30_2020", "Chương trình (văn bản hành chính)"),
    TemplateSpec("nha-nuoc-ke-hoach", "state_nd30_2020", "Kế hoạch (văn bản hành chính)"),
    TemplateSpec("dang-cong-van", "party_hd05_2026", "Công văn (văn bản của Đảng)", "letter"),
    TemplateSpec("nha-nuoc-cong-van", "state_nd30_2020", "Công văn (văn bản hành chính)", "letter"),
    TemplateSpec("dang-danh-sach-noi-nhan", "party_hd05_2026", "Danh sách nơi nhận (Đảng)", "list"),
    TemplateSpec(
        "nha-nuoc-danh-sach-noi-nhan", "state_nd30_2020", "Danh sách nơi nhận (hành chính)", "list"
    ),
    TemplateSpec("dang-bao-cao", "party_hd05_2026", "Báo cáo sơ kết, tổng kết (Đảng)", "report"),
    TemplateSpec(
        "nha-nuoc-bao-cao", "state_nd30_2020", "Báo cáo sơ kết, tổng kết (hành chính)", "report"
    ),
)


def _para(container: Document | _Cell, style: str, text: str = "") -> Paragraph:
    paragraph = container.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    return paragraph


def _line(
    container: Document | _Cell, length_mm: float, width_mm: float, before_pt: float = 6
) -> Paragraph:
    """Add a centred solid line ``length_mm`` long in a block ``width_mm`` wide."""
    paragraph = _para(container, "VB Duong ke")
    paragraph.paragraph_format.space_before = Pt(before_pt)
    indent = Mm((width_mm - length_mm) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def _borderless_table(
    document: Document, widths_mm: tuple[float, float], rows: int
) -> list[list[_Cell]]:
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), "0")
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    tbl_pr.append(margins)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    cells = []
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
            cell._tc.remove(cell.paragraphs[0]._p)
        cells.append(list(row.cells))
    return cells


def _header_block(document: Document, profile: Profile, letter: bool = False) -> None:
    left_w, right_w = profile.column_widths_mm["header"]
    (top_left, top_right), (bottom_left, bottom_right) = _borderless_table(
        document, (left_w, right_w), rows=2
    )
    _para(top_left, "VB Co quan cap tren", "{%p for l in co_quan_cap_tren %}")
    _para(top_left, "VB Co quan cap tren", "{{ l }}")
    _para(top_left, "VB Co quan cap tren", "{%p endfor %}")
    _para(top_left, "VB Co quan ban hanh", "{%p for l in co_quan_ban_hanh %}")
    _para(top_left, "VB Co quan ban hanh", "{{ l }}")
    _para(top_left, "VB Co quan ban hanh", "{%p endfor %}")
    if profile.separators.organ == "asterisk":
        _para(top_left, "VB Dau sao", "*")
    else:
        _line(top_left, LINE_STATE_ORGAN, left_w)
    if profile.family == "party":
        _para(top_right, "VB Tieu de Dang", TIEU_DE_DANG)
        _line(top_right, LINE_PARTY_TITLE, right_w)
    else:
        _para(top_right, "VB Quoc hieu", QUOC_HIEU)
        _para(top_right, "VB Tieu ngu", TIEU_NGU)
        _line(top_right, LINE_TIEU_NGU, right_w)
    _para(bottom_left, "VB So ky hieu", "{{ so_ky_hieu }}")
    if letter:  # công văn: the summary ("V/v …") under the number
        _para(bottom_left, "VB Trich yeu cong van", "{%p for l in trich_yeu %}")
        _para(bottom_left, "VB Trich yeu cong van", "{{ l }}")
        _para(bottom_left, "VB Trich yeu cong van", "{%p endfor %}")
    _para(bottom_right, "VB Ngay thang", "{{ dia_danh_ngay }}")


def _addressee_block(document: Document) -> None:
    """Add the "Kính gửi:" lines (none when the record has no addressee)."""
    _para(document, "VB Kinh gui", "{%p for k in kinh_gui %}")
    _para(document, "VB Kinh gui", "{%p if k.kieu == 'kinh_gui' %}")
    _para(document, "VB Kinh gui", "{{r k.runs|runs }}")
    _para(document, "VB Kinh gui", "{%p else %}")
    _para(document, "VB Kinh gui muc", "{{r k.runs|runs }}")
    _para(document, "VB Kinh gui", "{%p endif %}")
    _para(document, "VB Kinh gui", "{%p endfor %}")


def _title_block(document: Document) -> None:
    _para(document, "VB Ten loai", "{{ ten_loai }}")
    _para(document, "VB Trich yeu", "{%p for l in trich_yeu %}")
    _para(document, "VB Trich yeu", "{{ l }}")
    _para(document, "VB Trich yeu", "{%p endfor %}")
    _para(document, "VB Phan cach", "{%p if phan_cach_trich_yeu %}")
    _para(document, "VB Phan cach", "{{ phan_cach_trich_yeu }}")
    _para(document, "VB Phan cach", "{%p else %}")
    _line(document, LINE_SUMMARY, 165, before_pt=6)
    _para(document, "VB Phan cach", "{%p endif %}")


def body_block(
    document: Document,
    extra: Callable[[Document], None] | None = None,
    source: str = "noi_dung",
) -> None:
    """Add the loop over ``source`` (``noi_dung``): one branch per kind of line (headings,
    the last paragraph, tables, body text). ``extra`` adds more ``{%p elif %}`` branches."""
    _para(document, "VB Noi dung", f"{{%p for b in {source} %}}")
    for level in (1, 2, 3, 4):
        keyword = "if" if level == 1 else "elif"
        _para(document, "VB Noi dung", f"{{%p {keyword} b.kieu == 'muc{level}' %}}")
        _para(document, f"VB Muc {level}", "{{r b.runs|runs }}")
    _para(document, "VB Noi dung", "{%p elif b.kieu == 'doan_cuoi' %}")
    _para(document, "VB Doan cuoi", "{{r b.runs|runs }}")
    _para(document, "VB Noi dung", "{%p elif b.kieu == 'giua' %}")
    _para(document, "VB Giua", "{{r b.runs|runs }}")
    _para(document, "VB Noi dung", "{%p elif b.kieu == 'bang' %}")
    _para(document, "VB Noi dung", "{{p b.bang|bang }}")
    if extra is not None:
        extra(document)
    _para(document, "VB Noi dung", "{%p else %}")
    _para(document, "VB Noi dung", "{{r b.runs|runs }}")
    _para(document, "VB Noi dung", "{%p endif %}")
    _para(document, "VB Noi dung", "{%p endfor %}")


def _closing_block(document: Document, profile: Profile) -> None:
    # A joint document: every signer side by side above Nơi nhận.
    _para(document, "VB Noi dung", "{%p if lien_tich %}")
    _para(document, "VB Noi dung", "{{p lien_tich|chu_ky_lien_tich }}")
    _para(document, "VB Noi dung", "{%p endif %}")
    ((left, right),) = _borderless_table(document, profile.column_widths_mm["closing"], rows=1)
    # Never split Nơi nhận and the signature across pages; the last body paragraph
    # ("VB Doan cuoi", keep with next) stays with them, so they never stand alone.
    row_props = document.tables[-1].rows[0]._tr.get_or_add_trPr()
    row_props.append(OxmlElement("w:cantSplit"))
    _para(left, "VB Noi nhan nhan", "Nơi nhận:")
    _para(left, "VB Noi nhan", "{%p for d in noi_nhan_dong %}")
    _para(left, "VB Noi nhan", "{{r d|runs }}")
    _para(left, "VB Noi nhan", "{%p endfor %}")
    _para(right, "VB Chuc vu", "{%p if not lien_tich %}")
    signature_stack(right)
    _para(right, "VB Chuc vu", "{%p endif %}")


def signature_stack(cell: _Cell, signer: str = "chu_ky") -> None:
    """Add the signature block of ``signer``: its lines above the name (authority
    lines, positions; emphasis decided by the context), then the name."""
    _para(cell, "VB Chuc vu", f"{{%p for d in {signer}.dong %}}")
    _para(cell, "VB Chuc vu", "{%p if d.kieu == 'quyen_han' %}")
    _para(cell, "VB Quyen han", "{{r d.runs|runs_exact }}")
    _para(cell, "VB Chuc vu", "{%p else %}")
    _para(cell, "VB Chuc vu", "{{r d.runs|runs_exact }}")
    _para(cell, "VB Chuc vu", "{%p endif %}")
    _para(cell, "VB Chuc vu", "{%p endfor %}")
    _para(cell, "VB Ho ten", f"{{{{ {signer}.ho_ten }}}}")


LIST_COLUMNS = (
    ("STT", 13, "stt"),  # widths in mm add up to the 165 mm text width
    ("Nơi nhận", 55, "noi_nhan"),
    ("Mục đích", 26, "muc_dich"),
    ("Hình thức", 24, "hinh_thuc"),
    ("Số bản giấy", 17, "so_ban"),
    ("Ghi chú", 30, "ghi_chu"),
)


def _list_block(document: Document) -> None:
    """Add the distribution list: title, the document it belongs to, the table, the total."""
    _para(document, "VB Ten phu luc", "DANH SÁCH NƠI NHẬN")
    _para(document, "VB Kem theo", "{{ van_ban }}")
    table = document.add_table(rows=5, cols=len(LIST_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    rows = table.rows
    for index, (title, width, field) in enumerate(LIST_COLUMNS):
        table.columns[index].width = Mm(width)
        for row in rows:
            row.cells[index].width = Mm(width)
        rows[0].cells[index].paragraphs[0].style = document.styles["VB Bang dau"]
        rows[0].cells[index].paragraphs[0].add_run(title)
        rows[2].cells[index].paragraphs[0].style = document.styles["VB Bang"]
        rows[2].cells[index].paragraphs[0].add_run(f"{{{{ r.{field} }}}}")
    rows[1].cells[0].paragraphs[0].add_run("{%tr for r in hang %}")
    rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    total = rows[4].cells[0].merge(rows[4].cells[3])
    total.paragraphs[0].style = document.styles["VB Bang dau"]
    total.paragraphs[0].add_run("Tổng số bản giấy (kể cả bản lưu)")
    for extra in total.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    rows[4].cells[4].paragraphs[0].style = document.styles["VB Bang dau"]
    rows[4].cells[4].paragraphs[0].add_run("{{ tong_so_ban }}")
    _para(document, "VB Noi dung")


def _page_number(paragraph: Paragraph) -> None:
    """Append a PAGE field (begin, instruction, separator, shown value, end)."""

    def char(kind: str) -> None:
        node = OxmlElement("w:fldChar")
        node.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(node)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run("2")
    char("end")


def _page_setup(document: Document, profile: Profile) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    m = profile.margins_mm
    section.top_margin, section.bottom_margin = Mm(m.top), Mm(m.bottom)
    section.left_margin, section.right_margin = Mm(m.left), Mm(m.right)
    section.header_distance = Mm(profile.header_distance_mm)
    section.footer_distance = Mm(profile.header_distance_mm)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.style = document.styles["VB So trang"]
    _page_number(header)
    section.first_page_header.paragraphs[0].style = document.styles["Normal"]


def build_template(spec: TemplateSpec) -> bytes:
    """Return the .docx bytes of the built-in template ``spec`` (byte-reproducible)."""
    profile = get_profile(spec.profile_id)
    document = docx.Document()
    document._body.clear_content()
    add_styles(document, profile)
    _page_setup(document, profile)
    if spec.kind == "list":  # an attachment of its document: no header of its own
        _list_block(document)
    elif spec.kind == "letter":
        _header_block(document, profile, letter=True)
        _addressee_block(document)
        body_block(document)
        _closing_block(document, profile)
    elif spec.kind == "report":
        from pipeline.authoring.report import report_body_block  # it imports this module

        _header_block(document, profile)
        _title_block(document)
        report_body_block(document, profile)
        _closing_block(document, profile)
    else:
        from pipeline.authoring.appendix import appendix_block  # it imports this module

        _header_block(document, profile)
        _title_block(document)
        _addressee_block(document)
        body_block(document)
        _closing_block(document, profile)
        appendix_block(document, profile)
    props = document.core_properties
    props.title = f"Mẫu vanban: {spec.title}"
    props.author = props.last_modified_by = "vanban"
    props.created = props.modified = STAMP
    props.revision = 1
    props.comments = f"Tạo bởi pipeline.authoring từ thể thức {profile.id}. Không sửa tay."
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    write_members(out, read_members(raw))
    return out.getvalue()
