"""The one output pipeline: a record and a template become checked bytes, then files.

Every output of vanban goes through here — a record of ``inputs/`` (``vanban render``,
``vanban build``, the web page), a commune's filled record (a batch), a period's
report and its communes' reports:

- :func:`render` — a context (a dataclass of ``pipeline.context``) into .docx bytes;
- :func:`check` — the format check of those bytes (``check_docx``, the office's
  conventions), and :func:`refuse` to stop before anything is written;
- :func:`list_files` — a document's stand-alone distribution list (.docx and .csv);
- :class:`Plans` — the fast path for many records of one template (a batch): the
  template prepared once, each plan's parts checked incrementally (``TemplateCheck``,
  provably the full check) before they are zipped;
- :func:`write_files` — the files of one output, atomically, the document last.

Callers (``pipeline.api``, ``pipeline.batch``, ``pipeline.reporting``) decide only
*which* records to make and where; they never render, check or write on their own
(``tests/test_one_pipeline.py`` holds it).
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path
from typing import Any

from pipeline.compliance import TemplateCheck, check_docx
from pipeline.compliance import problems as compliance_problems
from pipeline.context import DocumentContext, build_document_context
from pipeline.context.distribution import rows_csv
from pipeline.context.lists import build_list_context
from pipeline.errors import ComplianceError, Problem, VanbanError
from pipeline.models import OfficialDocument
from pipeline.naming import list_names
from pipeline.rendering import PreparedTemplate, render_to_bytes, write_atomic, zip_bytes


def mapping(context: Any) -> dict[str, Any]:
    """Return the template variables of a context dataclass (its fields, by name)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render(template: PreparedTemplate, context: Any) -> bytes:
    """Return the .docx bytes of ``template`` filled with the context dataclass."""
    return render_to_bytes(template, mapping(context))


def check(
    data: bytes,
    profile_id: str | None,
    name: str,
    *,
    conventions: Path | None = None,
    warnings: list[str] | None = None,
) -> list[Problem]:
    """Return the format errors of the rendered ``data`` under ``profile_id``; its
    warnings (after the office's conventions, ``quy-uoc.yaml`` in the folder
    ``conventions``, when given) are appended to ``warnings`` when given."""
    from pipeline.compliance.check import warning_lines
    from pipeline.compliance.conventions import apply_conventions, find_conventions

    report = check_docx(data, profile_id, name=name)
    if conventions is not None:
        report = apply_conventions(report, find_conventions(conventions))
    if warnings is not None:
        warnings.extend(warning_lines(report))
    return compliance_problems(report)


def refuse(problems: list[Problem]) -> None:
    """Stop, writing nothing, when the format check found ``problems``.

    Raises:
        ComplianceError: the problems and what to do about them.
    """
    if problems:
        hint = Problem(
            "", "", "", "Không ghi tệp nào. Sửa mẫu hoặc hồ sơ; --no-check bỏ qua kiểm tra."
        )
        raise ComplianceError([*problems, hint])


def list_files(
    doc: OfficialDocument,
    context: DocumentContext,
    template: PreparedTemplate,
    stem: str,
) -> dict[str, bytes]:
    """Return the stand-alone distribution list of the document ``stem`` by file name
    (.noi-nhan.docx, then .noi-nhan.csv), from the same resolved recipients as the
    document's Nơi nhận block."""
    docx_name, csv_name = list_names(stem)
    docx_bytes, csv_bytes = list_bytes(doc, context, template)
    return {docx_name: docx_bytes, csv_name: csv_bytes}


def list_bytes(
    doc: OfficialDocument, context: DocumentContext, template: PreparedTemplate
) -> tuple[bytes, bytes]:
    """Return the stand-alone distribution list of ``doc``: (.docx bytes, CSV bytes)."""
    lists = build_list_context(doc, context)
    return render(template, lists), rows_csv(lists.hang)


class Plans:
    """The pipeline's fast path for many records of one template (a batch's plans):
    the template and the parts no record changes are prepared once; each plan is
    rendered part by part and checked from its rendered XML before it is zipped."""

    def __init__(self, template: Path, list_template: Path | None, *, check: bool) -> None:
        self.template = PreparedTemplate.load(template)
        self.checker = TemplateCheck(
            str(template), self.template.read_part, self.template.rendered_part_names
        )
        self.list_template = PreparedTemplate.load(list_template) if list_template else None
        self.check = check

    def make(self, document: OfficialDocument, stem: str) -> dict[str, bytes]:
        """Return the files of ``document``'s plan by name: the .docx, then its lists.

        Raises:
            VanbanError: the template fails on it, or (with ``check``) the plan breaks
                the format rules.
        """
        context = build_document_context(document)
        parts = self.template.render_parts(mapping(context))
        if self.check:
            name = f"{stem}.docx (văn bản tạo ra)"
            found = compliance_problems(self.checker.check(parts, document.profile.id, name))
            if found:
                raise VanbanError(found)
        files = {f"{stem}.docx": zip_bytes(self.template.members_with(parts))}
        if self.list_template is not None:
            files.update(list_files(document, context, self.list_template, stem))
        return files


class WriteFailed(OSError):
    """A file of an output could not be written: ``path``, and the ``OSError`` it gave
    (``error``), whose errno, message and file name it keeps (an ``OSError`` itself)."""

    def __init__(self, path: Path, error: OSError) -> None:
        if error.errno is None:
            super().__init__(*error.args)
        else:
            super().__init__(error.errno, error.strerror, error.filename)
        self.path = path
        self.error = error


def write_files(
    folder: Path, files: dict[str, bytes], *, durable: bool = True
) -> list[tuple[str, str]]:
    """Write ``files`` (name → bytes; the document first) into ``folder`` atomically,
    the document last (once it is there, its companions are too); return (name,
    sha256) of each, in the order given.

    Raises:
        WriteFailed: a file could not be written (the files after it in the order of
            writing are not written).
    """
    for name, data in reversed(files.items()):
        path = folder / name
        try:
            write_atomic(path, data, durable=durable)
        except OSError as exc:
            raise WriteFailed(path, exc) from exc
    return [(name, hashlib.sha256(data).hexdigest()) for name, data in files.items()]
