"""The printed appendices and footnotes (LibreOffice → PDF, read with pdfplumber):
each appendix starts its own page, the landscape appendix's page is landscape, page
numbers run on, and a footnote sits at the foot of the page that refers to it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from pipeline import api
from pipeline.pdf import export_pdfs
from tests.conftest import INPUTS, needs_libreoffice

pytestmark = needs_libreoffice

EXAMPLE = INPUTS / "examples" / "van-ban" / "ke-hoach-phu-luc.yaml"


def _lines(page: Any) -> list[tuple[float, str]]:
    """Return the page's text lines, top to bottom: (top, text)."""
    rows: dict[int, list[Any]] = {}
    for word in page.extract_words(keep_blank_chars=False, use_text_flow=False):
        rows.setdefault(round(word["top"] / 3), []).append(word)
    out = []
    for key in sorted(rows):
        words = sorted(rows[key], key=lambda w: w["x0"])
        text = " ".join(unicodedata.normalize("NFC", w["text"]) for w in words)
        out.append((min(w["top"] for w in words), text))
    return out


@pytest.fixture(scope="module")
def pdf_pages(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("appendix-pdf")
    docx_path = api.render_document(EXAMPLE, out).output
    report = export_pdfs([docx_path])
    assert not report.failed, report.summary()
    pages = []
    with pdfplumber.open(Path(docx_path).with_suffix(".pdf")) as pdf:
        for page in pdf.pages:
            pages.append({"width": page.width, "height": page.height, "lines": _lines(page)})
    return pages


def _texts(page: dict[str, Any]) -> list[str]:
    return [text for _, text in page["lines"]]


def test_each_appendix_starts_its_own_page(pdf_pages: list[dict[str, Any]]) -> None:
    starts = {}
    for number, page in enumerate(pdf_pages, start=1):
        texts = _texts(page)
        for title in ("PHỤ LỤC I", "PHỤ LỤC II"):
            if title in texts:
                starts[title] = number
                # Only the page number is above the title.
                assert texts.index(title) == 1 and texts[0] == str(number)
    assert set(starts) == {"PHỤ LỤC I", "PHỤ LỤC II"}
    assert starts["PHỤ LỤC II"] > starts["PHỤ LỤC I"]
    signature_page = next(
        n for n, page in enumerate(pdf_pages, start=1) if "Nguyễn Văn Bình" in _texts(page)
    )
    assert starts["PHỤ LỤC I"] == signature_page + 1
    assert not any("PHỤ LỤC" in t for t in _texts(pdf_pages[signature_page - 1]))


def test_the_landscape_appendix_is_printed_landscape(pdf_pages: list[dict[str, Any]]) -> None:
    orientation = [
        ("PHỤ LỤC II" in _texts(page), page["width"] > page["height"]) for page in pdf_pages
    ]
    landscape = [index for index, (_, wide) in enumerate(orientation) if wide]
    assert landscape and all(orientation[i][0] for i in landscape[:1])
    assert not orientation[0][1]  # the document itself stays portrait
    assert landscape == list(range(landscape[0], len(pdf_pages)))


def test_footnote_sits_at_the_foot_of_its_page(pdf_pages: list[dict[str, Any]]) -> None:
    first = pdf_pages[0]
    lines = first["lines"]
    note = next(top for top, text in lines if "Nghị quyết số 25/NQ-HĐND" in text)
    body = next(top for top, text in lines if text.startswith("Căn cứ Nghị quyết"))
    assert note > first["height"] * 0.75
    assert note > body
    below = [text for top, text in lines if top > note]
    assert any("Gồm tiền sử dụng đất" in text for text in below)
