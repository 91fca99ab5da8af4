"""Check a .docx against a format profile: ``check_docx(data, profile_id)``.

The document is read once (package → paragraphs → detected elements); each rule of
the profile's catalogue then runs as one small function. A rule that cannot be
evaluated on this document says why (NOT_EVALUATED) instead of passing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pipeline.compliance import rules_closing as closing
from pipeline.compliance import rules_header as header
from pipeline.compliance import rules_page as page
from pipeline.compliance import rules_structure as structure
from pipeline.compliance import rules_style as style
from pipeline.compliance import rules_text as text
from pipeline.compliance.base import CheckContext, Issue, NotEvaluated, date_of
from pipeline.compliance.catalogue import RuleSpec, list_rules_for, rules_for
from pipeline.compliance.detect import AUTHORITY, Layout, detect
from pipeline.compliance.package import Package, open_package
from pipeline.compliance.paras import Para, flatten
from pipeline.compliance.reader import StyleResolver
from pipeline.compliance.report import CheckReport, Finding, RuleResult, Status
from pipeline.compliance.rules_structure import document_kind, is_distribution_list, list_family
from pipeline.errors import Problem, UsageError
from pipeline.profiles import HD05_EFFECTIVE, PROFILE_IDS, get_profile

Rule = Callable[[CheckContext], list[Issue]]
_T = TypeVar("_T")

RULES: dict[str, Rule] = {
    "PAGE_A4": page.check_page_a4,
    "MARGINS": page.check_margins,
    "FONT_TNR": page.check_font,
    "FONT_BLACK": page.check_black,
    "PAGE_NUM_FIRST_HIDDEN": page.check_first_page,
    "PAGE_NUM_POS": page.check_page_position,
    "HEADER_TITLE_TEXT": header.check_title,
    "NO_MIXING": header.check_no_mixing,
    "NUMBER_FORMAT": header.check_number,
    "DATE_FORMAT": header.check_date,
    "ELEMENT_STYLE": style.check_elements,
    "SIZE_CONSISTENCY": style.check_size_consistency,
    "RULE_UNDER_TITLE": header.check_title_line,
    "ORGAN_SEPARATOR": header.check_organ_separator,
    "SUMMARY_SEPARATOR": header.check_summary_separator,
    "SEPARATOR_LENGTH": header.check_separator_length,
    "BODY_PARAGRAPH": style.check_body_layout,
    "BODY_END": style.check_body_end,
    "SIGN_PREFIX": closing.check_sign_prefix,
    "PARTY_TITLE_NOT_BOLD": closing.check_party_title,
    "NOI_NHAN": closing.check_noi_nhan,
    "NOI_NHAN_ITEM": closing.check_noi_nhan_items,
    "ABBREVIATION_KNOWN": text.check_abbreviation,
    "DISTRICT_BODY": text.check_district,
    "PARTY_PROFILE_BY_DATE": text.check_profile_by_date,
    "STRUCTURE": structure.check_structure,
    "LIST_LAYOUT": structure.check_list_layout,
}

_PARTY_NUMBER = re.compile(r"^Số\s*[0-9]*-")


def guess_profile(layout: Layout) -> tuple[str, str]:
    """Return the profile a document seems to follow, and why (in Vietnamese).

    Raises:
        NotEvaluated: nothing in the document tells State from Party.
    """
    family, why = layout.family, "theo quốc hiệu/tiêu đề"
    if family is None and layout.number is not None:
        family = "state" if layout.number.text.startswith("Số:") else None
        if family is None and _PARTY_NUMBER.match(layout.number.text):
            family = "party"
        why = "theo dòng số, ký hiệu"
    if family is None and layout.authority is not None:
        family = "party" if "/" in layout.authority.text.split(" ")[0] else "state"
        why = "theo dòng quyền hạn người ký"
    if family is None:
        raise NotEvaluated("không có quốc hiệu, tiêu đề Đảng, dòng số hay dòng ký")
    if family == "state":
        return "state_nd30_2020", f"văn bản hành chính nhà nước, {why}"
    issued, year = date_of(layout.date.text) if layout.date is not None else (None, None)
    if issued is not None:
        old = issued < HD05_EFFECTIVE
        when = f"ngày {issued:%d/%m/%Y}"
    else:
        old = year is not None and year < HD05_EFFECTIVE.year
        when = f"năm {year}" if year else "chưa ghi ngày"
    if old:
        return "party_hd36_2018", f"văn bản của Đảng {why}, {when} (trước 27/5/2026)"
    return "party_hd05_2026", f"văn bản của Đảng {why}, {when}"


_PLACEHOLDER = re.compile(r"…|\.{4,}|^Họ và tên$")


def _finding(spec: RuleSpec, issue: Issue) -> Finding:
    where = issue.where.location() if isinstance(issue.where, Para) else issue.where
    severity = issue.severity or spec.severity
    message = issue.message
    text = issue.where.text if isinstance(issue.where, Para) else ""
    if severity != "info" and _PLACEHOLDER.search(text):
        # A blank form's field ("Số: …/…", "......... 7 ........") is not filled in yet:
        # say so, as a note, rather than judge the dots against the rule.
        severity = "info"
        message = f"Chỗ để trống của mẫu, chưa điền nên chưa kiểm tra được. {message}"
    return Finding(
        spec.id,
        severity,
        issue.element,
        where,
        issue.expected,
        issue.found,
        message,
        spec.source,
    )


def _result(spec: RuleSpec, findings: tuple[Finding, ...] = (), reason: str = "") -> RuleResult:
    status: Status = "NOT_EVALUATED" if reason else ("FAIL" if findings else "PASS")
    return RuleResult(spec.id, spec.title, spec.severity, status, findings, reason, spec.source)


def run_rule(spec: RuleSpec, ctx: CheckContext) -> RuleResult:
    """Return the result of one rule on the document of ``ctx``."""
    rule = RULES.get(spec.id)
    if rule is None:
        return _result(spec, reason="Chưa có bộ kiểm tra cho quy tắc này.")
    return run_check(spec, rule, ctx)


def run_check(spec: RuleSpec, rule: Callable[[_T], list[Issue]], subject: _T) -> RuleResult:
    """Return the result of ``rule`` (a checker's function) on ``subject`` under ``spec``
    (the page checks of ``pipeline.pdf`` run their rules through this too)."""
    try:
        issues = rule(subject)
    except NotEvaluated as exc:
        return _result(spec, reason=str(exc) or "Không kiểm tra được trên văn bản này.")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        # A document can be odd in ways no rule foresaw: say so rather than crash or pass.
        return _result(
            spec, reason=f"Không kiểm tra được trên văn bản này ({type(exc).__name__}: {exc})."
        )
    return _result(spec, tuple(_finding(spec, issue) for issue in issues))


def check_package(
    package: Package, profile_id: str | None = None, resolver: StyleResolver | None = None
) -> CheckReport:
    """Return the check of an opened document against ``profile_id`` (guessed when None).

    ``resolver`` is the package's style resolver when the caller already has one (a
    :class:`~pipeline.compliance.prepared.TemplateCheck` shares one per template).

    Raises:
        UsageError: ``profile_id`` is unknown, or None and the document says nothing
            that tells which profile it follows.
    """
    prepared = prepare_check(package, profile_id, resolver)
    if prepared.kind:
        why = f"Không kiểm tra theo thể thức: đây là {prepared.kind}."
        return prepared.report(tuple(_result(spec, reason=why) for spec in prepared.specs))
    return prepared.report(tuple(run_rule(spec, prepared.ctx) for spec in prepared.specs))


@dataclass(frozen=True)
class PreparedCheck:
    """A document read and laid out, with the profile and rules it is checked against."""

    ctx: CheckContext
    specs: tuple[RuleSpec, ...]
    guessed: bool
    reason: str
    #: What the document is when it is not an official document ("" when it is one).
    kind: str = ""

    def report(self, results: tuple[RuleResult, ...]) -> CheckReport:
        """Return the report of ``results`` (one per spec, in order)."""
        ctx = self.ctx
        return CheckReport(
            ctx.package.name, ctx.profile.id, self.guessed, self.reason, results, kind=self.kind
        )


def prepare_check(
    package: Package,
    profile_id: str | None = None,
    resolver: StyleResolver | None = None,
    paras: list[Para] | None = None,
) -> PreparedCheck:
    """Return the document laid out and the rules to run (see :func:`check_package`);
    ``paras`` are its body's paragraphs when the caller has read them already.

    Raises:
        UsageError: see :func:`check_package`.
    """
    if resolver is None:
        resolver = StyleResolver.from_styles(package.styles, package.theme_fonts)
    layout = detect(paras if paras is not None else flatten(package.body), resolver)
    guessed = profile_id is None
    if is_distribution_list(layout):
        if profile_id is None:
            profile_id = list_family(layout)
        elif profile_id not in PROFILE_IDS:
            raise UsageError([_problem(package.name, f"Không có thể thức “{profile_id}”.")])
        reason = "danh sách nơi nhận kèm theo văn bản (quy tắc của danh sách)"
        issued, year = date_of(layout.paras[0].text)
        ctx = CheckContext(package, resolver, layout, get_profile(profile_id), issued, year)
        return PreparedCheck(ctx, list_rules_for(profile_id), guessed, reason)
    kind = document_kind(layout)
    if profile_id is None:
        try:
            profile_id, reason = guess_profile(layout)
        except NotEvaluated as exc:
            if not kind:
                raise UsageError(
                    [_problem(package.name, f"Không đoán được thể thức ({exc}).")]
                ) from None
            profile_id, reason = "state_nd30_2020", "không phải văn bản chính thức"
    elif profile_id not in PROFILE_IDS:
        raise UsageError([_problem(package.name, f"Không có thể thức “{profile_id}”.")])
    else:
        reason = "người dùng chỉ định"
    issued, year = date_of(layout.date.text) if layout.date is not None else (None, None)
    ctx = CheckContext(package, resolver, layout, get_profile(profile_id), issued, year)
    return PreparedCheck(ctx, rules_for(profile_id), guessed, reason, kind)


def _problem(name: str, message: str) -> Problem:
    choices = ", ".join(PROFILE_IDS)
    return Problem(name, "", "--profile", f"{message} Chỉ rõ thể thức bằng --profile ({choices}).")


def check_docx(
    data: bytes | Path, profile_id: str | None = None, name: str | None = None
) -> CheckReport:
    """Return the format check of the .docx ``data`` (bytes or a path).

    Raises:
        InputError: the file is not a readable .docx (exit code 2).
        UsageError: see :func:`check_package`.
    """
    return check_package(open_package(data, name), profile_id)


def problems(report: CheckReport, source: str | None = None) -> list[Problem]:
    """Return the errors of ``report`` as Problems (for ComplianceError)."""
    out = []
    for finding in report.findings:
        if finding.severity != "error":
            continue
        where = str(finding.location) if finding.location else ""
        detail = f"cần {finding.expected}, đang là {finding.found}. " if finding.expected else ""
        out.append(
            Problem(
                source or report.file,
                where,
                finding.rule_id,
                f"{finding.element}: {detail}{finding.message} (căn cứ: {finding.source})",
            )
        )
    return out


def warning_lines(report: CheckReport) -> list[str]:
    """Return one Vietnamese line per warning of ``report`` (render/build print them)."""
    out = []
    for finding in report.findings:
        if finding.severity != "warning":
            continue
        where = f" ({finding.location})" if finding.location else ""
        detail = f"cần {finding.expected}, đang là {finding.found}. " if finding.expected else ""
        out.append(
            f"{report.file}{where} — cảnh báo {finding.rule_id}, {finding.element}: "
            f"{detail}{finding.message}"
        )
    return out


__all__ = ["AUTHORITY", "check_docx", "check_package", "guess_profile", "problems", "warning_lines"]
