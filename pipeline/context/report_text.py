"""Ready strings of a report: citations, summary lines, table cells and sentences.

Only text is made here, from figures computed in :mod:`pipeline.context.report`;
numbers and dates are written by :mod:`pipeline.formatting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipeline.context.report import Figures
from pipeline.formatting import (
    number_line,
    number_text,
    percent_text,
    short_date,
    signed_number_text,
)
from pipeline.models.document import OfficialDocument
from pipeline.models.execution import Achievement
from pipeline.models.period import Period

NOT_APPLICABLE = "Không áp dụng"
NO_PREVIOUS = "Không có số liệu kỳ trước"
NO_PLAN = "Không có"
COUNT_UNIT = "đơn vị hoàn thành"
_END_PUNCT = ".;:,"


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
    period: Period, programme: OfficialDocument, issuer: str, party: bool
) -> tuple[str, ...]:
    """Return the report's trích yếu: "sơ kết 6 tháng cuối năm 2026" / "thực hiện …"."""
    first = f"{period.kind_word} {period.label}"
    lines = (
        first if party else upper_first(first),
        f"thực hiện {_cited_name(programme)} của {issuer}",
    )
    return lines


def opening(period: Period, programme: OfficialDocument, issuer: str, subject: str) -> str:
    """Return the opening sentence: "Thực hiện …, <subject> báo cáo kết quả … như sau:"."""
    return (
        f"Thực hiện {programme_citation(programme, issuer)}, {subject} báo cáo kết quả "
        f"{period.kind_word} {period.label} như sau:"
    )


def value_text(value: Achievement | None) -> str:
    """Return a figure ("1.234,5") or a status ("Hoàn thành") as a table cell."""
    if value is None:
        return "Chưa có số liệu"
    if isinstance(value, Decimal):
        return number_text(value)
    return upper_first(value)


def rate_text(rate: Decimal | None) -> str:
    """Return "93,0%", or "Không áp dụng" when there is no rate (plan 0 or missing)."""
    return NOT_APPLICABLE if rate is None else percent_text(rate)


def change_text(figures: Figures) -> str:
    """Return the change against the previous period: "+5", "-2,5", "0", or why none."""
    if not figures.has_previous_period or figures.previous is None:
        return NO_PREVIOUS
    change = figures.change
    return NOT_APPLICABLE if change is None else signed_number_text(change)


def unit_text(figures: Figures) -> str:
    """Return the unit of the row ("đơn vị hoàn thành" when communes are counted)."""
    if figures.count is not None:
        return COUNT_UNIT
    return figures.target.don_vi_tinh or ""


def target_row(index: int, figures: Figures) -> TargetRow:
    """Return the table row of one target."""
    planned = NO_PLAN if figures.planned is None else number_text(figures.planned)
    return TargetRow(
        stt=str(index),
        chi_tieu=without_end(figures.target.noi_dung),
        don_vi=unit_text(figures),
        ke_hoach=planned,
        thuc_hien=value_text(figures.achieved),
        ty_le=rate_text(figures.rate),
        so_ky_truoc=change_text(figures),
    )


def short_name(figures: Figures) -> str:
    """Return the name of a target in a list or a column: ``ten_ngan`` or its id."""
    return figures.rule.ten_ngan or figures.target.id


def result_phrase(figures: Figures) -> str:
    """Return "đạt 5/6 thôn, tổ dân phố, bằng 83,3% kế hoạch" or "đang thực hiện"."""
    if not isinstance(figures.achieved, Decimal):
        return value_text(figures.achieved).lower()
    unit = f" {unit_text(figures)}" if unit_text(figures) and unit_text(figures) != "%" else ""
    percent = "%" if figures.target.don_vi_tinh == "%" else ""
    achieved = number_text(figures.achieved) + percent
    if figures.planned is None:
        return f"đạt {achieved}{unit}"
    rate = f", bằng {rate_text(figures.rate)} kế hoạch" if figures.rate is not None else ""
    return f"đạt {achieved}/{number_text(figures.planned)}{percent}{unit}{rate}"


def count_summary(figures: Sequence[Figures]) -> str:
    """Return "đạt và vượt 3/5 chỉ tiêu; chưa đạt 2 chỉ tiêu" for a set of targets."""
    met = sum(1 for f in figures if f.met is True)
    missed = sum(1 for f in figures if f.met is False)
    unknown = len(figures) - met - missed
    parts = [f"đạt và vượt kế hoạch {met}/{len(figures)} chỉ tiêu"]
    if missed:
        parts.append(f"chưa đạt {missed} chỉ tiêu")
    if unknown:
        parts.append(f"{unknown} chỉ tiêu chưa đánh giá được (chưa có kế hoạch hoặc số liệu)")
    return "; ".join(parts)


def deadline_note(deadline_text: str | None, overdue: bool) -> str:
    """Return "thời hạn 31/12/2026, đã quá hạn" (or without the overdue part)."""
    if deadline_text is None:
        return ""
    return f"thời hạn {deadline_text}, đã quá hạn" if overdue else f"thời hạn {deadline_text}"


__all__ = [
    "NOT_APPLICABLE",
    "NO_PREVIOUS",
    "TargetRow",
    "change_text",
    "count_summary",
    "deadline_note",
    "lower_first",
    "number_symbol",
    "opening",
    "programme_citation",
    "rate_text",
    "result_phrase",
    "short_name",
    "summary_lines",
    "target_row",
    "upper_first",
    "value_text",
    "without_end",
]
