"""Open a .docx (bytes or a path) once: the XML parts a format check needs, parsed with lxml.

The check must be cheap enough to run on every rendered document before it is written,
so the zip is read in memory and each part is parsed exactly once. Any file a user
hands us may be broken or hostile: entities are not resolved, nothing is fetched.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pipeline.errors import InputError, Problem

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_MAX_PART = 64 * 1024 * 1024


def w(tag: str) -> str:
    """Return the Clark name of a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return f"{{{W_NS}}}{tag}"


def wattr(node: Any, name: str) -> str | None:
    """Return the ``w:name`` attribute of ``node`` (None when absent)."""
    value = node.get(w(name))
    return str(value) if value is not None else None


@dataclass
class Package:
    """The parsed parts of one .docx.

    Attributes:
        name: how the user named the file (for messages).
        document: root of ``word/document.xml``.
        styles: root of ``word/styles.xml`` (None when the file has none).
        theme_fonts: theme font slots ("minorHAnsi" …) → typeface.
        parts: header/footer parts by relationship id → (part name, root).
        pages: the page count Word or LibreOffice last saved (docProps/app.xml), if any.
        paragraphs: the read paragraphs of ``parts`` by relationship id, filled on first
            use; documents sharing their header and footer parts share this too.
    """

    name: str
    document: Any
    styles: Any | None
    theme_fonts: dict[str, str] = field(default_factory=dict)
    parts: dict[str, tuple[str, Any]] = field(default_factory=dict)
    pages: int | None = None
    paragraphs: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> Any:
        """Return the ``w:body`` element."""
        return self.document.find(w("body"))


def _unreadable(name: str, why: str) -> InputError:
    return InputError(
        [
            Problem(
                name,
                "",
                "",
                f"Không đọc được tệp này như một văn bản Word .docx ({why}). "
                "Mở tệp trong Word hoặc LibreOffice và lưu lại dưới dạng .docx rồi kiểm tra lại.",
            )
        ]
    )


#: Returns a part's bytes by its name in the package, or None when it has none.
PartReader = Callable[[str], bytes | None]
#: Returns a part's parsed root by name (None when absent); may parse from a cache.
PartParser = Callable[[str], Any]


def parse_part(data: bytes | None, part: str) -> Any | None:
    """Return the parsed root of a part's ``data`` (None for None).

    Raises:
        ValueError, etree.XMLSyntaxError: the part is too large or not XML.
    """
    if data is None:
        return None
    if len(data) > _MAX_PART:
        raise ValueError(f"{part} quá lớn")
    return etree.fromstring(data, _PARSER)


def _archive_reader(archive: zipfile.ZipFile) -> PartReader:
    def read(part: str) -> bytes | None:
        try:
            info = archive.getinfo(part)
        except KeyError:
            return None
        if info.file_size > _MAX_PART:
            raise ValueError(f"{part} quá lớn")
        return archive.read(info)

    return read


def _relationships(parse: PartParser, part: str) -> dict[str, tuple[str, str]]:
    """Return rId → (type suffix, target part name) for ``part``."""
    folder, base = posixpath.split(part)
    root = parse(posixpath.join(folder, "_rels", f"{base}.rels"))
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
        out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target.lstrip("/"))
    return out


def theme_fonts(root: Any | None) -> dict[str, str]:
    """Return the theme's font slots ("minorHAnsi" …) → typeface."""
    if root is None:
        return {}
    fonts: dict[str, str] = {}
    for kind in ("major", "minor"):
        node = root.find(f".//{{{A_NS}}}{kind}Font")
        if node is None:
            continue
        slots = {"latin": ("HAnsi", "Ascii"), "ea": ("EastAsia",), "cs": ("Bidi",)}
        for child, names in slots.items():
            face = node.find(f"{{{A_NS}}}{child}")
            if face is not None and face.get("typeface"):
                for slot in names:
                    fonts[f"{kind}{slot}"] = face.get("typeface", "")
    return fonts


def _pages(parse: PartParser) -> int | None:
    root = parse("docProps/app.xml")
    node = root.find(f"{{{EP_NS}}}Pages") if root is not None else None
    if node is None or not (node.text or "").strip().isdigit():
        return None
    return int((node.text or "0").strip())


def main_part(parse: PartParser) -> str:
    """Return the name of the package's main document part."""
    for rel in _relationships(parse, "").values():
        if rel[0] == "officeDocument":
            return rel[1]
    return "word/document.xml"


def load_package(parse: PartParser, name: str) -> Package:
    """Return the package whose parts ``parse`` returns parsed, by part name.

    Raises:
        InputError: the package has no Word body.
        ValueError, etree.XMLSyntaxError: a part is too large or not XML.
    """
    main = main_part(parse)
    document = _with_body(parse(main), name)
    rels = _relationships(parse, main)
    by_type = {kind: target for kind, target in rels.values()}
    package = Package(name, document, parse(by_type.get("styles", "")))
    package.theme_fonts = theme_fonts(parse(by_type.get("theme", "")))
    for rid, (kind, target) in rels.items():
        if kind in ("header", "footer"):
            root = parse(target)
            if root is not None:
                package.parts[rid] = (target, root)
    package.pages = _pages(parse)
    return package


def with_document(package: Package, document: Any, name: str) -> Package:
    """Return ``package`` with another main document part, everything else shared
    (styles, theme, header and footer parts: a document rendered from a template whose
    only tagged part is the main one).

    Raises:
        InputError: ``document`` has no Word body.
    """
    return replace(package, name=name, document=_with_body(document, name))


def _with_body(document: Any, name: str) -> Any:
    if document is None or document.find(w("body")) is None:
        raise _unreadable(name, "không có phần nội dung word/document.xml")
    return document


def open_package(data: bytes | Path, name: str | None = None) -> Package:
    """Return the parsed parts of the .docx ``data`` (its bytes, or a path to it).

    Raises:
        InputError: the file cannot be read, is not a zip, or is not a Word document.
    """
    label = name or (str(data) if isinstance(data, Path) else "văn bản")
    try:
        raw = data.read_bytes() if isinstance(data, Path) else data
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            read = _archive_reader(archive)
            return load_package(lambda part: parse_part(read(part), part), label)
    except OSError as exc:
        raise _unreadable(label, f"không mở được tệp: {exc.strerror or exc}") from None
    except zipfile.BadZipFile:
        raise _unreadable(label, "không phải tệp nén .docx") from None
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise unreadable_xml(label, exc) from None


def unreadable_xml(name: str, exc: Exception) -> InputError:
    """Return the error for a package whose part is not XML (or too large)."""
    return _unreadable(name, f"XML hỏng: {exc}")
