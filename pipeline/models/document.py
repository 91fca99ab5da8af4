"""The official document record: header, body, signature and Nơi nhận."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from pipeline.models.blocks import Table
from pipeline.models.common import Record, Text, VnDate
from pipeline.models.programme import Assignment, Target, TaskGroup
from pipeline.models.registry import Addressee, Delivery, Purpose
from pipeline.profiles import Profile, get_profile, profile_for

Khoi = Literal["dang", "nha_nuoc"]

_ABBR = re.compile(r"^[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*$")


class IssuingBody(Record):
    """Issuing body (cơ quan ban hành) as printed top left, with its abbreviation."""

    cap_tren: tuple[Text, ...] = ()
    ban_hanh: tuple[Text, ...] = Field(min_length=1)
    viet_tat: Text
    dia_danh: Text

    @field_validator("viet_tat")
    @classmethod
    def _abbreviation(cls, value: str) -> str:
        if not _ABBR.match(value):
            raise PydanticCustomError(
                "abbr",
                "Ký hiệu cơ quan “{value}” không đúng dạng: chỉ gồm chữ in hoa và số, các "
                "nhóm nối bằng “-”, không có dấu cách hay “/” (ví dụ: UBND, ĐU, HU, UBND-VX).",
                {"value": value},
            )
        return value


class Signature(Record):
    """Signature block: authority (T/M, KT. …), whom it is for, title, name."""

    quyen_han: Text | None = None
    thay_mat: Text | None = None
    chuc_vu: Text
    ho_ten: Text


class Recipient(Record):
    """One Nơi nhận line: name, purpose note, and an optional punctuation override.

    Resolved from the registry, it also carries who exactly receives it (``thanh_vien``,
    one per member of a group, or the recipient itself) with copies and delivery.
    """

    ten: Text
    ghi_chu: Text | None = None
    dau: str | None = None
    ghi_chu_sau_dau: bool = False
    muc_dich: Purpose | None = None
    so_ban: int = Field(default=1, ge=0)
    hinh_thuc: Delivery = "giay"
    thanh_vien: tuple[Addressee, ...] = ()

    @property
    def upward(self) -> bool:
        """Return True for recipients the document reports to ("để báo cáo")."""
        if self.muc_dich is not None:
            return self.muc_dich == "bao_cao"
        return self.ghi_chu is not None and "báo cáo" in self.ghi_chu

    def addressees(self) -> tuple[Addressee, ...]:
        """Return the rows of the distribution list: the members, or the recipient itself."""
        if self.thanh_vien:
            return self.thanh_vien
        return (Addressee(ten=self.ten, so_ban=self.so_ban, hinh_thuc=self.hinh_thuc),)


class RecipientRef(Record):
    """A registry recipient named by id, with per-document overrides."""

    id: Text
    ghi_chu: Text | None = None
    dau: str | None = None
    ghi_chu_sau_dau: bool = False
    muc_dich: Purpose | None = None


class GroupRef(Record):
    """A registry group named by id: one line in Nơi nhận, its members in the list."""

    nhom: Text
    ghi_chu: Text | None = None
    dau: str | None = None
    ghi_chu_sau_dau: bool = False
    muc_dich: Purpose | None = None


def _item_kind(value: Any) -> str:
    if isinstance(value, str):
        return "ten"
    if isinstance(value, Record):
        kinds: dict[type[Record], str] = {RecipientRef: "id", GroupRef: "nhom"}
        return kinds.get(type(value), "noi")
    if isinstance(value, dict) and "nhom" in value:
        return "nhom"
    if isinstance(value, dict) and "id" in value:
        return "id"
    return "noi"


DistributionItem = Annotated[
    (
        Annotated[Text, Tag("ten")]
        | Annotated[Recipient, Tag("noi")]
        | Annotated[RecipientRef, Tag("id")]
        | Annotated[GroupRef, Tag("nhom")]
    ),
    Discriminator(_item_kind),
]


class Distribution(Record):
    """The Nơi nhận block: recipients in order, then the archive line.

    Items are names (or, when ``danh_ba`` names a registry file, registry ids),
    ``{id: …}`` / ``{nhom: …}`` references with overrides, or full recipients.
    ``luu`` is what follows "Lưu" on the archive line: "VT, VP" (State:
    "- Lưu: VT, VP."), "Văn phòng Đảng uỷ" (Party: "- Lưu Văn phòng Đảng uỷ.").
    An empty ``luu`` gives the bare "- Lưu.".
    """

    danh_ba: Text | None = None
    cac_noi: tuple[DistributionItem, ...] = ()
    luu: str | None = None
    so_ban_luu: int | None = Field(default=None, ge=0)

    def recipients(self) -> tuple[Recipient, ...]:
        """Return the items as recipients (plain names become recipients)."""
        out = []
        for item in self.cac_noi:
            if isinstance(item, str):
                out.append(Recipient(ten=item))
            elif isinstance(item, Recipient):
                out.append(item)
            else:
                raise ValueError(f"unresolved registry reference {item!r}")
        return tuple(out)


class Paragraph(Record):
    """A body paragraph; inline **bold** and *italic* are allowed."""

    doan: Text


class Clause(Record):
    """A numbered clause without a title ("1- Trên cơ sở …")."""

    y: Text


class Bullet(Record):
    """A bullet item ("- …")."""

    gach: Text


class TableBlock(Record):
    """A table in the body."""

    bang: Table


class TargetsBlock(Record):
    """Print the programme's targets here, one bullet per horizon."""

    chi_tieu: Literal["tat_ca"] | tuple[Text, ...]


