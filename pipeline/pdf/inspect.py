"""Read a PDF back: its pages, whether every font is embedded, whether it is PDF/A.

No PDF/A validator can be installed from Debian or PyPI here (veraPDF is a Java
program distributed by its own installer), so :func:`inspect_pdf` checks the parts of
PDF/A-2b (ISO 19005-2, level B) that an export can get wrong and that a reader can
verify without rendering:

- the XMP metadata stream of the catalog declares ``pdfaid:part`` 2 and
  ``pdfaid:conformance`` B (clause 6.6.4), and is not compressed (6.6.2.1);
- the catalog has an output intent ``/S /GTS_PDFA1`` with an embedded ICC profile
  (``/DestOutputProfile``, clause 6.2.3);
- every font used by a page is embedded (``FontFile``/``FontFile2``/``FontFile3``,
  clause 6.2.11.4), which is also what an archive asks of a plain PDF;
- the file is not encrypted (6.1.3) and its trailer has an ``/ID`` (6.1.3);
- the document information's Producer and Title agree with the XMP (6.6.3).

It does not check colour spaces of images, transparency groups or font programs'
glyph widths: LibreOffice's PDF/A export writes those, and vanban's documents hold
text and tables only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

_PART = re.compile(rb"pdfaid:part(?:>|=\")\s*(\d)")
_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=\")\s*([ABUabu])")
_PRODUCER = re.compile(rb"<pdf:Producer>(.*?)</pdf:Producer>", re.S)
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class PdfFacts:
    """What :func:`inspect_pdf` found. ``pdfa`` is e.g. ``"2B"`` when the file claims
    PDF/A and passes every check above, None otherwise; ``problems`` say what failed
    (in Vietnamese), ``unembedded`` the fonts that are not embedded."""

    pages: int
    unembedded: tuple[str, ...] = ()
    pdfa: str | None = None
    claimed: str | None = None  # what the XMP claims, checked or not
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fonts_embedded(self) -> bool:
        """Whether every font of every page is embedded."""
        return not self.unembedded

    def describe(self) -> str:
        """Return a short Vietnamese description: ``PDF/A-2b, phông nhúng đủ``."""
        kind = f"PDF/A-{self.pdfa[0]}{self.pdfa[1:].lower()}" if self.pdfa else "PDF"
        fonts = "phông nhúng đủ" if self.fonts_embedded else "THIẾU phông nhúng"
        return f"{kind}, {fonts}"


def _fonts(resources: Any, seen: set[int], out: dict[str, bool]) -> None:
    """Record in ``out`` every font of ``resources`` (and of its forms): embedded?"""
    if not isinstance(resources, DictionaryObject):
        return
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else None
    if isinstance(fonts, DictionaryObject):
        for ref in fonts.values():
            font = ref.get_object()
            key = id(font) if ref.indirect_reference is None else ref.indirect_reference.idnum
            if key in seen or not isinstance(font, DictionaryObject):
                continue
            seen.add(key)
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if font.get("/Subtype") == "/Type3":
                out[name] = True  # glyphs are drawn by the PDF itself
                continue
            target = font
            if font.get("/Subtype") == "/Type0":
                descendants = cast(ArrayObject, font["/DescendantFonts"].get_object())
                target = cast(DictionaryObject, descendants[0].get_object())
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else None
            embedded = isinstance(descriptor, DictionaryObject) and any(
                key in descriptor for key in _FONT_FILES
            )
            out[name] = out.get(name, False) or embedded
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if isinstance(xobjects, DictionaryObject):
        for ref in xobjects.values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                _fonts(xobject.get("/Resources"), seen, out)


def _pdfa_problems(reader: PdfReader, claimed: str | None, xmp: bytes) -> list[str]:
    problems = []
    root = reader.root_object
    if claimed is None:
        return ["siêu dữ liệu XMP không khai báo pdfaid:part và pdfaid:conformance"]
    if "/Filter" in cast(StreamObject, root["/Metadata"].get_object()):
        problems.append("luồng siêu dữ liệu XMP bị nén (PDF/A không cho phép)")
    found = root.get("/OutputIntents")
    intents = cast(ArrayObject, found.get_object()) if found is not None else ArrayObject()
    dicts = [cast(DictionaryObject, i.get_object()) for i in intents]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in dicts):
        problems.append("thiếu output intent GTS_PDFA1 kèm hồ sơ màu ICC")
    if reader.is_encrypted:
        problems.append("tệp bị mã hóa")
    if "/ID" not in reader.trailer:
        problems.append("phần trailer thiếu /ID")
    producer = _PRODUCER.search(xmp)
    info: dict[str, Any] = dict(reader.metadata or {})
    if producer and str(info.get("/Producer", "")) != producer.group(1).decode("utf-8"):
        problems.append("Producer của thông tin tài liệu khác với siêu dữ liệu XMP")
    return problems


def inspect_pdf(path: Path) -> PdfFacts:
    """Return the facts of the PDF at ``path``.

    Raises:
        OSError, PdfReadError: the file cannot be read as a PDF.
    """
    reader = PdfReader(path)
    fonts: dict[str, bool] = {}
    seen: set[int] = set()
    for page in reader.pages:
        _fonts(page.get("/Resources"), seen, fonts)
    unembedded = tuple(sorted(name for name, ok in fonts.items() if not ok))
    root = reader.root_object
    xmp = b""
    if "/Metadata" in root:
        try:
            xmp = cast(StreamObject, root["/Metadata"].get_object()).get_data()
        except (PdfReadError, ValueError):
            xmp = b""
    part, conformance = _PART.search(xmp), _CONFORMANCE.search(xmp)
    claimed = None
    if part and conformance:
        claimed = part.group(1).decode() + conformance.group(1).decode().upper()
    problems = _pdfa_problems(reader, claimed, xmp) if claimed else []
    if claimed and unembedded:
        problems.append("phông chưa được nhúng: " + ", ".join(unembedded))
    pdfa = claimed if claimed and not problems else None
    return PdfFacts(len(reader.pages), unembedded, pdfa, claimed, tuple(problems))
