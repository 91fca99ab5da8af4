"""Open a .docx (bytes or a path) once: the XML parts a format check needs, parsed with lxml.

The check must be cheap enough to run on every rendered document before it is written,
so the zip is read in memory and each part is parsed exactly once. Any file a user
hands us may be broken or hostile: entities are not resolved, nothing is fetched.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
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
    """

    name: str
    document: Any
    styles: Any | None
    theme_fonts: dict[str, str] = field(default_factory=dict)
    parts: dict[str, tuple[str, Any]] = field(default_factory=dict)
    pages: int | None = None

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


def _parse(archive: zipfile.ZipFile, part: str) -> Any | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        raise ValueError(f"{part} quá lớn")
    return etree.fromstring(archive.read(info), _PARSER)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Return rId → (type suffix, target part name) for ``part``."""
    folder, base = posixpath.split(part)
    root = _parse(archive, posixpath.join(folder, "_rels", f"{base}.rels"))
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
        out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target.lstrip("/"))
    return out


def _theme_fonts(root: Any | None) -> dict[str, str]:
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


def _pages(archive: zipfile.ZipFile) -> int | None:
    root = _parse(archive, "docProps/app.xml")
    node = root.find(f"{{{EP_NS}}}Pages") if root is not None else None
    if node is None or not (node.text or "").strip().isdigit():
        return None
    return int((node.text or "0").strip())


def _main_part(archive: zipfile.ZipFile) -> str:
    for rel in _relationships(archive, "").values():
        if rel[0] == "officeDocument":
            return rel[1]
    return "word/document.xml"


def _load(archive: zipfile.ZipFile, name: str) -> Package:
    main = _main_part(archive)
    document = _parse(archive, main)
    if document is None or document.find(w("body")) is None:
        raise _unreadable(name, "không có phần nội dung word/document.xml")
    rels = _relationships(archive, main)
    by_type = {kind: target for kind, target in rels.values()}
    package = Package(name, document, _parse(archive, by_type.get("styles", "")))
    package.theme_fonts = _theme_fonts(_parse(archive, by_type.get("theme", "")))
    for rid, (kind, target) in rels.items():
        if kind in ("header", "footer"):
            root = _parse(archive, target)
            if root is not None:
                package.parts[rid] = (target, root)
    package.pages = _pages(archive)
    return package


def open_package(data: bytes | Path, name: str | None = None) -> Package:
    """Return the parsed parts of the .docx ``data`` (its bytes, or a path to it).

    Raises:
        InputError: the file cannot be read, is not a zip, or is not a Word document.
    """
    label = name or (str(data) if isinstance(data, Path) else "văn bản")
    try:
        raw = data.read_bytes() if isinstance(data, Path) else data
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return _load(archive, label)
    except OSError as exc:
        raise _unreadable(label, f"không mở được tệp: {exc.strerror or exc}") from None
    except zipfile.BadZipFile:
        raise _unreadable(label, "không phải tệp nén .docx") from None
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _unreadable(label, f"XML hỏng: {exc}") from None
