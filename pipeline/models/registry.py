"""The recipient registry: who receives documents, how, and how many copies.

One registry feeds both the Nơi nhận block of every document and the stand-alone
distribution list, so the two cannot disagree.
"""

from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from pipeline.models.common import Record, Text

#: Why a recipient gets the document. Upward recipients ("để báo cáo") come first.
Purpose = Literal["bao_cao", "thuc_hien", "phoi_hop", "biet"]
#: How a recipient gets it: on paper, electronically, or both.
Delivery = Literal["giay", "dien_tu", "ca_hai"]

PURPOSE_LABELS: dict[str, str] = {
    "bao_cao": "Để báo cáo",
    "thuc_hien": "Để thực hiện",
    "phoi_hop": "Để phối hợp",
    "biet": "Để biết",
}
DELIVERY_LABELS: dict[str, str] = {
    "giay": "Giấy",
    "dien_tu": "Điện tử",
    "ca_hai": "Giấy và điện tử",
}


class Addressee(Record):
    """One body that receives the document: the row of a distribution list."""

    ten: Text
    so_ban: int = Field(default=1, ge=0)
    hinh_thuc: Delivery = "giay"
    dia_chi: Text | None = None
    email: Text | None = None

    @property
    def paper_copies(self) -> int:
        """Return how many paper copies this addressee gets (0 when electronic only)."""
        return 0 if self.hinh_thuc == "dien_tu" else self.so_ban


class RegistryEntry(Addressee):
    """A recipient of the registry: its id, the name as written in Nơi nhận, defaults."""

    id: Text
    ghi_chu: Text | None = None
    muc_dich: Purpose | None = None


class RosterMembers(Record):
    """A group made of every commune of a roster file, named by a pattern."""

    danh_sach: Text
    mau_ten: Text = "{ten}"
    so_ban: int = Field(default=1, ge=0)
    hinh_thuc: Delivery = "giay"

    @field_validator("mau_ten")
    @classmethod
    def _plain_fields(cls, value: str) -> str:
        for _, name, spec, conversion in string.Formatter().parse(value):
            if name is not None and (not name.isidentifier() or spec or conversion):
                raise PydanticCustomError(
                    "name_pattern",
                    "Mẫu tên “{value}” chỉ được dùng tên cột trong ngoặc nhọn, ví dụ "
                    "“Đảng ủy {{ten}}”, không dùng dấu chấm, ngoặc vuông hay định dạng.",
                    {"value": value},
                )
        return value


class RegistryGroup(Record):
    """A group: one label in Nơi nhận, its members one by one in the distribution list."""

    id: Text
    ten: Text
    ghi_chu: Text | None = None
    muc_dich: Purpose | None = None
    thanh_vien: tuple[Text, ...] = ()
    tat_ca_xa: RosterMembers | None = None


class Registry(Record):
    """The whole registry file: recipients and groups."""

    noi_nhan: tuple[RegistryEntry, ...] = ()
    nhom: tuple[RegistryGroup, ...] = ()
