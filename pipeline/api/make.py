"""Record → checked bytes: the template of a record, its context as a mapping, the rendered
document and its distribution list, the format check of the result."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import naming
from pipeline.compliance import (
    check_docx,
)
from pipeline.compliance import problems as compliance_problems
from pipeline.context import build_document_context
from pipeline.context.distribution import rows_csv
from pipeline.context.lists import build_list_context
from pipeline.errors import ComplianceError, Problem
from pipeline.models import OfficialDocument
from pipeline.rendering import PreparedTemplate, render_to_bytes
from pipeline.templates import find_template

# pipeline.reporting (review reports: their models and contexts, ~60 ms to import) is
# imported by the functions that need it, so that batches and single documents do not.
if TYPE_CHECKING:
    pass


_TYPE_SLUGS = {"CTr": "chuong-trinh", "KH": "ke-hoach"}


def template_name(doc: OfficialDocument) -> str:
    """Return the template a record uses: its ``mau``, or the built-in one of its type."""
    if doc.mau:
        return doc.mau
    abbr = doc.profile.type_abbreviation(doc.loai) or ""
    if doc.profile.is_letter(doc.loai):
        return naming.template_name(doc.khoi, "cong-van")
    return naming.template_name(doc.khoi, _TYPE_SLUGS.get(abbr, "ke-hoach"))


def context_mapping(context: Any) -> dict[str, Any]:
    """Return the template variables of a context dataclass (its fields, by name)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, PreparedTemplate]:
    """Return the .docx bytes of ``doc`` and the template that made them."""
    template = PreparedTemplate.load(find_template(template_name(doc), templates_dir))
    data = render_to_bytes(template, context_mapping(build_document_context(doc)))
    return data, template


def list_template_name(doc: OfficialDocument) -> str:
    """Return the built-in distribution-list template of a record's family."""
    return naming.template_name(doc.khoi, naming.LIST_KIND)


def render_list_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, bytes]:
    """Return the stand-alone distribution list of ``doc``: (.docx bytes, CSV bytes).

    It is derived from the same resolved recipients as the document's Nơi nhận block.
    """
    context = build_list_context(doc, build_document_context(doc))
    template = PreparedTemplate.load(find_template(list_template_name(doc), templates_dir))
    return render_to_bytes(template, context_mapping(context)), rows_csv(context.hang)


def check_output(
    data: bytes, doc: OfficialDocument, source: Path, warnings: list[str] | None = None
) -> list[Problem]:
    """Return the format errors of the rendered ``data`` under the record's profile;
    its warnings (after the office's conventions, ``quy-uoc.yaml`` beside ``source``)
    are appended to ``warnings`` when given."""
    from pipeline.compliance.check import warning_lines
    from pipeline.compliance.conventions import apply_conventions, find_conventions

    report = check_docx(data, doc.profile.id, name=f"{source} (văn bản tạo ra)")
    report = apply_conventions(report, find_conventions(source.parent))
    if warnings is not None:
        warnings.extend(warning_lines(report))
    return compliance_problems(report)


def _raise_unless_compliant(problems: list[Problem]) -> None:
    if problems:
        hint = Problem(
            "", "", "", "Không ghi tệp nào. Sửa mẫu hoặc hồ sơ; --no-check bỏ qua kiểm tra."
        )
        raise ComplianceError([*problems, hint])
