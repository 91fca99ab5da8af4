"""The paragraphs of a document in reading order, with where each sits and how wide it is.

Detection works on these: text is NFC with white space folded (a draft's no-break
spaces become one space), and each paragraph knows its table cell and the width
available to it, so that a border line's length can be measured.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pipeline.compliance.package import W_NS, w, wattr
from pipeline.compliance.reader import TWIPS_PER_MM
from pipeline.compliance.report import Location

NS = {
    "w": W_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
_TEXT = "w:t|w:tab|w:br|w:cr|w:noBreakHyphen"
_OWN = "[not(ancestor::w:txbxContent)]"
# Compiled once: a check runs them on every paragraph of every document.
_TEXT_NODES = etree.XPath(f".//*[self::{_TEXT.replace('|', ' or self::')}]{_OWN}", namespaces=NS)
_RUNS = etree.XPath(f".//w:r{_OWN}", namespaces=NS)
_PARAS = etree.XPath(f".//w:p{_OWN}", namespaces=NS)
_EXTENTS = etree.XPath(f".//wp:extent{_OWN}", namespaces=NS)
_VML_LINES = etree.XPath(f".//v:line{_OWN}", namespaces=NS)
_VML_SHAPES = etree.XPath(f".//v:rect{_OWN}|.//v:shape{_OWN}", namespaces=NS)
EXCERPT = 70


def fold(text: str) -> str:
    """Return ``text`` in NFC with runs of white space (incl. no-break spaces) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_T, _TAB, _BR, _CR, _NB_HYPHEN, _TEXT_BOX = (
    f"{{{W_NS}}}{tag}" for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "txbxContent")
)


def paragraph_text(p: Any) -> str:
    """Return the visible text of paragraph ``p`` (tabs and breaks as spaces), unfolded."""
    found = text_pieces(p)
    # A text box's own paragraphs are not this one's text: a paragraph holding one
    # (rare) takes the slower XPath that leaves them out.
    return "".join(found[0]) if found is not None else _boxed_paragraph_text(p)


def text_pieces(p: Any) -> tuple[list[str], dict[int, int]] | None:
    """Return the pieces of paragraph ``p``'s visible text, in order (each w:t's text,
    a space for a tab or break, "-" for a non-breaking hyphen), and where each w:t's
    piece is (by the element's id); None when ``p`` holds a text box."""
    out: list[str] = []
    where: dict[int, int] = {}
    for node in p.iter(_T, _TAB, _BR, _CR, _NB_HYPHEN, _TEXT_BOX):  # one pass, in order
        tag = node.tag
        if tag == _T:
            where[id(node)] = len(out)
            out.append(node.text or "")
        elif tag == _TEXT_BOX:
            return None
        elif tag == _NB_HYPHEN:
            out.append("-")
        else:
            out.append(" ")
    return out, where


def _boxed_paragraph_text(p: Any) -> str:
    out = []
    for node in _TEXT_NODES(p):
        tag = node.tag
        if tag == _T:
            out.append(node.text or "")
        elif tag == _NB_HYPHEN:
            out.append("-")
        else:
            out.append(" ")
    return "".join(out)


def text_runs(p: Any) -> list[Any]:
    """Return the runs of ``p`` that print something other than white space."""
    runs = _RUNS(p)
    return [r for r in runs if "".join(t.text or "" for t in r.findall(w("t"))).strip()]


@dataclass(frozen=True)
class Para:
    """One paragraph: its element, folded text, reading-order index and place."""

    el: Any
    text: str
    index: int
    table: int | None = None
    row: int | None = None
    col: int | None = None
    width_mm: float = 0.0
    part: str = "word/document.xml"

    @property
    def cell(self) -> tuple[int, int, int] | None:
        """Return (table, row, column) when the paragraph is in a table cell."""
        if self.table is None or self.row is None or self.col is None:
            return None
        return (self.table, self.row, self.col)

    def with_text(self, text: str) -> Para:
        """Return this paragraph with another text (its words were rewritten)."""
        return Para(
            self.el, text, self.index, self.table, self.row, self.col, self.width_mm, self.part
        )

    def location(self) -> Location:
        """Return where this paragraph is, in Vietnamese, with an excerpt of its text."""
        if self.cell is not None:
            where = f"bảng {self.table}, hàng {self.row}, cột {self.col}"
        else:
            where = f"đoạn thứ {self.index + 1}"
        if self.part != "word/document.xml":
            where = f"{_part_label(self.part)}, {where}"
        excerpt = self.text if len(self.text) <= EXCERPT else self.text[: EXCERPT - 1] + "…"
        return Location(self.part, where, excerpt)


