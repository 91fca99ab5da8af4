"""Real documents (issue 14, part B): tables with merged cells and computed totals,
appendices after the signature (one landscape), footnotes as Word footnotes.

The example inputs/examples/van-ban/ke-hoach-phu-luc.yaml is rendered and read back with
python-docx and lxml: what the document says and how it is laid out.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.api import render_bytes
from pipeline.batch import plan_batch
from pipeline.batch.fill import RowPlace, commune_document
from pipeline.cli import main
from pipeline.compliance import StyleResolver
from pipeline.context.appendix import caption, organ_name
from pipeline.context.tables import grid_table, vn_number
from pipeline.errors import TemplateProblem
from pipeline.loading import load_document
from pipeline.models.blocks import Table as TableModel
from pipeline.templates import builtin_dir
from tests.batch_helpers import (
    AFTER,
    BATCH,
    BEFORE,
    ISSUER,
    QUOTA,
    REDUCTION,
    example_rows,
    make_batch,
    plans,
)
from tests.conftest import INPUTS

EXAMPLE = INPUTS / "examples" / "van-ban" / "ke-hoach-phu-luc.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered() -> bytes:
    data, _ = render_bytes(load_document(EXAMPLE))
    return data


@pytest.fixture(scope="module")
def document(rendered: bytes) -> Document:
    return docx.Document(io.BytesIO(rendered))


def _body_elements(document: Document) -> list[etree._Element]:
    return list(document.element.body)


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _table_with(document: Document, text: str) -> Table:
    for table in document.tables:
        if any(text in cell.text for row in table.rows for cell in row.cells):
            return table
    raise AssertionError(f"no table holds {text!r}")


# -- appendices -------------------------------------------------------------------------


def test_appendices_follow_the_closing_table_each_on_a_new_page(document: Document) -> None:
    body = _body_elements(document)
    closing = next(
        i for i, el in enumerate(body) if el.tag == f"{W}tbl" and "Nơi nhận" in _text(el)
    )
    titles = [i for i, el in enumerate(body) if _text(el).startswith("PHỤ LỤC")]
    assert [_text(body[i]) for i in titles] == ["PHỤ LỤC I", "PHỤ LỤC II"]
    assert all(i > closing for i in titles)
    resolver = StyleResolver(document)
    assert document.styles["VB Phu luc"].paragraph_format.page_break_before is True
    for index in titles:
        paragraph = Paragraph(body[index], document._body)
        assert paragraph.style is not None and paragraph.style.name == "VB Phu luc"
        assert paragraph.paragraph_format.page_break_before is None  # the style's
        name = _text(body[index + 1])
        assert name in {
            "NHIỆM VỤ CỤ THỂ CỦA CÁC CƠ QUAN, ĐƠN VỊ",
            "CHỈ TIÊU PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM 2027 THEO THÔN",
        }
        caption_para = Paragraph(body[index + 2], document._body)
        assert caption_para.text == (
            "(Kèm theo Kế hoạch số 112/KH-UBND ngày 14/11/2026 của Ủy ban nhân dân xã Tân Lập)"
        )
        assert resolver.run_format(caption_para._p, caption_para.runs[0]._r).italic
        subtitle = Paragraph(body[index + 1], document._body)
        assert resolver.run_format(subtitle._p, subtitle.runs[0]._r).bold


def test_landscape_appendix_is_a_landscape_section(document: Document) -> None:
    sections = document.sections
    assert len(sections) == 2
    first, last = sections
    assert first.orientation == WD_ORIENT.PORTRAIT and first.page_width < first.page_height
    assert first.different_first_page_header_footer  # no number on the first page
    assert last.orientation == WD_ORIENT.LANDSCAPE
    assert (last.page_width, last.page_height) == (first.page_height, first.page_width)
    assert not last.different_first_page_header_footer  # numbered from its first page
    # The section break ends the portrait part right before Phụ lục II.
    body = _body_elements(document)
    breaks = [i for i, el in enumerate(body) if el.find(f"{W}pPr/{W}sectPr") is not None]
    title = next(i for i, el in enumerate(body) if _text(el) == "PHỤ LỤC II")
    assert breaks == [title - 1]


def test_draft_caption_leaves_number_and_day_blank(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    draft = text.replace("so: 112\n", "").replace("ngay: 14/11/2026\n", "nam: 2027\n")
    path = tmp_path / "du-thao.yaml"
    path.write_text(draft, encoding="utf-8")
    gap = "\u00a0" * 6
    assert caption(load_document(path)) == (
        f"(Kèm theo Kế hoạch số {gap}/KH-UBND ngày {gap}/{gap}/2027 của Ủy ban nhân dân xã Tân Lập)"
    )


_PARTY_APPENDIX = """
phu_luc:
  - ten: DANH SÁCH CHI BỘ^[Theo Quyết định số 12-QĐ/ĐU ngày 02/01/2026.]
    noi_dung:
      - bang:
          tieu_de: [STT, Chi bộ, Số đảng viên]
          hang:
            - [1, Chi bộ thôn Đông, 45]
            - [2, Chi bộ thôn Tây, 1032]
            - {kieu: tong, o: ["", "**Cộng**", {tinh: tong}]}
