"""Ready strings of a report: citations, summary lines, table cells and sentences.

Only text is made here, from figures computed in :mod:`pipeline.context.report`;
numbers and dates are written by :mod:`pipeline.formatting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pipeline.context.report import Figures
from pipeline.context.targets import target_wording
from pipeline.formatting import (
    number_line,
    number_text,
    percent_text,
    short_date,
    signed_number_text,
)
from pipeline.models.document import OfficialDocument
from pipeline.models.execution import Achievement, PeriodRecords
from pipeline.models.period import Period

NOT_APPLICABLE = ""
NO_DATA = "Chưa có số liệu"
NO_PLAN = ""
COUNT_UNIT = "đơn vị hoàn thành"
_END_PUNCT = ".;:,"


ReviewKind = Literal["bao_cao", "ket_luan", "thong_bao"]
_KINDS: dict[str, ReviewKind] = {
    "báo cáo": "bao_cao",
    "kết luận": "ket_luan",
    "thông báo": "thong_bao",
}
#: What the issuing body does in the opening sentence, by type of document.
_VERBS: dict[ReviewKind, str] = {
    "bao_cao": "báo cáo kết quả",
    "ket_luan": "kết luận về kết quả",
    "thong_bao": "thông báo kết luận về kết quả",
}


def review_kind(type_name: str) -> ReviewKind:
    """Return the kind of a review document from its type ("Kết luận" → "ket_luan")."""
    return _KINDS.get(type_name.strip().lower(), "bao_cao")


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One row of a target table, every cell a ready string."""

    stt: str
    chi_tieu: str
    don_vi: str
    ke_hoach: str
    thuc_hien: str
    ty_le: str
    so_ky_truoc: str


def upper_first(text: str) -> str:
    """Return ``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Return ``text`` with its first letter in lower case."""
    return text[:1].lower() + text[1:]


def without_end(text: str) -> str:
    """Return ``text`` without its final punctuation."""
    return text.rstrip(_END_PUNCT + " ")


def number_symbol(doc: OfficialDocument) -> str | None:
    """Return "45-KH/TU" / "45/KH-UBND" for a numbered record, None for a draft."""
    if doc.so is None:
        return None
    profile = doc.profile
    line = number_line(
        profile.family, doc.so, profile.type_abbreviation(doc.loai) or "", doc.co_quan.viet_tat
    )
    return line.removeprefix("Số").lstrip(":").strip()


def _cited_name(doc: OfficialDocument) -> str:
    symbol = number_symbol(doc)
    return f"{doc.loai} số {symbol}" if symbol else doc.loai


def programme_citation(programme: OfficialDocument, issuer: str) -> str:
    """Return "Kế hoạch số 45-KH/TU, ngày 10/06/2026 của <issuer> về …" (first mention)."""
    text = _cited_name(programme)
    if programme.ngay is not None:
        comma = "," if programme.profile.family == "party" else ""
        text += f"{comma} ngày {short_date(programme.ngay)}"
    summary = lower_first(without_end(" ".join(programme.trich_yeu)))
    if not summary.startswith(("về ", "thực hiện ")):
        summary = f"về {summary}"
    return f"{text} của {issuer} {summary}"


def summary_lines(
    period: Period, programme: OfficialDocument, issuer: str, kind: ReviewKind = "bao_cao"
) -> tuple[str, ...]:
    """Return the trích yếu: "sơ kết 6 tháng cuối năm 2026" / "thực hiện …".

    A Kết luận or Thông báo is "về kết quả sơ kết …" (the type name says the rest).
    """
    first = f"{period.kind_word} {period.label}"
    if kind != "bao_cao":
        first = f"về kết quả {first}"
    return (first, f"thực hiện {_cited_name(programme)} của {issuer}")


