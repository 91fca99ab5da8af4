"""Period records → the figures of each target, for the issuing body and each commune.

Where each figure comes from:

- the issuing body's **planned** value: the report's ``cach_tinh[].ke_hoach``, else the
  target's ``gia_tri``, else the communes' planned values added up;
- its **achieved** value: its own result (``ket_qua``), else the communes' results
  added up (sum, or mean for "binh_quan");
- a commune's **planned** value: ``ke_hoach_xa`` (a number, or a field of its roster
  row), else — for a rate ("binh_quan") — the issuing body's planned value;
- **previous**: the same figure computed from the previous period's records.

A commune's figures carry the target's wording for communes (``noi_dung_xa``) when
the report gives one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pipeline.context.commune import commune_fields
from pipeline.context.report import Aggregate, Figures, aggregate, combine
from pipeline.models.execution import Achievement, PeriodRecords, TargetRule
from pipeline.models.programme import Target
from pipeline.models.roster import Commune


@dataclass(frozen=True)
class TargetGroupFigures:
    """A group of targets printed as one table, with its title."""

    title: str
    figures: tuple[Figures, ...]


def rules_of(records: PeriodRecords) -> dict[str, TargetRule]:
    """Return the reporting rule of every target of the programme (defaults filled)."""
    given = {rule.id: rule for rule in records.report.cach_tinh}
    return {t.id: given.get(t.id, TargetRule(id=t.id)) for t in records.programme.chi_tieu}


def commune_plan_value(commune: Commune, field: str) -> Decimal | None:
    """Return the number in ``commune``'s roster field (or derived figure) ``field``."""
    value = commune_fields(commune).values.get(field)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _commune_plan(rule: TargetRule, target: Target, commune: Commune) -> Decimal | None:
    plan = rule.ke_hoach_xa
    if isinstance(plan, Decimal):
        return plan
    if isinstance(plan, str):
        return commune_plan_value(commune, plan)
    if rule.tong_hop == "binh_quan":
        return rule.ke_hoach if rule.ke_hoach is not None else target.gia_tri
    return None


def _commune_values(records: PeriodRecords, target_id: str) -> list[Achievement]:
    if records.results is None or target_id not in records.results.targets:
        return []
    return [row.values[target_id] for row in records.results.rows if target_id in row.values]


def _body_achieved(
    records: PeriodRecords, target: Target, rule: TargetRule
) -> tuple[Achievement | None, bool, Aggregate]:
    own = {r.id: r.value for r in records.report.ket_qua}
    summed = aggregate(_commune_values(records, target.id), rule.tong_hop)
    if target.id in own:
        return own[target.id], False, summed
    return summed.value, summed.value is not None, summed


def _body_planned(records: PeriodRecords, target: Target, rule: TargetRule) -> Decimal | None:
    if rule.ke_hoach is not None:
        return rule.ke_hoach
    if target.gia_tri is not None:
        return target.gia_tri
    if records.results is None or target.id not in records.results.targets:
        return None
    plans = [_commune_plan(rule, target, c) for c in records.communes]
    known = [p for p in plans if p is not None]
    if not known or len(known) != len(plans):
        return None
    return combine(known, rule.tong_hop)


def body_figures(records: PeriodRecords) -> dict[str, Figures]:
    """Return the issuing body's figures, by target id, in the programme's order."""
    rules = rules_of(records)
    previous = body_figures(records.previous) if records.previous is not None else {}
    out = {}
    for target in records.programme.chi_tieu:
        rule = rules[target.id]
        achieved, summed, total = _body_achieved(records, target, rule)
        planned = _body_planned(records, target, rule)
        count = total.count if summed else None
        if count is not None and planned is None:
            planned = Decimal(count.total)  # every commune is expected to finish
        before = previous.get(target.id)
        out[target.id] = Figures(
            target,
            rule,
            planned,
            achieved,
            before.achieved if before is not None else None,
            records.previous is not None,
            count,
            summed,
        )
    return out


def commune_figures(records: PeriodRecords, commune: Commune) -> tuple[Figures, ...]:
    """Return ``commune``'s figures for the targets the communes report, in order."""
    if records.results is None:
        return ()
    rules = rules_of(records)
    row = records.results.by_code().get(commune.ma)
    before = _previous_row(records, commune)
    out = []
    for programme_target in records.programme.chi_tieu:
        if programme_target.id not in records.results.targets:
            continue
        rule = rules[programme_target.id]
        target = programme_target
        if rule.noi_dung_xa is not None:
            target = target.model_copy(update={"noi_dung": rule.noi_dung_xa})
        achieved = row.values.get(target.id) if row is not None else None
        previous = before.get(target.id) if before is not None else None
        has_previous = before is not None
        out.append(
            Figures(
                target, rule, _commune_plan(rule, target, commune), achieved, previous, has_previous
            )
        )
    return tuple(out)


def _previous_row(records: PeriodRecords, commune: Commune) -> dict[str, Achievement] | None:
    prev = records.previous
    if prev is None or prev.results is None:
        return None
    row = prev.results.by_code().get(commune.ma)
    return row.values if row is not None else None


def grouped(records: PeriodRecords, figures: dict[str, Figures]) -> tuple[TargetGroupFigures, ...]:
    """Return the target tables: the report's groups, else one per horizon (``moc``)."""
    groups: list[tuple[str, list[str]]] = []
    if records.report.nhom_chi_tieu:
        groups = [(g.ten, list(g.chi_tieu)) for g in records.report.nhom_chi_tieu]
        listed = {i for _, ids in groups for i in ids}
        rest = [t.id for t in records.programme.chi_tieu if t.id not in listed]
        if rest:
            groups.append(("Các chỉ tiêu khác", rest))
    else:
        by_horizon: dict[str, list[str]] = {}
        for target in records.programme.chi_tieu:
            by_horizon.setdefault(target.moc or "Các chỉ tiêu", []).append(target.id)
        groups = list(by_horizon.items())
    return tuple(
        TargetGroupFigures(title, tuple(figures[i] for i in ids if i in figures))
        for title, ids in groups
    )


@dataclass(frozen=True)
class CommuneRow:
    """One commune of the aggregation table: its name and its figures."""

    commune: Commune
    figures: tuple[Figures, ...]


def commune_rows(records: PeriodRecords) -> Iterator[CommuneRow]:
    """Yield every commune of the roster with its figures, in roster order."""
    for commune in records.communes:
        yield CommuneRow(commune, commune_figures(records, commune))


__all__ = [
    "CommuneRow",
    "TargetGroupFigures",
    "body_figures",
    "commune_figures",
    "commune_plan_value",
    "commune_rows",
    "grouped",
    "rules_of",
]
