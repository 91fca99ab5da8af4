"""Reads a .docx back and checks it against a format profile; lints templates."""

from pipeline.compliance.catalogue import all_rules, rules_for
from pipeline.compliance.check import check_docx, check_package, guess_profile, problems
from pipeline.compliance.lint import Jinja, LintFinding, dataclass_variables, lint_template
from pipeline.compliance.prepared import TemplateCheck
from pipeline.compliance.reader import (
    ParagraphFormat,
    RunFormat,
    StyleResolver,
    iter_paragraphs,
)
from pipeline.compliance.report import CheckReport, Finding, RuleResult, render_text, reports_json

__all__ = [
    "CheckReport",
    "Finding",
    "Jinja",
    "LintFinding",
    "ParagraphFormat",
    "RuleResult",
    "RunFormat",
    "StyleResolver",
    "TemplateCheck",
    "all_rules",
    "check_docx",
    "check_package",
    "dataclass_variables",
    "guess_profile",
    "iter_paragraphs",
    "lint_template",
    "problems",
    "render_text",
    "reports_json",
    "rules_for",
]
