"""A plan workbook made by ``vanban workbook new`` and filled through openpyxl the way a
clerk types it (numbers as numbers, a date cell, codes with zeros), for the web tests."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl

from pipeline import api
from pipeline.loading.workbook_layout import GENERAL_SHEET

SIGNER = "Hoàng Xuân Sơn"


def general_rows(path: Path) -> dict[str, int]:
    """Return the row of each field (its dotted key) of the general sheet."""
    sheet = openpyxl.load_workbook(path)[GENERAL_SHEET]
    return {str(r[1].value): r[1].row for r in sheet.iter_rows(min_row=2) if r[1].value}


def typed_plan(path: Path, *, signer: str | None = SIGNER) -> Path:
    """Write a new plan workbook at ``path`` and fill it (``signer=None``: the signer's
    name left empty, a problem of cell ``Thông tin chung!C<row>``)."""
    api.new_workbook("ke-hoach", path)
    book = openpyxl.load_workbook(path)
    general = book[GENERAL_SHEET]
    rows = {str(r[1].value): r[1].row for r in general.iter_rows(min_row=2) if r[1].value}
    values: dict[str, tuple[object, ...]] = {
        "khoi": ("Nhà nước",),
        "co_quan.ban_hanh": ("ỦY BAN NHÂN DÂN", "XÃ PHÚ ĐÌNH"),
        "co_quan.viet_tat": ("UBND",),
        "co_quan.dia_danh": ("Phú Đình",),
        "so": (7,),
        "ngay": (datetime(2026, 6, 19),),
        "trich_yeu": ("Sắp xếp thôn, tổ dân phố năm 2026",),
        "chu_ky.quyen_han": ("TM.",),
        "chu_ky.thay_mat": ("ỦY BAN NHÂN DÂN",),
        "chu_ky.chuc_vu": ("CHỦ TỊCH",),
        "noi_nhan.luu": ("VT, VP",),
    }
    if signer is not None:
        values["chu_ky.ho_ten"] = (signer,)
    for key, cells in values.items():
        for offset, value in enumerate(cells):
            general.cell(row=rows[key], column=3 + offset, value=value)
    body = book["Nội dung"]
    lines = [
        (1, "Đoạn văn", "Ủy ban nhân dân xã ban hành Kế hoạch sắp xếp thôn như sau:"),
        (1, "Mục", "MỤC ĐÍCH, YÊU CẦU"),
        (2, "Ý", "Hoàn thành sắp xếp thôn trước ngày 31/10/2026."),
        (1, "Đoạn văn", "Các cơ quan, đơn vị tổ chức thực hiện./."),
    ]
    for r, line in enumerate(lines, start=2):
        for c, value in enumerate(line, start=1):
            body.cell(row=r, column=c, value=value)
    recipients = book["Các nơi nhận"]
    recipients.cell(row=2, column=1, value="Tên nơi nhận")
    recipients.cell(row=2, column=2, value="UBND huyện")
    book.save(path)
    return path


def fill_results(results_csv: Path, target: Path) -> None:
    """Type a period's CSV results into its results workbook ``target`` as a clerk
    would: numbers as numbers, statuses as text."""
    with results_csv.open(encoding="utf-8-sig") as f:
        rows = {row[0]: row for row in csv.reader(f)}
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    for cells in sheet.iter_rows(min_row=2):
        source = rows[str(cells[0].value)]
        for cell, value in zip(cells[2:], source[2:], strict=False):
            number = value.replace(",", ".")
            digits = number.replace(".", "", 1).isdigit()
            cell.value = float(number) if digits else (value or None)
    book.save(target)
