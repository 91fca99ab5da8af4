"""Build test documents for the format checker: render an example, then break it in XML."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree

from pipeline import api
from pipeline.loading import load_document
from tests.conftest import INPUTS

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADER = re.compile(r"^word/(header|footer)\d*\.xml$")


def q(tag: str) -> str:
    """Return the Clark name of ``w:tag``."""
    return f"{{{W}}}{tag}"


@cache
def rendered(example: str) -> bytes:
    """Return the .docx bytes of ``inputs/<example>.yaml``, rendered without any check."""
    data, _template = api.render_bytes(load_document(INPUTS / f"{example}.yaml"))
    return data


@dataclass
class Parts:
    """The parsed XML parts a mutation may change."""

    document: Any
    styles: Any
    headers: dict[str, Any]


def mutate(data: bytes, change: Callable[[Parts], None]) -> bytes:
    """Return ``data`` with ``change`` applied to its document, styles and header parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    parts = Parts(
        etree.fromstring(source.read("word/document.xml")),
        etree.fromstring(source.read("word/styles.xml")),
        {n: etree.fromstring(source.read(n)) for n in names if _HEADER.match(n)},
    )
    change(parts)
    changed = {"word/document.xml": parts.document, "word/styles.xml": parts.styles}
    changed.update(parts.headers)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            if name in changed:
                target.writestr(
                    name,
                    etree.tostring(
                        changed[name], xml_declaration=True, encoding="UTF-8", standalone=True
                    ),
                )
            else:
                target.writestr(name, source.read(name))
    return out.getvalue()


def text_of(p: Any) -> str:
    """Return the text of paragraph ``p``."""
    return "".join(t.text or "" for t in p.iter(q("t")))


def paragraph(root: Any, text: str, exact: bool = True) -> Any:
    """Return the first paragraph whose text is (or starts with) ``text``."""
    for p in root.iter(q("p")):
        value = " ".join(text_of(p).split())
        if value == text or (not exact and value.startswith(text)):
            return p
    raise AssertionError(f"no paragraph {text!r}")


def set_text(p: Any, text: str) -> None:
    """Replace the text of ``p`` (kept in its first text node)."""
    nodes = list(p.iter(q("t")))
    nodes[0].text = text
    for node in nodes[1:]:
        node.text = ""


def run_property(p: Any, tag: str, **attrs: str) -> None:
    """Set direct run property ``w:tag`` (with ``w:`` attributes) on every run of ``p``."""
    for run in p.iter(q("r")):
        rpr = run.find(q("rPr"))
        if rpr is None:
            rpr = etree.Element(q("rPr"))
            run.insert(0, rpr)
        old = rpr.find(q(tag))
        if old is not None:
            rpr.remove(old)
        node = etree.SubElement(rpr, q(tag))
        for key, value in attrs.items():
            node.set(q(key), value)


def paragraph_property(p: Any, tag: str, **attrs: str) -> None:
    """Set direct paragraph property ``w:tag`` on ``p``."""
    ppr = p.find(q("pPr"))
    if ppr is None:
        ppr = etree.Element(q("pPr"))
        p.insert(0, ppr)
    old = ppr.find(q(tag))
    if old is not None:
        ppr.remove(old)
    node = etree.SubElement(ppr, q(tag))
    for key, value in attrs.items():
        node.set(q(key), value)


def section(parts: Parts) -> Any:
    """Return the body's (last) section properties."""
    return parts.document.find(q("body")).find(q("sectPr"))


def body_paragraphs(parts: Parts) -> list[Any]:
    """Return the top-level paragraphs with more than 60 characters (body text)."""
    body = parts.document.find(q("body"))
    return [p for p in body.findall(q("p")) if len(text_of(p)) > 60]
