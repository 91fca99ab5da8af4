"""The one Jinja environment: sandboxed, strict, autoescaping; and its Word filters."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol, runtime_checkable

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from pipeline.rendering.limits import (
    DATA_METHOD,
    bounded_join,
    check_binop,
    check_size,
    guard_filters,
    guarded_iter,
    safe_range,
    spend,
    unsafe_hint,
)

#: Types of values that are plain data: never a callable the sandbox must wrap.
_PLAIN = frozenset({str, int, float, bool, tuple, type(None), Markup})
_MISSING = object()

#: Width of the text block of an A4 page with 30 mm and 15 mm side margins, in twips.
TEXT_WIDTH_TWIPS = 9355


class RunLike(Protocol):
    """What the ``runs`` filter needs of a run (see ``pipeline.context.inline.Run``)."""

    @property
    def text(self) -> str: ...
    @property
    def bold(self) -> bool: ...
    @property
    def italic(self) -> bool: ...
    @property
    def ref(self) -> int: ...


class TableLike(Protocol):
    """What the ``bang`` filter needs of a table (see ``pipeline.context``)."""

    @property
    def tieu_de(self) -> tuple[str, ...]: ...
    @property
    def hang(self) -> tuple[tuple[str, ...], ...]: ...
    @property
    def do_rong(self) -> tuple[float, ...]: ...


def _footnote_reference(ref: int) -> str:
    return (
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{ref}"/></w:r>'
    )


def _run_xml(text: str, bold: bool = False, italic: bool = False) -> str:
    props = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def runs_filter(runs: Iterable[RunLike]) -> Markup:
    """Return Word runs for ``runs``, bold and italic as each says (``{{r x|runs }}``)."""
    return Markup(
        "".join(
            _footnote_reference(r.ref) if r.ref else _run_xml(r.text, r.bold, r.italic)
            for r in runs
        )
    )


def _exact_run_xml(text: str, bold: bool, italic: bool) -> str:
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    i = "<w:i/><w:iCs/>" if italic else '<w:i w:val="0"/><w:iCs w:val="0"/>'
    return f'<w:r><w:rPr>{b}{i}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def runs_exact_filter(runs: Iterable[RunLike]) -> Markup:
    """Return Word runs whose bold and italic are set either way, whatever the paragraph
    style says (``{{r x|runs_exact }}``): a line's emphasis decided by the record."""
    return Markup("".join(_exact_run_xml(r.text, r.bold, r.italic) for r in runs))


class SignatureLineLike(Protocol):
    """A line of a signature block (see ``pipeline.context.document.SignatureLine``)."""

    @property
    def kieu(self) -> str: ...
    @property
    def runs(self) -> tuple[RunLike, ...]: ...


class SignatureLike(Protocol):
    """A signature block (see ``pipeline.context.document.SignatureLines``)."""

    @property
    def dong(self) -> tuple[SignatureLineLike, ...]: ...
    @property
    def ho_ten(self) -> str: ...


def _styled(style: str, body: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{body}</w:p>'


def signatures_filter(blocks: Iterable[SignatureLike], width: int = TEXT_WIDTH_TWIPS) -> Markup:
    """Return a borderless table of signature blocks side by side, one column each
    (``{{p lien_tich|chu_ky_lien_tich }}``): a joint document's signers."""
    blocks = list(blocks)
    col = width // max(len(blocks), 1)
    cells = []
    for block in blocks:
        paras = [
            _styled(
                "VBQuyenhan" if line.kieu == "quyen_han" else "VBChucvu",
                "".join(_exact_run_xml(r.text, r.bold, r.italic) for r in line.runs),
            )
            for line in block.dong
        ]
        paras.append(_styled("VBHoten", _run_xml(block.ho_ten)))
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{col}" w:type="dxa"/></w:tcPr>{"".join(paras)}</w:tc>'
        )
    none = "".join(
        f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{col}"/>' for _ in blocks)
    return Markup(
        f'<w:tbl><w:tblPr><w:tblW w:w="{col * len(blocks)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{none}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}"
        "</w:tr></w:tbl>"
    )


def _cell(text: str, width: int, header: bool) -> str:
    align = '<w:jc w:val="center"/>' if header else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="VBBang"/>{align}</w:pPr>'
        f"{_run_xml(text, bold=header)}</w:p></w:tc>"
    )


