"""Export a list of .docx files to PDF in one LibreOffice run, with the font check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.pdf.converter import DEFAULT_TIMEOUT, PdfConverter, PdfResult
from pipeline.pdf.fonts import check_font
from pipeline.pdf.tools import LibreOffice, find_libreoffice


@dataclass
class PdfReport:
    """What a PDF export did: one result per document, warnings, LibreOffice starts."""

    results: list[PdfResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    starts: int = 0
    start_seconds: list[float] = field(default_factory=list)

    @property
    def failed(self) -> list[PdfResult]:
        """The documents that got no PDF."""
        return [result for result in self.results if not result.ok]

    def summary(self) -> str:
        """Return one Vietnamese line: how many PDFs, how many LibreOffice starts."""
        if not self.results:
            return "PDF: không có văn bản nào cần chuyển (bản PDF nào cũng mới hơn văn bản)."
        made = len(self.results) - len(self.failed)
        seconds = f"{sum(self.start_seconds):.1f}".replace(".", ",")
        return (
            f"PDF: {made}/{len(self.results)} văn bản, mỗi bản cạnh tệp .docx của nó "
            f"(LibreOffice khởi động {self.starts} lần, {seconds} giây)."
        )


def font_warnings() -> list[str]:
    """Return the warnings about fonts the PDFs will be set in (empty when all is well)."""
    warning = check_font().warning()
    return [warning] if warning else []


def export_pdfs(
    sources: Sequence[Path],
    out_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    libreoffice: LibreOffice | None = None,
    advance: Callable[[str], None] | None = None,
) -> PdfReport:
    """Convert ``sources`` (PDF beside each, or in ``out_dir``) with one LibreOffice;
    ``advance(name)`` is called after each one (a progress bar).

    Raises:
        ToolMissing: LibreOffice or its UNO bridge is not installed (checked first).
    """
    libreoffice = libreoffice or find_libreoffice()
    if not sources:  # nothing to convert (e.g. every PDF of a batch is current)
        return PdfReport()
    report = PdfReport(warnings=font_warnings())
    with PdfConverter(timeout, libreoffice) as converter:
        report.results = converter.convert_all(sources, out_dir, advance)
    report.starts = converter.starts
    report.start_seconds = list(converter.start_seconds)
    return report


def _needs_pdf(docx: Path) -> bool:
    pdf = docx.with_suffix(".pdf")
    # Strictly newer: on a coarse-clock file system an equal time converts once more.
    return not pdf.is_file() or pdf.stat().st_mtime_ns <= docx.stat().st_mtime_ns


def stale_pdf_sources(folder: Path) -> list[Path]:
    """Return the .docx of ``folder`` (a batch's output folder) whose PDF is missing or
    older than the .docx: plans and the combined file, not distribution lists."""
    documents = sorted(
        path
        for path in folder.glob("*.docx")
        if not path.name.startswith((".", "~$")) and not path.name.endswith(".noi-nhan.docx")
    )
    return [path for path in documents if _needs_pdf(path)]


def prune_orphan_pdfs(folder: Path) -> list[Path]:
    """Delete the PDFs of ``folder`` whose .docx is gone (a commune that left the roster
    or now fails) so that the folder's PDFs match its plans; return what was deleted."""
    orphans = [pdf for pdf in folder.glob("*.pdf") if not pdf.with_suffix(".docx").is_file()]
    for pdf in orphans:
        pdf.unlink(missing_ok=True)
    return orphans