"""


def test_party_appendix_caption_and_footnote_in_its_name(tmp_path: Path) -> None:
    path = tmp_path / "dang.yaml"
    source = (INPUTS / "ke-hoach-dang-uy-xa.yaml").read_text(encoding="utf-8")
    path.write_text(source + _PARTY_APPENDIX, encoding="utf-8")
    record = load_document(path)
    assert organ_name(record) == "Đảng uỷ xã Phú Đình"
    data, _ = render_bytes(record)
    document = docx.Document(io.BytesIO(data))
    body = _body_elements(document)
    title = next(i for i, el in enumerate(body) if _text(el) == "PHỤ LỤC")  # the only one
    assert _text(body[title + 1]) == "DANH SÁCH CHI BỘ"
    refs = body[title + 1].findall(f".//{W}footnoteReference")
    assert [r.get(f"{W}id") for r in refs] == ["1"]
    assert _text(body[title + 2]) == (
        "(Kèm theo Kế hoạch số 12-KH/ĐU, ngày 15/09/2026 của Đảng uỷ xã Phú Đình)"
    )
    table = _table_with(document, "Chi bộ thôn Tây")
    assert [c.text for c in table.rows[-1].cells] == ["", "Cộng", "1.077"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "Theo Quyết định số 12-QĐ/ĐU" in archive.read("word/footnotes.xml").decode()


# -- tables -----------------------------------------------------------------------------


def _tc_props(cell: etree._Element) -> tuple[int, str | None]:
    span = cell.find(f"{W}tcPr/{W}gridSpan")
    merge = cell.find(f"{W}tcPr/{W}vMerge")
    value = None if merge is None else (merge.get(f"{W}val") or "continue")
    return (int(span.get(f"{W}val")) if span is not None else 1, value)


def test_merged_header_cells(document: Document) -> None:
    table = _table_with(document, "Hộ cận nghèo")._tbl
    rows = table.findall(f"{W}tr")
    first = [(_text(tc), *_tc_props(tc)) for tc in rows[0].findall(f"{W}tc")]
    assert first == [
        ("STT", 1, "restart"),
        ("Thôn", 1, "restart"),
        ("Số hộ", 2, None),
        ("Hộ nghèo", 2, None),
        ("Hộ cận nghèo", 2, None),
        ("Ghi chú", 1, "restart"),
    ]
    second = [(_text(tc), *_tc_props(tc)) for tc in rows[1].findall(f"{W}tc")]
    assert second[0] == ("", 1, "continue") and second[1] == ("", 1, "continue")
    assert second[-1] == ("", 1, "continue")
    assert [t for t, *_ in second[2:-1]] == ["Năm 2026", "Năm 2027"] * 3
    index_row = [_text(tc) for tc in rows[2].findall(f"{W}tc")]
    assert index_row == [f"({n})" for n in range(1, 10)]
    # The two header rows and the index row repeat on every page; no row splits.
    for row in rows:
        assert row.find(f"{W}trPr/{W}cantSplit") is not None
    assert [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows[:4]] == [
        True,
        True,
        True,
        False,
    ]


def test_computed_totals_printed_the_vietnamese_way_in_bold(document: Document) -> None:
    table = _table_with(document, "Thu phí, lệ phí")
    last = table.rows[-1]
    assert [c.text for c in last.cells] == ["", "Tổng cộng", "13.345,25", "14.030,5"]
    runs = last._tr.findall(f".//{W}r")
    assert runs and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)
    assert "**" not in "".join(c.text for row in table.rows for c in row.cells)
    assert table.rows[2].cells[2].text == "12.500"
    assert table.rows[2].cells[3].text == "13.120,5"
    unit = table._tbl.getprevious()
    assert _text(unit) == "Đơn vị tính: triệu đồng"
    assert unit.find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"
    assert unit.find(f".//{W}rPr/{W}i") is not None


def test_group_subtotal_and_total_rows(document: Document) -> None:
    table = _table_with(document, "Thôn Nà Pồng")
    texts = [[c.text for c in row.cells] for row in table.rows]
    subtotals = [row for row in texts if row[1] == "Cộng"]
    assert subtotals[0][2:8] == ["2.230", "2.277", "59", "46", "71", "64"]
    assert subtotals[1][2:8] == ["412", "420", "58", "47", "39", "35"]
    total = next(row for row in texts if row[1] == "Tổng cộng")
    assert total[2:8] == ["2.642", "2.697", "117", "93", "110", "99"]
    group = next(row for row in table.rows if "Khu vực trung tâm" in row.cells[1].text)
    tc = group._tr.findall(f"{W}tc")[1]
    assert _tc_props(tc) == (8, None)
    run = tc.find(f".//{W}r")
    assert run.find(f"{W}rPr/{W}b") is not None and run.find(f"{W}rPr/{W}i") is not None


def test_cell_with_several_paragraphs_and_empty_cells(document: Document) -> None:
    table = _table_with(document, "Thôn Đông;")
    cell = next(c for row in table.rows for c in row.cells if "dồn điền" in c.text)
    assert [p.text for p in cell.paragraphs] == [
        "Hoàn thành dồn điền, đổi thửa ở các thôn:",
        "- Thôn Đông;",
        "- Thôn Tây.",
    ]
    empty = next(row for row in table.rows if "chuyển đổi cây trồng" in row.cells[1].text)
    assert empty.cells[3].text == ""
    italic = next(c for row in table.rows for c in row.cells if "100%" in c.text)
    runs = italic.paragraphs[0].runs
    assert [(r.text, bool(r.italic)) for r in runs][-1] == ("100%", True)


def test_vn_number() -> None:
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(-12) == "-12"
    assert vn_number(Decimal("0.25")) == "0,25"
    assert vn_number(100) == "100"


def test_hundreds_of_rows() -> None:
    rows = [[n, f"Hộ {n}", n * 10] for n in range(1, 501)]
    table = TableModel.model_validate(
        {
            "tieu_de": ["STT", "Tên", "Số"],
            "hang": [*rows, {"kieu": "tong", "o": ["", "Tổng", {"tinh": "tong"}]}],
        }
    )
    grid = grid_table(table, 9355)
    assert len(grid.luoi) == 502
    assert grid.luoi[-1].cells[2].paragraphs[0][0].text == vn_number(sum(range(1, 501)) * 10)


# -- footnotes --------------------------------------------------------------------------


def test_footnotes_are_word_footnotes(rendered: bytes, document: Document) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered)) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert 'Target="footnotes.xml"' in rels
    assert 'PartName="/word/footnotes.xml"' in types
    texts = {
        note.get(f"{W}id"): _text(note).strip()
        for note in notes.findall(f"{W}footnote")
        if note.get(f"{W}type") is None
    }
    assert texts == {
        "1": "Nghị quyết số 25/NQ-HĐND ngày 10/11/2026 của Hội đồng nhân dân xã Tân Lập về "
        "nhiệm vụ phát triển kinh tế - xã hội năm 2027.",
        "2": "Gồm tiền sử dụng đất và tiền thuê đất.",
    }
    body = next(p for p in document.paragraphs if p.text.startswith("Căn cứ Nghị quyết"))
    refs = body._p.findall(f".//{W}footnoteReference")
    assert [r.get(f"{W}id") for r in refs] == ["1"]
    assert "kế hoạch phát triển kinh tế - xã hội năm 2027, Ủy ban" in body.text
    cell = next(
        c for t in document.tables for row in t.rows for c in row.cells if c.text == "Thu từ đất"
    )
    assert [r.get(f"{W}id") for r in cell._tc.findall(f".//{W}footnoteReference")] == ["2"]


def test_document_without_footnotes_adds_no_part() -> None:
    data, _ = render_bytes(load_document(INPUTS / "ke-hoach-ubnd-xa.yaml"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "word/footnotes.xml" not in archive.namelist()
        assert "footnotes" not in archive.read("word/_rels/document.xml.rels").decode()


# -- bad input --------------------------------------------------------------------------

_BAD_TABLES = {
    "too-many-cells": (
        "tieu_de: [STT, Tên]\n          hang:\n            - [1, a, b]",
        "Hàng thứ 1 của bảng có nhiều ô hơn số cột của bảng (2 cột)",
    ),
    "overlap": (
        "tieu_de: [A, B, C]\n          hang:\n"
        "            - [x, {o: y, gop_hang: 2}, z]\n"
        "            - [{o: w, gop_cot: 2}, v]",
        "Hàng thứ 2 của bảng: ô “w” gộp 2 cột, đè lên ô đã gộp hàng từ hàng trên (cột 2)",
    ),
    "text-in-total-column": (
        "tieu_de: [A, B]\n          hang:\n"
        "            - [x, trên 80]\n"
        "            - {kieu: tong, o: [Tổng, {tinh: tong}]}",
        "Cột 2 có ô tính tổng (tinh: tong) nhưng hàng thứ 1 của bảng ghi chữ “trên 80”",
    ),
}

_RECORD = """\
khoi: nha_nuoc
co_quan:
  ban_hanh: [ỦY BAN NHÂN DÂN, XÃ TÂN LẬP]
  viet_tat: UBND
  dia_danh: Tân Lập
