"""Structured content of a programme: targets, tasks and assignments.

Plans render them; review reports (later) reuse the same records by id.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from pipeline.formatting import number_text
from pipeline.models.common import Record, Text, VnDate

#: What a target's figures are: a whole count ("dem": thôn, trường, biên chế), a rate
#: in per cent between 0 and 100 ("ty_le"), or any other quantity ("so": km, triệu đồng).
FigureKind = Literal["dem", "ty_le", "so"]
FIGURE_KINDS: dict[str, str] = {
    "dem": "số đếm (số nguyên, không âm)",
    "ty_le": "tỷ lệ phần trăm (từ 0 đến 100)",
    "so": "số bất kỳ",
}

#: The place of the planned value inside a target's wording: "Sắp xếp, giảm {ke_hoach} thôn".
PLAN_SLOT = "{ke_hoach}"
_SLOT = re.compile(r"(?<!\{)\{ke_hoach\}(?!\})")


def has_plan_slot(text: str) -> bool:
    """Return whether ``text`` places the planned value (``{ke_hoach}``)."""
    return _SLOT.search(text) is not None


def fill_plan_slot(text: str, value: str) -> str:
    """Return ``text`` with each ``{ke_hoach}`` replaced by ``value`` (already written)."""
    return _SLOT.sub(lambda _: value, text)


def figure_problem(kind: FigureKind, value: Decimal) -> str | None:
    """Return why ``value`` is not a figure of ``kind`` (Vietnamese), or None when it is."""
    if kind == "ty_le" and not Decimal(0) <= value <= Decimal(100):
        return "là tỷ lệ phần trăm nên phải từ 0 đến 100"
    if kind == "dem" and (value < 0 or value != value.to_integral_value()):
        return "là số đếm nên phải là số nguyên không âm"
    return None


class Target(Record):
    """A target (chỉ tiêu / mục tiêu) of the programme.

    ``moc`` is the horizon it belongs to ("Từ nay tới năm 2021"); targets of one
    horizon are printed together as one bullet, each with its label "(1)", "(2)"….
    ``noi_dung`` may place the planned value with ``{ke_hoach}`` ("Sắp xếp, giảm
    {ke_hoach} thôn"): the plan prints ``gia_tri`` there, each commune's report its own
    planned value. ``kieu_so`` bounds the figures (default: a rate when the unit is "%").
    """

    id: Text
    noi_dung: Text
    moc: Text | None = None
    thoi_han: VnDate | None = None
    # kieu_so and don_vi_tinh come before gia_tri: its check reads them (info.data)
    don_vi_tinh: Text | None = None
    kieu_so: FigureKind | None = None
    gia_tri: Decimal | None = Field(default=None, validate_default=True)
    nhan: Text | None = Field(default=None, description="label override, e.g. '(4)'")

    @field_validator("gia_tri")
    @classmethod
    def _value_in_bounds(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is None:
            if has_plan_slot(info.data.get("noi_dung") or ""):
                raise PydanticCustomError(
                    "target_slot",
                    "Nội dung chỉ tiêu có chỗ ghi kế hoạch {slot} nhưng chưa có giá trị kế "
                    "hoạch (gia_tri): thêm gia_tri, hoặc viết số vào nội dung.",
                    {"slot": PLAN_SLOT},
                )
            return None
        kind = _kind_of(info.data.get("kieu_so"), info.data.get("don_vi_tinh"))
        why = figure_problem(kind, value)
        if why is not None:
            raise PydanticCustomError(
                "target_bounds",
                "Giá trị {value} của chỉ tiêu {why}: sửa giá trị, hoặc ghi kieu_so cho đúng "
                "(dem, ty_le, so).",
                {"value": number_text(value), "why": why},
            )
        return value

    @property
    def figure_kind(self) -> FigureKind:
        """Return the kind of this target's figures (``kieu_so``, else by its unit)."""
        return _kind_of(self.kieu_so, self.don_vi_tinh)

    @property
    def has_plan_slot(self) -> bool:
        """Return whether the wording places the planned value (``{ke_hoach}``)."""
        return has_plan_slot(self.noi_dung)


def _kind_of(kind: FigureKind | None, unit: str | None) -> FigureKind:
    if kind is not None:
        return kind
    return "ty_le" if unit is not None and unit.strip() == "%" else "so"


class Task(Record):
    """A task (nhiệm vụ), with who leads it, who helps and its deadline."""

    id: Text
    noi_dung: Text
    chu_tri: Text | None = None
    phoi_hop: tuple[Text, ...] = ()
    thoi_han: VnDate | None = None


class TaskGroup(Record):
    """A group of tasks under one heading ("Đối với hệ thống tổ chức Đảng")."""

    id: Text
    ten: Text | None = None
    nhiem_vu: tuple[Task, ...] = Field(min_length=1)


class Assignment(Record):
    """An assignment (phân công): a unit and its duty, printed as "1- <unit> <duty>"."""

    don_vi: Text
    nhiem_vu: Text
    thoi_han: VnDate | None = None
