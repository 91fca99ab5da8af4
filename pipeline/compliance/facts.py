"""What a format rule reads of a document, declared above the rule: ``@reads(...)``.

A batch checks thousands of documents made from one template. Most rules' verdicts
follow from a few facts of the document (its sections, the formatting of each
paragraph, which paragraph is which element, whether a body paragraph reads as a
heading, the case of each paragraph's text), and these facts are mostly the same from
one commune to the next. A rule that declares what it reads lets
:class:`~pipeline.compliance.prepared.TemplateCheck` reuse its *pass* for a document
whose declared facts equal, one for one and in order, those of a document on which
the rule passed. A rule that declares nothing runs on every document.

Only a pass is reused: whether a rule finds anything is a function of the facts it
reads, but what a finding says may quote the words (the paragraph's excerpt, the text
in the wrong case), so a rule that finds something runs again on each document.

The facts (each a hashable value per document):

- ``sections``: the XML of every section's properties (``w:sectPr``), in order;
- ``parts``: the header and footer parts (the template's own by identity, a rendered
  one by its XML);
- ``format``: per paragraph, in order, its XML with the words left out (every
  property of the paragraph and its runs), its table's style and its cell;
- ``roles``: per paragraph, which element of the layout it is and its place in that
  element (the second summary line, the fifth body paragraph…), and the family the
  layout found;
- ``headings``: per body paragraph, the profile's heading rule its text matches;
- ``case``: per paragraph, :func:`case_of` its text (None for the text of table cells
  in the body, which no rule reads the case of: see :func:`cases`).

The property test ``tests/test_incremental_check.py`` holds every declaration to
``check_docx`` on random edits to the words of every example and corpus document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import fields
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple, TypeVar, get_args

from pipeline.compliance.detect import Layout
from pipeline.compliance.paras import Para
from pipeline.profiles import get_profile

Fact = Literal["sections", "parts", "format", "roles", "headings", "case"]
#: Every fact a rule may declare, in the order keys are built.
FACTS: tuple[Fact, ...] = get_args(Fact)

_Rule = TypeVar("_Rule", bound=Callable[..., Any])
_DECLARED: dict[Callable[..., Any], frozenset[Fact]] = {}


def reads(*facts: Fact) -> Callable[[_Rule], _Rule]:
    """Declare the facts a rule's verdict depends on (see the module's docstring)."""
    unknown = set(facts) - set(FACTS)
    if unknown or not facts:
        raise ValueError(f"unknown or no facts declared: {sorted(unknown)}")

    def declare(rule: _Rule) -> _Rule:
        _DECLARED[rule] = frozenset(facts)
        return rule

    return declare


def declared(rule: Callable[..., Any]) -> tuple[Fact, ...] | None:
    """Return the facts ``rule`` declared, in :data:`FACTS` order; None when it
    declared none (then it reads anything, and runs on every document)."""
    found = _DECLARED.get(rule)
    return None if found is None else tuple(f for f in FACTS if f in found)


class Case(NamedTuple):
    """What the case rules read of a text."""

    all_upper: bool  # the text equals its upper case
    lower_word: bool  # a word starts with a lower-case letter
    first_upper: bool  # the first letter is upper-case
    long: bool  # more than three letters


@lru_cache(maxsize=512)  # plans share most paragraphs; LRU lets each one's own pass
def case_of(text: str) -> Case:
    """Return the :class:`Case` of ``text``."""
    letters = ""
    for char in text:  # the first four letters are all it needs
        if char.isalpha():
            letters += char
            if len(letters) > 3:
                break
    return Case(
        text == text.upper(),
        any(w[0].isalpha() and not w[0].isupper() for w in text.split()),
        letters[:1].isupper(),
        len(letters) > 3,
    )


@cache
def _heading_patterns(profile_id: str) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    headings = get_profile(profile_id).headings
    return tuple(
        (
            name,
            tuple(
                re.compile(p)
                for p in ([spec["pattern"]] if "pattern" in spec else spec.get("patterns", []))
            ),
        )
        for name, spec in headings.items()
    )


@lru_cache(maxsize=1024)  # every body paragraph of every plan: most texts come again
def heading_name(profile_id: str, text: str) -> str | None:
    """Return the name of the profile's heading rule whose pattern ``text`` matches."""
    for name, patterns in _heading_patterns(profile_id):
        for pattern in patterns:
            if pattern.match(text):
                return name
    return None


#: The fields of a layout that hold paragraphs: the elements a paragraph can be.
ELEMENTS = tuple(f.name for f in fields(Layout) if f.name != "paras" and "Para" in str(f.type))


def roles(layout: Layout) -> tuple[Hashable, ...]:
    """Return the ``roles`` fact: per paragraph, (element, place in it) or None; and
    the family the layout found."""
    found: dict[int, tuple[str, int]] = {}
    for name in ELEMENTS:
        value = getattr(layout, name)
        if isinstance(value, list):
            for number, para in enumerate(value):
                found.setdefault(id(para), (name, number))
        elif isinstance(value, Para):
            found.setdefault(id(value), (name, 0))
    return (layout.family, *(found.get(id(para)) for para in layout.paras))


def headings(profile_id: str, layout: Layout) -> tuple[str | None, ...]:
    """Return the ``headings`` fact: per body paragraph, the heading rule it matches."""
    return tuple(heading_name(profile_id, para.text) for para in layout.body)


def cases(layout: Layout, heading_names: tuple[str | None, ...]) -> tuple[Case | None, ...]:
    """Return the ``case`` fact: per paragraph, the case of its text when a rule can
    read it (an element of the layout but the body and its tables, or a body paragraph
    that reads as a heading: ``heading_names``, the ``headings`` fact); None for other
    text, whose case no rule reads."""
    read: set[int] = set()
    for name in ELEMENTS:
        if name in _PLAIN:
            continue
        value = getattr(layout, name)
        read.update(id(p) for p in (value if isinstance(value, list) else [value]))
    read.update(id(p) for p, name in zip(layout.body, heading_names, strict=True) if name)
    return tuple(case_of(para.text) if id(para) in read else None for para in layout.paras)


#: The elements whose case no rule reads. Body paragraphs are read: a bold, centred
#: line in capitals is a chapter title, not body text (rules_style._is_heading).
_PLAIN = frozenset({"body_cells"})