class TasksBlock(Record):
    """Print a task group here as bullets (or as a sub-section when it has a title)."""

    nhiem_vu: Text


class AssignmentsBlock(Record):
    """Print the assignments here as numbered clauses."""

    phan_cong: Literal["tat_ca"]


class Section(Record):
    """A numbered section ("I- MỤC ĐÍCH, YÊU CẦU") and what it contains."""

    muc: Text
    so: Text | None = None
    noi_dung: tuple[Block, ...] = ()


_BLOCK_KEYS = ("doan", "muc", "y", "gach", "bang", "chi_tieu", "nhiem_vu", "phan_cong")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, Record):
        for key in _BLOCK_KEYS:
            if key in type(value).model_fields:
                return key
        return None
    if isinstance(value, dict):
        found = [key for key in _BLOCK_KEYS if key in value]
        return found[0] if len(found) == 1 else None
    return None


def _block_from_text(value: Any) -> Any:
    return {"doan": value} if isinstance(value, str) else value


Block = Annotated[
    (
        Annotated[Paragraph, Tag("doan")]
        | Annotated[Section, Tag("muc")]
        | Annotated[Clause, Tag("y")]
        | Annotated[Bullet, Tag("gach")]
        | Annotated[TableBlock, Tag("bang")]
        | Annotated[TargetsBlock, Tag("chi_tieu")]
        | Annotated[TasksBlock, Tag("nhiem_vu")]
        | Annotated[AssignmentsBlock, Tag("phan_cong")]
    ),
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message=(
            "Mỗi khối nội dung phải có đúng một trong các khóa: " + ", ".join(_BLOCK_KEYS)
        ),
    ),
    BeforeValidator(_block_from_text),
]


class Appendix(Record):
    """An appendix after the signature, on its own page(s): "PHỤ LỤC I", its name in
    bold, the caption "(Kèm theo …)" computed from the document, then its body.

    ``so`` overrides the computed number ("I", "II"…; "" for a lone unnumbered
    appendix), ``ngang: true`` prints it on landscape pages, ``kem_theo`` replaces
    the computed caption.
    """

    ten: Text
    so: str | None = None
    ngang: bool = False
    kem_theo: Text | None = None
    noi_dung: tuple[Block, ...] = Field(min_length=1)


