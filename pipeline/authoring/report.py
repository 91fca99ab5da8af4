"""The body of the built-in report templates (báo cáo sơ kết / tổng kết).

The body loop is the plan's (headings, paragraphs, ``bang`` tables) plus two branches:
a target table built in the template as a real Word table whose body row repeats
with ``{%tr for r in b.hang %}``, so a clerk can restyle it, widen a column or
reword a column title in Word — with the change column when a previous period has
figures (``bang_chi_tieu``), without it in a first period (``bang_chi_tieu_ky_dau``).
Header, title block and closing come from :mod:`pipeline.authoring.builder`.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from pipeline.authoring.builder import _para, body_block
from pipeline.profiles import Profile

#: Target table columns: title, share of the text width (mm of 165), field of the row.
#: Titles are short enough that none wraps beyond two lines on A4 portrait.
TARGET_COLUMNS = (
    ("TT", 10, "stt"),
    ("Chỉ tiêu", 42, "chi_tieu"),
    ("Đơn vị tính", 19, "don_vi"),
    ("Kế hoạch", 19, "ke_hoach"),
    ("Thực hiện", 19, "thuc_hien"),
    ("Tỷ lệ so với kế hoạch", 29, "ty_le"),
    ("So với kỳ trước", 27, "so_ky_truoc"),
)
#: The same table in a first period: no change column.
FIRST_PERIOD_COLUMNS = (
    ("TT", 10, "stt"),
    ("Chỉ tiêu", 69, "chi_tieu"),
    ("Đơn vị tính", 19, "don_vi"),
    ("Kế hoạch", 19, "ke_hoach"),
    ("Thực hiện", 19, "thuc_hien"),
    ("Tỷ lệ so với kế hoạch", 29, "ty_le"),
)
Columns = tuple[tuple[str, int, str], ...]


def _fixed_layout(table: object) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)  # type: ignore[attr-defined]


def _target_table(document: Document, profile: Profile, columns: Columns) -> None:
    """Add the target table: a title row, then one row per target (``b.hang``)."""
    margins = profile.margins_mm
    width = 210 - margins.left - margins.right
    scale = width / sum(share for _, share, _ in columns)
    table = document.add_table(rows=4, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    head, loop_start, body, loop_end = table.rows
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
    body._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # rows never break
    for index, (title, share, field) in enumerate(columns):
        table.columns[index].width = Mm(share * scale)
        for row in table.rows:
            row.cells[index].width = Mm(share * scale)
        head.cells[index].paragraphs[0].style = document.styles["VB Bang dau"]
        head.cells[index].paragraphs[0].add_run(title)
        cell = body.cells[index].paragraphs[0]
        cell.style = document.styles["VB Bang"]
        if field != "chi_tieu":
            cell.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.add_run(f"{{{{ r.{field} }}}}")
    loop_start.cells[0].paragraphs[0].add_run("{%tr for r in b.hang %}")
    loop_end.cells[0].paragraphs[0].add_run("{%tr endfor %}")


def report_body_block(document: Document, profile: Profile) -> None:
    """Add the report body: the plan's body loop plus the target-table branch."""

    def target_table(doc: Document) -> None:
        _para(doc, "VB Noi dung", "{%p elif b.kieu == 'bang_chi_tieu' %}")
        _target_table(doc, profile, TARGET_COLUMNS)
        _para(doc, "VB Noi dung", "{%p elif b.kieu == 'bang_chi_tieu_ky_dau' %}")
        _target_table(doc, profile, FIRST_PERIOD_COLUMNS)

    body_block(document, target_table)


__all__ = ["FIRST_PERIOD_COLUMNS", "TARGET_COLUMNS", "report_body_block"]