def opening(
    period: Period,
    programme: OfficialDocument,
    issuer: str,
    subject: str,
    kind: ReviewKind = "bao_cao",
) -> str:
    """Return the opening sentence: "Thực hiện …, <subject> báo cáo kết quả … như sau:"."""
    return (
        f"Thực hiện {programme_citation(programme, issuer)}, {subject} {_VERBS[kind]} "
        f"{period.kind_word} {period.label} như sau:"
    )


def default_leadership(records: PeriodRecords, subject: str) -> str:
    """Return the leadership sentence of a commune report that has none of its own."""
    return (
        f"{upper_first(subject)} đã quán triệt, triển khai thực hiện "
        f"{_cited_name(records.programme)} của {records.report.chu_the}; phân công nhiệm vụ "
        "cho các tổ chức, cá nhân và theo dõi, đôn đốc việc thực hiện các chỉ tiêu được giao."
    )


def value_text(value: Achievement | None) -> str:
    """Return a figure ("1.234,5") or a status ("Hoàn thành") as a table cell."""
    if value is None:
        return NO_DATA
    if isinstance(value, Decimal):
        return number_text(value)
    return upper_first(value)


def rate_text(rate: Decimal | None) -> str:
    """Return "93,0%", or an empty cell when there is no rate (plan 0 or missing)."""
    return NOT_APPLICABLE if rate is None else percent_text(rate)


def change_text(figures: Figures) -> str:
    """Return the change against the previous period: "+5", "-2,5", "0", or an empty
    cell when either figure is missing (the column exists only with a previous period)."""
    change = figures.change
    return NOT_APPLICABLE if change is None else signed_number_text(change)


def has_previous_figures(figures: Sequence[Figures]) -> bool:
    """Return whether any target has a figure of the previous period to compare with."""
    return any(f.has_previous_period and f.previous is not None for f in figures)


def target_columns(figures: Sequence[Figures]) -> str:
    """Return the kind of target table: with the change column only when a previous
    period has figures ("bang_chi_tieu"), else without it ("bang_chi_tieu_ky_dau")."""
    return "bang_chi_tieu" if has_previous_figures(figures) else "bang_chi_tieu_ky_dau"


def unit_text(figures: Figures) -> str:
    """Return the unit of the row ("đơn vị hoàn thành" when communes are counted)."""
    if figures.count is not None:
        return COUNT_UNIT
    return figures.target.don_vi_tinh or ""


def target_row(index: int, figures: Figures) -> TargetRow:
    """Return the table row of one target; its wording carries this body's own plan."""
    planned = NO_PLAN if figures.planned is None else number_text(figures.planned)
    wording = target_wording(figures.target, figures.planned, short_name(figures))
    return TargetRow(
        stt=str(index),
        chi_tieu=without_end(wording),
        don_vi=unit_text(figures),
        ke_hoach=planned,
        thuc_hien=value_text(figures.achieved),
        ty_le=rate_text(figures.rate),
        so_ky_truoc=change_text(figures),
    )


def short_name(figures: Figures) -> str:
    """Return the name of a target in a list or a column: ``ten_ngan``, else its
    wording (with this body's plan), else its id."""
    if figures.rule.ten_ngan:
        return figures.rule.ten_ngan
    return without_end(target_wording(figures.target, figures.planned, figures.target.id))


def deadline_note(deadline_text: str | None, overdue: bool) -> str:
    """Return "thời hạn 31/12/2026, đã quá hạn" (or without the overdue part)."""
    if deadline_text is None:
        return ""
    return f"thời hạn {deadline_text}, đã quá hạn" if overdue else f"thời hạn {deadline_text}"


__all__ = [
    "NOT_APPLICABLE",
    "NO_DATA",
    "ReviewKind",
    "TargetRow",
    "change_text",
    "deadline_note",
    "default_leadership",
    "has_previous_figures",
    "lower_first",
    "number_symbol",
    "opening",
    "programme_citation",
    "rate_text",
    "review_kind",
    "short_name",
    "summary_lines",
    "target_columns",
    "target_row",
    "upper_first",
    "value_text",
    "without_end",
]
