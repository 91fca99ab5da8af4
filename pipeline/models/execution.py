"""Execution records of a period: the report record (``bao-cao.yaml``) and its parts.

A report names the programme it reports on (an official-document record whose
``chi_tieu`` and ``nhiem_vu`` are the targets and tasks), the commune roster and the
communes' results file. It holds the issuing body's own results, each task's status,
the narrative sections, and the header, signature and Nơi nhận of the report itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from pipeline.formatting import nfc
from pipeline.models.common import Record, Text, VnDate
from pipeline.models.document import (
    Bullet,
    Clause,
    Distribution,
    IssuingBody,
    Khoi,
    OfficialDocument,
    Paragraph,
)
from pipeline.models.period import Period
from pipeline.models.roster import Commune
from pipeline.models.signature import Signature

Status = Literal["hoàn thành", "đang thực hiện", "chưa thực hiện"]
#: The statuses a task or a target may be given; "quá hạn" is derived, never written.
STATUSES: tuple[Status, ...] = ("hoàn thành", "đang thực hiện", "chưa thực hiện")
DONE: Status = "hoàn thành"

#: An achieved value: a number, or a status when the target has no figure.
Achievement = Decimal | Status

_STATUS_FOLDS = {
    "hoan thanh": "hoàn thành",
    "da hoan thanh": "hoàn thành",
    "đã hoàn thành": "hoàn thành",
    "dang thuc hien": "đang thực hiện",
    "chua thuc hien": "chưa thực hiện",
}
_VN_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^[+-]?\d{1,3}(?:\.\d{3})*,\d+$")
_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def fold_status(value: str) -> str | None:
    """Return the status ``value`` names (with or without diacritics), or None."""
    text = " ".join(nfc(value).lower().split())
    text = _STATUS_FOLDS.get(text, text)
    return text if text in STATUSES else None


def parse_figure(value: Any) -> Decimal:
    """Return the number a cell or YAML value holds: 12, 85.5, "85,5", "1.234,5", "90%".

    Raises:
        PydanticCustomError: not a number, or "1.234" (a thousand, or one point two?).
    """
    if isinstance(value, bool):
        raise PydanticCustomError("figure", "Ô này phải là một số, không phải đúng/sai.")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().removesuffix("%").strip()
    if _AMBIGUOUS.match(text):
        raise PydanticCustomError(
            "figure_ambiguous",
            "“{value}” có thể là {thousands} hay {decimal}: ghi {plain} nếu là số nguyên, "
            "hoặc dùng dấu phẩy cho phần thập phân.",
            {
                "value": text,
                "thousands": text.replace(".", ""),
                "decimal": text.replace(".", ","),
                "plain": text.replace(".", ""),
            },
        )
    if _VN_GROUPED.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _PLAIN.match(text):
        return Decimal(text.replace(",", "."))
    raise PydanticCustomError(
        "figure",
        "“{value}” không phải là số: ghi chữ số, phần thập phân sau dấu phẩy (ví dụ 85,5), "
        "hoặc một tình trạng: {statuses}.",
        {"value": text, "statuses": ", ".join(STATUSES)},
    )


def parse_achievement(value: Any) -> Achievement:
    """Return a number, or a status for a status word ("hoàn thành", "dang thuc hien")."""
    if isinstance(value, str):
        status = fold_status(value)
        if status is not None:
            return status  # type: ignore[return-value]
        if "quá hạn" in nfc(value).lower() or "qua han" in value.lower():
            raise PydanticCustomError(
                "status_overdue",
                "“quá hạn” được tính tự động từ thời hạn và ngày cuối kỳ: ghi đang thực hiện "
                "hoặc chưa thực hiện.",
            )
    return parse_figure(value)


def _status(value: Any) -> Any:
    if isinstance(value, str):
        status = fold_status(value)
        if status is not None:
            return status
        if "quá hạn" in nfc(value).lower() or "qua han" in value.lower():
            raise PydanticCustomError(
                "status_overdue",
                "“quá hạn” được tính tự động từ thời hạn và ngày cuối kỳ: ghi đang thực hiện "
                "hoặc chưa thực hiện.",
            )
    return value


def _figure(value: Any) -> Any:
    return None if value is None else parse_figure(value)


StatusField = Annotated[Status, BeforeValidator(_status)]
FigureField = Annotated[Decimal, BeforeValidator(_figure)]


def _narrative_kind(value: Any) -> str:
    if isinstance(value, str):
        return "doan"
    if isinstance(value, Record):
        kinds: dict[type[Record], str] = {Paragraph: "doan", Bullet: "gach", Clause: "y"}
        return kinds.get(type(value), "doan")
    if isinstance(value, dict):
        found = [key for key in ("doan", "gach", "y") if key in value]
        return found[0] if len(found) == 1 else "doan"
    return "doan"


def _paragraph(value: Any) -> Any:
    return {"doan": value} if isinstance(value, str) else value


#: A narrative item: a paragraph (plain text), ``{gach: …}`` a bullet, ``{y: …}`` a
#: numbered clause. Inline **bold** and *italic* work as in any body.
NarrativeItem = Annotated[
    Annotated[Paragraph, Tag("doan")]
    | Annotated[Bullet, Tag("gach")]
    | Annotated[Clause, Tag("y")],
    Discriminator(_narrative_kind),
    BeforeValidator(_paragraph),
]


def _items(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return [] if value is None else value


Narrative = Annotated[tuple[NarrativeItem, ...], BeforeValidator(_items)]

#: Narrative sections in the order of the report's outline, with their headings.
NARRATIVE_SECTIONS: dict[str, str] = {
    "lanh_dao": "Công tác lãnh đạo, chỉ đạo, triển khai thực hiện",
    "uu_diem": "Ưu điểm",
    "han_che": "Hạn chế, khuyết điểm",
    "nguyen_nhan": "Nguyên nhân",
    "bai_hoc": "Bài học kinh nghiệm",
    "phuong_huong": "Phương hướng, nhiệm vụ",
    "kien_nghi": "Đề xuất, kiến nghị",
}


#: Built-in pieces of a report's outline (``phan``), with the heading each gets when
#: it shares its part with others. Narrative sections are pieces too.
PIECES: dict[str, str] = {
    "lanh_dao": NARRATIVE_SECTIONS["lanh_dao"],
    "chi_tieu": "Kết quả thực hiện các chỉ tiêu",
    "xa": "Kết quả của các xã, phường",
    "nhiem_vu": "Kết quả thực hiện các nhiệm vụ",
    **{k: v for k, v in NARRATIVE_SECTIONS.items() if k != "lanh_dao"},
}
Piece = Literal[
    "lanh_dao",
    "chi_tieu",
    "xa",
    "nhiem_vu",
    "uu_diem",
    "han_che",
    "nguyen_nhan",
    "bai_hoc",
    "phuong_huong",
    "kien_nghi",
]


class OutlinePiece(Record):
    """A built-in piece of the outline: ``{phan: chi_tieu}`` (its heading may be reworded)."""

    phan: Piece
    tieu_de: Text | None = None


def _outline_kind(value: Any) -> str:
    if isinstance(value, OutlinePiece) or (isinstance(value, dict) and "phan" in value):
        return "phan"
    return _narrative_kind(value)


#: An item of an outline part: a built-in piece, or the part's own prose.
OutlineItem = Annotated[
    Annotated[OutlinePiece, Tag("phan")]
    | Annotated[Paragraph, Tag("doan")]
    | Annotated[Bullet, Tag("gach")]
    | Annotated[Clause, Tag("y")],
    Discriminator(_outline_kind),
    BeforeValidator(_paragraph),
]


class OutlinePart(Record):
    """A numbered part of a report ("I. KẾT QUẢ ĐẠT ĐƯỢC"): pieces and prose, in order."""

    muc: Text
    noi_dung: Annotated[tuple[OutlineItem, ...], BeforeValidator(_items)] = Field(min_length=1)


def _piece(name: str) -> OutlinePiece:
    return OutlinePiece(phan=name)


#: The conventional outline of a sơ kết / tổng kết report.
DEFAULT_OUTLINE: tuple[OutlinePart, ...] = (
    OutlinePart(
        muc="TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN",
        noi_dung=tuple(_piece(n) for n in ("lanh_dao", "chi_tieu", "xa", "nhiem_vu")),
    ),
    OutlinePart(
        muc="ĐÁNH GIÁ CHUNG",
        noi_dung=tuple(_piece(n) for n in ("uu_diem", "han_che", "nguyen_nhan", "bai_hoc")),
    ),
    OutlinePart(muc="PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", noi_dung=(_piece("phuong_huong"),)),
    OutlinePart(muc="ĐỀ XUẤT, KIẾN NGHỊ", noi_dung=(_piece("kien_nghi"),)),
)

#: Types of document a review may be issued as (each must be a type of the profile).
REVIEW_TYPES = ("Báo cáo", "Kết luận", "Thông báo")


def _outline(value: tuple[OutlinePart, ...]) -> tuple[OutlinePart, ...]:
    seen: set[str] = set()
    for part in value:
        for item in part.noi_dung:
            if isinstance(item, OutlinePiece):
                if item.phan in seen:
                    raise PydanticCustomError(
                        "outline_twice",
                        "Phần “{piece}” có hai lần trong dàn ý (dan_y): mỗi phần chỉ dùng một "
                        "lần. Xóa một trong hai.",
                        {"piece": item.phan},
                    )
                seen.add(item.phan)
    return value


Outline = Annotated[tuple[OutlinePart, ...], AfterValidator(_outline)]


def _review_type(value: Any) -> Any:
    if isinstance(value, str):
        folded = " ".join(nfc(value).split()).lower()
        for name in REVIEW_TYPES:
            if folded == name.lower():
                return name
        raise PydanticCustomError(
            "review_type",
            "Loại văn bản “{value}” không dùng cho báo cáo kỳ: chọn một trong {known}.",
            {"value": value, "known": ", ".join(REVIEW_TYPES)},
        )
    return value


class Narratives(Record):
    """The narrative sections of a report (each a list of paragraphs, bullets, clauses)."""

    lanh_dao: Narrative = ()
    uu_diem: Narrative = ()
    han_che: Narrative = ()
    nguyen_nhan: Narrative = ()
    bai_hoc: Narrative = ()
    phuong_huong: Narrative = ()
    kien_nghi: Narrative = ()


class TargetResult(Record):
    """The issuing body's own result for one target: a figure or a status."""

    id: Text
    dat: FigureField | None = None
    tinh_trang: StatusField | None = None
    ghi_chu: Text | None = None

    @model_validator(mode="after")
    def _one_value(self) -> TargetResult:
        if self.dat is None and self.tinh_trang is None:
            raise PydanticCustomError(
                "result_missing",
                "Chưa điền kết quả của chỉ tiêu “{id}”: ghi số đạt được (dat) hoặc tình trạng "
                "(tinh_trang: {statuses}).",
                {"id": self.id, "statuses": ", ".join(STATUSES), "field": "dat"},
            )
        if self.dat is not None and self.tinh_trang is not None:
            raise PydanticCustomError(
                "result_both",
                "Chỉ tiêu “{id}” có cả số đạt được (dat) và tình trạng (tinh_trang): giữ một.",
                {"id": self.id, "field": "tinh_trang"},
            )
        return self

    @property
    def value(self) -> Achievement:
        """Return the figure, or the status."""
        return self.dat if self.dat is not None else self.tinh_trang  # type: ignore[return-value]


