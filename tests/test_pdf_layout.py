"""The batch method of PDF output: plans laid out together, the PDF split per commune.

One test drives LibreOffice (a few starts, batched): for every commune of the example
batch the split PDF must equal the PDF of its .docx converted alone (page count, text
with diacritics), carry no page number on page 1; a broken plan fails alone; --pdfa
writes PDF/A-2b that passes our check; the manifest's ``pdf`` entries make an
unchanged plan's PDF never made again and a changed one always. The other tests check
how pages are found and how PDF/A is recognised on small PDFs pypdf makes, without
LibreOffice.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from pipeline import api
from pipeline.errors import Problem
from pipeline.pdf import PdfReport, PdfResult, export_pdfs, layout, messages
from pipeline.pdf.inspect import inspect_pdf
from pipeline.pdf.split import Pages, part_pages
from pipeline.rendering.combine import MARK_END, MARK_START
from tests.batch_helpers import BATCH, CODE, NUMBER, example_rows, make_batch, write_roster
from tests.conftest import needs_libreoffice

# -- without LibreOffice: finding a part's pages --------------------------------------------


def _marked_pdf(tmp_path: Path, pages: int, marks: dict[str, list[int]]) -> PdfReader:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    for name, numbers in marks.items():
        for number in numbers:
            writer.add_named_destination(name, number)
    path = tmp_path / "marked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return PdfReader(path)


def _marks(spans: list[tuple[int, int]]) -> dict[str, list[int]]:
    marks: dict[str, list[int]] = {}
    for index, (first, last) in enumerate(spans):
        marks[MARK_START.format(index)] = [first]
        marks[MARK_END.format(index)] = [last]
    return marks


def test_parts_are_found_at_their_marks(tmp_path: Path) -> None:
    reader = _marked_pdf(tmp_path, 6, _marks([(0, 1), (2, 2), (3, 5)]))
    assert part_pages(reader, 3) == [Pages(0, 1), Pages(2, 2), Pages(3, 5)]
    assert [p.count for p in part_pages(reader, 3) if p] == [2, 1, 3]


def test_a_page_between_two_parts_makes_both_uncertain(tmp_path: Path) -> None:
    # Page 3 (index 2) belongs to no part: e.g. a section break pushed onto a page alone.
    reader = _marked_pdf(tmp_path, 7, _marks([(0, 1), (3, 4), (5, 6)]))
    assert part_pages(reader, 3) == [None, None, Pages(5, 6)]


def test_missing_marks_and_stray_pages_make_a_part_uncertain(tmp_path: Path) -> None:
    # A part is certain only when its neighbours' marks confirm where it starts and ends.
    marks = _marks([(0, 1), (2, 3), (4, 5), (6, 7)])
    del marks[MARK_END.format(1)]  # the end of part 1 was not exported
    reader = _marked_pdf(tmp_path, 8, marks)
    assert part_pages(reader, 4) == [None, None, None, Pages(6, 7)]

    marks = _marks([(0, 1), (2, 3), (4, 5), (6, 7)])
    marks[MARK_START.format(0)] = [1]  # a page before the first part
    reader = _marked_pdf(tmp_path, 9, marks)  # and a page after the last part
    assert part_pages(reader, 4) == [None, Pages(2, 3), Pages(4, 5), None]


def test_a_failed_layout_sends_each_of_its_plans_to_be_converted_alone(tmp_path: Path) -> None:
    parts = [layout.Part(tmp_path / f"{n}.docx", tmp_path / f"{n}.pdf") for n in range(3)]
    chunk = layout._Chunk(parts, tmp_path / "c.docx", tmp_path / "c.pdf")
    problem = Problem("c.docx", "", "", "LibreOffice không chuyển xong tệp này trong 66 giây")
    chunk.result = PdfResult(chunk.docx, None, problem=problem)
    report = PdfReport()
    assert layout._split(chunk, report) == parts
    assert report.results == []
    assert [path for path, _ in report.alone] == [p.source for p in parts]
    assert all("66 giây" in why and "chuyển sang PDF riêng" in why for _, why in report.alone)


def _xmp(part: str, conformance: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        f"<pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>{conformance}"
        "</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def test_a_pdfa_claim_without_an_output_intent_or_id_is_not_pdfa(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    metadata = DecodedStreamObject()
    metadata.set_data(_xmp("2", "B"))
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(metadata)
    claimed = tmp_path / "claimed.pdf"
    with claimed.open("wb") as handle:
        writer.write(handle)
    facts = inspect_pdf(claimed)
    assert facts.claimed == "2B" and facts.pdfa is None
    assert any("output intent GTS_PDFA1" in p for p in facts.problems)
    assert any("/ID" in p for p in facts.problems)

    profile = DecodedStreamObject()
    profile.set_data(b"not really an ICC profile, but present")
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    writer.generate_file_identifiers()
    complete = tmp_path / "complete.pdf"
    with complete.open("wb") as handle:
        writer.write(handle)
    facts = inspect_pdf(complete)
    assert facts.problems == () and facts.pdfa == "2B"
    assert facts.describe() == "PDF/A-2b, phông nhúng đủ"


# -- with LibreOffice: the example batch ----------------------------------------------------


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return unicodedata.normalize("NFC", done.stdout)


def _numbers(text: str) -> list[str]:
    """Lines that are a page number alone (not a year wrapped onto a line of its own)."""
    return [s for s in (line.strip() for line in text.splitlines()) if s.isdigit() and len(s) < 3]


def _manifest(folder: Path) -> dict[str, Any]:
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {item["commune"]["code"]: item for item in document["documents"]} | {
        "tat-ca": document["combined"]
    }


def _assert_split_equals_alone(
    plans: dict[str, Path], alone_dir: Path, entries: dict[str, Any], combined: Path
) -> None:
    """Each plan's split PDF/A equals its PDF/A converted alone; tat-ca.pdf holds all."""
    combined_text = _text(combined)
    for code, plan in plans.items():
        split, single = plan.with_suffix(".pdf"), alone_dir / f"{plan.stem}.pdf"
        facts = inspect_pdf(split)
        assert facts.pdfa == "2B" and facts.fonts_embedded, (code, facts)
        assert facts.pages == inspect_pdf(single).pages == 2, code
        assert _text(split) == _text(single), code
        assert _text(split) in combined_text
        name = str(entries[code]["commune"]["name"])
        first_page = " ".join(_text(split, 1).split())
        assert name.split(" ", 1)[1].upper() in first_page, code  # diacritics kept
        assert _numbers(_text(split, 1)) == [], code  # page 1: no page number
        assert _numbers(_text(split, 2)) == ["2"], code
    assert inspect_pdf(combined).pdfa == "2B"


