"""A batch spec: one plan per commune of a roster, from one base record.

The spec names the base record (an official-document YAML), the roster, and in
``dien`` the record fields that each commune fills: a partial record whose text may
use the commune's fields as placeholders (``{{ xa.ten_day_du }}``). ``dien`` is merged
over the base record (mappings merged key by key, lists and values replaced), then
every commune's record is validated like any other document.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from pipeline.models.common import Record, Text
from pipeline.models.document import OfficialDocument

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Record fields that choose the template and the format: the same for every commune.
FIXED_FIELDS = ("khoi", "the_thuc", "mau", "loai")


class BatchSpec(Record):
    """What a batch makes: which record, which roster, how communes fill it."""

    ten: Text | None = Field(default=None, description="folder name under build/")
    ho_so: Text
    danh_sach: Text
    trang_tinh: Text | None = None
    mau: Text | None = None
    dien: dict[str, Any] = Field(default_factory=dict)
    gop: bool = False

    @field_validator("ten")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise PydanticCustomError(
                "batch_name",
                "Tên đợt “{value}” dùng làm tên thư mục: chỉ chữ thường không dấu, chữ số và "
                "dấu “-”, ví dụ ke-hoach-xa-2026.",
                {"value": value},
            )
        return value

    @field_validator("dien")
    @classmethod
    def _record_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        known = OfficialDocument.model_fields
        for key in value:
            if key not in known:
                raise PydanticCustomError(
                    "fill_field",
                    "“{key}” không phải trường của hồ sơ văn bản; dien chỉ gồm các trường "
                    "của hồ sơ (co_quan, so, ngay, chu_ky, noi_nhan, chi_tieu, …).",
                    {"key": key},
                )
            if key in FIXED_FIELDS:
                raise PydanticCustomError(
                    "fill_fixed",
                    "Trường “{key}” chọn mẫu và thể thức nên giống nhau cho mọi xã: ghi trong "
                    "hồ sơ gốc, không ghi trong dien.",
                    {"key": key},
                )
        return value
