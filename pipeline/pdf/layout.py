"""PDFs of a batch at batch speed: lay the plans out together, split the PDF per plan.

Most of the time of converting small documents one by one goes to LibreOffice opening
and closing each of them. Here the plans of a batch are joined into a few combined
documents (``rendering.combine``: one section per plan, page numbers restarting, a
bookmark at the start and at the end of each plan), each combined document is laid
out and exported once, by one of ``workers`` LibreOffice instances, and its PDF is
split at the plans' marked pages (``split``). A plan whose pages cannot be found with
certainty, whose package differs from the others', or whose combined document failed
is converted on its own, and the report says so; a broken plan thus fails alone.

The batch's combined PDF (``tat-ca.pdf``) is joined from the same layout: the pages
of the combined documents, or of the plans' own PDFs for plans made earlier.
"""

from __future__ import annotations

import contextlib
import logging
import math
import shutil
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.errors import Problem, RenderError
from pipeline.pdf import messages
from pipeline.pdf.converter import DEFAULT_TIMEOUT, PdfConverter, PdfResult
from pipeline.pdf.export import PdfReport, font_warnings
from pipeline.pdf.inspect import PdfFacts, inspect_pdf
from pipeline.pdf.pool import ConverterPool, Task
from pipeline.pdf.split import Pages, Piece, join_pages, part_pages, write_pages
from pipeline.pdf.tools import LibreOffice, find_libreoffice
from pipeline.rendering.combine import combine_documents

logger = logging.getLogger(__name__)

#: At most this many plans are laid out in one document: LibreOffice's memory and the
#: time lost when one combined document fails stay bounded, and the main process splits
#: one document while the next ones are laid out.
MAX_PARTS = 200
#: A LibreOffice instance is worth starting for this many plans: its start and its
#: first document (~1.5 s + ~3 s of CPU) cost more than it saves on fewer.
MIN_PARTS_PER_WORKER = 50
#: Seconds a combined document may take per plan, on top of the per-document limit.
SECONDS_PER_PART = 2.0
#: Parts of the package that may differ between plans of one template.
_OWN_PARTS = frozenset({"word/document.xml", "docProps/core.xml", "docProps/app.xml"})


@dataclass(frozen=True)
class Part:
    """A .docx to convert and where its PDF goes."""

    source: Path
    target: Path


@dataclass
class _Chunk:
    parts: list[Part]
    docx: Path
    pdf: Path
    result: PdfResult | None = None
    pages: list[Pages | None] = field(default_factory=list)
    facts: PdfFacts | None = None


def _signature(path: Path) -> tuple[tuple[str, int], ...] | None:
    """Return the package's shared parts (name, CRC) if its main part is well-formed
    XML, else None (such a plan is converted on its own, never joined)."""
    try:
        with zipfile.ZipFile(path) as archive:
            etree.fromstring(archive.read("word/document.xml"))  # KeyError: no such part
            return tuple(
                sorted(
                    (i.filename, i.CRC) for i in archive.infolist() if i.filename not in _OWN_PARTS
                )
            )
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None


def _chunks(
    parts: Sequence[Part], workers: int, folder: Path
) -> tuple[list[_Chunk], list[Part], list[Part]]:
    """Group the parts by package, cut each group into chunks; return them, the parts
    that cannot be joined, and the parts left on their own (a group of one)."""
    groups: dict[tuple[tuple[str, int], ...], list[Part]] = {}
    broken, single = [], []
    for part in parts:
        signature = _signature(part.source)
        if signature is None:
            broken.append(part)
        else:
            groups.setdefault(signature, []).append(part)
    chunks: list[_Chunk] = []
    for group in groups.values():
        if len(group) == 1:
            single.extend(group)
            continue
        # A multiple of the workers, so that they finish together.
        count = workers * math.ceil(len(group) / (MAX_PARTS * workers))
        count = min(len(group), count)
        size = math.ceil(len(group) / count)
        for start in range(0, len(group), size):
            number = len(chunks)
            chunks.append(
                _Chunk(
                    group[start : start + size],
                    folder / f"chunk-{number}.docx",
                    folder / f"chunk-{number}.pdf",
                )
            )
    return chunks, broken, single


def _lay_out(chunk: _Chunk, converter: PdfConverter) -> _Chunk:
    """Join the chunk's plans and convert the joined document (in a worker thread)."""
    started = time.monotonic()
    try:
        chunk.docx.write_bytes(combine_documents((p.source for p in chunk.parts), marks=True))
    except (OSError, RenderError) as exc:
        problem = Problem(str(chunk.docx), "", "", str(exc))
        chunk.result = PdfResult(chunk.docx, None, problem=problem)
        return chunk
    joined = time.monotonic()
    timeout = converter.timeout + SECONDS_PER_PART * len(chunk.parts)
    chunk.result = converter.convert(chunk.docx, chunk.pdf, timeout=timeout, marks=True)
    logger.info(
        "%d plans joined in %.2f s, laid out in %.2f s",
        len(chunk.parts),
        joined - started,
        time.monotonic() - joined,
    )
    return chunk


