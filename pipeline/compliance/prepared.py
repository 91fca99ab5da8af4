"""Check many documents made from one template, reading what they share only once.

A batch checks every plan before writing it. The plans of one template differ only in
the parts the rendering fills (``word/document.xml``, tagged headers and footers);
styles, theme, relationships, untagged headers and footers and ``docProps/app.xml`` are
the template's own. :class:`TemplateCheck` parses those once and keeps one style
resolver (whose effective formats are memoised by the properties a paragraph or run
carries). Each document is then read from its rendered XML, already in memory, laid
out, and checked by the very rules of :func:`pipeline.compliance.check_docx`.

Each rule runs as in :func:`pipeline.compliance.check_docx`, but a rule that declares
what it reads (``@reads(...)`` above the rule, :mod:`pipeline.compliance.facts`: the
sections, header and footer parts, each paragraph's formatting, its element in the
layout, whether a body paragraph reads as a heading, the case of each text) reuses its
*pass* on a document whose declared facts all equal those of a document it passed on.
A rule that finds something runs again on every document (its findings may quote the
words), and a rule that declares nothing runs on every document. So a document gets
the findings of ``check_docx`` whatever came before it: ``tests/test_incremental_check.py``
holds every declaration to that on random edits of the words.

Two shortcuts keep this cheap when only the main part is rendered: a plan whose main
part is the last one's but for the words updates that parsed tree and re-reads only
the paragraphs whose words changed (:class:`~pipeline.compliance.words.Reread`), and
the ``format`` fact (each paragraph's XML without its words) is computed once per form
of the rendered parts with the words left out.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from itertools import count
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pipeline.compliance.catalogue import RuleSpec
from pipeline.compliance.check import RULES, PreparedCheck, prepare_check, run_rule
from pipeline.compliance.facts import FACTS, Fact, cases, declared, headings, roles
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
from pipeline.compliance.words import Reread, Words
from pipeline.compliance.words import masked as words_masked
from pipeline.compliance.words import read as read_words

#: Passes kept per template (a batch's plans share one or a few sets of facts).
_MAX_PASSES = 64
#: Forms of the rendered parts (the words left out) whose markup facts are kept.
_MAX_FORMATS = 16
_MISSING = object()


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
        self._passes: OrderedDict[Hashable, RuleResult] = OrderedDict()
        #: Per form of the rendered parts without their words: its markup facts' numbers.
        self._markup: dict[Hashable, dict[Fact, int]] = {}
        self._numbers = {fact: _Numbers() for fact in FACTS}
        self._skeleton: Package | None = None
        self._reread: Reread | None = None
        self._root: Any = None  # the main part last checked
        #: How many times each declared rule ran rather than reusing a pass (tests).
        self.evaluations: Counter[str] = Counter()

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
        facts = _Facts(self, prepared, masked)
        return prepared.report(tuple(self._run(spec, prepared, facts) for spec in prepared.specs))

    def _run(self, spec: RuleSpec, prepared: PreparedCheck, facts: _Facts) -> RuleResult:
        """Return ``spec``'s result on this document: a pass reused when the rule
        declared what it reads and all of it equals what it read of a document it
        passed; else the rule run on this document."""
        rule = RULES.get(spec.id)
        reads = declared(rule) if rule is not None else None
        if reads is None:
            return run_rule(spec, prepared.ctx)
        key = (spec.id, prepared.ctx.profile.id, tuple(facts.number(fact) for fact in reads))
        known = self._passes.get(key)
        if known is not None:
            self._passes.move_to_end(key)
            return known
        self.evaluations[spec.id] += 1
        result = run_rule(spec, prepared.ctx)
        if result.status == "PASS":  # a finding may quote the words: never reused
            self._passes[key] = result
            if len(self._passes) > _MAX_PASSES:
                self._passes.popitem(last=False)
        return result

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

    def fact_number(
        self, fact: Fact, prepared: PreparedCheck, masked: Hashable, facts: dict[Fact, Any]
    ) -> int:
        """Return the number of the value of ``fact`` in this document: equal numbers,
        equal values (each value is hashed and compared once per document, not once
        per rule). The markup facts (``sections``, ``parts``, ``format``) follow from
        the rendered parts with the words left out (``masked``): they are computed
        once per such form."""
        if fact not in _MARKUP:
            return self._numbers[fact].number(_compute(fact, prepared, facts))
        known = self._markup.get(masked)
        if known is None:
            if len(self._markup) >= _MAX_FORMATS:
                self._markup.pop(next(iter(self._markup)))
            known = self._markup[masked] = {}
        number = known.get(fact)
        if number is None:
            value = (
                self._parts_fact(prepared) if fact == "parts" else _compute(fact, prepared, facts)
            )
            number = known[fact] = self._numbers[fact].number(value)
        return number

    def _parts_fact(self, prepared: PreparedCheck) -> Hashable:
        """Return the ``parts`` fact: each header and footer part, the template's own
        by identity, a rendered one by its XML without the words."""
        return tuple(
            sorted(
                (rid, part, id(root) if self._is_template_part(root) else _masked_xml(root))
                for rid, (part, root) in prepared.ctx.package.parts.items()
            )
        )


#: The facts that follow from the markup alone (the words left out).
_MARKUP: frozenset[Fact] = frozenset({"sections", "parts", "format"})
#: Values numbered per fact before the numbering starts afresh (numbers never repeat).
_MAX_NUMBERED = 64


class _Numbers:
    """Numbers the values of one fact: equal values, equal numbers; never a number
    twice, even after forgetting old values."""

    def __init__(self) -> None:
        self._numbers: dict[Hashable, int] = {}
        self._next = count()

    def number(self, value: Hashable) -> int:
        found = self._numbers.get(value)
        if found is None:
            if len(self._numbers) >= _MAX_NUMBERED:
                self._numbers.clear()
            found = self._numbers[value] = next(self._next)
        return found


def _compute(fact: Fact, prepared: PreparedCheck, values: dict[Fact, Any]) -> Hashable:
    """Return the value of ``fact`` in the document of ``prepared`` (``parts``: see
    :meth:`TemplateCheck._parts_fact`); ``values`` keeps the values of this document's
    facts computed so far (``case`` reads ``headings``)."""
    found = values.get(fact)
    if found is None:
        found = values[fact] = _value(fact, prepared, values)
    return found


def _value(fact: Fact, prepared: PreparedCheck, values: dict[Fact, Any]) -> Hashable:
    ctx = prepared.ctx
    if fact == "sections":
        body = ctx.package.body
        return tuple(etree.tostring(s, with_tail=False) for s in body.iter(w("sectPr")))
    if fact == "format":
        # The style definitions and theme fonts, and per paragraph its XML with the
        # words left out, its table's style and its cell.
        styles = ctx.package.styles
        return (
            None if styles is None else _masked_xml(styles),
            tuple(sorted(ctx.package.theme_fonts.items())),
            tuple(
                (
                    _masked_xml(para.el),
                    ctx.resolver.table_key(para.el) if para.table is not None else (),
                    para.cell,
                )
                for para in ctx.layout.paras
            ),
        )
    if fact == "roles":
        return roles(ctx.layout)
    if fact == "headings":
        return headings(ctx.profile.id, ctx.layout)  # kept in values: ``case`` reads it
    if fact == "case":
        return cases(ctx.layout, values.get("headings") or headings(ctx.profile.id, ctx.layout))
    raise ValueError(fact)


class _Facts:
    """The facts of one document, each numbered when a rule first asks for it."""

    def __init__(self, check: TemplateCheck, prepared: PreparedCheck, masked: Hashable) -> None:
        self._check = check
        self._prepared = prepared
        self._masked = masked
        self._found: dict[Fact, int] = {}
        self._values: dict[Fact, Any] = {}

    def number(self, fact: Fact) -> int:
        found = self._found.get(fact)
        if found is None:
            check, prepared, masked = self._check, self._prepared, self._masked
            found = self._found[fact] = check.fact_number(fact, prepared, masked, self._values)
        return found


def _masked_xml(element: Any) -> bytes:
    """Return the XML of ``element`` with its words left out (each printing text as
    "x", blank text as it is): every property of it and of what it holds."""
    return words_masked(etree.tostring(element, with_tail=False, encoding="utf-8"))
