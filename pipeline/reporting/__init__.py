"""Review reports of reporting periods: validate, render, write; create the next period."""

from pipeline.reporting.run import (
    PreparedPeriod,
    check_period,
    prepare_period,
    prepare_periods,
    write_period,
)
from pipeline.reporting.scaffold import NewPeriod, new_period

__all__ = [
    "NewPeriod",
    "PreparedPeriod",
    "check_period",
    "new_period",
    "prepare_period",
    "prepare_periods",
    "write_period",
]
