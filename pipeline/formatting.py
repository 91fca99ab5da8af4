"""Pure helpers that turn numbers and dates into Vietnamese document text.

Nothing here knows about records, templates or Word: each function takes values and
returns the string an official document prints. Only this module makes text out of
numbers and dates (DESIGN §4.5).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Family = Literal["party", "state"]
NumberingStyle = Literal["party", "party_dot", "state"]

#: Vietnamese order of letters for points (điểm): đ comes after d; f, j, w, z are not used.
POINT_LETTERS = tuple("abcdđeghiklmnopqrstuvxy")

#: Spaces a draft leaves for the clerk (văn thư) to write the number or day by hand.
DRAFT_GAP = "\u00a0" * 6

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every Vietnamese string is stored in."""
    return unicodedata.normalize("NFC", text)


def roman(number: int) -> str:
    """Return ``number`` (1-3999) in upper-case Roman numerals: 4 → "IV"."""
    if not 0 < number < 4000:
        raise ValueError(f"Roman numerals cover 1..3999, not {number}")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def point_letter(index: int) -> str:
    """Return the letter of the ``index``-th point (1-based) in Vietnamese order: 5 → "đ"."""
    if not 0 < index <= len(POINT_LETTERS):
        raise ValueError(f"there are {len(POINT_LETTERS)} point letters, not {index}")
    return POINT_LETTERS[index - 1]


def day_text(day: int) -> str:
    """Return the day of month as printed: a zero before days under 10 ("05")."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Return the month as printed: a zero for January and February only ("02", "3")."""
    return f"{month:02d}" if month < 3 else str(month)


def date_words(value: date) -> str:
    """Return "ngày 05 tháng 02 năm 2026" for ``value``."""
    return f"ngày {day_text(value.day)} tháng {month_text(value.month)} năm {value.year}"


def date_line(place: str, value: date | None, draft_year: int | None = None) -> str:
    """Return the place-and-date line ("Hà Nội, ngày 05 tháng 02 năm 2026").

    A draft has no date yet: the day and month are left blank for the clerk and only
    the year (``draft_year``) is printed.
    """
    if value is not None:
        return f"{place}, {date_words(value)}"
    if draft_year is None:
        raise ValueError("a draft date line needs the year")
    return f"{place}, ngày{DRAFT_GAP}tháng{DRAFT_GAP}năm {draft_year}"


def number_text_of(number: int | str) -> str:
    """Return a document number as printed: as typed, a zero before a single digit.

    ``"0129"`` stays ``"0129"``, ``"45"`` stays ``"45"``, ``5`` and ``"5"`` give ``"05"``.
    """
    text = str(number)
    return f"0{text}" if len(text) == 1 else text


def number_line(family: Family, number: int | str | None, type_abbr: str, organ_abbr: str) -> str:
    """Return the number-and-symbol line of a document.

    State (NĐ 30): ``Số: 12/KH-UBND``; Party: ``Số 05-CTr/HU``. A document type
    without an abbreviation (công văn) passes ``type_abbr=""``. A draft
    (``number=None``) leaves the number blank for the clerk. The number is text: its
    leading zeros are kept (``"0129"`` → ``Số: 0129/KH-UBND``).
    """
    num = DRAFT_GAP if number is None else number_text_of(number)
    if family == "state":
        symbol = f"{type_abbr}-{organ_abbr}" if type_abbr else organ_abbr
        return f"Số: {num}/{symbol}" if number is not None else f"Số:{num}/{symbol}"
    symbol = f"{type_abbr}/{organ_abbr}"
    return f"Số {num}-{symbol}" if number is not None else f"Số{num}-{symbol}"


def section_label(style: NumberingStyle, path: tuple[int, ...]) -> str:
    """Return the text label of a numbered heading or clause, e.g. "I- ", "2.1. ", "a) ".

    ``path`` holds the 1-based position at each level, outermost first. Level 1 is a
    Roman numeral, level 2 an Arabic one, level 3 joins the level-2 number
    ("2.1."), level 4 is a point letter.
    """
    level = len(path)
    sep = "- " if style == "party" else ". "
    if level == 1:
        return f"{roman(path[0])}{sep}"
    if level == 2:
        return f"{path[1]}{sep}"
    if level == 3:
        return f"{path[1]}.{path[2]}. "
    if level == 4:
        return f"{point_letter(path[3])}) "
    raise ValueError(f"numbering goes 4 levels deep, not {level}")


