"""Parts a rendered document adds to its template: footnotes, last section's layout.

``extra_parts`` is called with the rendered main part and the context. When the
context has footnotes (``chu_thich``) it returns ``word/footnotes.xml`` (the
template's own, if it has one, with the notes added) and, when the template had no
such part, its relationship and content type. When the last section is landscape or
follows a section break (``trang_cuoi``), the body's final ``w:sectPr`` is turned
accordingly (page size swapped, no separate first page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pipeline.rendering.environment import runs_filter

FOOTNOTES = "word/footnotes.xml"
_RELS = "word/_rels/document.xml.rels"
_TYPES = "[Content_Types].xml"
_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_FOOTNOTE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_FOOTNOTE_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
    'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
)
#: Footnote text: 12 pt (24 half-points), single spaced, justified.
_NOTE_PPR = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:ind w:firstLine="0"/><w:jc w:val="both"/></w:pPr>'
)
_NOTE_SIZE = '<w:sz w:val="24"/><w:szCs w:val="24"/>'
_BODY_SECT = re.compile(r"<w:sectPr\b(?:(?!<w:sectPr\b).)*?</w:sectPr>\s*</w:body>", re.S)
_PG_SIZE = re.compile(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"[^>]*/>')


def footnotes_xml(notes: Any, existing: bytes | None) -> bytes:
    """Return ``word/footnotes.xml`` holding ``notes`` (after the template's own ones)."""
    entries = "".join(_footnote(note.id, note.runs) for note in notes)
    if existing is not None:
        text = existing.decode("utf-8")
        if "</w:footnotes>" in text:
            return text.replace("</w:footnotes>", entries + "</w:footnotes>").encode("utf-8")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<w:footnotes {_NS}>{_SEPARATORS}{entries}</w:footnotes>"
    ).encode()


def _footnote(number: int, runs: Any) -> str:
    body = str(runs_filter(runs)).replace("<w:rPr>", f"<w:rPr>{_NOTE_SIZE}")
    body = body.replace("<w:r><w:t", f"<w:r><w:rPr>{_NOTE_SIZE}</w:rPr><w:t")
    reference = (
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/>{_NOTE_SIZE}</w:rPr>'
        "<w:footnoteRef/></w:r>"
        f'<w:r><w:rPr>{_NOTE_SIZE}</w:rPr><w:t xml:space="preserve"> </w:t></w:r>'
    )
    return f'<w:footnote w:id="{number}"><w:p>{_NOTE_PPR}{reference}{body}</w:p></w:footnote>'


def _with_relationship(rels: bytes) -> bytes:
    text = rels.decode("utf-8")
    if _FOOTNOTE_TYPE in text:
        return rels
    ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', text)]
    rid = f"rId{max(ids, default=0) + 1}"
    entry = f'<Relationship Id="{rid}" Type="{_FOOTNOTE_TYPE}" Target="footnotes.xml"/>'
    return text.replace("</Relationships>", entry + "</Relationships>").encode("utf-8")


def _with_content_type(types: bytes) -> bytes:
    text = types.decode("utf-8")
    if 'PartName="/word/footnotes.xml"' in text:
        return types
    entry = f'<Override PartName="/word/footnotes.xml" ContentType="{_FOOTNOTE_CONTENT}"/>'
    return text.replace("</Types>", entry + "</Types>").encode("utf-8")


def last_section(xml: str, layout: str) -> str:
    """Return the main part with its final section laid out as ``layout`` says:
    "ngang" (landscape) or "doc" (portrait); both drop the separate first page,
    which belongs to the document's first section only."""
    match = _BODY_SECT.search(xml)
    if match is None or xml.count("<w:sectPr", 0, match.start()) == 0:
        # One section only: the template placed no section break (an older template
        # without the appendices' loop), so the document keeps its own layout.
        return xml
    sect = match.group(0).replace("<w:titlePg/>", "")
    if layout == "ngang":
        sect = _PG_SIZE.sub(
            lambda m: f'<w:pgSz w:w="{m.group(2)}" w:h="{m.group(1)}" w:orient="landscape"/>',
            sect,
            count=1,
        )
    return xml[: match.start()] + sect + xml[match.end() :]


def extra_parts(
    document_xml: str, context: Mapping[str, Any], read: Callable[[str], bytes | None]
) -> tuple[str, dict[str, bytes]]:
    """Return the main part as finished and the parts to add or replace.

    ``read`` returns a template part's bytes by name (None when it has none); a part
    already rendered from the template is passed in as read would give it.
    """
    layout = context.get("trang_cuoi") or ""
    if layout:
        document_xml = last_section(document_xml, str(layout))
    notes = context.get("chu_thich") or ()
    added: dict[str, bytes] = {}
    if notes:
        existing = read(FOOTNOTES)
        added[FOOTNOTES] = footnotes_xml(notes, existing)
        if existing is None:
            rels, types = read(_RELS), read(_TYPES)
            if rels is not None:
                added[_RELS] = _with_relationship(rels)
            if types is not None:
                added[_TYPES] = _with_content_type(types)
    return document_xml, added
