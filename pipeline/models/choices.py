"""Vietnamese display names of the fixed values of record fields (``Literal`` values such
as ``nha_nuoc``, ``bao_cao``, ``so_ket``): one table for the web form's lists and the
workbooks' dropdowns. The values stay what a record holds; both readers accept either.

Values that are Vietnamese words already ("hoàn thành", "xã") or signs (";", "I.") are
shown as they are. ``tests/test_choice_labels.py`` walks the models and fails when a
new value written in code-like ASCII (``ten_gia_tri``) has no name here.
"""

from __future__ import annotations

from pipeline.models.execution import PIECES
from pipeline.models.registry import DELIVERY_LABELS, PURPOSE_LABELS

CHOICE_LABELS: dict[str, str] = {
    **PURPOSE_LABELS,  # printed in the distribution list: the same words
    **DELIVERY_LABELS,
    # document
    "dang": "Đảng",
    "nha_nuoc": "Nhà nước",
    "tat_ca": "tất cả",
    "nhu_ghi": "Như đã ghi",
    "the_thuc": "Theo thứ tự của thể thức",
    "state_nd30_2020": "Nhà nước — Nghị định 30/2020/NĐ-CP",
    "party_hd36_2018": "Đảng — Hướng dẫn 36-HD/VPTW (2018)",
    "party_hd05_2026": "Đảng — Hướng dẫn 05-HD/VPTW (2026)",
    # targets and periods
    "dem": "Đếm (số nguyên)",
    "ty_le": "Tỷ lệ (%)",
    "so": "Số (có thể có phần thập phân)",
    "so_ket": "Sơ kết",
    "tong_ket": "Tổng kết",
    "tong": "Cộng lại",
    "binh_quan": "Bình quân",
    "toi_thieu": "Đạt từ mức kế hoạch trở lên",
    "toi_da": "Không vượt mức kế hoạch",
    # tables: alignment of a column or cell, kind of a row
    "trai": "Căn trái",
    "giua": "Căn giữa",
    "phai": "Căn phải",
    "deu": "Căn đều hai bên",
    "nhom": "Hàng nhóm (I, II…)",
    "tong_phu": "Hàng cộng nhóm",
    # the pieces of a report's outline, by their headings
    **PIECES,
}


def choice_label(value: str) -> str:
    """Return the Vietnamese name shown for a fixed value (the value when it has none)."""
    return CHOICE_LABELS.get(value, value)
