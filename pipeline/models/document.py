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

from pipeline.formatting import Family, LevelKind
from pipeline.models.blocks import Table
from pipeline.models.common import Record, Text, VnDate
from pipeline.models.programme import Assignment, Target, TaskGroup
from pipeline.models.registry import Addressee, Delivery, Purpose
from pipeline.models.signature import Signature, authority_prefix, stack_problem
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

    Items are printed in the order written (``thu_tu: the_thuc`` puts the recipients
    reported to first), each ending with the profile's mark or ``dau_muc`` (";" or ",");
    item text may carry **bold** and *italic*. ``dong_luu`` is the whole archive line as
    written ("- Lưu: VT, NC (TP, Vinh)."), instead of the one made from ``luu``;
    ``sau_luu`` holds the lines printed under it as written ("09 KH", "(25b)").
    """

    danh_ba: Text | None = None
    cac_noi: tuple[DistributionItem, ...] = ()
    luu: str | None = None
    so_ban_luu: int | None = Field(default=None, ge=0)
    dau_muc: Literal[";", ","] | None = None
    thu_tu: Literal["nhu_ghi", "the_thuc"] = "nhu_ghi"
    dong_luu: Text | None = None
    sau_luu: tuple[Text, ...] = ()

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
    """A numbered clause without a title ("1- Trên cơ sở …"); ``so`` states its label."""

    y: Text
    so: Text | None = None


class Article(Record):
    """An article of a Quyết định: "Điều 1." and its title, bold (NĐ 30), numbered in
    order; ``so`` states its label by hand; under it, its paragraphs and clauses
    (``noi_dung``; clauses numbered "1.", "2.")."""

    dieu: Text
    so: Text | None = None
    noi_dung: tuple[Block, ...] = ()


class CentredLine(Record):
    """A bold centred line in the body ("QUYẾT ĐỊNH:", the signer's authority of a
    Quyết định: "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP")."""

    giua: Text


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
    """A numbered section ("I- MỤC ĐÍCH, YÊU CẦU") and what it contains.

    ``so`` states its label by hand ("IV."); ``cap_duoi`` chooses the kind of the items
    under it ("a)" directly under "1.", "(1)", "-"), else the next level down.
    """

    muc: Text
    so: Text | None = None
    cap_duoi: LevelKind | None = None
    noi_dung: tuple[Block, ...] = ()


_BLOCK_KEYS = (
    "doan",
    "muc",
    "y",
    "gach",
    "bang",
    "chi_tieu",
    "nhiem_vu",
    "phan_cong",
    "dieu",
    "giua",
)


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
        | Annotated[Article, Tag("dieu")]
        | Annotated[CentredLine, Tag("giua")]
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
    so: Text | None = None
    ngay: VnDate | None = None
    nam: int | None = Field(default=None, ge=1945, le=2100, validate_default=True)
    trich_yeu: tuple[Text, ...] = Field(min_length=1)
    danh_so: Literal["I-", "I."] | None = None
    cap_dau: LevelKind | None = None
    chi_tieu: tuple[Target, ...] = ()
    nhiem_vu: tuple[TaskGroup, ...] = ()
    phan_cong: tuple[Assignment, ...] = ()
    kinh_gui: tuple[Text, ...] = ()
    kinh_trinh: tuple[Text, ...] = ()
    noi_dung: tuple[Block, ...] = Field(min_length=1)
    ghi_chu_cuoi: tuple[Text, ...] = ()
    chu_ky: Signature
    lien_tich: tuple[Signature, ...] = ()
    noi_nhan: Distribution = Distribution()
    phu_luc: tuple[Appendix, ...] = ()

    @field_validator("trich_yeu", "kinh_gui", "kinh_trinh", "ghi_chu_cuoi", mode="before")
    @classmethod
    def _summary_lines(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("so", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        # A number given as a number (a roster cell) is printed as it is; text keeps
        # its leading zeros ("0129").
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 1:
                raise PydanticCustomError(
                    "number_min", "Số văn bản bắt đầu từ 1; bỏ trống nếu là dự thảo."
                )
            return str(value)
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and (not text.isdigit() or not text.isascii()):
            raise PydanticCustomError(
                "number",
                "Số văn bản “{value}” không đúng: chỉ ghi con số (ví dụ 12 hoặc 0129); "
                "ký hiệu loại văn bản và cơ quan được ghép tự động. Bỏ trống nếu là dự thảo.",
                {"value": value},
            )
        if isinstance(text, str) and not text.strip("0"):
            raise PydanticCustomError(
                "number_min", "Số văn bản bắt đầu từ 1; bỏ trống nếu là dự thảo."
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

    @field_validator("kinh_trinh")
    @classmethod
    def _one_addressee_label(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if value and info.data.get("kinh_gui"):
            raise PydanticCustomError(
                "addressee_label",
                "Văn bản ghi “Kính gửi” hoặc “Kính trình” (tờ trình), không ghi cả hai: "
                "giữ kinh_gui hoặc kinh_trinh.",
            )
        return value

    @field_validator("noi_dung")
    @classmethod
    def _numbering(cls, value: tuple[Block, ...], info: ValidationInfo) -> tuple[Block, ...]:
        from pipeline.models.numbering import numbering_problem  # it imports this module

        groups = {g.id: g for g in info.data.get("nhiem_vu", ())}
        top = info.data.get("cap_dau") or "I."
        found = numbering_problem(value, top, groups, len(info.data.get("phan_cong", ())))
        if found is not None:
            path, message = found
            raise PydanticCustomError("numbering", "{message}", {"path": path, "message": message})
        return value

    @field_validator("danh_so")
    @classmethod
    def _numbering_style(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "I-" and info.data.get("khoi") == "nha_nuoc":
            raise PydanticCustomError(
                "numbering_style",
                "Văn bản hành chính nhà nước đánh số “I.”, “1.” (có dấu chấm, Nghị định "
                "30/2020); kiểu “I-”, “1-” chỉ dùng trong văn bản của Đảng. Bỏ trường "
                'danh_so hoặc ghi danh_so: "I.".',
            )
        return value

    @field_validator("chu_ky")
    @classmethod
    def _authority_of_family(cls, value: Signature, info: ValidationInfo) -> Signature:
        khoi = info.data.get("khoi")
        if khoi is None:
            return value
        problem = authority_problem(value, khoi)
        if problem is not None:
            message, field = problem
            raise PydanticCustomError(
                "authority", "{message}", {"field": field, "message": message}
            )
        return value

    @field_validator("lien_tich")
    @classmethod
    def _joint_signers(
        cls, value: tuple[Signature, ...], info: ValidationInfo
    ) -> tuple[Signature, ...]:
        # A joint document may join bodies of both families: each block follows the
        # rules of the family its first authority line belongs to.
        for index, signer in enumerate(value):
            lines = signer.lines()
            first = next((authority_prefix(line.dong) for line in lines), None)
            family = "party" if first in {"T/M", "K/T", "T/L"} else "state"
            if first is None and info.data.get("khoi") == "dang":
                family = "party"
            problem = stack_problem(lines, family)
            if problem is not None:
                raise PydanticCustomError(
                    "authority",
                    "{message}",
                    {
                        "path": (index, "dong" if signer.dong else "quyen_han"),
                        "message": problem[0],
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


def authority_problem(signature: Signature, khoi: str) -> tuple[str, str] | None:
    """Return (message, field) when ``signature``'s authority and lines break the rules
    of the family of ``khoi`` (a prefix of the other family, a combination the rules do
    not allow), else None. Used by the record's validator and, on the raw data of a
    record that failed elsewhere, by :mod:`pipeline.loading.crosscheck`."""
    family: Family = "party" if khoi == "dang" else "state"
    profile = profile_for(family, None)
    if signature.quyen_han is not None and authority_prefix(signature.quyen_han) is None:
        kind = "của Đảng" if khoi == "dang" else "hành chính nhà nước"
        return (
            f"Quyền hạn ký “{signature.quyen_han}” không dùng trong văn bản {kind}: chỉ dùng "
            f"{', '.join(profile.authority_prefixes)} (hoặc bỏ trống khi người đứng đầu ký "
            "trực tiếp).",
            "quyen_han",
        )
    problem = stack_problem(signature.lines(), family)
    if problem is not None:
        return problem[0], "dong" if signature.dong else "quyen_han"
    return None


Section.model_rebuild()
Article.model_rebuild()
Appendix.model_rebuild()


def _walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Section | Article):
            yield from _walk(block.noi_dung)
