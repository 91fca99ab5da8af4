"""A period's results as a workbook (``vanban workbook new ket-qua-xa --ky FOLDER``): one
row per commune of the period's roster, a column per target headed by its Vietnamese
short name, codes stored as text; read back by ``pipeline.loading.execution`` like the
CSV (the first sheet), with problems named by sheet and cell."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pipeline.loading.workbook_layout import HELP_SHEET, META_SHEET
from pipeline.loading.workbook_results import results_shape
from pipeline.models.execution import STATUSES
from pipeline.workbook.writer import header_row

RESULTS_SHEET = "Kết quả các xã"
_FIXED = ("Mã xã", "Tên xã")
_NOTE = "Ghi chú"
_KEY_FILL = "F2F2F2"

_HELP = (
    "Sổ kết quả của các xã: {period}",
    "",
    "Trang “Kết quả các xã”: mỗi hàng một xã của danh sách xã, mỗi cột một chỉ tiêu "
    "(tiêu đề là tên ngắn của chỉ tiêu). Không sửa tiêu đề cột, mã xã và tên xã.",
    "Ô kết quả: gõ số đạt được (12, hoặc 85,5 với tỷ lệ), hoặc chọn một tình trạng "
    "trong danh sách: " + ", ".join(STATUSES) + ".",
    "Cột Ghi chú: điều cần nói thêm về kết quả của xã (không bắt buộc).",
    "Kiểm tra: vanban validate THƯ_MỤC_KỲ — mỗi lỗi ghi rõ trang và ô (ví dụ "
    "Kết quả các xã!C5). Trong bao-cao.yaml của kỳ ghi: ket_qua_xa: TÊN.xlsx",
)


def results_bytes(folder: Path) -> bytes:
    """Return the results workbook of the period ``folder`` (values left to fill).

    Raises:
        InputError: the period's report, programme or roster is invalid.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    shape = results_shape(folder)
    book = Workbook()
    sheet: Any = book.active
    sheet.title = RESULTS_SHEET
    headers = [*_FIXED, *(name for _, name in shape.targets), _NOTE]
    header_row(sheet, headers, "C2")
    last = len(shape.communes) + 1
    for r, commune in enumerate(shape.communes, start=2):
        for c, value in enumerate((commune.ma, commune.ten), start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.number_format = "@"  # a code keeps its zeros
            cell.fill = PatternFill("solid", fgColor=_KEY_FILL)
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 22
    meta = book.create_sheet(META_SHEET)
    meta["A1"] = "ket-qua-xa"
    for r, status in enumerate(STATUSES, start=1):
        meta.cell(row=r, column=2, value=status)
    meta.sheet_state = "hidden"
    if shape.targets:
        # A dropdown of the statuses that still takes a typed number.
        statuses = DataValidation(
            type="list", formula1=f"{META_SHEET}!$B$1:$B${len(STATUSES)}", allow_blank=True
        )
        statuses.showErrorMessage = False
        sheet.add_data_validation(statuses)
        first, end = _letter(3), _letter(2 + len(shape.targets))
        statuses.add(f"{first}2:{end}{max(last, 2)}")
    for c in range(3, len(headers) + 1):
        sheet.column_dimensions[_letter(c)].width = 16
    sheet.column_dimensions[_letter(len(headers))].width = 40
    help_sheet = book.create_sheet(HELP_SHEET)
    for r, line in enumerate(_HELP, start=1):
        text = line.format(period=folder.name)
        help_sheet.cell(row=r, column=1, value=text or None).alignment = Alignment(wrap_text=True)
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 100
    book.move_sheet(META_SHEET, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
