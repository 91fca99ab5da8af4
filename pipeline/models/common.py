"""Shared field types of the input records: NFC text, Vietnamese dates, labels."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from pipeline.formatting import nfc


class Record(BaseModel):
    """Base of every input record: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return _folded(value)
    return value


@lru_cache(maxsize=512)
def _folded(text: str) -> str:
    # A batch validates the same base-record strings once per commune: fold each once.
    # Small on purpose: each commune's own strings pass through (LRU) and do not pile
    # up, while the shared ones, used by every commune, stay.
    return " ".join(nfc(text).split())


def _not_blank(value: str) -> str:
    if not value:
        raise PydanticCustomError("blank", "Không được để trống.")
    return value


#: Text on one line, NFC-normalised, runs of white space folded to one space.
Text = Annotated[str, BeforeValidator(_text), AfterValidator(_not_blank)]

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_DAYS = ["31", "29", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"]


def _parse_date(value: Any) -> Any:
    if isinstance(value, date) or not isinstance(value, str):
        return value
    return _date_of(value.strip())


@lru_cache(maxsize=256)
def _date_of(text: str) -> date:
    # A roster repeats its few dates on every row: parse each once (failures are not kept).
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise PydanticCustomError(
            "date_format",
            "“{value}” không phải là ngày. Viết theo dạng ngày/tháng/năm, ví dụ 05/02/2026.",
            {"value": text},
        )
    if not 1 <= month <= 12:
        raise PydanticCustomError(
            "date_month",
            "“{value}”: tháng {month} không có (tháng từ 1 đến 12).",
            {"value": text, "month": month},
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise PydanticCustomError(
            "date_day",
            "Ngày “{value}” không có thật: tháng {month} năm {year} không có ngày {day} "
            "(tháng {month} có tối đa {max} ngày). Sửa lại ngày.",
            {
                "value": text,
                "day": day,
                "month": month,
                "year": year,
                "max": _MONTH_DAYS[month - 1],
            },
        ) from None


#: A calendar date given as a YAML date, "dd/mm/yyyy" or "yyyy-mm-dd".
VnDate = Annotated[date, BeforeValidator(_parse_date)]