def _part_label(part: str) -> str:
    if "header" in part:
        return f"đầu trang ({part})"
    if "footer" in part:
        return f"chân trang ({part})"
    return part


def text_width(body: Any) -> float:
    """Return the width of the text block of the document's first section, in mm (the
    one holding the header, the title and the body; a landscape appendix may follow)."""
    sect = next(body.iter(w("sectPr")), None)
    size = sect.find(w("pgSz")) if sect is not None else None
    margins = sect.find(w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return 165.0
    width = int(wattr(size, "w") or 11906)
    left = int(wattr(margins, "left") or 0)
    right = int(wattr(margins, "right") or 0)
    return (width - left - right) / TWIPS_PER_MM


def _cell_widths(tbl: Any, default_mm: float) -> list[list[float]]:
    grid = [int(wattr(g, "w") or 0) for g in tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")]
    rows: list[list[float]] = []
    for tr in tbl.findall(w("tr")):
        widths, position = [], 0
        for tc in tr.findall(w("tc")):
            pr = tc.find(w("tcPr"))
            span_node = pr.find(w("gridSpan")) if pr is not None else None
            span = int(wattr(span_node, "val") or 1) if span_node is not None else 1
            tcw = pr.find(w("tcW")) if pr is not None else None
            twips = sum(grid[position : position + span])
            if tcw is not None and wattr(tcw, "type") == "dxa" and int(wattr(tcw, "w") or 0):
                twips = int(wattr(tcw, "w") or 0)
            widths.append(twips / TWIPS_PER_MM if twips else default_mm / 2)
            position += span
        rows.append(widths)
    return rows


def flatten(body: Any) -> list[Para]:
    """Return the body's paragraphs in reading order (table cells row by row, left first)."""
    page = text_width(body)
    out: list[Para] = []
    tables = 0
    for child in _children(body):
        if child.tag == w("p"):
            out.append(Para(child, fold(paragraph_text(child)), len(out), width_mm=page))
        elif child.tag == w("tbl"):
            tables += 1
            widths = _cell_widths(child, page)
            for r, tr in enumerate(child.findall(w("tr")), start=1):
                for c, tc in enumerate(tr.findall(w("tc")), start=1):
                    width = widths[r - 1][c - 1]
                    for p in _PARAS(tc):
                        text = fold(paragraph_text(p))
                        out.append(Para(p, text, len(out), tables, r, c, width))
    return out


def _children(element: Any) -> Iterator[Any]:
    for child in element.iterchildren():
        if child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content)
        elif child.tag in (w("p"), w("tbl")):
            yield child


def part_paragraphs(root: Any, part: str) -> list[Para]:
    """Return the paragraphs of a header or footer part."""
    return [Para(p, fold(paragraph_text(p)), i, part=part) for i, p in enumerate(_PARAS(root))]


_LENGTH = re.compile(r"(-?[0-9.]+)\s*(pt|in|mm|cm|px)?")
_UNIT_MM = {"pt": 25.4 / 72, "in": 25.4, "mm": 1.0, "cm": 10.0, "px": 25.4 / 96, None: 25.4 / 72}


def _vml_length(value: str | None) -> float | None:
    match = _LENGTH.match((value or "").strip())
    if not match:
        return None
    return float(match.group(1)) * _UNIT_MM[match.group(2)]


def drawn_line_mm(p: Any) -> float | None:
    """Return the length in mm of a horizontal line drawn in ``p`` (shape), or None."""
    for extent in _EXTENTS(p):
        cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
        if cx > 0 and cy <= 54000:  # at most 1.5 mm high: a line, not a picture
            return cx / 36000
    for line in _VML_LINES(p):
        start = [_vml_length(x) for x in (line.get("from") or "0,0").split(",")]
        end = [_vml_length(x) for x in (line.get("to") or "0,0").split(",")]
        if None not in start and None not in end and len(start) == len(end) == 2:
            return abs((end[0] or 0) - (start[0] or 0))
    for shape in _VML_SHAPES(p):
        style = dict(
            item.split(":", 1) for item in (shape.get("style") or "").split(";") if ":" in item
        )
        width, height = _vml_length(style.get("width")), _vml_length(style.get("height"))
        if width and (height is None or height <= 1.5):
            return width
    return None
