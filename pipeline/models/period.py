"""A reporting period (kỳ báo cáo): its id, Vietnamese label, dates, kind and predecessor.

Ids of the usual forms carry their own label and dates, so a period record may be as
short as ``id: 2026-H2`` plus ``ky_truoc``:

========== ============================== ======================= ==========
id         label                          dates                   kind
========== ============================== ======================= ==========
2026-H1    6 tháng đầu năm 2026           01/01/2026–30/06/2026   sơ kết
2026-H2    6 tháng cuối năm 2026          01/07/2026–31/12/2026   sơ kết
2026-Q3    quý III năm 2026               01/07/2026–30/09/2026   sơ kết
2026       năm 2026                       01/01/2026–31/12/2026   sơ kết
2021-2025  giai đoạn 2021 - 2025          01/01/2021–31/12/2025   tổng kết
========== ============================== ======================= ==========

Any other id (letters, digits, "-", "_", ".") is allowed when the record gives the
label and both dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.formatting import roman
from pipeline.models.common import Record, Text, VnDate

PeriodKind = Literal["so_ket", "tong_ket"]
#: How each kind is written inside a sentence.
KIND_WORDS: dict[str, str] = {"so_ket": "sơ kết", "tong_ket": "tổng kết"}

_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})-(\d{4})$")
_KIND_FOLDS = {
    "so ket": "so_ket",
    "sơ kết": "so_ket",
    "tong ket": "tong_ket",
    "tổng kết": "tong_ket",
}
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class PeriodDefaults:
    """What a period id of a known form implies."""

    label: str
    start: date
    end: date
    kind: PeriodKind


def period_defaults(period_id: str) -> PeriodDefaults | None:
    """Return the label, dates and kind implied by ``period_id``, or None for other ids."""
    if m := _HALF.match(period_id):
        year, half = int(m.group(1)), int(m.group(2))
        if half == 1:
            return PeriodDefaults(
                f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30), "so_ket"
            )
        return PeriodDefaults(
            f"6 tháng cuối năm {year}", date(year, 7, 1), date(year, 12, 31), "so_ket"
        )
    if m := _QUARTER.match(period_id):
        year, quarter = int(m.group(1)), int(m.group(2))
        month, day = _QUARTER_END[quarter]
        start = date(year, month - 2, 1)
        return PeriodDefaults(
            f"quý {roman(quarter)} năm {year}", start, date(year, month, day), "so_ket"
        )
    if m := _YEAR.match(period_id):
        year = int(m.group(1))
        return PeriodDefaults(f"năm {year}", date(year, 1, 1), date(year, 12, 31), "so_ket")
    if (m := _RANGE.match(period_id)) and int(m.group(1)) < int(m.group(2)):
        first, last = int(m.group(1)), int(m.group(2))
        return PeriodDefaults(
            f"giai đoạn {first} - {last}", date(first, 1, 1), date(last, 12, 31), "tong_ket"
        )
    return None


def previous_period_id(period_id: str) -> str | None:
    """Return the id of the period just before ``period_id`` (same form), or None."""
    if m := _HALF.match(period_id):
        year, half = int(m.group(1)), int(m.group(2))
        return f"{year}-H1" if half == 2 else f"{year - 1}-H2"
    if m := _QUARTER.match(period_id):
        year, quarter = int(m.group(1)), int(m.group(2))
        return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
    if m := _YEAR.match(period_id):
        return str(int(m.group(1)) - 1)
    if m := _RANGE.match(period_id):
        first, last = int(m.group(1)), int(m.group(2))
        span = last - first + 1
        return f"{first - span}-{first - 1}"
    return None


def _period_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # "id: 2026" is read by YAML as a number
    if isinstance(value, str) and (text := value.strip()) and not _ID.match(text):
        raise PydanticCustomError(
            "period_id",
            "Mã kỳ “{value}” dùng làm tên thư mục: chỉ gồm chữ không dấu, chữ số và “-”, "
            "“_”, “.”, không có dấu cách (ví dụ 2026-H1, 2026-Q3, 2026, 2021-2025).",
            {"value": text},
        )
    return value


def _kind(value: Any) -> Any:
    if isinstance(value, str):
        return _KIND_FOLDS.get(" ".join(value.lower().split()), value)
    return value


PeriodId = Annotated[Text, BeforeValidator(_period_id)]


class Period(Record):
    """A reporting period: ``ky.yaml`` of a period folder."""

    id: PeriodId
    ten: Text | None = None
    tu_ngay: VnDate | None = None
    den_ngay: VnDate | None = None
    loai_ky: Annotated[PeriodKind | None, BeforeValidator(_kind)] = None
    ky_truoc: PeriodId | None = None

    @model_validator(mode="after")
    def _complete(self) -> Period:
        defaults = period_defaults(self.id)
        if defaults is None:
            for name in ("ten", "tu_ngay", "den_ngay"):
                if getattr(self, name) is None:
                    raise PydanticCustomError(
                        "period_field",
                        "Mã kỳ “{id}” không theo dạng quen thuộc (2026-H1, 2026-Q3, 2026, "
                        "2021-2025) nên phải ghi rõ tên kỳ (ten), từ ngày (tu_ngay) và đến "
                        "ngày (den_ngay).",
                        {"id": self.id, "field": name},
                    )
        if self.start > self.end:
            raise PydanticCustomError(
                "period_dates",
                "Từ ngày {start} ở sau đến ngày {end}: kiểm tra lại hai ngày của kỳ.",
                {
                    "start": f"{self.start:%d/%m/%Y}",
                    "end": f"{self.end:%d/%m/%Y}",
                    "field": "tu_ngay",
                },
            )
        if self.ky_truoc == self.id:
            raise PydanticCustomError(
                "period_previous",
                "Kỳ trước không thể là chính kỳ này ({id}).",
                {"id": self.id, "field": "ky_truoc"},
            )
        return self

    def _defaults(self) -> PeriodDefaults:
        defaults = period_defaults(self.id)
        assert defaults is not None  # guaranteed by _complete when a field is missing
        return defaults

    @property
    def label(self) -> str:
        """Return the label printed in the report ("6 tháng đầu năm 2026")."""
        return self.ten if self.ten is not None else self._defaults().label

    @property
    def start(self) -> date:
        """Return the first day of the period."""
        return self.tu_ngay if self.tu_ngay is not None else self._defaults().start

    @property
    def end(self) -> date:
        """Return the last day of the period."""
        return self.den_ngay if self.den_ngay is not None else self._defaults().end

    @property
    def kind(self) -> PeriodKind:
        """Return the kind: "so_ket" (interim review) or "tong_ket" (final review)."""
        if self.loai_ky is not None:
            return self.loai_ky
        defaults = period_defaults(self.id)
        return defaults.kind if defaults is not None else "so_ket"

    @property
    def kind_word(self) -> str:
        """Return "sơ kết" or "tổng kết"."""
        return KIND_WORDS[self.kind]


__all__ = [
    "KIND_WORDS",
    "Period",
    "PeriodDefaults",
    "PeriodId",
    "PeriodKind",
    "period_defaults",
    "previous_period_id",
]
