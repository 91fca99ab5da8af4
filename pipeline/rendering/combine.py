"""Join documents made from one template into one .docx, one section per document.

Every part keeps its own page set-up and headers (the template's), and page numbers
restart at 1 in each section, so a secretariat can print all plans in one go and
still hand each commune its own numbered pages. Parts are read one at a time and the
joined body is compressed as it grows, so only the compressed result is held.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import Problem, RenderError
from pipeline.rendering.zipfile_raw import Member, read_members, write_members

_DOCUMENT = "word/document.xml"
_PG_NUM = re.compile(r"<w:pgNumType\b[^>]*?/>|<w:pgNumType\b[^>]*>.*?</w:pgNumType>", re.S)
_AFTER_PG_NUM = re.compile(
    r"<w:(?:cols|formProt|vAlign|noEndnote|titlePg|textDirection|bidi|rtlGutter|docGrid|"
    r"printerSettings|sectPrChange)\b"
)
_BOOKMARK_ID = re.compile(r'(<w:bookmark(?:Start|End)\b[^>]*?\bw:id=")(\d+)(")')
_BREAK_PARAGRAPH = (
    '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>{sect}</w:pPr></w:p>'
)
#: Bookmark ids of part n are shifted by n times this, so that no two parts share one.
_ID_STRIDE = 100_000
#: Names of the bookmarks ``marks=True`` puts at the start and the end of part n (the
#: PDF step finds each commune's pages by them; letters and digits only, as LibreOffice
#: escapes other characters in PDF names); ids at the top of the part's range.
MARK_START = "VanbanStart{:05d}"
MARK_END = "VanbanEnd{:05d}"
_PARAGRAPH_OPEN = re.compile(r"<w:p(?:\s[^>]*)?>(?:<w:pPr\b.*?</w:pPr>|<w:pPr/>)?", re.S)


def _bookmark(name: str, ident: int) -> str:
    return f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/><w:bookmarkEnd w:id="{ident}"/>'


def _mark(body: str, index: int) -> str:
    """Return ``body`` with a bookmark at the start of its first paragraph and one at
    the end of its last (inside the paragraphs, so that each lies on a printed page)."""
    first = _PARAGRAPH_OPEN.search(body)
    last = body.rfind("</w:p>")
    if first is None or last < first.end():
        return body
    ident = (index + 1) * _ID_STRIDE - 2
    end = _bookmark(MARK_END.format(index), ident + 1)
    body = body[:last] + end + body[last:]
    at = first.end()
    return body[:at] + _bookmark(MARK_START.format(index), ident) + body[at:]


def _split(xml: str, name: str) -> tuple[int, int, int]:
    """Return where the body's content starts, where its last sectPr starts, where it ends."""
    try:
        start = xml.index(">", xml.index("<w:body")) + 1
        end = xml.rindex("</w:body>")
        sect = xml.rindex("<w:sectPr", start, end)
    except ValueError:
        raise RenderError(
            [Problem(name, _DOCUMENT, "", "Không ghép được: văn bản không có phần thân chuẩn.")]
        ) from None
    return start, sect, end


def restart_numbering(sect: str) -> str:
    """Return the section properties ``sect`` with page numbers restarting at 1."""
    if _PG_NUM.search(sect):

        def start_at_one(match: re.Match[str]) -> str:
            tag = re.sub(r'\s+w:start="[^"]*"', "", match.group(0))
            return tag.replace("<w:pgNumType", '<w:pgNumType w:start="1"', 1)

        return _PG_NUM.sub(start_at_one, sect, count=1)
    element = '<w:pgNumType w:start="1"/>'
    later = _AFTER_PG_NUM.search(sect)
    at = later.start() if later else sect.rindex("</w:sectPr>")
    return sect[:at] + element + sect[at:]


def _part(xml: str, index: int, last: bool, name: str, marks: bool = False) -> str:
    start, sect_at, end = _split(xml, name)
    body = xml[start:sect_at]
    if index:
        body = _BOOKMARK_ID.sub(
            lambda m: f"{m.group(1)}{int(m.group(2)) + index * _ID_STRIDE}{m.group(3)}", body
        )
    if marks:
        body = _mark(body, index)
    sect = restart_numbering(xml[sect_at:end])
    return body + (sect if last else _BREAK_PARAGRAPH.format(sect=sect))


def _document_xml(members: list[Member], name: str) -> str:
    for member in members:
        if member.name == _DOCUMENT:
            return member.content().decode("utf-8")
    raise RenderError([Problem(name, "", "", "Không ghép được: tệp không phải văn bản Word.")])


def combine_documents(paths: Iterable[Path], marks: bool = False) -> bytes:
    """Return one .docx holding every document of ``paths`` in order, one section each.

    The documents must come from one template (same styles, headers and relations):
    the first one's package is kept and only the bodies are joined. ``marks`` puts the
    bookmarks :data:`MARK_START` and :data:`MARK_END` around each part's text.

    Raises:
        RenderError: there is no document, or one is not a Word document.
    """
    paths = list(paths)
    if not paths:
        raise RenderError([Problem("", "", "", "Không có văn bản nào để ghép.")])
    try:
        first = read_members(io.BytesIO(paths[0].read_bytes()))
    except (OSError, zipfile.BadZipFile) as exc:
        raise RenderError([Problem(str(paths[0]), "", "", f"Không đọc được: {exc}.")]) from None
    head_xml = _document_xml(first, str(paths[0]))
    start, _, end = _split(head_xml, str(paths[0]))
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    chunks: list[bytes] = []
    crc, size = 0, 0

    def put(text: str) -> None:
        nonlocal crc, size
        data = text.encode("utf-8")
        crc = zlib.crc32(data, crc)
        size += len(data)
        chunks.append(packer.compress(data))

    put(head_xml[:start])
    for index, path in enumerate(paths):
        try:
            members = first if index == 0 else read_members(io.BytesIO(path.read_bytes()))
        except (OSError, zipfile.BadZipFile) as exc:
            raise RenderError([Problem(str(path), "", "", f"Không đọc được: {exc}.")]) from None
        xml = head_xml if index == 0 else _document_xml(members, str(path))
        put(_part(xml, index, index == len(paths) - 1, str(path), marks))
    put(head_xml[end:])
    chunks.append(packer.flush())
    document = Member(_DOCUMENT, zipfile.ZIP_DEFLATED, crc, size, b"".join(chunks))
    out = io.BytesIO()
    write_members(out, [document if m.name == _DOCUMENT else m for m in first])
    return out.getvalue()