loai: Kế hoạch
nam: 2027
trich_yeu: Thử bảng
noi_dung:
  - doan: Mở đầu.
chu_ky:
  chuc_vu: CHỦ TỊCH
  ho_ten: Nguyễn Văn Bình
phu_luc:
  - ten: BẢNG
    noi_dung:
      - bang:
          {table}
"""


@pytest.mark.parametrize("case", sorted(_BAD_TABLES))
def test_bad_table_is_a_validation_problem_and_nothing_is_written(
    tmp_path: Path, case: str
) -> None:
    table, message = _BAD_TABLES[case]
    path = tmp_path / "bang-sai.yaml"
    path.write_text(_RECORD.format(table=table), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "dòng 19" in result.output
    assert "Các hàng của bảng" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    out = tmp_path / "ra.docx"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bang-sai.yaml"]


# -- a batch fills an appendix per commune ---------------------------------------------

_COMMUNE_APPENDIX = """
phu_luc:
  - ten: CHỈ TIÊU SẮP XẾP CỦA {{ xa.ban_hanh }}
    ngang: true
    noi_dung:
      - bang:
          tieu_de:
            - [{o: Chỉ tiêu, gop_hang: 2}, {o: Số lượng, gop_cot: 2}]
            - [Trước, Sau]
          hang:
            - ["Thôn, tổ dân phố", "{{ xa.thon_truoc }}", "{{ xa.thon_sau }}"]
            - [Biên chế, "{{ xa.bien_che }}", "{{ xa.bien_che_sau }}"]
            - {kieu: tong, o: ["**Cộng**", {tinh: tong}, {tinh: tong}]}