#: The kinds of numbered items, outermost first: six levels (Nghị định 30/2020 Phụ lục I;
#: Hướng dẫn 36/05-HD/VPTW). "(1)" is a parenthesised list, at the rank of "a)".
LevelKind = Literal["I.", "1.", "1.1.", "a)", "-", "+", "(1)"]
LADDER: tuple[LevelKind, ...] = ("I.", "1.", "1.1.", "a)", "-", "+")
LEVEL_KINDS: tuple[LevelKind, ...] = (*LADDER, "(1)")
#: Largest number of items a level can number: the point letters run out after "y".
MAX_ITEMS = {"a)": len(POINT_LETTERS)}


def kind_rank(kind: str) -> int:
    """Return the depth (0-based) of a kind of numbered item: "I." 0 … "+" 5."""
    return 3 if kind == "(1)" else LADDER.index(kind)  # type: ignore[arg-type,unused-ignore]


def kind_below(kind: str | None) -> LevelKind | None:
    """Return the kind of the items under ``kind`` (None: the top, "I."), None past "+"."""
    if kind is None:
        return LADDER[0]
    rank = kind_rank(kind) + 1
    return LADDER[rank] if rank < len(LADDER) else None


def level_label(style: NumberingStyle, kind: str, number: int, parent: int | None = None) -> str:
    """Return the label of the ``number``-th item of ``kind``: "II- ", "3. ", "2.1. ",
    "đ) ", "- ", "+ ", "(4) ". ``parent`` is the number of the item above ("2" of "2.1.")."""
    sep = "- " if style == "party" else ". "
    if kind == "I.":
        return f"{roman(number)}{sep}"
    if kind == "1.":
        return f"{number}{sep}"
    if kind == "1.1.":
        return f"{parent if parent is not None else 1}.{number}. "
    if kind == "a)":
        return f"{point_letter(number)}) "
    if kind == "(1)":
        return f"({number}) "
    if kind in {"-", "+"}:
        return f"{kind} "
    raise ValueError(f"unknown kind of numbered item {kind!r}")


def group_digits(integer_part: str) -> str:
    """Return ``integer_part`` with "." between groups of three digits."""
    sign = "-" if integer_part.startswith("-") else ""
    digits = integer_part.lstrip("-")
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ".".join(groups)


def quantize(value: Decimal, places: int) -> Decimal:
    """Round half away from zero (the rule of Vietnamese statistics) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number_text(value: Decimal | int, places: int | None = None) -> str:
    """Return a number the Vietnamese way: "1.234,5" ("." groups thousands, "," decimals).

    ``places=None`` keeps the digits the value has (trailing zeros dropped).
    """
    dec = Decimal(value)
    if places is not None:
        dec = quantize(dec, places)
    elif dec == dec.to_integral_value():
        dec = dec.quantize(Decimal(1))
    else:
        dec = dec.normalize()
    text = f"{dec:f}"
    integer_part, _, fraction = text.partition(".")
    if integer_part in {"-0", "-"} and not fraction.strip("0"):
        integer_part = "0"
    grouped = group_digits(integer_part)
    return f"{grouped},{fraction}" if fraction else grouped


def signed_number_text(value: Decimal | int, places: int | None = None) -> str:
    """Return a change with its sign: "+12", "-3,5", "0" (no sign for zero)."""
    text = number_text(value, places)
    if text.startswith("-") or text == "0":
        return text
    return f"+{text}"


def percent_text(value: Decimal) -> str:
    """Return a percentage with one decimal, rounded half up: Decimal("83.35") → "83,4%"."""
    return f"{number_text(value, 1)}%"


def short_date(value: date) -> str:
    """Return a date as written inside a sentence, by the rule of the date line: a zero
    before days under 10 and before months 1 and 2 only ("05/02/2026", "10/6/2026")."""
    return f"{day_text(value.day)}/{month_text(value.month)}/{value.year}"
