"""The figures of a review report, computed with Decimal (never float).

Rules (each tested in tests/test_report_figures.py):

- **Completion rate** = achieved ÷ planned × 100, rounded to one decimal, half away
  from zero (``ROUND_HALF_UP``: 83,35 → 83,4; 83,25 → 83,3). A planned value of 0 or
  none gives no rate; the report prints "không áp dụng", never a crash or "inf".
- **Sum** ("tong") adds the communes' figures exactly. **Mean** ("binh_quan", for
  rates) is rounded to one decimal half up *before* anything else uses it, so every
  printed figure can be recomputed from the printed ones.
- A commune that reports a status instead of a figure for a numeric target adds
  nothing to the sum or mean; it has met the target only if the status is
  "hoàn thành".
- For a target reported by status only, the communes add up to "done of total":
  the achieved figure is the number of communes with "hoàn thành", the planned one
  the number of communes.
- **Change** against the previous period = achieved now − achieved then, for two
  figures; otherwise there is none.
- **Met**: achieved ≥ planned ("toi_thieu"), or ≤ planned ("toi_da"); a status is met
  when it is "hoàn thành"; a figure without a plan cannot be judged.
- **Overdue**: a task not "hoàn thành" whose deadline is on or before the last day of
  the period. The status is taken at the close of that day: a task due that very day
  and not done is overdue; one due the day after is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pipeline.formatting import quantize
from pipeline.models.execution import DONE, Achievement, Status, TargetRule
from pipeline.models.programme import Target

Direction = Literal["toi_thieu", "toi_da"]
Aggregation = Literal["tong", "binh_quan"]
TaskState = Literal["hoàn thành", "đang thực hiện", "chưa thực hiện", "quá hạn"]

#: Decimal places of a printed rate and of a mean.
RATE_PLACES = 1
MEAN_PLACES = 1


def completion_rate(achieved: Decimal, planned: Decimal | None) -> Decimal | None:
    """Return achieved ÷ planned × 100 rounded half up to one decimal; None when the
    plan is missing or 0 (the rate does not apply)."""
    if planned is None or planned == 0:
        return None
    return quantize(achieved * 100 / planned, RATE_PLACES)


def mean(values: Sequence[Decimal]) -> Decimal:
    """Return the mean of ``values`` rounded half up to one decimal."""
    if not values:
        raise ValueError("the mean of no values")
    return quantize(sum(values, Decimal(0)) / len(values), MEAN_PLACES)


def combine(values: Sequence[Decimal], how: Aggregation) -> Decimal:
    """Return the sum, or the rounded mean, of ``values``."""
    return sum(values, Decimal(0)) if how == "tong" else mean(values)


def change_since(current: Achievement | None, previous: Achievement | None) -> Decimal | None:
    """Return current − previous when both are figures, else None."""
    if isinstance(current, Decimal) and isinstance(previous, Decimal):
        return current - previous
    return None


def is_met(
    achieved: Achievement | None, planned: Decimal | None, direction: Direction
) -> bool | None:
    """Return whether ``achieved`` meets ``planned``; None when it cannot be judged."""
    if achieved is None:
        return None
    if not isinstance(achieved, Decimal):
        return achieved == DONE
    if planned is None:
        return None
    return achieved >= planned if direction == "toi_thieu" else achieved <= planned


def is_overdue(status: Status, deadline: date | None, period_end: date) -> bool:
    """Return whether a task with ``status`` and ``deadline`` is overdue at ``period_end``."""
    return status != DONE and deadline is not None and deadline <= period_end


def task_state(status: Status, deadline: date | None, period_end: date) -> TaskState:
    """Return the task's state at the end of the period: its status, or "quá hạn"."""
    return "quá hạn" if is_overdue(status, deadline, period_end) else status


@dataclass(frozen=True)
class Count:
    """Communes that reported a status-only target: how many, and how many are done."""

    done: int
    total: int


@dataclass(frozen=True)
class Figures:
    """One target for one body (the issuing body or a commune) in one period."""

    target: Target
    rule: TargetRule
    planned: Decimal | None
    achieved: Achievement | None
    previous: Achievement | None
    has_previous_period: bool
    count: Count | None = None
    #: the communes' results add up to this figure (not the body's own)
    summed: bool = False

    @property
    def rate(self) -> Decimal | None:
        """Return the completion rate (one decimal), None when it does not apply."""
        if not isinstance(self.achieved, Decimal):
            return None
        return completion_rate(self.achieved, self.planned)

    @property
    def change(self) -> Decimal | None:
        """Return the change against the previous period, None when there is none."""
        return change_since(self.achieved, self.previous)

    @property
    def met(self) -> bool | None:
        """Return whether the target is met; None when it cannot be judged."""
        return is_met(self.achieved, self.planned, self.rule.chieu)


@dataclass(frozen=True)
class Aggregate:
    """The communes' results for one target, added up."""

    value: Achievement | None
    count: Count | None


def aggregate(values: Sequence[Achievement], how: Aggregation) -> Aggregate:
    """Return the communes' ``values`` added up: figures summed (or averaged); when
    there are only statuses, the number of communes done (with the count)."""
    numbers = [v for v in values if isinstance(v, Decimal)]
    if numbers:
        return Aggregate(combine(numbers, how), None)
    if values:
        done = sum(1 for v in values if v == DONE)
        return Aggregate(Decimal(done), Count(done, len(values)))
    return Aggregate(None, None)


__all__ = [
    "MEAN_PLACES",
    "RATE_PLACES",
    "Aggregate",
    "Count",
    "Figures",
    "aggregate",
    "change_since",
    "combine",
    "completion_rate",
    "is_met",
    "is_overdue",
    "mean",
    "task_state",
]
