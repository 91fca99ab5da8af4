"""Commune row → the fields a batch's placeholders use (``{{ xa.ten_day_du }}``).

Every value is ready to place: numbers in the Vietnamese way ("1.234", "12,5%"),
dates "30/06/2026", names with their unit word in the three cases a document needs.
Figures derived from the row (hamlets merged away, the reduction rate) are computed
here, never in a template. A field the row leaves empty is absent, so a placeholder
that needs it fails for that commune alone and names the column to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pipeline.formatting import number_text, percent_text, quantize, short_date
from pipeline.models.roster import COLUMNS, Commune

#: Derived fields and the roster fields they are computed from.
DERIVED: dict[str, tuple[str, ...]] = {
    "ten_day_du": ("loai", "ten"),
    "ten_day_du_hoa_dau": ("loai", "ten"),
    "ten_day_du_in_hoa": ("loai", "ten"),
    "ten_in_hoa": ("ten",),
    "loai_hoa_dau": ("loai",),
    "loai_in_hoa": ("loai",),
    "thon_giam": ("thon_truoc", "thon_sau"),
    "bien_che_sau": ("bien_che", "tinh_gian"),
    "ty_le_tinh_gian": ("bien_che", "tinh_gian"),
}

#: Every field name a placeholder may use after ``xa.``.
FIELD_NAMES: tuple[str, ...] = (*COLUMNS, *DERIVED)


def sources_of(name: str) -> tuple[str, ...]:
    """Return the roster fields that field ``name`` comes from (itself for a column)."""
    return DERIVED.get(name, (name,) if name in COLUMNS else ())


@dataclass(frozen=True)
class CommuneFields:
    """A commune's placeholder fields: text to place, and the typed value behind each."""

    text: dict[str, str]
    values: dict[str, Any]


def place_name(commune: Commune) -> str:
    """Return the place on the date line: the ``dia_danh`` cell, else the name.

    The unit word is added when the name alone would be unclear (a number or a
    single syllable: "Phường 3", "Xã Ea"), as HD 05 §4.2.3 asks.
    """
    if commune.dia_danh:
        return commune.dia_danh
    if commune.ten.isdigit() or " " not in commune.ten:
        return f"{commune.loai.capitalize()} {commune.ten}"
    return commune.ten


def commune_fields(commune: Commune) -> CommuneFields:
    """Return the placeholder fields of ``commune`` (absent where its row is empty)."""
    values: dict[str, Any] = {
        name: value for name, value in commune.model_dump().items() if value is not None
    }
    text = {name: _text(value) for name, value in values.items()}
    full = commune.full_name
    names = {
        "dia_danh": place_name(commune),
        "ten_day_du": full,
        "ten_day_du_hoa_dau": full[0].upper() + full[1:],
        "ten_day_du_in_hoa": full.upper(),
        "ten_in_hoa": commune.ten.upper(),
        "loai_hoa_dau": commune.loai.capitalize(),
        "loai_in_hoa": commune.loai.upper(),
    }
    text.update(names)
    values.update(names)
    for name, value in _figures(commune).items():
        values[name] = value
        text[name] = percent_text(value) if isinstance(value, Decimal) else number_text(value)
    return CommuneFields(text, values)


def _figures(commune: Commune) -> dict[str, int | Decimal]:
    out: dict[str, int | Decimal] = {}
    if commune.thon_truoc is not None and commune.thon_sau is not None:
        out["thon_giam"] = commune.thon_truoc - commune.thon_sau
    if commune.bien_che is not None and commune.tinh_gian is not None:
        out["bien_che_sau"] = commune.bien_che - commune.tinh_gian
        if commune.bien_che > 0:
            rate = Decimal(commune.tinh_gian) * 100 / Decimal(commune.bien_che)
            out["ty_le_tinh_gian"] = quantize(rate, 1)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):  # pragma: no cover - no roster field is a flag
        return "có" if value else "không"
    if isinstance(value, int | Decimal):
        return number_text(value)
    if isinstance(value, date):
        return short_date(value)
    return str(value)
