"""The sheets of a workbook, derived from a record model (no field is listed by hand).

A record model is walked field by field:

- scalars (text, numbers, dates, yes/no, a choice of values) and nested records are
  rows of the general sheet "Thông tin chung" (a list of texts: one cell per line,
  to the right);
- a list of records is a sheet of its own, one row per item, one column per field;
  an item that holds one list of records itself ("nhóm nhiệm vụ" → "nhiệm vụ") is
  flattened: one row per inner item, the group's columns filled on its first row;
- a list of a discriminated union (the body blocks, the Nơi nhận items) is a sheet
  with a "Loại" column (a dropdown of the kinds), the kind's main text in one shared
  column and the other fields in their own; a union that nests itself (Mục → blocks)
  gets a "Cấp" column (1, 2, 3…) so that the tree is typed as flat rows;
- inside a row, a list of texts is one cell with a line per item (Alt+Enter), a list
  of numbers one cell "1, 6, 2"; a grid (rows of cells, a table's body) is a sheet of
  its own named in the cell ("Bảng 1"); anything deeper is written as YAML text.

Both the writer (:mod:`pipeline.workbook`) and the loader (:mod:`.workbook`) use this.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Tag

from pipeline.models.labels import LABELS, label_for

GENERAL_SHEET = "Thông tin chung"
HELP_SHEET = "Hướng dẫn"
META_SHEET = "vanban"  # hidden: the kind of record the workbook holds
KIND_HEADER = "Loại"
LEVEL_HEADER = "Cấp"

YES, NO = "có", "không"
#: A cell that gives an empty text (an empty cell gives nothing at all).
EMPTY_TEXT = '""'

#: What one cell holds.
CellKind = Literal[
    "text", "int", "decimal", "date", "bool", "choice", "lines", "numbers", "grid", "yaml"
]


@dataclass(frozen=True)
class Column:
    """One field as a cell: its path inside the item, label, kind and choices."""

    path: tuple[str, ...]
    label: str
    kind: CellKind
    choices: tuple[str, ...] = ()
    required: bool = False
    #: For a union of fixed values and a list ("tat_ca" or a list of ids).
    or_lines: bool = False

    @property
    def key(self) -> str:
        """Return the dotted path, as written in the technical column."""
        return ".".join(self.path)


@dataclass(frozen=True)
class Variant:
    """One kind of a union item: its tag, label, model (None: plain text) and main field."""

    tag: str
    label: str
    model: type[BaseModel] | None
    main: tuple[str, ...]
    columns: tuple[Column, ...]
    #: The field that holds the nested items of the same union (Mục → noi_dung).
    children: str | None = None
    #: How the shared main cell is read (None: plain text, or no main field).
    main_column: Column | None = None


@dataclass(frozen=True)
class ListSheet:
    """A sheet for one list of the record: where it lives and how a row maps to an item."""

    path: tuple[str, ...]
    title: str
    columns: tuple[Column, ...] = ()
    #: A flattened group: the field holding the inner items, and their columns.
    inner: str | None = None
    inner_columns: tuple[Column, ...] = ()
    variants: tuple[Variant, ...] = ()
    recursive: bool = False
    main_label: str = "Nội dung"

    @property
    def headers(self) -> list[str]:
        """Return the header row of the sheet."""
        if self.variants:
            out = [LEVEL_HEADER] if self.recursive else []
            out += [KIND_HEADER, self.main_label]
            return out + [c.label for c in self.union_columns]
        return [c.label for c in (*self.columns, *self.inner_columns)]

    @property
    def union_columns(self) -> tuple[Column, ...]:
        """Return the other fields of every kind, merged by path, in order of first use."""
        seen: dict[tuple[str, ...], Column] = {}
        for variant in self.variants:
            for column in variant.columns:
                seen.setdefault(column.path, column)
        return tuple(seen.values())


@dataclass(frozen=True)
class Layout:
    """Every sheet of a record model."""

    model: type[BaseModel]
    general: tuple[Column, ...]
    lists: tuple[ListSheet, ...] = field(default=())


# -- type analysis ----------------------------------------------------------------------


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """Return the type without Annotated/Optional, and the Annotated metadata."""
    meta: list[Any] = []
    while True:
        if get_origin(tp) is Annotated:
            args = get_args(tp)
            tp, meta = args[0], [*meta, *list(args[1:])]
            continue
        if _is_union(tp):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp, meta


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _scalar_kind(tp: Any) -> CellKind | None:
    kinds: list[tuple[type, CellKind]] = [
        (bool, "bool"),
        (int, "int"),
        (Decimal, "decimal"),
        (float, "decimal"),
        (date, "date"),
        (str, "text"),
    ]
    for base, kind in kinds:
        if tp is base:
            return kind
    if get_origin(tp) is Literal:
        return "choice"
    return None


def _tuple_item(tp: Any) -> Any | None:
    """Return the item type of ``tuple[X, ...]`` (None for anything else)."""
    if get_origin(tp) is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


def _union_variants(tp: Any) -> list[tuple[str, Any]] | None:
    """Return (tag, type) of each member of a tagged (discriminated) union, else None."""
    inner, meta = _unwrap(tp)
    if not _is_union(inner) or not any(isinstance(m, Discriminator) for m in meta):
        return None
    out = []
    for member in get_args(inner):
        tags = [m.tag for m in get_args(member)[1:] if isinstance(m, Tag)]
        if get_origin(member) is not Annotated or not tags:
            return None
        out.append((tags[0], get_args(member)[0]))
    return out


def field_column(path: tuple[str, ...], tp: Any, required: bool, owner: str = "") -> Column | None:
    """Return the column of a field that fits in one cell (None: a list of records)."""
    label = LABELS.get(f"{owner}.{path[-1]}") or label_for(path[-1])
    inner, _ = _unwrap(tp)
    kind = _scalar_kind(inner)
    if kind is not None:
        choices = tuple(get_args(inner)) if kind == "choice" else ()
        return Column(path, label, kind, choices, required)
    if _is_union(inner):  # e.g. Literal["tat_ca"] | tuple[Text, ...]
        return _choice_or_list(path, label, inner, required)
    item = _tuple_item(inner)
    if item is None:
        return Column(path, label, "yaml", (), required)
    item_inner, _ = _unwrap(item)
    item_kind = _scalar_kind(item_inner)
    if item_kind is None and _tuple_item(item_inner) is not None:
        # Rows of text cells: a sheet of its own. Rows of anything richer (cells with
        # spans…): YAML text, so that nothing is lost.
        cell = _scalar_kind(_unwrap(_tuple_item(item_inner))[0])
        return Column(path, label, "grid" if cell == "text" else "yaml", (), required)
    if item_kind is None:
        return None
    many: CellKind = "numbers" if item_kind in ("int", "decimal") else "lines"
    return Column(path, label, many, (), required)


def _choice_or_list(path: tuple[str, ...], label: str, union: Any, required: bool) -> Column:
    """Return the column of "a fixed value or a list" (``tat_ca`` or a list of ids)."""
    literals = [a for a in get_args(union) if get_origin(_unwrap(a)[0]) is Literal]
    others = [a for a in get_args(union) if a not in literals]
    if len(literals) == 1 and len(others) == 1:
        choices = tuple(get_args(_unwrap(literals[0])[0]))
        base = field_column(path, others[0], required)
        if base is not None and base.kind in ("lines", "numbers"):
            return Column(path, label, base.kind, choices, required, or_lines=True)
    return Column(path, label, "yaml", (), required)


def _flat(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Column | tuple[str, ...]]:
    """Return the cells of ``model`` (nested records flattened) and, as bare paths, its
    lists of records."""
    out: list[Column | tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        inner, _ = _unwrap(info.annotation)
        if _is_model(inner):
            out.extend(_flat(inner, path))
            continue
        column = field_column(path, info.annotation, info.is_required())
        out.append(path if column is None else column)
    return out


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """Return the one-cell columns of ``model``; a list of records becomes YAML text."""
    out = []
    for item in _flat(model, prefix):
        if isinstance(item, Column):
            out.append(item)
        else:
            out.append(Column(item, label_for(item[-1]), "yaml"))
    return tuple(out)


def _field_type(model: type[BaseModel], path: tuple[str, ...]) -> Any:
    tp: Any = model
    for name in path:
        tp = _unwrap(tp)[0].model_fields[name].annotation
    return tp


def _variant(tag: str, tp: Any, union: Any) -> Variant:
    inner, _ = _unwrap(tp)
    label = LABELS.get(f"loai.{tag}") or label_for(tag)
    if not _is_model(inner):
        return Variant(tag, label, None, (), ())
    names = list(inner.model_fields)
    main_name = tag if tag in names else names[0]
    children = None
    columns: list[Column] = []
    for name, info in inner.model_fields.items():
        if _tuple_item(_unwrap(info.annotation)[0]) is not None and _same_union(
            _tuple_item(_unwrap(info.annotation)[0]), union
        ):
            children = name
            continue
        if name == main_name:
            continue
        sub, _ = _unwrap(info.annotation)
        if _is_model(sub):
            columns.extend(_columns(sub, (name,)))
            continue
        column = field_column((name,), info.annotation, info.is_required(), tag)
        columns.append(column or Column((name,), label_for(name), "yaml"))
    main_inner, _ = _unwrap(inner.model_fields[main_name].annotation)
    if _is_model(main_inner):  # e.g. a table block: its fields become columns
        columns = [*_columns(main_inner, (main_name,)), *columns]
        return Variant(tag, label, inner, (), tuple(columns), children)
    info = inner.model_fields[main_name]
    main_column = field_column((main_name,), info.annotation, True) or Column(
        (main_name,), label, "yaml"
    )
    return Variant(tag, label, inner, (main_name,), tuple(columns), children, main_column)


def _same_union(a: Any, b: Any) -> bool:
    va, vb = _union_variants(a), _union_variants(b)
    return va is not None and vb is not None and [t for t, _ in va] == [t for t, _ in vb]


def _list_sheet(model: type[BaseModel], path: tuple[str, ...]) -> ListSheet:
    tp = _field_type(model, path)
    item = _tuple_item(_unwrap(tp)[0])
    title = label_for(path[-1])
    union = _union_variants(item)
    if union is not None:
        variants = tuple(_variant(tag, member, item) for tag, member in union)
        recursive = any(v.children for v in variants)
        main = label_for(path[-1])
        return ListSheet(path, title, variants=variants, recursive=recursive, main_label=main)
    item_model, _ = _unwrap(item)
    flat = _flat(item_model)
    nested = [p for p in flat if not isinstance(p, Column)]
    if len(nested) == 1 and len(nested[0]) == 1:
        inner_tp = _tuple_item(_unwrap(item_model.model_fields[nested[0][0]].annotation)[0])
        inner_model, _ = _unwrap(inner_tp)
        if _is_model(inner_model):
            outer = tuple(
                replace(c, label=f"{c.label} nhóm") for c in flat if isinstance(c, Column)
            )
            inner_cols = _columns(inner_model, (nested[0][0],))
            return ListSheet(path, title, outer, nested[0][0], inner_cols)
    return ListSheet(path, title, _columns(item_model))


@cache
def layout_of(model: type[BaseModel]) -> Layout:
    """Return the sheets of ``model`` (cached: the models do not change while running)."""
    general: list[Column] = []
    lists: list[ListSheet] = []
    for item in _flat(model):
        if isinstance(item, Column):
            general.append(item)
        else:
            lists.append(_list_sheet(model, item))
    titles: set[str] = {GENERAL_SHEET, HELP_SHEET, META_SHEET}
    unique = []
    for sheet in lists:
        title = sheet_title(sheet.title, titles)
        titles.add(title)
        unique.append(ListSheet(**{**sheet.__dict__, "title": title}))
    return Layout(model, tuple(general), tuple(unique))


def sheet_title(wanted: str, taken: set[str]) -> str:
    """Return a sheet name Excel accepts (≤ 31 characters, no []:*?/\\), not in ``taken``."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in wanted).strip()[:31] or "Trang"
    title, number = clean, 2
    while title in taken:
        title = f"{clean[:27]} ({number})"
        number += 1
    return title
