"""Read a .docx back the way Word shows it: effective formatting, reading order.

python-docx reports only direct formatting (``run.font.size`` is None when the size
comes from a style). Here each property is resolved through the run, its character
style, the paragraph style chain, the table style and the document defaults, and theme
fonts are looked up in the theme, so a document made in Word or saved by LibreOffice
reads the same as one of ours. The resolver works on lxml elements; it can be built
from a python-docx ``Document`` or from a parsed ``styles.xml`` root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]

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
_THEME_ATTRS = {
    "ascii": "w:asciiTheme",
    "hAnsi": "w:hAnsiTheme",
    "cs": "w:cstheme",
    "eastAsia": "w:eastAsiaTheme",
}
TWIPS_PER_MM = 56.7


@dataclass(frozen=True)
class RunFormat:
    """Effective formatting of a run: fonts per script, size (pt), emphasis, colour."""

    fonts: tuple[str | None, ...]
    size: float | None
    bold: bool
    italic: bool
    underline: bool
    caps: bool
    color: str | None = None


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
    right_mm: float = 0.0


def _on(node: Any) -> bool:
    val = node.get(qn("w:val"))
    return val not in ("0", "false", "off", "none")


def _xml_key(node: Any | None) -> bytes | None:
    """Return the serialized ``node`` (its content decides every property it sets)."""
    return etree.tostring(node, with_tail=False) if node is not None else None


T = TypeVar("T")


class ElementFacts:
    """What is read from an element's markup (never its words), once per element.

    A parsed part is never restructured while it is checked (only
    :class:`~pipeline.compliance.words.Reread` writes into a tree, and only words that
    print, which leaves every such fact as it was), so a fact of an element holds for
    as long as the element lives. Each entry keeps its element alive, so that its id is
    not reused while cached; whoever drops a tree calls :meth:`clear`.
    """

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int], tuple[Any, Any]] = {}

    def get(self, kind: str, element: Any, compute: Callable[[Any], T]) -> T:
        """Return ``compute(element)``, computed once per ``kind`` and element."""
        found = self._memo.get((kind, id(element)))
        if found is not None and found[0] is element:
            value: T = found[1]
            return value
        value = compute(element)
        self._memo[(kind, id(element))] = (element, value)
        return value

    def clear(self) -> None:
        """Forget every element (its tree is no longer checked)."""
        self._memo.clear()

    def __len__(self) -> int:
        return len(self._memo)


def _first_attr(layers: list[Any], tag: str, name: str) -> str | None:
    for layer in layers:
        node = layer.find(qn(tag))
        if node is not None and node.get(qn(f"w:{name}")) is not None:
            return str(node.get(qn(f"w:{name}")))
    return None


class StyleResolver:
    """Resolves run and paragraph properties of one document through its styles."""

    def __init__(self, document: Document | None = None) -> None:
        root = document.styles.element if document is not None else None
        self._setup(root, {})

    @classmethod
    def from_styles(cls, root: Any | None, theme_fonts: Mapping[str, str]) -> StyleResolver:
        """Return a resolver over a parsed ``styles.xml`` root and the theme's fonts."""
        resolver = cls()
        resolver._setup(root, theme_fonts)
        return resolver

    def _setup(self, root: Any | None, theme_fonts: Mapping[str, str]) -> None:
        # Effective formats are pure functions of the properties a paragraph or run
        # carries (serialized), its style chain and its table's style: a document's
        # thousand runs share a few dozen such keys, so each is resolved once.
        self._run_memo: dict[tuple[Any, ...], RunFormat] = {}
        self._para_memo: dict[tuple[Any, ...], ParagraphFormat] = {}
        self._border_memo: dict[tuple[Any, ...], dict[str, str]] = {}
        #: Facts of the elements of the documents read with this resolver.
        self.facts = ElementFacts()
        self._theme = dict(theme_fonts)
        styles = root.findall(qn("w:style")) if root is not None else []
        self._styles = {s.get(qn("w:styleId")): s for s in styles}
        defaults = root.find(qn("w:docDefaults")) if root is not None else None
        self._rpr_default = (
            defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
        )
        self._ppr_default = (
            defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}") if defaults is not None else None
        )
        self._default = {
            kind: next(
                (
                    sid
                    for sid, s in self._styles.items()
                    if s.get(qn("w:type")) == kind and s.get(qn("w:default")) in ("1", "true")
                ),
                None,
            )
            for kind in ("paragraph", "table")
        }

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
        return self.facts.get("pstyle", p, self._read_para_style_id)

    def _read_para_style_id(self, p: Any) -> str | None:
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return ps.get(qn("w:val")) if ps is not None else self._default["paragraph"]

    def _table_style(self, p: Any) -> tuple[str | None, ...]:
        """Return ``(style id,)`` of the table ``p`` sits in (innermost), or ``()``."""
        return self.facts.get("tstyle", p, self._read_table_style)

    def _read_table_style(self, p: Any) -> tuple[str | None, ...]:
        tbl = next((a for a in p.iterancestors(qn("w:tbl"))), None)
        if tbl is None:
            return ()
        pr = tbl.find(qn("w:tblPr"))
        node = pr.find(qn("w:tblStyle")) if pr is not None else None
        return (node.get(qn("w:val")) if node is not None else self._default["table"],)

    def _table_styles(self, p: Any) -> list[Any]:
        """Return the style chain of the table ``p`` sits in (innermost table), if any."""
        table = self._table_style(p)
        return self._chain(table[0]) if table else []

    def _ppr_key(self, p: Any) -> tuple[Any, ...]:
        return self.facts.get("ppr", p, self._read_ppr_key)

    def _read_ppr_key(self, p: Any) -> tuple[Any, ...]:
        return (_xml_key(p.find(qn("w:pPr"))), self._table_style(p))

    def table_key(self, p: Any) -> tuple[str | None, ...]:
        """Return ``(style id,)`` of the table paragraph ``p`` sits in, or ``()``."""
        return self._table_style(p)

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
        layers.extend(s.find(qn("w:rPr")) for s in self._table_styles(p))
        layers.append(self._rpr_default)
        return [layer for layer in layers if layer is not None]

    def _font(self, layers: list[Any], attr: str) -> str | None:
        theme_attr = qn(_THEME_ATTRS[attr])
        for layer in layers:
            node = layer.find(qn("w:rFonts"))
            if node is None:
                continue
            # A theme font wins over a plain name on the same element (ECMA-376 17.3.2.26).
            theme = node.get(theme_attr)
            if theme:
                return self._theme.get(theme, f"(theme {theme})")
            value = node.get(qn(f"w:{attr}"))
            if value:  # LibreOffice writes w:cs="" to mean "not set here"
                return str(value)
        return None

    def run_format(self, p: Any, r: Any | None = None) -> RunFormat:
        """Return the effective format of run ``r`` (or the paragraph mark) in ``p``."""
        if r is not None:
            own = self.facts.get("rpr", r, _rpr_key)
        else:
            ppr = p.find(qn("w:pPr"))
            own = _xml_key(ppr.find(qn("w:rPr")) if ppr is not None else None)
        key = (r is None, own, self._para_style_id(p), self._table_style(p))
        found = self._run_memo.get(key)
        if found is None:
            found = self._run_memo[key] = self._resolve_run(p, r)
        return found

    def run_formats(self, p: Any, runs: list[Any]) -> list[RunFormat]:
        """Return the effective format of each run of ``runs`` (all in paragraph ``p``)."""
        context = (self._para_style_id(p), self._table_style(p))
        out = []
        for r in runs:
            key = (False, self.facts.get("rpr", r, _rpr_key), *context)
            found = self._run_memo.get(key)
            if found is None:
                found = self._run_memo[key] = self._resolve_run(p, r)
            out.append(found)
        return out

    def _resolve_run(self, p: Any, r: Any | None) -> RunFormat:
        layers = self._rpr_layers(p, r)

        def first(tag: str) -> Any | None:
            for layer in layers:
                node = layer.find(qn(tag))
                if node is not None:
                    return node
            return None

        size = first("w:sz")
        underline = first("w:u")
        bold, italic, caps, color = first("w:b"), first("w:i"), first("w:caps"), first("w:color")
        return RunFormat(
            fonts=tuple(self._font(layers, attr) for attr in _FONT_ATTRS),
            size=int(size.get(qn("w:val"))) / 2 if size is not None else None,
            bold=bold is not None and _on(bold),
            italic=italic is not None and _on(italic),
            underline=underline is not None and _on(underline),
            caps=caps is not None and _on(caps),
            color=_color(color),
        )

    def _ppr_layers(self, p: Any) -> list[Any]:
        layers = [p.find(qn("w:pPr"))]
        layers.extend(s.find(qn("w:pPr")) for s in self._chain(self._para_style_id(p)))
        layers.extend(s.find(qn("w:pPr")) for s in self._table_styles(p))
        layers.append(self._ppr_default)
        return [layer for layer in layers if layer is not None]

    def paragraph_format(self, p: Any) -> ParagraphFormat:
        """Return the effective layout of paragraph ``p``."""
        key = self._ppr_key(p)
        found = self._para_memo.get(key)
        if found is None:
            found = self._para_memo[key] = self._resolve_paragraph(p)
        return found

    def _resolve_paragraph(self, p: Any) -> ParagraphFormat:
        present = self._ppr_layers(p)

        def attr(tag: str, *names: str) -> str | None:
            for name in names:
                value = _first_attr(present, tag, name)
                if value is not None:
                    return value
            return None

        line = attr("w:spacing", "line")
        rule = attr("w:spacing", "lineRule") or ("auto" if line else None)
        value = None
        if line is not None:
            value = int(line) / 240 if rule == "auto" else int(line) / 20
        return ParagraphFormat(
            align=_ALIGN.get(attr("w:jc", "val") or "left", "left"),
            first_line_mm=_first_line(present) / TWIPS_PER_MM,
            left_mm=int(attr("w:ind", "start", "left") or 0) / TWIPS_PER_MM,
            space_before=int(attr("w:spacing", "before") or 0) / 20,
            space_after=int(attr("w:spacing", "after") or 0) / 20,
            line_rule=rule,
            line_value=value,
            right_mm=int(attr("w:ind", "end", "right") or 0) / TWIPS_PER_MM,
        )

    def borders(self, p: Any) -> dict[str, str]:
        """Return the paragraph's borders that are drawn: side → line style ("single" …)."""
        key = self._ppr_key(p)
        found = self._border_memo.get(key)
        if found is None:
            found = self._border_memo[key] = self._resolve_borders(p)
        return dict(found)

    def _resolve_borders(self, p: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for side in ("top", "bottom"):
            for layer in self._ppr_layers(p):
                node = layer.find(f"{qn('w:pBdr')}/{qn(f'w:{side}')}")
                if node is not None:
                    val = node.get(qn("w:val")) or "none"
                    if val not in ("none", "nil"):
                        out[side] = val
                    break
        return out


def _rpr_key(r: Any) -> bytes | None:
    return _xml_key(r.find(qn("w:rPr")))


def _first_line(layers: list[Any]) -> int:
    """Return the first-line indent in twips (negative for a hanging indent)."""
    for layer in layers:
        node = layer.find(qn("w:ind"))
        if node is None:
            continue
        first = node.get(qn("w:firstLine"))
        hanging = node.get(qn("w:hanging"))
        if first is not None and int(first) != 0:
            return int(first)
        if hanging is not None and int(hanging) != 0:
            return -int(hanging)
        if first is not None or hanging is not None:
            return 0
    return 0


def _color(node: Any | None) -> str | None:
    if node is None:
        return None
    theme = node.get(qn("w:themeColor"))
    if theme:
        return f"theme:{theme}"
    value = node.get(qn("w:val"))
    return str(value) if value else None


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