def _hiding(index: int) -> Callable[[PdfReader, int], list[Pages | None]]:
    """``part_pages`` as if part ``index``'s marks had not been found."""

    def found(reader: PdfReader, count: int) -> list[Pages | None]:
        pages = part_pages(reader, count)
        pages[index] = None
        return pages

    return found


@needs_libreoffice
def test_split_pdfs_equal_each_plan_converted_alone_and_a_broken_plan_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = example_rows()
    spec = make_batch(tmp_path / "in", rows)
    build = tmp_path / "build"
    folder = build / BATCH
    report = api.build_batch(spec, build)
    assert report.ok and report.total == len(rows) - 1 == 43
    plans = {
        item["commune"]["code"]: folder / item["output"]["path"]
        for item in _manifest(folder).values()
        if "commune" in item
    }
    broken = plans[rows[5][CODE]]
    good = broken.read_bytes()
    broken.write_bytes(good[:3000])  # a truncated plan: not even a zip any more

    uncertain = plans[rows[21][CODE]]  # the 20th plan laid out (the broken one is not)
    monkeypatch.setattr(layout, "part_pages", _hiding(19))  # the 20th plan's marks lost
    pdfs = api.batch_pdfs([report], jobs=2)
    monkeypatch.undo()
    assert pdfs.starts == pdfs.layouts == 1  # 43 plans: a second LibreOffice costs more
    assert [r.source for r in pdfs.failed] == [broken] and len(pdfs.results) == 43
    assert "Không phải tệp Word" in str(pdfs.failed[0].problem)
    assert uncertain.with_suffix(".pdf").is_file()  # converted on its own, and said so
    assert pdfs.alone == [(broken, messages.NOT_JOINED), (uncertain, messages.PAGES_UNCERTAIN)]
    assert not (folder / "tat-ca.pdf").exists()
    assert "1 văn bản chưa có PDF" in str(pdfs.combined[0].problem)
    entries = _manifest(folder)
    assert "pdf" not in entries[rows[5][CODE]] and "pdf" not in entries["tat-ca"]

    # The next run makes the broken plan again; --pdfa remakes every PDF as PDF/A-2b.
    report = api.build_batch(spec, build)
    assert report.rendered == 1
    pdfa = api.batch_pdfs([report], jobs=2, pdfa=True)
    assert not pdfa.failed and len(pdfa.results) == 43 and not pdfa.alone
    assert pdfa.combined[0].ok and pdfa.combined[0].pages == 86
    alone_dir = tmp_path / "alone"
    alone = export_pdfs(list(plans.values()), alone_dir, workers=2, pdfa=True)
    assert alone.starts == 2 and not alone.failed
    _assert_split_equals_alone(plans, alone_dir, entries, folder / "tat-ca.pdf")

    # Nothing changed: no PDF is made again. One commune changed: only it and tat-ca.pdf.
    entries = _manifest(folder)
    assert all(item["pdf"]["pdfa"] is True for item in entries.values())
    again = api.batch_pdfs([api.build_batch(spec, build)], jobs=2, pdfa=True)
    assert again.results == [] and again.starts == 0
    rows[9][NUMBER] = "99"
    write_roster(tmp_path / "in", rows)
    changed = api.build_batch(spec, build)
    assert changed.rendered == 1
    remade = api.batch_pdfs([changed], jobs=2, pdfa=True)
    assert [r.source for r in remade.results] == [plans[rows[9][CODE]]]
    assert [r.output for r in remade.combined] == [folder / "tat-ca.pdf"]
    assert "Số 99-KH" in _text(plans[rows[9][CODE]].with_suffix(".pdf"), 1)
    after = _manifest(folder)
    for code, item in after.items():
        if code not in (rows[9][CODE], "tat-ca"):
            assert item["pdf"] == entries[code]["pdf"], code
    assert after[rows[9][CODE]]["pdf"] != entries[rows[9][CODE]]["pdf"]