class TaskResult(Record):
    """A task's status at the end of the period, with a short note and the evidence."""

    id: Text
    tinh_trang: StatusField
    ghi_chu: Text | None = None
    minh_chung: Text | None = None


def _plan(value: Any) -> Any:
    if isinstance(value, str) and re.match(r"^[+-]?[\d.,]+%?$", value.strip()):
        return parse_figure(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_figure(value)
    return value


class TargetRule(Record):
    """How one target is reported: column name, how communes add up, per-commune plan.

    ``tong_hop``: "tong" adds the communes' figures; "binh_quan" takes their mean (for
    rates). ``chieu``: "toi_thieu" — met when achieved ≥ planned; "toi_da" — met when
    achieved ≤ planned (e.g. a poverty rate). ``ke_hoach``: the issuing body's planned
    value for this report (default: the target's ``gia_tri``). ``ke_hoach_xa``: each
    commune's planned value: a roster field (``tinh_gian``, ``thon_giam``…) or a number.
    ``noi_dung_xa``: the target's wording in the communes' reports when the programme's
    wording speaks for the whole province ("100% xã, phường …"); it may place the
    commune's plan with ``{ke_hoach}``.
    """

    id: Text
    ten_ngan: Text | None = None
    noi_dung_xa: Text | None = None
    tong_hop: Literal["tong", "binh_quan"] = "tong"
    chieu: Literal["toi_thieu", "toi_da"] = "toi_thieu"
    ke_hoach: FigureField | None = None
    ke_hoach_xa: Annotated[Decimal | Text | None, BeforeValidator(_plan)] = None


class TargetGroup(Record):
    """A group of targets printed as one table ("Chỉ tiêu về sắp xếp tổ chức bộ máy")."""

    ten: Text
    chi_tieu: tuple[Text, ...] = Field(min_length=1)


class CommuneReportSpec(Record):
    """Each commune's own report: header, subject, signature and Nơi nhận.

    Text may use the commune's roster fields, ``{{ xa.ten_day_du }}``, as in batches.
    """

    co_quan: IssuingBody
    chu_the: Text
    lanh_dao: Narrative = ()
    dan_y: Outline = ()
    chu_ky: Signature
    noi_nhan: Distribution = Distribution()


class PeriodReport(Narratives):
    """The report of a period (``bao-cao.yaml``): what the issuing body reports."""

    chuong_trinh: Text
    danh_sach_xa: Text | None = None
    ket_qua_xa: Text | None = None
    khoi: Khoi
    the_thuc: Literal["state_nd30_2020", "party_hd36_2018", "party_hd05_2026"] | None = None
    mau: Text | None = None
    co_quan: IssuingBody
    loai: Annotated[Text, BeforeValidator(_review_type)] = "Báo cáo"
    ten_loai: Text | None = None
    so: int | None = Field(default=None, ge=1)
    ngay: VnDate | None = None
    nam: int | None = Field(default=None, ge=1945, le=2100)
    trich_yeu: tuple[Text, ...] = ()
    chu_the: Text
    mo_dau: Text | None = None
    dan_y: Outline = ()
    nhom_chi_tieu: tuple[TargetGroup, ...] = ()
    cach_tinh: tuple[TargetRule, ...] = ()
    ket_qua: tuple[TargetResult, ...] = ()
    nhiem_vu: tuple[TaskResult, ...] = ()
    chu_ky: Signature
    noi_nhan: Distribution = Distribution()
    bao_cao_xa: CommuneReportSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _summary_lines(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("trich_yeu"), str):
            return {**data, "trich_yeu": [data["trich_yeu"]]}
        return data

    @model_validator(mode="after")
    def _results_file_needs_roster(self) -> PeriodReport:
        if self.ket_qua_xa is not None and self.danh_sach_xa is None:
            raise PydanticCustomError(
                "roster_missing",
                "Có tệp kết quả của các xã (ket_qua_xa) thì phải chỉ ra danh sách xã "
                "(danh_sach_xa) để đối chiếu mã xã.",
                {"field": "danh_sach_xa"},
            )
        return self


@dataclass(frozen=True)
class CommuneResult:
    """One commune's results: its code, its row in the file, a value per target id."""

    code: str
    row: int
    values: dict[str, Achievement]
    ghi_chu: str | None = None


@dataclass(frozen=True)
class CommuneResults:
    """A loaded results file: the targets it has columns for, rows in roster order."""

    source: str
    targets: tuple[str, ...]
    rows: tuple[CommuneResult, ...]

    def by_code(self) -> dict[str, CommuneResult]:
        """Return the rows by commune code."""
        return {row.code: row for row in self.rows}


@dataclass(frozen=True)
class PeriodRecords:
    """Everything a period's reports are computed from: validated records, no files."""

    period: Period
    report: PeriodReport
    programme: OfficialDocument
    communes: tuple[Commune, ...]
    results: CommuneResults | None
    narratives: dict[str, Narratives]
    previous: PeriodRecords | None


__all__ = [
    "DEFAULT_OUTLINE",
    "DONE",
    "NARRATIVE_SECTIONS",
    "PIECES",
    "REVIEW_TYPES",
    "STATUSES",
    "Achievement",
    "CommuneReportSpec",
    "CommuneResult",
    "CommuneResults",
    "Narratives",
    "OutlineItem",
    "OutlinePart",
    "OutlinePiece",
    "PeriodRecords",
    "PeriodReport",
    "Piece",
    "Status",
    "TargetGroup",
    "TargetResult",
    "TargetRule",
    "TaskResult",
    "fold_status",
    "parse_achievement",
    "parse_figure",
]
