"""Record → checked bytes: the template of a record, its context as a mapping, the rendered
document and its distribution list, the format check of the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import naming, output
from pipeline.context import build_document_context
from pipeline.errors import Problem
from pipeline.models import OfficialDocument
from pipeline.rendering import PreparedTemplate
from pipeline.templates import find_template

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
    return output.mapping(context)


def render_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, PreparedTemplate]:
    """Return the .docx bytes of ``doc`` and the template that made them."""
    template = PreparedTemplate.load(find_template(template_name(doc), templates_dir))
    return output.render(template, build_document_context(doc)), template


def list_template_name(doc: OfficialDocument) -> str:
    """Return the built-in distribution-list template of a record's family."""
    return naming.template_name(doc.khoi, naming.LIST_KIND)


def render_list_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, bytes]:
    """Return the stand-alone distribution list of ``doc``: (.docx bytes, CSV bytes).

    It is derived from the same resolved recipients as the document's Nơi nhận block.
    """
    template = PreparedTemplate.load(find_template(list_template_name(doc), templates_dir))
    return output.list_bytes(doc, build_document_context(doc), template)


def check_output(
    data: bytes, doc: OfficialDocument, source: Path, warnings: list[str] | None = None
) -> list[Problem]:
    """Return the format errors of the rendered ``data`` under the record's profile;
    its warnings (after the office's conventions, ``quy-uoc.yaml`` beside ``source``)
    are appended to ``warnings`` when given."""
    name = f"{source} (văn bản tạo ra)"
    return output.check(data, doc.profile.id, name, conventions=source.parent, warnings=warnings)


_raise_unless_compliant = output.refuse