"""


def test_a_batch_fills_an_appendix_per_commune(tmp_path: Path) -> None:
    rows = example_rows()[:3]
    spec = make_batch(tmp_path / "dot", rows)
    base = spec.parent / "ke-hoach-sap-xep.goc.yaml"
    base.write_text(base.read_text(encoding="utf-8") + _COMMUNE_APPENDIX, encoding="utf-8")
    out = tmp_path / "ra"
    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    made = plans(out / BATCH)
    assert len(made) == 2
    documents = {path: docx.Document(str(path)) for path in made}
    for row in rows[1:]:
        title = f"CHỈ TIÊU SẮP XẾP CỦA {row[ISSUER]}"
        (document,) = [d for d in documents.values() if any(p.text == title for p in d.paragraphs)]
        assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
        table = _table_with(document, "Biên chế")
        before, after = int(row[BEFORE]), int(row[AFTER])
        quota, reduction = int(row[QUOTA]), int(row[REDUCTION])
        assert [c.text for c in table.rows[2].cells] == [
            "Thôn, tổ dân phố",
            str(before),
            str(after),
        ]
        assert [c.text for c in table.rows[-1].cells] == [
            "Cộng",
            vn_number(before + quota),
            vn_number(after + quota - reduction),
        ]
    # The batch's fast path writes what rendering the commune's record alone writes.
    plan = plan_batch(spec)
    for job in plan.jobs:
        path = out / BATCH / f"{job.slug}.docx"
        place = RowPlace(plan.roster.source, job.row, plan.roster.headers)
        record = commune_document(plan.data, plan.uses, job.commune, place)
        alone, _ = render_bytes(record)
        with zipfile.ZipFile(io.BytesIO(alone)) as a, zipfile.ZipFile(path) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml")


def test_a_template_without_the_appendix_loop_says_so(tmp_path: Path) -> None:
    """A template exported before appendices existed: a problem, not a silent loss."""
    folder = tmp_path / "mau"
    folder.mkdir()
    template = docx.Document(str(builtin_dir() / "nha-nuoc-ke-hoach.docx"))
    paragraphs = template.element.body.findall(f"{W}p")
    start = next(i for i, p in enumerate(paragraphs) if "for a in phu_luc" in _text(p))
    for paragraph in paragraphs[start:]:  # the loop and its section breaks
        paragraph.getparent().remove(paragraph)
    template.save(str(folder / "nha-nuoc-ke-hoach.docx"))
    with pytest.raises(TemplateProblem) as caught:
        render_bytes(load_document(EXAMPLE), folder)
    (problem,) = caught.value.problems
    assert "mẫu không có chỗ đặt phụ lục" in problem.message
    assert "vanban templates export" in problem.message


def test_portrait_appendix_after_a_landscape_one(tmp_path: Path) -> None:
    path = tmp_path / "ba-phu-luc.yaml"
    third = "  - ten: DANH SÁCH THÔN\n    noi_dung:\n      - doan: Thôn Đông, thôn Tây.\n"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + third, encoding="utf-8")
    data, _ = render_bytes(load_document(path))
    document = docx.Document(io.BytesIO(data))
    layout = [(s.orientation, s.different_first_page_header_footer) for s in document.sections]
    assert layout == [
        (WD_ORIENT.PORTRAIT, True),
        (WD_ORIENT.LANDSCAPE, False),
        (WD_ORIENT.PORTRAIT, False),
    ]
    body = _body_elements(document)
    breaks = [i for i, el in enumerate(body) if el.find(f"{W}pPr/{W}sectPr") is not None]
    titles = [i for i, el in enumerate(body) if _text(el).startswith("PHỤ LỤC")]
    assert [_text(body[i]) for i in titles] == ["PHỤ LỤC I", "PHỤ LỤC II", "PHỤ LỤC III"]
    assert breaks == [titles[1] - 1, titles[2] - 1]
