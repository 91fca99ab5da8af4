"""Split the PDF of a combined layout into one PDF per part, and join pages back.

The combined .docx (``rendering.combine.combine_documents(..., marks=True)``) carries
a bookmark at the start of each part's first paragraph and one at the end of its last;
LibreOffice exports them as named destinations. A part's pages are those from its
start mark's page to its end mark's page, accepted only when that is certain:

- both marks are found (LibreOffice keeps bookmark names unique), the start not after
  the end;
- the first part starts on page 1, each next part starts on the page right after the
  previous part's end, and the last part ends on the last page (a page between two
  parts, e.g. a section break pushed onto a page of its own, makes both uncertain).

An uncertain part gets ``None``: the caller converts that document on its own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

from pipeline.rendering import write_atomic
from pipeline.rendering.combine import MARK_END, MARK_START


@dataclass(frozen=True)
class Pages:
    """A part's pages in the combined PDF: ``first`` to ``last``, 0-based, inclusive."""

    first: int
    last: int

    @property
    def count(self) -> int:
        """How many pages the part has."""
        return self.last - self.first + 1


def _mark_pages(reader: PdfReader) -> dict[str, list[int]]:
    """Return the pages of every named destination."""
    found: dict[str, list[int]] = {}
    for name, destination in reader.named_destinations.items():
        try:
            page = reader.get_destination_page_number(destination)
        except (KeyError, ValueError, PdfReadError):
            continue
        if page is not None and page >= 0:
            found.setdefault(str(name).lstrip("/"), []).append(page)
    return found


def part_pages(reader: PdfReader, count: int) -> list[Pages | None]:
    """Return the pages of each of the ``count`` parts (None where not certain)."""
    marks = _mark_pages(reader)
    total = len(reader.pages)

    def one(name: str) -> int | None:
        pages = marks.get(name, [])
        return pages[0] if len(pages) == 1 else None

    spans: list[Pages | None] = []
    for index in range(count):
        first, last = one(MARK_START.format(index)), one(MARK_END.format(index))
        ok = first is not None and last is not None and first <= last
        spans.append(Pages(first, last) if ok and first is not None and last is not None else None)
    certain = list(spans)
    for index, span in enumerate(spans):
        if span is None:
            continue
        before = spans[index - 1] if index else None
        after = spans[index + 1] if index + 1 < count else None
        starts_right = (
            span.first == 0
            if index == 0
            else before is not None and (before.last + 1 == span.first)
        )
        if index == count - 1:
            ends_right = span.last == total - 1
        else:
            ends_right = after is not None and span.last + 1 == after.first
        if not (starts_right and ends_right):
            certain[index] = None
    return certain


def _writer_like(reader: PdfReader) -> PdfWriter:
    """Return an empty writer that keeps what makes ``reader`` a PDF/A (if it is one):
    its version, document information, XMP metadata and output intents."""
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    if reader.metadata is not None:
        writer.add_metadata({str(k): v for k, v in reader.metadata.items()})
    root = reader.root_object
    # Not /MarkInfo or /StructTreeRoot: the tags of the combined layout do not split.
    for key in ("/Metadata", "/OutputIntents", "/Lang", "/ViewerPreferences"):
        if key in root:
            writer.root_object[NameObject(key)] = root[key].clone(writer)
    return writer


def write_pages(reader: PdfReader, pages: Pages, target: Path) -> None:
    """Write ``pages`` of ``reader`` to ``target`` (atomically) as a PDF of their own."""
    writer = _writer_like(reader)
    for number in range(pages.first, pages.last + 1):
        writer.add_page(reader.pages[number])
    writer.generate_file_identifiers()  # the trailer's /ID, which PDF/A requires
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue(), durable=False)


@dataclass(frozen=True)
class Piece:
    """Pages of one PDF to join: all of them when ``pages`` is None."""

    pdf: Path
    pages: Pages | None = None


def join_pages(pieces: Sequence[Piece], target: Path) -> int:
    """Write the pages of ``pieces`` in order to ``target`` (atomically); return the
    page count. Objects shared within one source (fonts) are copied once; when whole
    PDFs are joined, identical objects of different sources (the same font subset
    split into several files) are stored once.

    Raises:
        OSError, PdfReadError: a piece cannot be read.
    """
    readers: dict[Path, PdfReader] = {}
    writer: PdfWriter | None = None
    for piece in pieces:
        reader = readers.get(piece.pdf)
        if reader is None:
            reader = readers[piece.pdf] = PdfReader(piece.pdf)
        if writer is None:
            writer = _writer_like(reader)
        span = piece.pages or Pages(0, len(reader.pages) - 1)
        for number in range(span.first, span.last + 1):
            writer.add_page(reader.pages[number])
    if writer is None:
        raise ValueError("no pages to join")
    if len(readers) > 1 and any(piece.pages is None for piece in pieces):
        # Plans' own PDFs split from one layout carry the same font subsets: store them
        # once. Whole combined layouts share nothing, and hashing every object of
        # thousands of pages would cost seconds for nothing.
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=False)
    writer.generate_file_identifiers()  # the trailer's /ID, which PDF/A requires
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue(), durable=False)
    return len(writer.pages)
