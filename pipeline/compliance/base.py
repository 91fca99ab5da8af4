"""What every rule function gets (the document, read once) and gives back (issues)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.compliance.detect import Layout
from pipeline.compliance.package import Package
from pipeline.compliance.paras import Para, text_runs
from pipeline.compliance.reader import RunFormat, StyleResolver
from pipeline.compliance.report import Location, Severity
from pipeline.profiles import Profile, common_rules

_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_YEAR = re.compile(r"năm\s+(\d{4})")


class NotEvaluated(Exception):
    """Raised by a rule that cannot be evaluated on this document; the message says why."""


@dataclass(frozen=True)
class Issue:
    """One breach found by a rule, before the report adds rule id, severity and source.

    ``severity`` is set only when a finding must differ from its rule's severity.
    """

    element: str
    where: Para | Location | None
    expected: str
    found: str
    message: str
    severity: Severity | None = None


@dataclass
class CheckContext:
    """The document read once, the profile it is checked against, and shared lookups."""

    package: Package
    resolver: StyleResolver
    layout: Layout
    profile: Profile
    issued: date | None = None
    year: int | None = None

    @property
    def family(self) -> str:
        """Return "state" or "party"."""
        return str(self.profile.family)

    def runs(self, para: Para) -> list[tuple[Any, RunFormat]]:
        """Return the printed runs of ``para`` with their effective formats (read once)."""
        return self.resolver.facts.get("runs", para.el, self._read_runs)

    def _read_runs(self, p: Any) -> list[tuple[Any, RunFormat]]:
        runs = [r for r in text_runs(p) if not _footnote_mark(r)]
        return list(zip(runs, self.resolver.run_formats(p, runs), strict=True))

    def element(self, name: str) -> dict[str, Any]:
        """Return the profile's expectations for element ``name`` ({} when it has none)."""
        return dict(self.profile.elements.get(name, {}))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _footnote_mark(run: Any) -> bool:
    """Return True for a note mark typed by hand: digits in a superscript run (the
    Government's samples number their notes this way); it is not part of the element's
    text and takes no style of its own."""
    text = "".join(t.text or "" for t in run.iter(_W + "t")).strip()
    if not text.isdigit():
        return False
    return any(v.get(_W + "val") == "superscript" for v in run.iter(_W + "vertAlign"))


def date_of(text: str) -> tuple[date | None, int | None]:
    """Return the date written in a date line (None for a draft) and its year."""
    match = _DATE.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day), year
        except ValueError:
            return None, year
    year_match = _YEAR.search(text)
    return None, int(year_match.group(1)) if year_match else None


def common(key: str) -> str:
    """Return one pattern of the rules' ``common`` section."""
    return str(common_rules()[key])


def size_text(size: float | None) -> str:
    """Return a font size as printed in messages ("13 pt", "không rõ")."""
    if size is None:
        return "không rõ"
    return f"{size:g} pt"


def range_text(low: float, high: float, unit: str = "pt") -> str:
    """Return "13–14 pt" or "14 pt"."""
    return f"{low:g} {unit}" if low == high else f"{low:g}–{high:g} {unit}"
