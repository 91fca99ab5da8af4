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
from pipeline.compliance.metrics import text_width_mm
from pipeline.profiles import Profile

#: Target table columns: title, share of the text width (mm of 165; kept for readers of
#: the layout, the widths are now computed by :func:`column_widths`), field of the row.
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
FIRST_PERIOD_COLUMNS = TARGET_COLUMNS[:-1]
Columns = tuple[tuple[str, int, str], ...]


#: Left + right cell margins of "Table Grid" (0.08 in each), mm.
_CELL_PADDING_MM = 3.8
#: No column narrower than this (the "TT" column holds two digits and a margin).
_MIN_COLUMN_MM = 10.0
#: The column that takes what the others leave (its rows wrap, its header is short).
_FLEXIBLE = "chi_tieu"


def two_line_width(title: str, size: float) -> float:
    """Return the narrowest width (mm, text only) that sets ``title`` in bold ``size`` pt
    on at most two lines."""
    words = title.split()
    if len(words) == 1:
        return text_width_mm(title, size, bold=True)
    return min(
        max(
            text_width_mm(" ".join(words[:cut]), size, bold=True),
            text_width_mm(" ".join(words[cut:]), size, bold=True),
        )
        for cut in range(1, len(words))
    )


def column_widths(profile: Profile, columns: Columns = TARGET_COLUMNS) -> list[float]:
    """Return the target table's column widths (mm): each just wide enough for its header
    on two lines at the table's size (the figures under it are short), the rest given to
    the "Chỉ tiêu" column, whose rows are text."""
    margins = profile.margins_mm
    width = 210 - margins.left - margins.right
    size = float(profile.size("table"))
    widths = [
        round(max(_MIN_COLUMN_MM, two_line_width(title, size) + _CELL_PADDING_MM + 0.5), 1)
        for title, _share, _field in columns
    ]
    flexible = [field for _t, _s, field in columns].index(_FLEXIBLE)
    widths[flexible] = round(width - (sum(widths) - widths[flexible]), 1)
    return widths


def _fixed_layout(table: object) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)  # type: ignore[attr-defined]


def _target_table(document: Document, profile: Profile, columns: Columns) -> None:
    """Add the target table: a title row, then one row per target (``b.hang``)."""
    widths = column_widths(profile, columns)
    table = document.add_table(rows=4, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    head, loop_start, body, loop_end = table.rows
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
    body._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # rows never break
    for index, (title, _share, field) in enumerate(columns):
        table.columns[index].width = Mm(widths[index])
        for row in table.rows:
            row.cells[index].width = Mm(widths[index])
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


__all__ = [
    "FIRST_PERIOD_COLUMNS",
    "TARGET_COLUMNS",
    "column_widths",
    "report_body_block",
    "two_line_width",
]
