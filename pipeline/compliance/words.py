"""A parsed part, brought up to date with another rendering that differs only in words.

The plans of a batch are one template filled with each commune's data: their main
parts are, most of the time, the same XML but for the words (names, numbers, dates).
:class:`Reread` keeps the last part it parsed and read into paragraphs; given the next
rendering, it compares the two texts between tags (C-speed regular expressions), and
when only words differ it writes the new words into the kept tree and re-reads only
the paragraphs that hold them, instead of parsing and reading the whole part again.

It is exact or it steps aside: the words are mapped to their elements once per parse
and that mapping is verified (each text between tags, unescaped, is the element's
text); anything it cannot map (a comment, CDATA, text after a closing tag, an entity
it would have to expand differently) makes it decline, and the caller parses.
"""

from __future__ import annotations

import re
from itertools import compress, count
from operator import ne
from typing import Any, NamedTuple

from lxml import etree  # type: ignore[import-untyped]

from pipeline.compliance.paras import Para, fold, paragraph_text, text_pieces

#: A text between two tags that prints something: what a commune's data changes.
WORDS = re.compile(rb">[^<]*[^\s<][^<]*<")
_SPLIT = re.compile(b"(" + WORDS.pattern + b")")
_PRINTS = re.compile(r"[^ \t\n\r\f\v]")
_UNMAPPABLE = (b"<!--", b"<![CDATA[")


def masked(data: bytes) -> bytes:
    """Return ``data`` with each text between tags that prints replaced by "x"."""
    return WORDS.sub(b">x<", data)


class Words(NamedTuple):
    """A rendered part read once: its :func:`masked` form and its words in order."""

    masked: bytes
    segments: list[bytes]


def read(data: bytes) -> Words:
    """Return ``data``'s masked form and words, found in one pass."""
    parts = _SPLIT.split(data)  # text, word, text, word, …, text
    return Words(b">x<".join(parts[::2]), parts[1::2])


def _text(segment: bytes) -> str:
    """Return what a parser reads of a text between tags (``>…<``)."""
    raw = segment[1:-1]
    if b"&" not in raw and b"\r" not in raw:
        return raw.decode("utf-8")
    text: str = etree.fromstring(b"<a>" + raw + b"</a>").text or ""
    return text


class Reread:
    """The last parsed main part, its paragraphs, and where each of its words sits."""

    def __init__(self, words: Words, root: Any, paras: list[Para]) -> None:
        self.masked = words.masked
        self.root = root
        self.paras = list(paras)
        self.segments = words.segments
        self.nodes: list[Any] = []
        self.owners: list[int | None] = []
        #: Per word: its place among its paragraph's text pieces (None: not one of
        #: them, e.g. a field code; or the paragraph is read anew, holding a text box).
        self.places: list[int | None] = []
        self.pieces: dict[int, list[str] | None] = {}

    @classmethod
    def of(cls, data: bytes, root: Any, paras: list[Para]) -> Reread | None:
        """Return the reread state of a part just parsed (``root``) and read into
        ``paras``, or None when its words cannot be mapped to its elements."""
        if any(marker in data for marker in _UNMAPPABLE):
            return None
        state = cls(read(data), root, paras)
        return state if state._map() else None

    def _map(self) -> bool:
        nodes = []
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                return False  # a comment or processing instruction
            if element.tail and _PRINTS.search(element.tail):
                return False
            if element.text and _PRINTS.search(element.text):
                nodes.append(element)
        if len(nodes) != len(self.segments):
            return False
        try:
            if any(_text(s) != n.text for s, n in zip(self.segments, nodes, strict=True)):
                return False
        except (etree.XMLSyntaxError, UnicodeDecodeError):
            return False
        index = {id(para.el): number for number, para in enumerate(self.paras)}
        owners: list[int | None] = []
        for node in nodes:
            owner = None
            for ancestor in node.iterancestors():
                owner = index.get(id(ancestor))
                if owner is not None:
                    break
            owners.append(owner)
        self.nodes, self.owners = nodes, owners
        self._map_pieces()
        return True

    def _map_pieces(self) -> None:
        where: dict[int, int] = {}
        for owner in dict.fromkeys(o for o in self.owners if o is not None):
            found = text_pieces(self.paras[owner].el)
            self.pieces[owner] = found[0] if found is not None else None
            if found is not None:
                where.update(found[1])
        self.places = [where.get(id(node)) for node in self.nodes]

    def update(self, words: Words) -> list[Para] | None:
        """Bring the kept tree to a rendering read into ``words`` (see :func:`read`);
        return its paragraphs, or None when it differs in more than words (the kept
        state is then spent: make a new one)."""
        if words.masked != self.masked or len(words.segments) != len(self.segments):
            return None
        segments = words.segments
        changed: set[int] = set()
        try:
            # The numbers of the changed words, found at C speed (most words stay).
            for number in compress(count(), map(ne, self.segments, segments)):
                text = _text(segments[number])
                self.nodes[number].text = text
                owner = self.owners[number]
                if owner is None:
                    continue
                changed.add(owner)
                pieces, place = self.pieces[owner], self.places[number]
                if pieces is not None and place is not None:
                    pieces[place] = text
        except (etree.XMLSyntaxError, UnicodeDecodeError, ValueError):
            return None
        self.segments = segments
        for number in changed:
            para = self.paras[number]
            pieces = self.pieces[number]
            text = "".join(pieces) if pieces is not None else paragraph_text(para.el)
            self.paras[number] = para.with_text(fold(text))
        return list(self.paras)