def table_filter(table: TableLike | GridLike, width: int = TEXT_WIDTH_TWIPS) -> Markup:
    """Return a bordered Word table for ``table`` (``{{p b.bang|bang }}``)."""
    if isinstance(table, GridLike):
        return grid_filter(table)
    widths = [round(width * fraction) for fraction in table.do_rong]
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(
        border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    rows = [
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        + "".join(_cell(t, w, True) for t, w in zip(table.tieu_de, widths, strict=False))
        + "</w:tr>"
    ]
    for row in table.hang:
        cells = list(row) + [""] * (len(widths) - len(row))
        rows.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"  # a row never breaks across pages
            + "".join(_cell(t, w, False) for t, w in zip(cells, widths, strict=False))
            + "</w:tr>"
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return Markup(
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


@runtime_checkable
class GridCellLike(Protocol):
    """What the ``bang`` filter needs of a grid cell (``pipeline.context.tables``)."""

    @property
    def paragraphs(self) -> tuple[tuple[RunLike, ...], ...]: ...
    @property
    def gop_cot(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def can(self) -> str: ...
    @property
    def vmerge(self) -> str: ...


class GridRowLike(Protocol):
    """A grid row: its cells, and whether it is a header row (repeated on each page)."""

    @property
    def cells(self) -> tuple[GridCellLike, ...]: ...
    @property
    def header(self) -> bool: ...


@runtime_checkable
class GridLike(Protocol):
    """A table with merged cells (``pipeline.context.tables.GridTable``)."""

    @property
    def don_vi(self) -> str: ...
    @property
    def luoi(self) -> tuple[GridRowLike, ...]: ...
    @property
    def cot(self) -> tuple[int, ...]: ...


_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _grid_cell(cell: GridCellLike) -> str:
    props = [f'<w:tcW w:w="{cell.width}" w:type="dxa"/>']
    if cell.gop_cot > 1:
        props.append(f'<w:gridSpan w:val="{cell.gop_cot}"/>')
    if cell.vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif cell.vmerge == "continue":
        props.append("<w:vMerge/>")
    props.append('<w:vAlign w:val="center"/>')
    align = f'<w:jc w:val="{cell.can}"/>' if cell.can else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="VBBang"/>{align}</w:pPr>{runs_filter(runs)}</w:p>'
        for runs in cell.paragraphs
    )
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paragraphs or '<w:p/>'}</w:tc>"


def grid_filter(table: GridLike) -> Markup:
    """Return the unit line (right, italic) and the bordered table of a grid table:
    merged cells, header rows repeated on each page, rows never split."""
    unit = ""
    if table.don_vi:
        unit = (
            '<w:p><w:pPr><w:pStyle w:val="VBBang"/><w:keepNext/><w:jc w:val="right"/></w:pPr>'
            f"{_run_xml(table.don_vi, italic=True)}</w:p>"
        )
    rows = []
    for row in table.luoi:
        flag = "<w:tblHeader/>" if row.header else ""
        rows.append(
            f"<w:tr><w:trPr><w:cantSplit/>{flag}</w:trPr>"
            + "".join(_grid_cell(cell) for cell in row.cells)
            + "</w:tr>"
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in table.cot)
    return Markup(
        f'{unit}<w:tbl><w:tblPr><w:tblW w:w="{sum(table.cot)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{_BORDERS}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"{''.join(rows)}</w:tbl>"
    )


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with its verdict on each attribute remembered.

    Whether the sandbox lets a template read ``obj.attr`` depends on ``type(obj)`` and
    ``attr`` alone (internal attributes of functions, frames, generators…; a leading
    underscore; methods that change a list, dict or set). A batch reads the same few
    dozen attributes of the same few types on every document, so each verdict is
    worked out once (at most ``_MAX_VERDICTS`` of them: a template looping over
    made-up names must not grow the memo without end), and an attribute judged safe
    that holds plain data (text, numbers, tuples) is returned without Jinja's checks
    for a ``str.format`` method, which such a value cannot be.
    """

    _MAX_VERDICTS = 4096
    #: Operators checked before they run (``'ab' * 3000000000`` must never start).
    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}
        # Every rendering runs under the limits of pipeline.rendering.limits: the
        # budget starts when the text is joined (that is when the template runs).
        self.concat = bounded_join  # type: ignore[method-assign]
        self.globals["range"] = safe_range
        self.globals.pop("lipsum", None)  # lipsum(10**9) would write forever
        self.filters.update(guard_filters(self.filters))

    def guard_loop(self, iterable: Any) -> Any:
        """Return ``iterable`` counted against the rendering's budget (every ``for``)."""
        return guarded_iter(iterable)

    def guard_size(self, value: Any) -> Any:
        """Return ``value`` if it is not too large (every ``~`` join)."""
        return check_size(value)

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        # Only the tree being compiled is guarded: ``parse`` still gives the template
        # as written (lint reads it).
        for loop in source.find_all(nodes.For):
            loop.iter = _call_env("guard_loop", loop.iter)
        for concat in list(source.find_all(nodes.Concat)):
            _replace(source, concat, _call_env("guard_size", concat))
        return super()._generate(source, name, filename, defer_init)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        spend()  # a macro calling itself in a loop is counted like a loop
        return super().call(__context, __obj, *args, **kwargs)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        return self.undefined(unsafe_hint(attribute), name=attribute, obj=obj, exc=SecurityError)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The common case, ``b.kieu`` on every body line: an attribute already judged
        # safe on this type, holding plain data (so not a ``str.format`` to wrap).
        verdict = self._verdicts.get((type(obj), attribute))
        if verdict:
            value = getattr(obj, attribute, _MISSING)
            if type(value) in _PLAIN:
                return value
        elif verdict is False and isinstance(obj, dict) and attribute in obj:
            return obj[attribute]  # a field named like a method ("items") is data
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._verdicts.get(key)
        if safe is None:
            # Methods of the data (``xa.items``, ``ten.format``) are not data: a
            # template reads fields; what it may do with them, filters do.
            safe = super().is_safe_attribute(obj, attr, value) and not (
                callable(value) and not isinstance(obj, DATA_METHOD)
            )
            if len(self._verdicts) < self._MAX_VERDICTS:
                self._verdicts[key] = safe
        return safe


def _call_env(method: str, node: nodes.Node) -> nodes.Call:
    """Return the expression ``environment.<method>(node)``."""
    return nodes.Call(
        nodes.EnvironmentAttribute(method, lineno=node.lineno),
        [node],
        [],
        None,
        None,
        lineno=node.lineno,
    )


def _replace(tree: nodes.Node, old: nodes.Node, new: nodes.Node) -> None:
    """Put ``new`` where ``old`` stands in ``tree`` (``old`` becomes its argument)."""
    for parent in tree.find_all(nodes.Node):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if value is old and parent is not new:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and parent is not new:
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """Return the shared Jinja environment (sandboxed, StrictUndefined, autoescape).

    A template is untrusted input: it may not reach Python internals, may not
    change the data it is given, and fails on any name the data does not have.
    """
    env = _Sandbox(
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters["runs"] = runs_filter
    env.filters["runs_exact"] = runs_exact_filter
    env.filters["chu_ky_lien_tich"] = signatures_filter
    env.filters["bang"] = table_filter
    return env
