"""Records as text or data, and cached renders and previews (the web page:
``pipeline.web``)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pipeline.api.checks import check_bytes
from pipeline.api.make import _raise_unless_compliant, check_output, render_bytes
from pipeline.errors import InputError, Problem, RenderError, UsageError
from pipeline.loading.drafts import LocatedProblem, check_text, yaml_data, yaml_text
from pipeline.models import OfficialDocument
from pipeline.pdf import (
    Preview,
    export_pdfs,
)
from pipeline.pdf import render_preview as _render_preview
from pipeline.rendering import write_atomic
from pipeline.workfolder import (
    check_upload,
)


def check_record(
    text: str, source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate the record ``text`` as the file ``source`` would be (nothing written);
    return the record (None when invalid) and every problem with its field's path.
    ``within``: the folder its registry must be in (the web page's working folder)."""
    return check_text(text, source, within)


def check_record_data(
    data: dict[str, Any], source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate form ``data`` as the record file ``source`` would hold it once saved
    (written over its current text); nothing is written."""
    current = source.read_text(encoding="utf-8-sig") if source.is_file() else None
    return check_text(yaml_text(data, current), source, within)


def record_data(text: str) -> Any:
    """Return the plain data of a record's YAML ``text`` (None when unreadable)."""
    return yaml_data(text)


def record_from_upload(
    filename: str, data: bytes, source: Path, within: Path | None = None
) -> OfficialDocument:
    """Return the record of an uploaded file (read as the file ``source``). The one
    place that dispatches on the kind of record file (.yaml/.yml, .xlsx).

    Raises:
        InputError: the file is not a record we read, or its problems (with lines).
    """
    doc, located = check_upload(filename, data, source, within)
    if doc is None:
        raise InputError([item.problem for item in located])
    return doc


def render_record(
    doc: OfficialDocument, source: Path, templates_dir: Path | None = None, *, check: bool = True
) -> bytes:
    """Return the .docx bytes of a validated record, format-checked like ``render``.

    Raises:
        ComplianceError: the output breaks a format rule (with ``check``).
    """
    data, _ = render_bytes(doc, templates_dir)
    if check:
        _raise_unless_compliant(check_output(data, doc, source))
    return data


def cached_docx(data: bytes, cache_dir: Path) -> Path:
    """Return a file holding the .docx ``data`` in ``cache_dir``, named by its content."""
    target = cache_dir / f"{hashlib.sha256(data).hexdigest()[:24]}.docx"
    if not target.is_file():
        write_atomic(target, data, durable=False)
        _prune_cache(cache_dir)
    return target


def _prune_cache(cache_dir: Path, keep: int = 400) -> None:
    """Remove all but the ``keep`` newest files of the cache (a few MB at most)."""
    files = sorted(
        (p for p in cache_dir.iterdir() if p.is_file()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def cached_preview(data: bytes, cache_dir: Path, page: int = 1, dpi: int = 80) -> Preview:
    """Return a PNG of page ``page`` of the .docx ``data``, made once per content."""
    source = cached_docx(data, cache_dir)
    target = source.with_name(f"{source.stem}-p{page}-{dpi}.png")
    pages_file = source.with_suffix(".pages")
    if target.is_file() and pages_file.is_file():
        return Preview(source, target, page, int(pages_file.read_text() or 0) or None)
    result = _render_preview(source, page, target, dpi)
    write_atomic(pages_file, str(result.pages or 0).encode(), durable=False)
    return result


def cached_file_preview(source: Path, cache_dir: Path, page: int = 1, dpi: int = 80) -> Preview:
    """Return a PNG of page ``page`` of the .docx file ``source`` (see :func:`cached_preview`).

    Raises:
        UsageError: no such file.
    """
    if not source.is_file():
        raise UsageError([Problem(str(source), "", "", "Chưa có tệp này.")])
    return cached_preview(source.read_bytes(), cache_dir, page, dpi)


def record_findings(
    doc: OfficialDocument, source: Path, templates_dir: Path | None = None
) -> dict[str, Any]:
    """Render a validated record without stopping at format errors and return the
    check of the result (the JSON document of ``vanban check --json``)."""
    data, _ = render_bytes(doc, templates_dir)
    return check_bytes(data, f"{source.name} (văn bản tạo ra)", doc.profile.id)


def cached_pdf(data: bytes, cache_dir: Path) -> Path:
    """Return the PDF of the .docx ``data``, made once per content.

    Raises:
        ToolMissing: LibreOffice is not installed. RenderError: conversion failed.
    """
    source = cached_docx(data, cache_dir)
    target = source.with_suffix(".pdf")
    if not target.is_file():
        result = export_pdfs([source]).results[0]
        if result.output is None or result.problem is not None:
            raise RenderError([result.problem] if result.problem else [])
    return target
