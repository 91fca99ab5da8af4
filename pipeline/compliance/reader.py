"""Read a .docx back the way Word shows it: effective formatting, reading order.

python-docx reports only direct formatting (``run.font.size`` is None when the size
comes from a style). Here each property is resolved through the run, its character
style, the paragraph style chain and the document defaults, so a document made in
Word or saved by LibreOffice reads the same as one of ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

_FONT_ATTRS = ("ascii", "hAnsi", "cs", "eastAsia")
_ALIGN = {
    "both": "justify",
    "center": "center",
    "left": "left",
    "start": "left",
    "right": "right",
    "end": "right",
    "distribute": "justify",
}


@dataclass(frozen=True)
class RunFormat:
    """Effective formatting of a run: fonts per script, size (pt), emphasis."""

    fonts: tuple[str | None, ...]
    size: float | None
    bold: bool
    italic: bool
    underline: bool
    caps: bool


@dataclass(frozen=True)
class ParagraphFormat:
    """Effective paragraph layout: alignment, indents (mm), spacing (pt), line rule."""

    align: str
    first_line_mm: float
    left_mm: float
    space_before: float
    space_after: float
    line_rule: str | None
    line_value: float | None


def _on(node: Any) -> bool:
    val = node.get(qn("w:val"))
    return val not in ("0", "false", "off", "none")


class StyleResolver:
    """Resolves run and paragraph properties of one document through its styles."""

    def __init__(self, document: Document) -> None:
        root = document.styles.element
        self._styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        defaults = root.find(qn("w:docDefaults"))
        self._rpr_default = (
            defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if (defaults is not None) else None
        )
        self._ppr_default = (
            defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}") if (defaults is not None) else None
        )
        self._default_para = next(
            (
                sid
                for sid, s in self._styles.items()
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )

    def _chain(self, style_id: str | None) -> list[Any]:
        out = []
        seen = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            out.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return out

    def _para_style_id(self, p: Any) -> str | None:
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return ps.get(qn("w:val")) if ps is not None else self._default_para

    def _rpr_layers(self, p: Any, r: Any | None) -> list[Any]:
        layers = []
        if r is not None:
            rpr = r.find(qn("w:rPr"))
            if rpr is not None:
                layers.append(rpr)
                rstyle = rpr.find(qn("w:rStyle"))
                if rstyle is not None:
                    layers.extend(s.find(qn("w:rPr")) for s in self._chain(rstyle.get(qn("w:val"))))
        else:
            ppr = p.find(qn("w:pPr"))
            mark = ppr.find(qn("w:rPr")) if ppr is not None else None
            if mark is not None:
                layers.append(mark)
        layers.extend(s.find(qn("w:rPr")) for s in self._chain(self._para_style_id(p)))
        layers.append(self._rpr_default)
        return [layer for layer in layers if layer is not None]

    def run_format(self, p: Any, r: Any | None = None) -> RunFormat:
        """Return the effective format of run ``r`` (or the paragraph mark) in ``p``."""
        layers = self._rpr_layers(p, r)

        def first(tag: str) -> Any | None:
            for layer in layers:
                node = layer.find(qn(tag))
                if node is not None:
                    return node
            return None

        fonts = []
        for attr in _FONT_ATTRS:
            value = None
            for layer in layers:
                node = layer.find(qn("w:rFonts"))
                if node is not None and node.get(qn(f"w:{attr}")) is not None:
                    value = node.get(qn(f"w:{attr}"))
                    break
                if node is not None and node.get(qn(f"w:{attr}Theme")) is not None:
                    value = "(theme)"
                    break
            fonts.append(value)
        size = first("w:sz")
        underline = first("w:u")
        bold, italic, caps = first("w:b"), first("w:i"), first("w:caps")
        return RunFormat(
            fonts=tuple(fonts),
            size=int(size.get(qn("w:val"))) / 2 if size is not None else None,
            bold=bold is not None and _on(bold),
            italic=italic is not None and _on(italic),
            underline=underline is not None and _on(underline),
            caps=caps is not None and _on(caps),
        )

    def paragraph_format(self, p: Any) -> ParagraphFormat:
        """Return the effective layout of paragraph ``p``."""
        layers = [p.find(qn("w:pPr"))]
        layers.extend(s.find(qn("w:pPr")) for s in self._chain(self._para_style_id(p)))
        layers.append(self._ppr_default)
        present = [layer for layer in layers if layer is not None]

        def attr(tag: str, name: str) -> str | None:
            for layer in present:
                node = layer.find(qn(tag))
                if node is not None and node.get(qn(f"w:{name}")) is not None:
                    return str(node.get(qn(f"w:{name}")))
            return None

        line = attr("w:spacing", "line")
        rule = attr("w:spacing", "lineRule") or ("auto" if line else None)
        value = None
        if line is not None:
            value = int(line) / 240 if rule == "auto" else int(line) / 20
        return ParagraphFormat(
            align=_ALIGN.get(attr("w:jc", "val") or "left", "left"),
            first_line_mm=int(attr("w:ind", "firstLine") or 0) / 56.7,
            left_mm=int(attr("w:ind", "left") or attr("w:ind", "start") or 0) / 56.7,
            space_before=int(attr("w:spacing", "before") or 0) / 20,
            space_after=int(attr("w:spacing", "after") or 0) / 20,
            line_rule=rule,
            line_value=value,
        )


def iter_paragraphs(document: Document) -> Iterator[Paragraph]:
    """Yield the body's paragraphs in reading order, table cells row by row, left first."""
    yield from _iter_container(document, document.element.body)


def _iter_container(document: Document, element: Any) -> Iterator[Paragraph]:
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row in table.rows:
                for cell in row.cells:
                    yield from _iter_container(document, cell._tc)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _iter_container(document, content)
