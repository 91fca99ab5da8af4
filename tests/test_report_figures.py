"""The report's computation rules with exact figures: rates, rounding, sums, means,
change against the previous period, overdue at the period boundary, zero targets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from pipeline.context.report import (
    Figures,
    aggregate,
    change_since,
    completion_rate,
    is_met,
    is_overdue,
    mean,
    task_state,
)
from pipeline.context.report_text import change_text, rate_text, target_row
from pipeline.formatting import signed_number_text
from pipeline.models.execution import TargetRule, parse_achievement, parse_figure
from pipeline.models.period import Period, period_defaults, previous_period_id
from pipeline.models.programme import Target

D = Decimal


@pytest.mark.parametrize(
    ("achieved", "planned", "expected"),
    [
        ("214", "220", "97.3"),  # 97.2727…
        ("38", "43", "88.4"),  # 88.3720…
        ("2", "3", "66.7"),  # 66.666… rounds up
        ("1", "3", "33.3"),
        ("86.1", "85", "101.3"),  # 101.294…
        ("16.67", "20", "83.4"),  # 83.35 exactly: half up
        ("16.65", "20", "83.3"),  # 83.25 exactly: half up gives 83.3
        ("0.0005", "1", "0.1"),  # 0.05: half up
        ("0", "10", "0.0"),
        ("-3", "12", "-25.0"),
    ],
)
def test_completion_rate_rounds_half_up_to_one_decimal(
    achieved: str, planned: str, expected: str
) -> None:
    assert completion_rate(D(achieved), D(planned)) == D(expected)


@pytest.mark.parametrize("planned", [D(0), D("0.0"), None])
def test_zero_or_missing_target_gives_no_rate_and_says_so(planned: Decimal | None) -> None:
    assert completion_rate(D(5), planned) is None
    assert rate_text(completion_rate(D(5), planned)) == ""  # an empty cell, not a word


def test_rate_text_has_one_decimal_and_a_comma() -> None:
    assert rate_text(D("90.0")) == "90,0%"
    assert rate_text(D("101.3")) == "101,3%"
    assert rate_text(D("1234.5")) == "1.234,5%"


@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
    st.decimals(min_value=D("0.01"), max_value=10**6, places=2, allow_nan=False),
)
def test_completion_rate_matches_the_rule(achieved: Decimal, planned: Decimal) -> None:
    rate = completion_rate(achieved, planned)
    assert rate is not None and rate.as_tuple().exponent == -1
    assert abs(rate - achieved * 100 / planned) <= D("0.05")


def test_mean_is_rounded_half_up_before_use() -> None:
    assert mean([D(85), D(86), D("86.5")]) == D("85.8")  # 85.8333…
    assert mean([D("80.2"), D("80.3")]) == D("80.3")  # 80.25 → half up
    assert mean([D("80.25"), D("80.20")]) == D("80.2")  # 80.225 → 80.2
    assert mean([D(1), D(2)]) == D("1.5")


def test_mean_of_a_tie_rounds_up() -> None:
    assert mean([D("0.05"), D("0.05")]) == D("0.1")


def test_aggregate_sums_numbers_exactly_and_skips_statuses() -> None:
    values = [D(6), D(5), D("0.1"), "đang thực hiện", D("0.2")]
    assert aggregate(values, "tong").value == D("11.3")
    assert aggregate(values, "tong").count is None
    assert aggregate(values, "binh_quan").value == D("2.8")  # 11.3 / 4 = 2.825 → 2.8


def test_aggregate_of_statuses_counts_the_communes_done() -> None:
    result = aggregate(["hoàn thành", "hoàn thành", "đang thực hiện"], "tong")
    assert result.value == D(2)
    assert result.count is not None and (result.count.done, result.count.total) == (2, 3)
    assert aggregate([], "tong").value is None


def test_change_against_the_previous_period() -> None:
    assert change_since(D(86), D(81)) == D(5)
    assert change_since(D("87.6"), D("86.1")) == D("1.5")
    assert change_since(D(10), D(12)) == D(-2)
    assert change_since(D(3), None) is None
    assert change_since("hoàn thành", D(1)) is None
    assert signed_number_text(D(5)) == "+5"
    assert signed_number_text(D("1.5")) == "+1,5"
    assert signed_number_text(D(-2)) == "-2"
    assert signed_number_text(D(0)) == "0"
    assert signed_number_text(D(1234)) == "+1.234"


def _figures(
    achieved: object, planned: str | None, previous: object, has_previous: bool
) -> Figures:
    target = Target(id="T", noi_dung="Chỉ tiêu thử.", don_vi_tinh="người")
    return Figures(
        target,
        TargetRule(id="T"),
        D(planned) if planned is not None else None,
        achieved,  # type: ignore[arg-type]
        previous,  # type: ignore[arg-type]
        has_previous,
    )


def test_target_row_cells() -> None:
    row = target_row(2, _figures(D(74), "80", D(33), True))
    assert (row.stt, row.chi_tieu, row.don_vi, row.ke_hoach, row.thuc_hien) == (
        "2",
        "Chỉ tiêu thử",
        "người",
        "80",
        "74",
    )
    assert (row.ty_le, row.so_ky_truoc) == ("92,5%", "+41")
    first = target_row(1, _figures(D(5), "0", None, False))
    assert (first.ty_le, first.so_ky_truoc) == ("", "")
    status = target_row(1, _figures("hoàn thành", None, "đang thực hiện", True))
    assert (status.ke_hoach, status.thuc_hien, status.ty_le) == ("", "Hoàn thành", "")
    assert change_text(_figures("hoàn thành", None, "đang thực hiện", True)) == ""


def test_met_depends_on_direction_and_status() -> None:
    assert is_met(D(80), D(80), "toi_thieu") is True
    assert is_met(D("79.9"), D(80), "toi_thieu") is False
    assert is_met(D(2), D("2.5"), "toi_da") is True
    assert is_met(D(3), D("2.5"), "toi_da") is False
    assert is_met(D(3), None, "toi_thieu") is None
    assert is_met("hoàn thành", None, "toi_thieu") is True
    assert is_met("đang thực hiện", D(1), "toi_thieu") is False


END = date(2026, 12, 31)


def test_overdue_at_the_period_boundary() -> None:
    assert is_overdue("đang thực hiện", END, END)  # due the last day, not done: overdue
    assert is_overdue("chưa thực hiện", END - timedelta(days=1), END)
    assert not is_overdue("đang thực hiện", END + timedelta(days=1), END)  # due the day after
    assert not is_overdue("hoàn thành", END - timedelta(days=30), END)
    assert not is_overdue("đang thực hiện", None, END)
    assert task_state("đang thực hiện", END, END) == "quá hạn"
    assert task_state("đang thực hiện", date(2027, 1, 1), END) == "đang thực hiện"


@pytest.mark.parametrize(
    ("ident", "label", "start", "end", "kind", "previous"),
    [
        (
            "2026-H1",
            "6 tháng đầu năm 2026",
            date(2026, 1, 1),
            date(2026, 6, 30),
            "so_ket",
            "2025-H2",
        ),
        (
            "2026-H2",
            "6 tháng cuối năm 2026",
            date(2026, 7, 1),
            date(2026, 12, 31),
            "so_ket",
            "2026-H1",
        ),
        ("2026-Q3", "quý III năm 2026", date(2026, 7, 1), date(2026, 9, 30), "so_ket", "2026-Q2"),
        ("2026-Q1", "quý I năm 2026", date(2026, 1, 1), date(2026, 3, 31), "so_ket", "2025-Q4"),
        ("2026", "năm 2026", date(2026, 1, 1), date(2026, 12, 31), "so_ket", "2025"),
        (
            "2021-2025",
            "giai đoạn 2021 - 2025",
            date(2021, 1, 1),
            date(2025, 12, 31),
            "tong_ket",
            "2016-2020",
        ),
    ],
)
def test_period_ids_give_label_dates_kind_and_predecessor(
    ident: str, label: str, start: date, end: date, kind: str, previous: str
) -> None:
    defaults = period_defaults(ident)
    assert defaults is not None
    assert (defaults.label, defaults.start, defaults.end, defaults.kind) == (
        label,
        start,
        end,
        kind,
    )
    assert previous_period_id(ident) == previous
    period = Period(id=ident)
    assert (period.label, period.start, period.end, period.kind) == (label, start, end, kind)


def test_a_custom_period_needs_its_label_and_dates() -> None:
    with pytest.raises(ValidationError) as caught:
        Period(id="9-thang-2026")
    assert "ten" in str(caught.value)
    period = Period(
        id="9-thang-2026", ten="9 tháng năm 2026", tu_ngay="01/01/2026", den_ngay="30/09/2026"
    )
    assert period.label == "9 tháng năm 2026" and period.end == date(2026, 9, 30)
    with pytest.raises(ValidationError):
        Period(id="2026-H1", tu_ngay="01/07/2026", den_ngay="30/06/2026")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", D(12)),
        ("85,5", D("85.5")),
        ("85.5", D("85.5")),
        ("1.234,5", D("1234.5")),
        ("1.234.567", D(1234567)),
        ("90%", D(90)),
        (12.5, D("12.5")),
        (7, D(7)),
    ],
)
def test_figures_read_the_vietnamese_way(text: object, value: Decimal) -> None:
    assert parse_figure(text) == value


@pytest.mark.parametrize("text", ["abc", "1.234", "12 người", "", True])
def test_bad_figures_are_refused_with_a_reason(text: object) -> None:
    with pytest.raises(PydanticCustomError):
        parse_figure(text)


def test_status_words_with_or_without_diacritics() -> None:
    assert parse_achievement("Hoàn thành") == "hoàn thành"
    assert parse_achievement("dang thuc hien") == "đang thực hiện"
    with pytest.raises(PydanticCustomError, match="quá hạn"):
        parse_achievement("quá hạn")
