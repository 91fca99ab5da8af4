"""A commune roster row (danh sách xã): who the commune is, who signs, its own figures.

One row of the roster CSV/XLSX becomes one :class:`Commune`. Columns are found by
their Vietnamese header, with or without diacritics ("Mã xã", "ma xa", "ma_xa"):
:data:`COLUMNS` lists the header a secretariat writes and the other spellings taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from pipeline.formatting import nfc
from pipeline.models.common import Record, Text, VnDate

Kind = Literal["xã", "phường", "thị trấn", "đặc khu"]
KINDS: tuple[str, ...] = ("xã", "phường", "thị trấn", "đặc khu")

_KIND_FOLDS = {"xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_INTEGER = re.compile(r"^[+]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Column:
    """A roster column: the header to write, and the other spellings accepted."""

    header: str
    aliases: tuple[str, ...] = ()


#: Roster columns by field, in the order of the example roster.
COLUMNS: dict[str, Column] = {
    "ma": Column("Mã xã", ("mã", "mã đơn vị", "mã đvhc", "code")),
    "ten": Column("Tên xã", ("tên", "tên đơn vị", "tên đvhc", "name")),
    "loai": Column("Loại", ("loại đơn vị", "cấp", "kind")),
    "cap_tren": Column("Cơ quan cấp trên", ("cấp trên",)),
    "ban_hanh": Column("Cơ quan ban hành", ("ban hành",)),
    "dia_danh": Column("Địa danh", ()),
    "bi_thu": Column("Bí thư", ("bí thư đảng uỷ", "bí thư đảng ủy")),
    "chu_tich": Column("Chủ tịch UBND", ("chủ tịch", "chủ tịch ủy ban nhân dân")),
    "nguoi_ky": Column("Người ký", ("họ tên người ký",)),
    "chuc_vu_ky": Column("Chức vụ người ký", ("chức vụ ký",)),
    "so": Column("Số văn bản", ("số",)),
    "ngay": Column("Ngày ban hành", ("ngày", "ngày ký")),
    "thon_truoc": Column("Số thôn trước sắp xếp", ("thôn trước", "số thôn trước")),
    "thon_sau": Column("Số thôn sau sắp xếp", ("thôn sau", "số thôn sau")),
    "bien_che": Column("Biên chế được giao", ("biên chế",)),
    "tinh_gian": Column("Chỉ tiêu tinh giản", ("tinh giản", "số tinh giản")),
    "truong_sap_xep": Column(
        "Số trường sáp nhập", ("trường sáp nhập", "số trường sắp xếp", "trường sắp xếp")
    ),
    "ty_le_truc_tuyen": Column(
        "Tỷ lệ hồ sơ trực tuyến (%)", ("tỷ lệ trực tuyến", "tỉ lệ hồ sơ trực tuyến")
    ),
    "han_hoan_thanh": Column("Hạn hoàn thành", ("thời hạn", "hạn")),
}

#: Columns a roster must have.
REQUIRED_COLUMNS = ("ma", "ten", "loai")

#: Columns a secretariat often keeps that vanban reads past.
IGNORED_COLUMNS = ("STT", "TT", "Ghi chú")


def _code(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and (text := nfc(value).strip()) and not _CODE.match(text):
        raise PydanticCustomError(
            "commune_code",
            "Mã “{value}” chỉ được gồm chữ số, chữ cái không dấu và “-”, “_”, “.” "
            "(ví dụ 04378), không có dấu cách.",
            {"value": text},
        )
    return value


def _cell_text(value: Any) -> Any:
    """A spreadsheet may store a name such as "3" (Phường 3) as a number: read it as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _kind(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = " ".join(nfc(value).lower().split())
    kind = _KIND_FOLDS.get(text, text)
    if kind not in KINDS:
        raise PydanticCustomError(
            "commune_kind",
            "Loại đơn vị “{value}” không có: chỉ nhận xã, phường, thị trấn hoặc đặc khu "
            "(cấp huyện không còn từ 01/7/2025).",
            {"value": value.strip()},
        )
    return kind


def _count(value: Any) -> Any:
    """Accept 12, 12.0 (from a spreadsheet) and "12"; refuse the rest with a reason."""
    if isinstance(value, str):  # first: every cell of a CSV roster is text
        text = value.strip()
        if _INTEGER.match(text):
            return int(text)
        raise PydanticCustomError(
            "count",
            "“{value}” không phải số nguyên: chỉ ghi chữ số, không có dấu chấm, dấu phẩy "
            "hay chữ (ví dụ 12).",
            {"value": text},
        )
    if isinstance(value, bool):
        raise PydanticCustomError("count", "Ô này phải là một số nguyên, không phải đúng/sai.")
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    return value


def _decimal(value: Any) -> Any:
    """Accept 85.5 (a spreadsheet number), "85,5" and "85.5"; refuse the rest."""
    if isinstance(value, bool):
        raise PydanticCustomError("figure", "Ô này phải là một số, không phải đúng/sai.")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            if _DECIMAL.match(text):
                return Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            pass
        raise PydanticCustomError(
            "figure",
            "“{value}” không phải là số: ghi chữ số, phần thập phân sau dấu phẩy hoặc dấu "
            "chấm (ví dụ 85,5), không có chữ.",
            {"value": value.strip()},
        )
    return value


def _day(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise PydanticCustomError(
            "date_number",
            "“{value}” là một số, không phải ngày: ghi ngày dạng ngày/tháng/năm (ví dụ "
            "30/06/2026), hoặc định dạng ô là Ngày (Date) trong Excel.",
            {"value": value},
        )
    return value.date() if isinstance(value, datetime) else value


Code = Annotated[Text, BeforeValidator(_code)]
Cell = Annotated[Text, BeforeValidator(_cell_text)]
Count = Annotated[int, BeforeValidator(_count)]
Figure = Annotated[Decimal, BeforeValidator(_decimal)]
Day = Annotated[VnDate, BeforeValidator(_day)]


class Commune(Record):
    """One commune (xã, phường, thị trấn, đặc khu) of a batch roster."""

    ma: Code
    ten: Cell
    loai: Annotated[Kind, BeforeValidator(_kind)]
    cap_tren: Cell | None = None
    ban_hanh: Cell | None = None
    dia_danh: Cell | None = None
    bi_thu: Cell | None = None
    chu_tich: Cell | None = None
    nguoi_ky: Cell | None = None
    chuc_vu_ky: Cell | None = None
    so: Count | None = None
    ngay: Day | None = None
    thon_truoc: Count | None = None
    thon_sau: Count | None = None
    bien_che: Count | None = None
    tinh_gian: Count | None = None
    truong_sap_xep: Count | None = None
    ty_le_truc_tuyen: Figure | None = None
    han_hoan_thanh: Day | None = None

    @field_validator("so")
    @classmethod
    def _positive(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise PydanticCustomError(
                "doc_number", "Số văn bản bắt đầu từ 1; bỏ trống nếu là dự thảo."
            )
        return value

    @field_validator("ty_le_truc_tuyen")
    @classmethod
    def _percent(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not 0 <= value <= 100:
            raise PydanticCustomError(
                "percent",
                "Tỷ lệ phải từ 0 đến 100 (phần trăm), không phải {value}.",
                {"value": str(value)},
            )
        return value

    @field_validator("thon_sau")
    @classmethod
    def _fewer_hamlets(cls, value: int | None, info: ValidationInfo) -> int | None:
        before = info.data.get("thon_truoc")
        if value is not None and before is not None and value > before:
            raise PydanticCustomError(
                "hamlets",
                "Số thôn sau sắp xếp ({after}) lớn hơn số thôn trước sắp xếp ({before}): "
                "kiểm tra lại hai cột này.",
                {"after": value, "before": before},
            )
        return value

    @field_validator("tinh_gian")
    @classmethod
    def _within_quota(cls, value: int | None, info: ValidationInfo) -> int | None:
        quota = info.data.get("bien_che")
        if value is not None and quota is not None and value > quota:
            raise PydanticCustomError(
                "reduction",
                "Chỉ tiêu tinh giản ({value}) lớn hơn biên chế được giao ({quota}).",
                {"value": value, "quota": quota},
            )
        return value

    @property
    def full_name(self) -> str:
        """Return the name with its unit word: "xã Phú Đình", "phường 3"."""
        return f"{self.loai} {self.ten}"


__all__ = ["COLUMNS", "IGNORED_COLUMNS", "KINDS", "REQUIRED_COLUMNS", "Column", "Commune", "Kind"]
