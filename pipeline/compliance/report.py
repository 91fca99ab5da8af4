"""What a format check found: findings, one result per rule, the report, and its renderings.

The JSON form (``CheckReport.to_json``) is a documented, stable interface
(docs/compliance.md, schema ``vanban.check/1``): keys are only ever added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["PASS", "FAIL", "NOT_EVALUATED"]

SCHEMA = "vanban.check/1"
_SEVERITY_VI = {"error": "LỖI", "warning": "CẢNH BÁO", "info": "GHI CHÚ"}
_STATUS_VI = {"PASS": "ĐẠT", "FAIL": "KHÔNG ĐẠT", "NOT_EVALUATED": "CHƯA KIỂM TRA ĐƯỢC"}


@dataclass(frozen=True)
class Location:
    """Where a finding is: the part of the .docx, a Vietnamese place, a text excerpt."""

    part: str
    where: str
    excerpt: str = ""

    def __str__(self) -> str:
        text = f"{self.where}" if self.where else self.part
        return f"{text}: “{self.excerpt}”" if self.excerpt else text

    def to_json(self) -> dict[str, str]:
        """Return the JSON object of this location."""
        return {"part": self.part, "where": self.where, "excerpt": self.excerpt}


@dataclass(frozen=True)
class Source:
    """The legal source of a rule: document, section, and the spec's source ids."""

    document: str
    section: str
    refs: str

    def __str__(self) -> str:
        parts = [p for p in (self.document, self.section) if p]
        text = ", ".join(parts)
        return f"{text} [{self.refs}]" if self.refs else text

    def to_json(self) -> dict[str, str]:
        """Return the JSON object of this source."""
        return {"document": self.document, "section": self.section, "refs": self.refs}


@dataclass(frozen=True)
class Finding:
    """One thing that breaks a rule, with where it is and how to fix it."""

    rule_id: str
    severity: Severity
    element: str
    location: Location | None
    expected: str
    found: str
    message: str
    source: Source

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of this finding."""
        return {
            "rule": self.rule_id,
            "severity": self.severity,
            "element": self.element,
            "location": self.location.to_json() if self.location else None,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
            "source": self.source.to_json(),
        }


@dataclass(frozen=True)
class RuleResult:
    """The result of one rule: PASS, FAIL (with findings) or NOT_EVALUATED (with why)."""

    rule_id: str
    title: str
    severity: Severity
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""
    source: Source = field(default_factory=lambda: Source("", "", ""))

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of this result."""
        return {
            "id": self.rule_id,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "reason": self.reason,
            "source": self.source.to_json(),
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class CheckReport:
    """The check of one document against one profile."""

    file: str
    profile_id: str
    profile_guessed: bool
    profile_reason: str
    results: tuple[RuleResult, ...]
    #: What the document is when it is not an official document ("" when it is one).
    kind: str = ""
    #: House conventions applied: (rule id, what the office accepts), warnings made notes.
    conventions: tuple[tuple[str, str], ...] = ()

    @property
    def findings(self) -> list[Finding]:
        """Return every finding, rule by rule."""
        return [f for r in self.results for f in r.findings]

    def count(self, severity: Severity) -> int:
        """Return how many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def ok(self) -> bool:
        """Return True when no finding is an error."""
        return self.count("error") == 0

    def failing(self, severity: Severity | None = None) -> set[str]:
        """Return the ids of rules with findings (of ``severity`` when given)."""
        return {f.rule_id for f in self.findings if severity is None or f.severity == severity}

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of this report (schema ``vanban.check/1``)."""
        statuses = [r.status for r in self.results]
        return {
            "file": self.file,
            "readable": True,
            "profile": {
                "id": self.profile_id,
                "guessed": self.profile_guessed,
                "reason": self.profile_reason,
            },
            "ok": self.ok,
            "kind": self.kind,
            "conventions": [{"rule": r, "accepted": why} for r, why in self.conventions],
            "summary": {
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "info": self.count("info"),
                "passed": statuses.count("PASS"),
                "failed": statuses.count("FAIL"),
                "not_evaluated": statuses.count("NOT_EVALUATED"),
            },
            "rules": [r.to_json() for r in self.results],
        }


def render_text(report: CheckReport, verbose: bool = False) -> str:
    """Return the Vietnamese, human-readable form of ``report``.

    Findings come first (errors, then warnings, then notes), then one line per rule
    that did not pass; ``verbose`` lists the passed rules too, and every rule's id
    (the ids are always in ``--json``). Rules are named by their Vietnamese title.
    """
    titles = {r.rule_id: r.title for r in report.results}
    how = "đoán từ văn bản" if report.profile_guessed else "theo yêu cầu"
    lines = [f"Tệp {report.file} — thể thức {report.profile_id} ({how}: {report.profile_reason})"]
    if report.kind:
        lines.append(f"  Đây là {report.kind}; không kiểm tra theo thể thức văn bản.")
    for rule_id, why in report.conventions:
        lines.append(
            f"  [QUY ƯỚC CƠ QUAN] {rule_id}: cảnh báo chuyển thành ghi chú theo quy ước "
            f"của cơ quan ({why})."
        )
    order = {"error": 0, "warning": 1, "info": 2}
    for finding in sorted(report.findings, key=lambda f: order[f.severity]):
        lines.extend(_finding_lines(finding, titles.get(finding.rule_id), verbose))
    for result in report.results:
        if result.status == "NOT_EVALUATED" or (verbose and result.status == "PASS"):
            why = f" — {result.reason}" if result.reason else ""
            ident = f" (mã {result.rule_id})" if verbose else ""
            lines.append(f"  [{_STATUS_VI[result.status]}] {result.title}{ident}{why}")
    statuses = [r.status for r in report.results]
    lines.append(
        f"Kết quả: {report.count('error')} lỗi, {report.count('warning')} cảnh báo; "
        f"{statuses.count('PASS')} quy tắc đạt, {statuses.count('FAIL')} không đạt, "
        f"{statuses.count('NOT_EVALUATED')} chưa kiểm tra được."
    )
    lines.append("ĐẠT thể thức." if report.ok else "KHÔNG ĐẠT thể thức: có lỗi cần sửa.")
    return "\n".join(lines)


def _finding_lines(finding: Finding, title: str | None, verbose: bool) -> list[str]:
    name = title or finding.rule_id
    ident = f" (mã {finding.rule_id})" if verbose else ""
    head = f"  [{_SEVERITY_VI[finding.severity]}] {name}{ident} — {finding.element}"
    out = [head]
    if finding.location is not None:
        out.append(f"      Ở đâu: {finding.location}")
    if finding.expected or finding.found:
        out.append(f"      Cần: {finding.expected or '—'}; đang là: {finding.found or '—'}")
    out.append(f"      {finding.message}")
    out.append(f"      Căn cứ: {finding.source}")
    return out


def reports_json(
    reports: Sequence[CheckReport], unreadable: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """Return the JSON document of a ``vanban check --json`` run."""
    documents = [r.to_json() for r in reports]
    documents += [{"file": name, "readable": False, "problem": why} for name, why in unreadable]
    return {"schema": SCHEMA, "documents": documents}
