"""Inline markup of record text: **bold** and *italic* become runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MARKUP = re.compile(
    r"\^\[(?P<n>[^\]]+)\]|\*\*(?P<b>.+?)\*\*|(?<![\*\\])\*(?P<i>[^*\s](?:[^*]*?[^*\s])?)\*"
)


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text with one formatting: what a Word run holds.

    A footnote is a run with ``note`` (its text, as written) and, once the document's
    footnotes are numbered (``pipeline.context.notes``), ``ref`` (its id).
    """

    text: str
    bold: bool = False
    italic: bool = False
    note: str = ""
    ref: int = 0


@lru_cache(maxsize=512)  # a batch's plans share most lines (LRU: their own ones pass)
def parse_inline(text: str, *, bold: bool = False, italic: bool = False) -> tuple[Run, ...]:
    """Return the runs of ``text``: ``**x**`` bold, ``*x*`` italic, ``\\*`` a literal star,
    ``^[x]`` a footnote whose text is x.

    ``bold``/``italic`` apply to the whole text on top of the markup.
    """
    runs: list[Run] = []
    pos = 0
    for match in _MARKUP.finditer(text):
        if match.start() > pos:
            runs.append(Run(_unescape(text[pos : match.start()]), bold, italic))
        if match.group("n") is not None:
            runs.append(Run("", note=match.group("n").strip()))
        elif match.group("b") is not None:
            runs.extend(parse_inline(match.group("b"), bold=True, italic=italic))
        else:
            runs.append(Run(_unescape(match.group("i")), bold, True))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(_unescape(text[pos:]), bold, italic))
    return tuple(run for run in runs if run.text or run.note)


def plain_text(runs: tuple[Run, ...]) -> str:
    """Return the text of ``runs`` without formatting."""
    return "".join(run.text for run in runs)


def _unescape(text: str) -> str:
    return text.replace("\\*", "*")