def _alone_task(part: Part) -> Task[object]:
    def task(converter: PdfConverter) -> PdfResult:
        return converter.convert(part.source, part.target)

    return task


def _layout_task(chunk: _Chunk) -> Task[object]:
    def task(converter: PdfConverter) -> _Chunk:
        return _lay_out(chunk, converter)

    return task


def _split(chunk: _Chunk, report: PdfReport) -> list[Part]:
    """Write the chunk's plans' PDFs; return the parts to convert on their own."""
    result = chunk.result
    if result is None or not result.ok:
        why = messages.layout_failed(result.problem.message if result and result.problem else "")
        report.alone += [(p.source, why) for p in chunk.parts]
        return list(chunk.parts)
    try:
        reader = PdfReader(chunk.pdf)
        chunk.pages = part_pages(reader, len(chunk.parts))
        chunk.facts = inspect_pdf(chunk.pdf)
    except (OSError, PdfReadError, ValueError) as exc:
        report.alone += [(p.source, messages.layout_failed(str(exc))) for p in chunk.parts]
        return list(chunk.parts)
    started = time.monotonic()
    share = result.seconds / len(chunk.parts)
    again = []
    for part, pages in zip(chunk.parts, chunk.pages, strict=True):
        if pages is None:
            report.alone.append((part.source, messages.PAGES_UNCERTAIN))
            again.append(part)
            continue
        write_pages(reader, pages, part.target)
        report.results.append(PdfResult(part.source, part.target, pages.count, share))
        report.facts[part.target] = chunk.facts
    logger.info("%d plans split in %.2f s", len(chunk.parts), time.monotonic() - started)
    return again


def export_laid_out(
    parts: Sequence[Part],
    *,
    workers: int = 1,
    pdfa: bool = False,
    combined: tuple[Path, Sequence[Path]] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    libreoffice: LibreOffice | None = None,
) -> PdfReport:
    """Convert ``parts`` with up to ``workers`` LibreOffice instances (one per
    :data:`MIN_PARTS_PER_WORKER` parts at most), laid out together.

    ``combined`` = (target, PDFs in order): also join those PDFs' pages (every plan of
    the batch, made now or earlier) into ``target``, from the same layout. Results come
    in the order of ``parts``; a part that fails is reported, the others go on.

    Raises:
        ToolMissing: LibreOffice or its UNO bridge is not installed (checked first).
    """
    libreoffice = libreoffice or find_libreoffice()
    workers = max(1, min(workers, len(parts) // MIN_PARTS_PER_WORKER))
    report = PdfReport(warnings=font_warnings() if parts else [], pdfa=pdfa)
    folder = Path(tempfile.mkdtemp(prefix="vanban-layout-"))
    chunks: list[_Chunk] = []
    try:
        with ConverterPool[object](workers, libreoffice, timeout, pdfa) as pool:
            if parts:
                pool.prestart()  # LibreOffice starts while the plans are checked and joined
            chunks, alone, single = _chunks(parts, workers, folder)
            report.alone += [(p.source, messages.NOT_JOINED) for p in alone]
            alone += single
            for _, done in pool.submit([_layout_task(chunk) for chunk in chunks]):
                assert isinstance(done, _Chunk)
                report.layouts += 1
                alone += _split(done, report)
            for _, own in pool.submit([_alone_task(p) for p in alone]):
                assert isinstance(own, PdfResult)
                report.results.append(own)
                if own.ok and own.output is not None:
                    with contextlib.suppress(OSError, PdfReadError, ValueError):
                        report.facts[own.output] = inspect_pdf(own.output)
        report.starts, report.start_seconds = pool.starts, pool.start_seconds
        order = {p.source: n for n, p in enumerate(parts)}
        report.results.sort(key=lambda r: order.get(r.source, len(order)))
        if combined is not None:
            report.combined.append(_join(combined, chunks, report))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _join(
    combined: tuple[Path, Sequence[Path]], chunks: Sequence[_Chunk], report: PdfReport
) -> PdfResult:
    """Write the combined PDF from the chunks' pages and the plans' own PDFs."""
    target, pdfs = combined
    laid: dict[Path, Piece] = {}
    for chunk in chunks:
        for part, pages in zip(chunk.parts, chunk.pages, strict=False):
            if pages is not None:
                laid[part.target] = Piece(chunk.pdf, pages)
    missing = [pdf for pdf in pdfs if pdf not in laid and not pdf.is_file()]
    started = time.monotonic()
    if missing or not pdfs:
        target.unlink(missing_ok=True)
        why = messages.combined_missing(len(missing))
        return PdfResult(target, None, problem=Problem(str(target), "", "", why))
    try:
        count = join_pages([laid.get(pdf, Piece(pdf)) for pdf in pdfs], target)
        report.facts[target] = inspect_pdf(target)
    except (OSError, PdfReadError, ValueError) as exc:
        target.unlink(missing_ok=True)
        problem = Problem(str(target), "", "", messages.combined_missing(0) + f" ({exc})")
        return PdfResult(target, None, problem=problem)
    return PdfResult(target, target, count, time.monotonic() - started)
