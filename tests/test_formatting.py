"""Vietnamese date lines, number lines, Roman numerals, numbers and NFC, by tables of cases."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.formatting import (
    DRAFT_GAP,
    date_line,
    date_words,
    kind_below,
    level_label,
    nfc,
    number_line,
    number_text,
    percent_text,
    point_letter,
    roman,
    section_label,
)
from pipeline.profiles import common_rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (date(2018, 1, 1), "ngày 01 tháng 01 năm 2018"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
        (date(2026, 10, 9), "ngày 09 tháng 10 năm 2026"),
    ],
)
def test_date_words(value: date, expected: str) -> None:
    assert date_words(value) == expected


def test_date_line_and_its_draft_form() -> None:
    assert date_line("Hà Nội", date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    draft = date_line("Tân Lập", None, 2026)
    assert draft == f"Tân Lập, ngày{DRAFT_GAP}tháng{DRAFT_GAP}năm 2026"


@given(st.dates(min_value=date(1945, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_line_matches_the_official_pattern(value: date) -> None:
    import re

    pattern = re.compile(common_rules()["date_words_pattern"])
    assert pattern.match(date_line("Phú Đình", value))


def test_draft_date_line_matches_the_draft_pattern() -> None:
    import re

    assert re.match(common_rules()["date_draft_pattern"], date_line("Phú Đình", None, 2026))


@pytest.mark.parametrize(
    ("family", "number", "type_abbr", "organ", "expected"),
    [
        ("party", 5, "CTr", "HU", "Số 05-CTr/HU"),
        ("party", 12, "KH", "ĐU", "Số 12-KH/ĐU"),
        ("party", 138, "CV", "BTGDVTU", "Số 138-CV/BTGDVTU"),
        ("state", 12, "KH", "UBND", "Số: 12/KH-UBND"),
        ("state", 7, "BC", "UBND", "Số: 07/BC-UBND"),
        ("state", 45, "", "UBND-VP", "Số: 45/UBND-VP"),
        ("state", "0129", "KH", "UBND", "Số: 0129/KH-UBND"),
        ("state", "5", "KH", "UBND", "Số: 05/KH-UBND"),
        ("party", "045", "KL", "TW", "Số 045-KL/TW"),
        ("state", None, "KH", "UBND", f"Số:{DRAFT_GAP}/KH-UBND"),
        ("party", None, "CTr", "ĐU", f"Số{DRAFT_GAP}-CTr/ĐU"),
    ],
)
def test_number_line(
    family: str, number: int | str | None, type_abbr: str, organ: str, expected: str
) -> None:
    assert number_line(family, number, type_abbr, organ) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1999, "MCMXCIX")],
)
def test_roman(number: int, expected: str) -> None:
    assert roman(number) == expected


def test_roman_rejects_zero() -> None:
    with pytest.raises(ValueError, match=r"1\.\.3999"):
        roman(0)


def test_point_letters_follow_vietnamese_order() -> None:
    assert [point_letter(i) for i in range(1, 8)] == ["a", "b", "c", "d", "đ", "e", "g"]


@pytest.mark.parametrize(
    ("style", "path", "expected"),
    [
        ("party", (1,), "I- "),
        ("party", (3, 2), "2- "),
        ("party", (3, 2, 1), "2.1. "),
        ("state", (4,), "IV. "),
        ("state", (1, 2), "2. "),
        ("state", (1, 1, 5), "1.5. "),
        ("state", (1, 1, 1, 5), "đ) "),
    ],
)
def test_section_label(style: str, path: tuple[int, ...], expected: str) -> None:
    assert section_label(style, path) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234.5"), None, "1.234,5"),
        (1234567, None, "1.234.567"),
        (Decimal("10.50"), None, "10,5"),
        (Decimal("0.05"), 1, "0,1"),
        (Decimal("2.25"), 1, "2,3"),
        (Decimal("-1234.56"), 1, "-1.234,6"),
        (Decimal("-0.04"), 1, "0,0"),
        (Decimal("999"), 0, "999"),
    ],
)
def test_number_text(value: Decimal | int, places: int | None, expected: str) -> None:
    assert number_text(value, places) == expected


def test_percent_rounds_half_up_with_one_decimal() -> None:
    assert percent_text(Decimal("83.35")) == "83,4%"
    assert percent_text(Decimal("100")) == "100,0%"


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Triệu Đức Hạnh")
    assert decomposed != "Triệu Đức Hạnh"
    assert nfc(decomposed) == "Triệu Đức Hạnh"


@given(st.text(alphabet="aăâeêioôơuưyAĂÂĐđ ̣̀́̉̃", max_size=30))
def test_nfc_is_idempotent(text: str) -> None:
    assert nfc(nfc(text)) == nfc(text)
    assert unicodedata.is_normalized("NFC", nfc(text))


def test_the_rules_read_at_run_time_are_the_rules_yaml() -> None:
    # rules.json is rules.yaml parsed once (fast to read); after editing the YAML,
    # run `make templates` (or `python -m pipeline.profiles`).
    from pipeline.profiles import _rules, rules_from_yaml

    assert _rules() == rules_from_yaml()


@pytest.mark.parametrize(
    ("style", "kind", "number", "parent", "expected"),
    [
        ("party", "I.", 2, None, "II- "),
        ("party_dot", "I.", 2, None, "II. "),
        ("state", "1.", 3, None, "3. "),
        ("party", "1.", 3, None, "3- "),
        ("state", "1.1.", 1, 2, "2.1. "),
        ("state", "a)", 5, None, "đ) "),
        ("state", "-", 9, None, "- "),
        ("state", "+", 1, None, "+ "),
        ("party", "(1)", 4, None, "(4) "),
    ],
)
def test_level_label(style: str, kind: str, number: int, parent: int | None, expected: str) -> None:
    assert level_label(style, kind, number, parent) == expected  # type: ignore[arg-type]


def test_six_levels_then_none() -> None:
    kinds: list[str | None] = [None]
    while (below := kind_below(kinds[-1])) is not None:
        kinds.append(below)
    assert kinds[1:] == ["I.", "1.", "1.1.", "a)", "-", "+"]
    assert kind_below("(1)") == "-"