class OfficialDocument(Record):
    """An official document (Kế hoạch, Chương trình hành động, …) as the user writes it."""

    khoi: Khoi
    the_thuc: Literal["state_nd30_2020", "party_hd36_2018", "party_hd05_2026"] | None = None
    mau: Text | None = None
    minh_hoa: tuple[Text, ...] = ()
    co_quan: IssuingBody
    loai: Text
    ten_loai: Text | None = None
    so: int | None = Field(default=None, ge=1)
    ngay: VnDate | None = None
    nam: int | None = Field(default=None, ge=1945, le=2100, validate_default=True)
    trich_yeu: tuple[Text, ...] = Field(min_length=1)
    chi_tieu: tuple[Target, ...] = ()
    nhiem_vu: tuple[TaskGroup, ...] = ()
    phan_cong: tuple[Assignment, ...] = ()
    noi_dung: tuple[Block, ...] = Field(min_length=1)
    chu_ky: Signature
    noi_nhan: Distribution = Distribution()
    phu_luc: tuple[Appendix, ...] = ()

    @field_validator("trich_yeu", mode="before")
    @classmethod
    def _summary_lines(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("so", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().isdigit():
            raise PydanticCustomError(
                "number",
                "Số văn bản “{value}” không đúng: chỉ ghi con số (ví dụ 12 hoặc 05); "
                "ký hiệu loại văn bản và cơ quan được ghép tự động. Bỏ trống nếu là dự thảo.",
                {"value": value},
            )
        return value

    @field_validator("the_thuc")
    @classmethod
    def _profile_matches_family(cls, value: str | None, info: ValidationInfo) -> str | None:
        khoi = info.data.get("khoi")
        if value is not None and khoi is not None:
            family = "party" if khoi == "dang" else "state"
            if get_profile(value).family != family:
                raise PydanticCustomError(
                    "profile_family",
                    "Thể thức “{profile}” không dùng cho khối “{khoi}”: khối dang dùng "
                    "party_hd36_2018 hoặc party_hd05_2026, khối nha_nuoc dùng state_nd30_2020.",
                    {"profile": value, "khoi": khoi},
                )
        return value

    @field_validator("loai")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        khoi = info.data.get("khoi")
        if khoi is None:
            return value
        profile = profile_for("party" if khoi == "dang" else "state", None)
        if profile.type_abbreviation(value) is None:
            raise PydanticCustomError(
                "doc_type",
                "Loại văn bản “{loai}” không có trong bảng tên loại và chữ viết tắt ({label}). "
                "Dùng một trong: {known}.",
                {
                    "loai": value,
                    "label": profile.label,
                    "known": ", ".join(sorted(k.capitalize() for k in profile.doc_types)),
                },
            )
        return value

    @field_validator("chi_tieu", "nhiem_vu")
    @classmethod
    def _unique_ids(
        cls, value: tuple[Target, ...] | tuple[TaskGroup, ...], info: ValidationInfo
    ) -> tuple[Target, ...] | tuple[TaskGroup, ...]:
        seen: set[str] = set()
        for item in value:
            if item.id in seen:
                raise PydanticCustomError(
                    "duplicate_id",
                    "Mã “{id}” bị trùng: mỗi mục của {field} cần một mã riêng.",
                    {"id": item.id, "field": info.field_name},
                )
            seen.add(item.id)
        return value

    @field_validator("phu_luc")
    @classmethod
    def _appendix_references(
        cls, value: tuple[Appendix, ...], info: ValidationInfo
    ) -> tuple[Appendix, ...]:
        for appendix in value:
            cls._references(appendix.noi_dung, info)
        return value

    @field_validator("noi_dung")
    @classmethod
    def _references(cls, value: tuple[Block, ...], info: ValidationInfo) -> tuple[Block, ...]:
        groups = {g.id for g in info.data.get("nhiem_vu", ())}
        targets = {t.id for t in info.data.get("chi_tieu", ())}
        for block in _walk(value):
            if isinstance(block, TasksBlock) and block.nhiem_vu not in groups:
                raise PydanticCustomError(
                    "unknown_group",
                    "Nội dung gọi nhóm nhiệm vụ “{id}” nhưng phần nhiem_vu không có nhóm này "
                    "(các nhóm có: {known}).",
                    {"id": block.nhiem_vu, "known": ", ".join(sorted(groups)) or "không có"},
                )
            if isinstance(block, TargetsBlock) and block.chi_tieu != "tat_ca":
                missing = [t for t in block.chi_tieu if t not in targets]
                if missing:
                    raise PydanticCustomError(
                        "unknown_target",
                        "Nội dung gọi chỉ tiêu {ids} nhưng phần chi_tieu không có các mã này.",
                        {"ids": ", ".join(missing)},
                    )
        return value

    @field_validator("chu_ky")
    @classmethod
    def _authority_of_family(cls, value: Signature, info: ValidationInfo) -> Signature:
        khoi = info.data.get("khoi")
        if khoi is None or value.quyen_han is None:
            return value
        profile = profile_for("party" if khoi == "dang" else "state", None)
        if value.quyen_han not in profile.authority_prefixes:
            raise PydanticCustomError(
                "authority",
                "Quyền hạn ký “{value}” không dùng trong văn bản {family}: chỉ dùng {allowed} "
                "(hoặc bỏ trống khi người đứng đầu ký trực tiếp).",
                {
                    "field": "quyen_han",
                    "value": value.quyen_han,
                    "family": "của Đảng" if khoi == "dang" else "hành chính nhà nước",
                    "allowed": ", ".join(profile.authority_prefixes),
                },
            )
        return value

    @field_validator("nam")
    @classmethod
    def _draft_year(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and "ngay" in info.data and info.data["ngay"] is None:
            raise PydanticCustomError(
                "draft_year",
                "Dự thảo chưa có ngày thì phải ghi năm (trường nam), ví dụ: nam: 2026.",
            )
        return value

    @property
    def profile(self) -> Profile:
        """Return the profile the record names, or the one its family and date imply."""
        if self.the_thuc is not None:
            return get_profile(self.the_thuc)
        return profile_for("party" if self.khoi == "dang" else "state", self.ngay)

    @property
    def issued_year(self) -> int:
        """Return the year printed on the date line."""
        if self.ngay is not None:
            return self.ngay.year
        assert self.nam is not None  # guaranteed by _consistent
        return self.nam


Section.model_rebuild()
Appendix.model_rebuild()


def _walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from _walk(block.noi_dung)
