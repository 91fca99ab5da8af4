"""PDF output and page checks (``pipeline.pdf``, LibreOffice)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pipeline.api.checks import check_files
from pipeline.api.reports import Rendered
from pipeline.batch import BatchReport
from pipeline.batch.pdfs import make_batch_pdfs
from pipeline.compliance import (
    CheckReport,
)
from pipeline.pdf import (
    DEFAULT_DPI,
    LibreOffice,
    PdfReport,
    Preview,
    find_libreoffice,
)
from pipeline.pdf import render_preview as _render_preview


def _page_checks(documents: Sequence[Rendered], pdfs: PdfReport) -> list[CheckReport]:
    """Return the page checks (``pipeline.pdf.page_check``) of every document that got
    a PDF; only the page rules are kept (the .docx was checked before writing)."""
    from pipeline.pdf.page_check import check_laid_out, page_only

    made = {r.source: r.output for r in pdfs.results if r.output is not None}
    out = []
    for doc in documents:
        pdf = made.get(doc.output)
        if pdf is not None and doc.output.suffix == ".docx":
            out.append(page_only(check_laid_out(doc.output, pdf, name=str(doc.output))))
    return out


def check_laid_out_files(
    paths: Sequence[Path], profile_id: str | None = None, conventions: Path | None = None
) -> tuple[list[CheckReport], list[tuple[str, str]]]:
    """Like :func:`check_files`, with the page checks: every readable file is laid out
    through one LibreOffice (``vanban check --trang``).

    Raises:
        ToolMissing: LibreOffice is not installed.
    """
    import tempfile

    from pipeline.compliance.conventions import apply_conventions, load_conventions
    from pipeline.pdf import PdfConverter
    from pipeline.pdf.page_check import with_pages

    libreoffice = find_libreoffice()
    reports, unreadable = check_files(paths, profile_id)
    accepted = load_conventions(conventions) if conventions is not None else ()
    out = []
    with tempfile.TemporaryDirectory(prefix="vanban-trang-") as folder:
        sources = [Path(r.file) for r in reports]
        with PdfConverter(libreoffice=libreoffice) as converter:
            results = converter.convert_all(sources, Path(folder))
        for report, result in zip(reports, results, strict=True):
            if result.output is None:
                why = str(result.problem.message) if result.problem else "không tạo được PDF"
                unreadable.append((report.file, f"Không dàn trang được: {why}"))
                continue
            laid_out = with_pages(report, Path(report.file), result.output)
            out.append(apply_conventions(laid_out, accepted))
    return out, unreadable


def pdf_tools() -> LibreOffice:
    """Return the LibreOffice that ``--pdf`` will use; call it before writing anything.

    Raises:
        ToolMissing: LibreOffice or its UNO bridge is not installed (exit code 2).
    """
    return find_libreoffice()


def batch_pdfs(
    reports: Sequence[BatchReport],
    libreoffice: LibreOffice | None = None,
    *,
    jobs: int | None = None,
    pdfa: bool = False,
) -> PdfReport:
    """Write a PDF beside each plan of the batches (and ``tat-ca.pdf`` beside the
    combined ``tat-ca.docx``) unless the manifest shows it current, with ``jobs``
    LibreOffice instances (default: one per CPU), the plans laid out together and
    split (see ``pipeline.pdf.layout``); record them in each batch's manifest; delete
    the PDFs of plans that are no longer there. ``pdfa``: PDF/A-2b.

    Raises:
        ToolMissing: LibreOffice is not installed.
    """
    libreoffice = libreoffice or find_libreoffice()
    report = PdfReport(pdfa=pdfa)
    for batch in reports:
        made = make_batch_pdfs(
            batch.out_dir, libreoffice, workers=jobs or os.cpu_count() or 1, pdfa=pdfa
        )
        report.extend(made)
    return report


def preview(
    source: Path, page: int = 1, output: Path | None = None, dpi: int = DEFAULT_DPI
) -> Preview:
    """Write a PNG of one page of the .docx ``source`` as LibreOffice lays it out
    (default ``X-trang-N.png`` beside it); see :func:`pipeline.pdf.render_preview`."""
    return _render_preview(source, page, output, dpi)
