"""Check many documents made from one template, reading what they share only once.

A batch checks every plan before writing it. The plans of one template differ only in
the parts the rendering fills (``word/document.xml``, tagged headers and footers);
styles, theme, relationships, untagged headers and footers and ``docProps/app.xml`` are
the template's own. :class:`TemplateCheck` parses those once and keeps one style
resolver (whose effective formats are memoised by the properties a paragraph or run
carries). Each document is then read from its rendered XML, already in memory, laid
out, and checked by the very rules of :func:`pipeline.compliance.check_docx`, in two
groups:

- the rules about what the data can change (texts of the number, date, signature and
  Nơi nhận lines, titles and summary, body end, abolished bodies, emphasis the data
  brings, separators measured against names…) run on every document;
- the rules whose verdict follows from the template alone and from the formatting each
  paragraph and run carries (:data:`TEMPLATE_RULES`: paper, margins, page numbers on
  page 1, fonts, colour, body paragraph layout) run once per template and profile.
  Their verdict is reused for a document whose *format signature* (every paragraph's
  and run's properties, its table's style, whether it is body text or a heading, which
  body paragraph follows which, the sections and the header/footer parts) holds
  nothing that the checked document did not hold; any new formatting, and they run
  again on that document.

So a document gets the same errors as from ``check_docx``; a template that breaks a
template rule (say, wrong margins) is found by one full evaluation and reported on
every document made from it (with the place found in the first one).

Two shortcuts keep this cheap when only the main part is rendered: a plan whose main
part is the last one's but for the words updates that parsed tree and re-reads only
the paragraphs whose words changed (:class:`~pipeline.compliance.words.Reread`), and
one whose rendered parts, with the words left out, equal a checked plan's (and whose
paragraphs have the same roles, headings and case) reuses its template verdict without
computing its signature.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pipeline.compliance.check import PreparedCheck, prepare_check, run_rule
from pipeline.compliance.detect import Layout
from pipeline.compliance.package import (
    Package,
    PartReader,
    load_package,
    main_part,
    parse_part,
    unreadable_xml,
    w,
    with_document,
)
from pipeline.compliance.paras import Para, flatten
from pipeline.compliance.reader import StyleResolver
from pipeline.compliance.report import CheckReport, RuleResult
from pipeline.compliance.rules_style import heading_name
from pipeline.compliance.words import Reread, Words
from pipeline.compliance.words import masked as words_masked
from pipeline.compliance.words import read as read_words

#: Rules decided by the template and by what the signature records of each paragraph.
TEMPLATE_RULES = frozenset(
    {
        "PAGE_A4",
        "MARGINS",
        "PAGE_NUM_FIRST_HIDDEN",
        "FONT_TNR",
        "FONT_BLACK",
        "BODY_PARAGRAPH",
        "ELEMENT_STYLE",
        "SIZE_CONSISTENCY",
        "PARTY_TITLE_NOT_BOLD",
    }
)
#: The elements of a layout that ELEMENT_STYLE and its kin look at, one role each.
_ROLES = (
    "title",
    "motto",
    "superior",
    "issuer",
    "number",
    "date",
    "type_name",
    "summary",
    "authority",
    "positions",
    "name",
    "items",
    "label",
)
#: Verdicts kept per profile (a batch's plans share one or a few signatures).
_MAX_VERDICTS = 16
_MISSING = object()

Signature = frozenset[Hashable]
#: A paragraph, its role in the layout, whether it reads as a heading, its case.
Fact = tuple[Para, tuple[str, bool] | None, bool | None, tuple[bool, ...] | None]


class TemplateCheck:
    """The format check of documents rendered from one template.

    ``read`` returns a template part's bytes by name (None when absent); ``rendered``
    names the parts each document brings itself.
    """

    def __init__(self, name: str, read: PartReader, rendered: Iterable[str]) -> None:
        self.name = name
        self._read = read
        self._rendered = frozenset(rendered)
        self._parsed: dict[str, Any] = {}
        self._resolvers: dict[tuple[Any, ...], StyleResolver] = {}
        self._verdicts: dict[str, list[tuple[Signature, dict[str, RuleResult]]]] = {}
        self._exact: dict[Hashable, dict[str, RuleResult]] = {}
        self._skeleton: Package | None = None
        self._reread: Reread | None = None
        self._root: Any = None  # the main part last checked
        #: How many times the template rules were evaluated (tests, benchmarks).
        self.template_evaluations = 0

    def _template_part(self, part: str) -> Any | None:
        root = self._parsed.get(part, _MISSING)
        if root is _MISSING:
            root = self._parsed[part] = parse_part(self._read(part), part)
        return root

    def _is_template_part(self, root: Any) -> bool:
        return any(root is cached for cached in self._parsed.values())

    def _resolver(self, package: Package) -> StyleResolver:
        """Return the style resolver of ``package``: one per template, unless the
        rendering filled the styles part too (then one per document)."""
        styles = package.styles
        if styles is not None and not self._is_template_part(styles):
            return StyleResolver.from_styles(styles, package.theme_fonts)
        key = (id(styles), tuple(sorted(package.theme_fonts.items())))
        resolver = self._resolvers.get(key)
        if resolver is None:
            resolver = self._resolvers[key] = StyleResolver.from_styles(styles, package.theme_fonts)
        return resolver

    def check(
        self, rendered: Mapping[str, bytes], profile_id: str | None, name: str
    ) -> CheckReport:
        """Return the check of the document whose rendered parts are ``rendered``
        (part name → XML bytes) against ``profile_id`` (guessed when None).

        Raises:
            InputError: a rendered part is not XML.
            UsageError: see :func:`pipeline.compliance.check_package`.
        """

        words = {part: read_words(data) for part, data in sorted(rendered.items())}
        masked = tuple((part, found.masked) for part, found in words.items())
        try:
            package, paras = self._package(rendered, words, name)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise unreadable_xml(name, exc) from None
        if package.document is not self._root:
            # A new tree: what the shared resolvers read of the last one's elements goes.
            for shared in self._resolvers.values():
                shared.facts.clear()
            self._root = package.document
        prepared = prepare_check(package, profile_id, self._resolver(package), paras)
        cached = self._template_verdict(prepared, masked)
        return prepared.report(
            tuple(cached.get(spec.id) or run_rule(spec, prepared.ctx) for spec in prepared.specs)
        )

    def _package(
        self, rendered: Mapping[str, bytes], words: Mapping[str, Words], name: str
    ) -> tuple[Package, list[Para] | None]:
        """Return the document's package: the template's parts as parsed once, the
        rendered ones parsed from ``rendered`` (``words``: each one's words, read);
        and its body's paragraphs when already read (see :class:`Reread`).

        Raises:
            InputError: the document has no Word body.
            ValueError, etree.XMLSyntaxError: a rendered part is too large or not XML.
        """

        def parse(part: str) -> Any | None:
            if part in rendered:
                return parse_part(rendered[part], part)
            if part in self._rendered:
                return None  # a part the template renders but this document lacks
            return self._template_part(part)

        if self._skeleton is None:
            if self._rendered != {main_part(self._template_part)}:
                return load_package(parse, name), None
            self._skeleton = load_package(self._template_part, self.name)
        main = next(iter(self._rendered))
        if rendered.keys() != {main}:
            return load_package(parse, name), None
        # Only the main part differs from the template: share the rest, and the
        # header and footer paragraphs read from it; and when the main part differs
        # from the last one only in words, update that one rather than parse anew.
        data = rendered[main]
        if self._reread is not None:
            paras = self._reread.update(words[main])
            if paras is not None:
                return with_document(self._skeleton, self._reread.root, name), paras
        self._reread = None
        package = with_document(self._skeleton, parse_part(data, main), name)
        paras = flatten(package.body)
        self._reread = Reread.of(data, package.document, paras)
        return package, paras

    def _template_verdict(
        self, prepared: PreparedCheck, masked: tuple[tuple[str, bytes], ...]
    ) -> dict[str, RuleResult]:
        """Return the results of the template rules for this document: reused when its
        format signature holds nothing new, else evaluated on it (and kept).

        A document whose rendered parts are those of one already seen but for the
        words (``masked``), with the same role, heading and case for every paragraph,
        has that document's signature: it is found without computing it.
        """
        facts = self._facts(prepared)
        exact = (prepared.ctx.profile.id, masked, tuple(fact[1:] for fact in facts))
        found = self._exact.get(exact)
        if found is not None:
            return found
        signature = self.signature(prepared, facts)
        verdicts = self._verdicts.setdefault(prepared.ctx.profile.id, [])
        results = next((found for known, found in verdicts if signature <= known), None)
        if results is None:
            self.template_evaluations += 1
            results = {
                spec.id: run_rule(spec, prepared.ctx)
                for spec in prepared.specs
                if spec.id in TEMPLATE_RULES
            }
            verdicts.append((signature, results))
            del verdicts[:-_MAX_VERDICTS]
        if len(self._exact) >= _MAX_VERDICTS:
            self._exact.pop(next(iter(self._exact)))
        self._exact[exact] = results
        return results

    @staticmethod
    def _facts(prepared: PreparedCheck) -> list[Fact]:
        """Return, per paragraph, what the template rules read of it besides its
        formatting: its role in the layout (title, number, summary line n, body…),
        whether its text reads as a heading, and the case of its text."""
        ctx = prepared.ctx
        roles = _roles(ctx.layout)
        out = []
        for para in ctx.layout.paras:
            role = roles.get(id(para))
            heading = (
                heading_name(ctx.profile.id, para.text) is not None
                if role == ("body", False)
                else None
            )
            element = role is not None and role[0] in _ROLES
            out.append((para, role, heading, _case(para.text) if heading or element else None))
        return out

    def signature(
        self,
        prepared: PreparedCheck,
        facts: list[Fact] | None = None,
    ) -> Signature:
        """Return everything the template rules look at in this document, but the words.

        Per paragraph: its formatting (the properties of the paragraph and its runs, its
        table's style) and :meth:`_facts`; which body paragraph follows which; the
        sections; the header and footer parts.
        """
        ctx = prepared.ctx
        keys: set[Hashable] = set()
        previous = None
        for para, role, heading, case in facts if facts is not None else self._facts(prepared):
            key = (
                _format_key(para.el),
                ctx.resolver.table_key(para.el) if para.table is not None else (),
                role,
                heading,
                case,
            )
            keys.add(key)
            if role == ("body", False):
                keys.add(("next", previous, key))
                previous = key
        sections = [etree.tostring(s, with_tail=False) for s in ctx.package.body.iter(w("sectPr"))]
        keys.update(("section", index, xml) for index, xml in enumerate(sections))
        lay = ctx.layout
        shape = tuple(bool(getattr(lay, name)) for name in (*_ROLES, "body"))
        keys.add(("shape", lay.family, shape, len(sections)))
        for rid, (part, root) in ctx.package.parts.items():
            own = id(root) if self._is_template_part(root) else etree.tostring(root)
            keys.add(("part", rid, part, own))
        return frozenset(keys)


def _roles(layout: Layout) -> dict[int, tuple[str, bool]]:
    """Return each laid-out paragraph's role: (element, whether it is not the first)."""
    roles: dict[int, tuple[str, bool]] = {}
    for name in (*_ROLES, "body", "body_cells"):
        value = getattr(layout, name)
        paras = value if isinstance(value, list) else [value]
        for number, para in enumerate(p for p in paras if isinstance(p, Para)):
            roles.setdefault(id(para), (name, number > 0))
    return roles


def _format_key(p: Any) -> bytes:
    """Return the XML of paragraph ``p`` with its words left out (each printing text
    as "x", blank text as it is): every property of the paragraph and its runs."""
    return words_masked(etree.tostring(p, with_tail=False, encoding="utf-8"))


@lru_cache(maxsize=512)  # plans share most paragraphs; LRU lets each one's own pass
def _case(text: str) -> tuple[bool, ...]:
    """Return what the case rules read of ``text``: upper-case, a word starting with a
    lower-case letter, first letter upper-case, more than three letters."""
    letters = ""
    for char in text:  # the first four letters are all it needs
        if char.isalpha():
            letters += char
            if len(letters) > 3:
                break
    return (
        text == text.upper(),
        any(w[0].isalpha() and not w[0].isupper() for w in text.split()),
        letters[:1].isupper(),
        len(letters) > 3,
    )
