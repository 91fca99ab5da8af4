"""The printed page: every example converted to PDF by LibreOffice, then checked by
text positions (pdfplumber): paper size, page count, page numbers, the header's two
columns, the Nơi nhận | signature block, and the text itself, diacritics included.

LibreOffice is started once for the whole module (``export_pdfs`` of the examples).
Skipped only where LibreOffice is absent; in CI (``CI`` set) a missing LibreOffice
fails instead, so that these checks never silently stop running there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from pipeline import api
from pipeline.pdf import PdfReport, export_pdfs
from tests.conftest import EXAMPLES, INPUTS, needs_libreoffice

pytestmark = needs_libreoffice

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
TOP_MARGIN = 20 * MM
TEXT_LEFT, TEXT_RIGHT = 30 * MM, (210 - 15) * MM  # the text block between the margins
TEXT_CENTRE = (TEXT_LEFT + TEXT_RIGHT) / 2
COLUMN_GAP = 12.0  # points: wider than any space between words, narrower than a column gap

#: Pages as LibreOffice lays the examples out (Liberation Serif has Times New Roman's
#: metrics, so Word breaks the same way). The seed was a 5-page programme.
EXPECTED_PAGES = {
    "chuong-trinh-hanh-dong-nq18": 5,
    "ke-hoach-dang-uy-xa": 2,
    "ke-hoach-ubnd-xa": 2,
}
NATIONAL = {
    "party": "ĐẢNG CỘNG SẢN VIỆT NAM",
    "state": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
}


@dataclass(frozen=True)
class Segment:
    """Words on one printed line with no column gap between them."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _segments(words: list[dict[str, Any]]) -> list[Segment]:
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    segments = []
    for line in lines:
        run: list[dict[str, Any]] = []
        for word in sorted(line, key=lambda w: w["x0"]):
            if run and word["x0"] - run[-1]["x1"] > COLUMN_GAP:
                segments.append(_segment(run))
                run = []
            run.append(word)
        segments.append(_segment(run))
    return segments


def _segment(words: list[dict[str, Any]]) -> Segment:
    return Segment(
        unicodedata.normalize("NFC", " ".join(w["text"] for w in words)),
        min(w["x0"] for w in words),
        max(w["x1"] for w in words),
        min(w["top"] for w in words),
        max(w["bottom"] for w in words),
    )


@dataclass(frozen=True)
class PdfPages:
    """What a test needs of one PDF: page sizes, lines by position, words in flow order."""

    sizes: list[tuple[float, float]]
    segments: list[list[Segment]]
    flow_words: list[str]

    @classmethod
    def read(cls, path: Path) -> PdfPages:
        sizes, segments, flow = [], [], []
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                sizes.append((float(page.width), float(page.height)))
                segments.append(_segments(page.extract_words()))
                flow += [
                    unicodedata.normalize("NFC", w["text"])
                    for w in page.extract_words(use_text_flow=True)
                    if w["bottom"] > TOP_MARGIN  # the page number lives in the header
                ]
        return cls(sizes, segments, flow)

    def header_zone(self, page: int) -> list[Segment]:
        """The lines printed in the top margin of page ``page`` (1-based)."""
        return [s for s in self.segments[page - 1] if s.bottom <= TOP_MARGIN]

    def find(self, text: str) -> tuple[int, Segment]:
        """Return (page, line) of the first body line that starts ``text``."""
        text = " ".join(unicodedata.normalize("NFC", text).split())
        for number, page in enumerate(self.segments, start=1):
            for segment in page:
                long_enough = len(segment.text) >= min(len(text), 6)
                if segment.bottom > TOP_MARGIN and long_enough and text.startswith(segment.text):
                    return number, segment
        raise AssertionError(f"“{text}” is not printed on any page")


def _cell_lines(cell: Any) -> list[str]:
    return [" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()]


def _docx_words(path: Path) -> list[str]:
    """The words of the .docx body in reading order: table cells row by row, left first."""
    document = docx.Document(str(path))

    def walk(element: Any) -> Iterator[str]:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                yield "".join(t.text or "" for t in child.iter(qn("w:t")))
            elif child.tag == qn("w:tbl"):
                for row in child.iter(qn("w:tr")):
                    for cell in row.iterchildren(qn("w:tc")):
                        yield from walk(cell)

    text = " ".join(walk(document.element.body))
    return unicodedata.normalize("NFC", text).split()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfReport]:
    """The examples rendered, then exported in one go: the folder and the PDF report.

    (``vanban build --pdf`` as a whole, batches included, is tested in test_pdf_batch.)
    """
    out = tmp_path_factory.mktemp("build-pdf")
    docs = [api.render_document(INPUTS / f"{name}.yaml", out).output for name in EXAMPLES]
    return out, export_pdfs(docs)


@pytest.fixture(scope="module")
def built_pdf(exported: tuple[Path, PdfReport]) -> dict[str, Path]:
    """The .docx files that were converted, by example name."""
    return {name: exported[0] / f"{name}.docx" for name in EXAMPLES}


