"""Export a list of .docx files to PDF (one LibreOffice per worker), with the font check."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf.errors import PdfReadError

from pipeline.pdf.converter import DEFAULT_TIMEOUT, PdfConverter, PdfResult
from pipeline.pdf.fonts import check_font
from pipeline.pdf.inspect import PdfFacts, inspect_pdf
from pipeline.pdf.tools import LibreOffice, find_libreoffice

#: Documents converted alone that make another LibreOffice instance worth starting.
MIN_DOCUMENTS_PER_WORKER = 20


@dataclass
class PdfReport:
    """What a PDF export did: one result per document, warnings, LibreOffice starts;
    for a batch (``layout``) also the documents laid out together, the plans converted
    on their own and why, the combined PDF, and what each PDF written is."""

    results: list[PdfResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    starts: int = 0
    start_seconds: list[float] = field(default_factory=list)
    layouts: int = 0  # combined documents laid out (batch method)
    alone: list[tuple[Path, str]] = field(default_factory=list)  # (plan, why converted alone)
    combined: list[PdfResult] = field(default_factory=list)  # the batches' tat-ca.pdf
    facts: dict[Path, PdfFacts] = field(default_factory=dict)  # by PDF written
    pdfa: bool = False  # PDF/A-2b was asked for

    def extend(self, other: PdfReport) -> None:
        """Add ``other``'s results, starts and notes to this report."""
        self.results += other.results
        self.warnings += [w for w in other.warnings if w not in self.warnings]
        self.starts += other.starts
        self.start_seconds += other.start_seconds
        self.layouts += other.layouts
        self.alone += other.alone
        self.combined += other.combined
        self.facts.update(other.facts)
        self.pdfa = self.pdfa or other.pdfa

    def kinds(self) -> str:
        """Return what the PDFs written are, counted: ``43 PDF/A-2b, phông nhúng đủ``."""
        counts: dict[str, int] = {}
        for facts in self.facts.values():
            counts[facts.describe()] = counts.get(facts.describe(), 0) + 1
        return "; ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))

    def notes(self) -> list[str]:
        """Return what the user should know beyond the summary (Vietnamese lines)."""
        lines = [f"Chuyển riêng {path.name}: {why}." for path, why in self.alone]
        for facts_path, facts in sorted(self.facts.items()):
            if self.pdfa and facts.pdfa is None:
                problems = "; ".join(facts.problems) or "không khai báo PDF/A"
                lines.append(f"{facts_path} không đạt PDF/A-2b: {problems}.")
            elif facts.unembedded:
                lines.append(f"{facts_path}: phông chưa nhúng: {', '.join(facts.unembedded)}.")
        for result in self.combined:
            if result.ok:
                lines.append(f"Bản PDF gộp để in: {result.output} ({result.pages} trang).")
        return lines

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
        together = ""
        if self.layouts:
            alone = len(self.alone)
            together = f"dàn trang chung {self.layouts} lần, {alone} văn bản chuyển riêng; "
        kinds = f" Loại: {self.kinds()}." if self.facts else ""
        return (
            f"PDF: {made}/{len(self.results)} văn bản, mỗi bản cạnh tệp .docx của nó "
            f"({together}LibreOffice khởi động {self.starts} lần, {seconds} giây).{kinds}"
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
    *,
    workers: int = 1,
    pdfa: bool = False,
) -> PdfReport:
    """Convert ``sources`` (PDF beside each, or in ``out_dir``), each on its own, with
    up to ``workers`` LibreOffice instances (private profiles; one per
    :data:`MIN_DOCUMENTS_PER_WORKER` documents at most); PDF/A-2b
    with ``pdfa``. Each PDF written is read back (:attr:`PdfReport.facts`);
    ``advance(name)`` is called after each one (a progress bar).

    Raises:
        ToolMissing: LibreOffice or its UNO bridge is not installed (checked first).
    """
    from pipeline.pdf.pool import ConverterPool  # the pool imports this module's types

    libreoffice = libreoffice or find_libreoffice()
    if not sources:  # nothing to convert (e.g. every PDF of a batch is current)
        return PdfReport(pdfa=pdfa)
    report = PdfReport(warnings=font_warnings(), pdfa=pdfa)
    # A LibreOffice instance costs ~1.5 s to start and ~3 s of CPU for its first
    # document; documents converted alone take ~0.1-0.3 s each.
    workers = max(1, min(workers, len(sources) // MIN_DOCUMENTS_PER_WORKER))
    if workers == 1:
        with PdfConverter(timeout, libreoffice, pdfa=pdfa) as converter:
            report.results = converter.convert_all(sources, out_dir)
        report.starts = converter.starts
        report.start_seconds = list(converter.start_seconds)
    else:
        results: list[PdfResult | None] = [None] * len(sources)
        with ConverterPool[PdfResult](workers, libreoffice, timeout, pdfa) as pool:
            tasks = [_single(source, out_dir) for source in sources]
            for number, result in pool.submit(tasks):
                results[number] = result
        report.results = [r for r in results if r is not None]
        report.starts, report.start_seconds = pool.starts, pool.start_seconds
    for result in report.results:
        if result.output is not None:
            with contextlib.suppress(OSError, PdfReadError, ValueError):
                report.facts[result.output] = inspect_pdf(result.output)
    return report


def _single(source: Path, out_dir: Path | None) -> Callable[[PdfConverter], PdfResult]:
    def task(converter: PdfConverter) -> PdfResult:
        folder = out_dir if out_dir is not None else source.parent
        return converter.convert(source, folder / f"{source.stem}.pdf")

    return task


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
