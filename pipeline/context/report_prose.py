"""Sentences about targets, written from the figures as a person would write them.

Every target falls in one case: met, missed (with its shortfall), not given a plan
(a plan of 0), not judged (a figure without a plan), or without data. A sentence
names the targets of each case with Vietnamese grammar for one or several, and
never prints "0/0", nor "0,0%" for nothing done. Only text is made here; the
figures come from :mod:`pipeline.context.report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pipeline.context.report import Figures
from pipeline.context.report_text import short_name, unit_text
from pipeline.formatting import number_text

Case = Literal["met", "missed", "zero_plan", "unjudged", "no_data"]


def case_of(figures: Figures) -> Case:
    """Return which case a target is in for the sentences."""
    if figures.achieved is None:
        return "no_data"
    if isinstance(figures.planned, Decimal) and figures.planned == 0 and figures.count is None:
        return "zero_plan"
    met = figures.met
    if met is None:
        return "unjudged"
    return "met" if met else "missed"


def _percent(figures: Figures) -> bool:
    return figures.count is None and (figures.target.don_vi_tinh or "").strip() == "%"


def _amount(figures: Figures, value: Decimal) -> str:
    """Return "6 thôn, tổ dân phố", "84%" or "43 đơn vị hoàn thành"."""
    if _percent(figures):
        return f"{number_text(value)}%"
    unit = unit_text(figures)
    return f"{number_text(value)} {unit}" if unit else number_text(value)


def _ratio(figures: Figures, achieved: Decimal, planned: Decimal) -> str:
    """Return "6/6 thôn, tổ dân phố", or "84%, kế hoạch 90%" for a rate."""
    if _percent(figures):
        return f"{number_text(achieved)}%, kế hoạch {number_text(planned)}%"
    unit = unit_text(figures)
    ratio = f"{number_text(achieved)}/{number_text(planned)}"
    return f"{ratio} {unit}" if unit else ratio


def detail(figures: Figures) -> str:
    """Return what a target reached, for a parenthesis after its name."""
    achieved, planned = figures.achieved, figures.planned
    if achieved is None:
        return "chưa có số liệu"
    if not isinstance(achieved, Decimal):
        return achieved
    if planned is None or case_of(figures) == "zero_plan":
        return f"đạt {_amount(figures, achieved)}"
    if case_of(figures) == "missed":
        return shortfall(figures)
    return _ratio(figures, achieved, planned)


def shortfall(figures: Figures) -> str:
    """Return how far a missed target is from its plan ("còn thiếu 1 biên chế")."""
    achieved, planned = figures.achieved, figures.planned
    if not isinstance(achieved, Decimal) or planned is None:
        return str(achieved) if achieved is not None else "chưa có số liệu"
    if figures.rule.chieu == "toi_da":
        over = achieved - planned
        extra = (
            f"{number_text(over)} điểm phần trăm" if _percent(figures) else _amount(figures, over)
        )
        return (
            f"{_amount(figures, achieved)}, vượt mức tối đa {_amount(figures, planned)} là {extra}"
        )
    gap = planned - achieved
    if figures.count is not None:
        return (
            f"{figures.count.done}/{figures.count.total} đơn vị hoàn thành, còn "
            f"{figures.count.total - figures.count.done} đơn vị chưa hoàn thành"
        )
    if _percent(figures):
        return (
            f"đạt {number_text(achieved)}%, kế hoạch {number_text(planned)}%, "
            f"còn thiếu {number_text(gap)} điểm phần trăm"
        )
    if achieved == 0:
        return f"chưa thực hiện được, kế hoạch {_amount(figures, planned)}"
    return f"đạt {_ratio(figures, achieved, planned)}, còn thiếu {_amount(figures, gap)}"


def _named(items: Sequence[Figures], with_detail: bool = True) -> str:
    if with_detail:
        return ", ".join(f"{short_name(f)} ({detail(f)})" for f in items)
    return ", ".join(short_name(f) for f in items)


def assessment(figures: Sequence[Figures]) -> str:
    """Return one sentence on a group of targets (ending with "."), or "" for none.

    All met: "Cả 3 chỉ tiêu đều đạt và vượt kế hoạch: …". Some missed: "Đạt và vượt
    kế hoạch 2/3 chỉ tiêu: …; chưa đạt chỉ tiêu Tinh giản (còn thiếu 1 biên chế)."
    None met: "Chưa đạt chỉ tiêu nào trong 2 chỉ tiêu: …". Then the targets without a
    plan and those without data, each named once.
    """
    if not figures:
        return ""
    by_case: dict[Case, list[Figures]] = {}
    for item in figures:
        by_case.setdefault(case_of(item), []).append(item)
    met, missed = by_case.get("met", []), by_case.get("missed", [])
    judged = len(met) + len(missed)
    parts: list[str] = []
    if judged:
        parts.append(_judged(met, missed))
    if zero := by_case.get("zero_plan", []):
        parts.append(f"không giao kế hoạch kỳ này: {_named(zero)}")
    if unjudged := by_case.get("unjudged", []):
        parts.append(f"chưa có kế hoạch để so sánh: {_named(unjudged)}")
    if none := by_case.get("no_data", []):
        parts.append(f"chưa có số liệu: {_named(none, with_detail=False)}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def _judged(met: list[Figures], missed: list[Figures]) -> str:
    total = len(met) + len(missed)
    if not missed:
        if total == 1:
            return f"chỉ tiêu {short_name(met[0])} đạt kế hoạch ({detail(met[0])})"
        return f"cả {total} chỉ tiêu đều đạt và vượt kế hoạch: {_named(met)}"
    if not met:
        if total == 1:
            return f"chưa đạt chỉ tiêu {short_name(missed[0])} ({shortfall(missed[0])})"
        return f"chưa đạt chỉ tiêu nào trong {total} chỉ tiêu: {_missed(missed)}"
    met_part = f"đạt và vượt kế hoạch {len(met)}/{total} chỉ tiêu: {_named(met)}"
    if len(missed) == 1:
        return f"{met_part}; chưa đạt chỉ tiêu {short_name(missed[0])} ({shortfall(missed[0])})"
    return f"{met_part}; chưa đạt {len(missed)} chỉ tiêu: {_missed(missed)}"


def _missed(items: Sequence[Figures]) -> str:
    return ", ".join(f"{short_name(f)} ({shortfall(f)})" for f in items)


def overview(figures: Sequence[Figures]) -> str:
    """Return the count of targets met, for "Tính đến ngày …, <overview>, cụ thể như sau:".

    "cả 5 chỉ tiêu đều đạt và vượt kế hoạch", "đạt và vượt kế hoạch 3/5 chỉ tiêu, chưa
    đạt 2 chỉ tiêu", "chưa đạt chỉ tiêu nào trong 2 chỉ tiêu"; targets that cannot be
    judged are counted apart. "" when there is nothing to count.
    """
    cases = [case_of(f) for f in figures]
    met, missed = cases.count("met"), cases.count("missed")
    judged = met + missed
    other = len(cases) - judged
    parts = []
    if judged and not missed:
        parts.append(
            f"cả {judged} chỉ tiêu đều đạt và vượt kế hoạch"
            if judged > 1
            else "chỉ tiêu được giao đạt kế hoạch"
        )
    elif judged and not met:
        parts.append(
            f"chưa đạt chỉ tiêu nào trong {judged} chỉ tiêu"
            if judged > 1
            else "chỉ tiêu được giao chưa đạt kế hoạch"
        )
    elif judged:
        parts.append(f"đạt và vượt kế hoạch {met}/{judged} chỉ tiêu, chưa đạt {missed} chỉ tiêu")
    if other:
        parts.append(f"{other} chỉ tiêu chưa đánh giá được")
    return "; ".join(parts)


__all__ = ["Case", "assessment", "case_of", "detail", "overview", "shortfall"]