@pytest.fixture(scope="module")
def pages(exported: tuple[Path, PdfReport]) -> dict[str, PdfPages]:
    out, _report = exported
    return {name: PdfPages.read(out / f"{name}.pdf") for name in EXAMPLES}


def _family(name: str) -> str:
    return "party" if EXAMPLES[name].startswith("party") else "state"


def test_every_example_converts_with_one_libreoffice_start(
    exported: tuple[Path, PdfReport],
) -> None:
    out, report = exported
    assert report.starts == 1
    assert not report.failed, [str(r.problem) for r in report.failed]
    assert {r.output for r in report.results} >= {out / f"{name}.pdf" for name in EXAMPLES}
    assert not list(out.glob(".*.tmp")), "a partial PDF was left behind"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_page_is_a4_portrait(pages: dict[str, PdfPages], name: str) -> None:
    for width, height in pages[name].sizes:
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_page_count_is_as_expected(
    pages: dict[str, PdfPages], exported: tuple[Path, PdfReport], name: str
) -> None:
    assert len(pages[name].sizes) == EXPECTED_PAGES[name]
    reported = {r.source.stem: r.pages for r in exported[1].results}
    assert reported[name] == EXPECTED_PAGES[name]  # LibreOffice's own count agrees


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_page_one_has_no_number_and_later_pages_are_numbered_centred_at_the_top(
    pages: dict[str, PdfPages], name: str
) -> None:
    pdf = pages[name]
    assert pdf.header_zone(1) == []
    assert not any(s.text.isdigit() for s in pdf.segments[0] if s.top < 30 * MM)
    for number in range(2, len(pdf.sizes) + 1):
        (mark,) = pdf.header_zone(number)
        assert mark.text == str(number)
        assert mark.centre == pytest.approx(TEXT_CENTRE, abs=2)  # centred on the text block
        assert 5 * MM <= mark.top <= 13 * MM  # ~10 mm from the top edge, in the margin


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_national_line_is_one_line_top_right_and_issuer_top_left(
    pages: dict[str, PdfPages], built_pdf: dict[str, Path], name: str
) -> None:
    header = docx.Document(str(built_pdf[name])).tables[0].rows[0].cells
    issuer, national = _cell_lines(header[0]), _cell_lines(header[1])
    assert national[0] == NATIONAL[_family(name)]
    pdf = pages[name]
    page, motto = pdf.find(national[0])
    assert page == 1 and motto.text == national[0], "the national line wrapped"
    assert motto.top < TOP_MARGIN + 5 * MM
    assert motto.centre > TEXT_CENTRE and motto.x1 <= TEXT_RIGHT + 1
    page, body = pdf.find(issuer[0])
    assert page == 1 and body.text == issuer[0]
    assert body.top == pytest.approx(motto.top, abs=3)  # level with the national line
    assert body.centre < TEXT_CENTRE and body.x0 >= TEXT_LEFT - 1
    assert body.x1 < motto.x0
    for line in issuer[1:]:
        page, below = pdf.find(line)
        assert page == 1 and below.top > body.top and below.centre < TEXT_CENTRE


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_signature_and_recipients_share_a_page_side_by_side(
    pages: dict[str, PdfPages], built_pdf: dict[str, Path], name: str
) -> None:
    block = docx.Document(str(built_pdf[name])).tables[-1].rows[0].cells
    recipients, signature = _cell_lines(block[0]), _cell_lines(block[1])
    assert recipients[0] == "Nơi nhận:"
    pdf = pages[name]
    page, label = pdf.find(recipients[0])
    last_page, last_item = pdf.find(recipients[-1])
    title_page, title = pdf.find(signature[0])
    name_page, signer = pdf.find(signature[-1])
    assert page == last_page == title_page == name_page == len(pdf.sizes)
    assert label.x1 < title.x0 and label.centre < TEXT_CENTRE < title.centre
    assert title.top == pytest.approx(label.top, abs=4)  # the two columns start level
    assert signer.top > title.top and signer.centre > TEXT_CENTRE
    assert last_item.top > label.top and last_item.centre < TEXT_CENTRE


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_signature_page_also_carries_body_text(
    pages: dict[str, PdfPages], built_pdf: dict[str, Path], name: str
) -> None:
    block = docx.Document(str(built_pdf[name])).tables[-1].rows[0].cells
    pdf = pages[name]
    page, label = pdf.find(_cell_lines(block[0])[0])
    # A signature alone on the last page is what a văn thư sends back: some body text
    # must come with it.
    above = [s for s in pdf.segments[page - 1] if TOP_MARGIN < s.bottom < label.top]
    assert above, f"page {page} holds nothing but the signature block"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_pdf_text_equals_docx_text_with_diacritics(
    pages: dict[str, PdfPages], built_pdf: dict[str, Path], name: str
) -> None:
    expected = _docx_words(built_pdf[name])
    printed = pages[name].flow_words
    assert printed == expected
    assert any(ch in "".join(printed) for ch in "ẢỆỘỦỨữđ")  # Vietnamese really printed
