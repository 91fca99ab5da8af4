"""Fill the base record with one commune's fields, and validate it like any document.

In the record data (base record with the spec's ``dien`` merged over it), a string
with placeholders is rendered in the sandboxed text environment; a string that is
exactly one placeholder (``"{{ xa.so }}"``) takes the field's typed value (a number,
a date), so that a figure is never re-read from its Vietnamese spelling ("1.234" is
one thousand two hundred and thirty-four). A string that fills to nothing leaves its
field out. A string that only places fields ("Uỷ ban nhân dân {{ xa.ten_day_du }}")
is filled by joining its pieces, once checked to be what Jinja renders for it.

Where the placeholders are is found once per record data (:func:`slots_of`); a
commune's record copies only the mappings and lists on the way to them and shares
everything else with the data. Nothing mutates the data or a filled record
(Pydantic reads them), so the sharing is safe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pipeline.context.commune import CommuneFields, commune_fields, sources_of
from pipeline.errors import InputError, Problem
from pipeline.loading.dates import early_deadlines, swapped
from pipeline.loading.problems import data_path, problem_from_error
from pipeline.models import OfficialDocument
from pipeline.models.roster import COLUMNS, Commune
from pipeline.rendering.text import (
    TextTemplateError,
    compile_text,
    has_placeholder,
    render_compiled,
)

PathKey = tuple[str | int, ...]

_WHOLE = re.compile(r"^\s*\{\{\s*xa\.(\w+)\s*\}\}\s*$")
_NAMES = re.compile(r"\bxa\s*\.\s*(\w+)")


def merge(base: Any, override: Any) -> Any:
    """Return ``override`` merged over ``base``: mappings key by key, the rest replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return override


def placeholder_names(data: Any, path: PathKey = ()) -> dict[PathKey, tuple[str, ...]]:
    """Return, for each string of ``data`` with placeholders, the ``xa.`` fields it uses."""
    found: dict[PathKey, tuple[str, ...]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(placeholder_names(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.update(placeholder_names(value, (*path, index)))
    elif isinstance(data, str) and has_placeholder(data):
        found[path] = tuple(dict.fromkeys(_NAMES.findall(data)))
    return found


class FillFailure(Exception):
    """A placeholder failed at ``path`` of the record data."""

    def __init__(self, path: PathKey, error: TextTemplateError) -> None:
        super().__init__(str(error))
        self.path = path
        self.error = error


@dataclass(frozen=True)
class _Slot:
    """A string with placeholders: its source and, if it is exactly one, the field.

    ``pieces`` are literal text and field names in turn when that is all the source
    is (:func:`_pieces`).
    """

    source: str
    whole: str | None
    pieces: tuple[str, ...] | None = None


#: Where the placeholders of a record data are: a slot for a string, else for a
#: mapping or list the keys or indexes (in order) under which there are some.
Slots = _Slot | dict[str | int, "Slots"]


def slots_of(data: Any) -> Slots | None:
    """Return where ``data``'s placeholders are (``None`` if it has none)."""
    if isinstance(data, dict | list):
        items = data.items() if isinstance(data, dict) else enumerate(data)
        found: dict[str | int, Slots] = {}
        for key, value in items:
            sub = slots_of(value)
            if sub is not None:
                found[key] = sub
        return found or None
    if isinstance(data, str) and has_placeholder(data):
        whole = _WHOLE.match(data)
        return _Slot(data, whole.group(1) if whole else None, _pieces(data))
    return None


_SIMPLE = re.compile(r"\{\{\s*xa\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TAG = re.compile(r"\{[{%#]|[\r\n]")


@cache
def _pieces(source: str) -> tuple[str, ...] | None:
    """Return ``source`` as literal text and field names in turn, if that is all it is.

    Such a text ("Uỷ ban nhân dân {{ xa.ten_day_du }}") is filled by joining the
    pieces, which is what Jinja renders for it: checked here, once, on made-up
    values. Anything else (a filter, a condition, a line break, a name that is a
    method of the fields' mapping) is left to Jinja.
    """
    pieces = _SIMPLE.split(source)
    names = pieces[1::2]
    if any(_TAG.search(text) for text in pieces[::2]) or any(hasattr({}, n) for n in names):
        return None
    probe = {name: f"<{index}>" for index, name in enumerate(dict.fromkeys(names))}
    try:
        rendered = render_compiled(compile_text(source), {"xa": probe})
    except TextTemplateError:
        return None
    return tuple(pieces) if _joined(tuple(pieces), probe) == rendered else None


def _joined(pieces: tuple[str, ...], text: Mapping[str, Any]) -> str | None:
    """Return ``pieces`` with each field name replaced by its text (None if one lacks)."""
    out = list(pieces)
    for index in range(1, len(out), 2):
        value = text.get(out[index])
        if type(value) is not str:
            return None  # left to Jinja: it reports a missing field as it should
        out[index] = value
    return "".join(out)


def fill(data: Any, fields: CommuneFields, path: PathKey = ()) -> Any:
    """Return ``data`` with every placeholder filled from ``fields``.

    The result shares with ``data`` every part without placeholders.

    Raises:
        FillFailure: a placeholder is broken or names a field the commune lacks.
    """
    slots = slots_of(data)
    return data if slots is None else _fill(data, slots, fields, path)


def _fill(data: Any, slots: Slots, fields: CommuneFields, path: PathKey) -> Any:
    try:
        return _filled(data, slots, fields)
    except FillFailure as exc:
        raise FillFailure((*path, *exc.path), exc.error) from None


def _filled(data: Any, slots: Slots, fields: CommuneFields) -> Any:
    # The path of a failure is put together on the way out: none is built otherwise.
    if isinstance(slots, _Slot):
        return _fill_text(slots, fields)
    out = dict(data) if isinstance(data, dict) else list(data)
    for key, sub in slots.items():
        try:
            out[key] = _filled(data[key], sub, fields)  # type: ignore[index]
        except FillFailure as exc:
            raise FillFailure((key, *exc.path), exc.error) from None
    return out


def _fill_text(slot: _Slot, fields: CommuneFields) -> Any:
    if slot.whole is not None and slot.whole in fields.values:
        return fields.values[slot.whole]
    text = None if slot.pieces is None else _joined(slot.pieces, fields.text)
    if text is None:
        try:
            text = render_compiled(compile_text(slot.source), {"xa": fields.text})
        except TextTemplateError as exc:
            raise FillFailure((), exc) from None
    # "{{ xa.so | default('') }}" on an empty cell leaves the field out (a draft's number).
    return text if text.strip() else None


#: Slots of the record data of the batches of this process, by the data's identity
#: (each entry keeps its data alive, so that an id is never reused while cached).
_SLOTS: dict[int, tuple[Any, Slots | None]] = {}
_SLOTS_KEPT = 8


def _cached_slots(data: Any) -> Slots | None:
    entry = _SLOTS.get(id(data))
    if entry is None or entry[0] is not data:
        if len(_SLOTS) >= _SLOTS_KEPT:
            _SLOTS.clear()
        entry = (data, slots_of(data))
        _SLOTS[id(data)] = entry
    return entry[1]


@dataclass(frozen=True)
class RowPlace:
    """Where a commune's problems are reported: the roster file, the row, its headers."""

    source: str
    row: int
    headers: Mapping[str, str]

    def label(self, field: str) -> str:
        """Return the header of roster field ``field`` as the file writes it."""
        return self.headers.get(field) or COLUMNS[field].header

    def problem(self, field: str, message: str) -> Problem:
        """Return a problem of this row."""
        return Problem(self.source, f"hàng {self.row}", field, message)


def commune_document(
    data: Any, uses: Mapping[PathKey, tuple[str, ...]], commune: Commune, place: RowPlace
) -> OfficialDocument:
    """Return the validated record of ``commune``: ``data`` filled with its fields.

    Raises:
        InputError: the row lacks a value the record needs, or the filled record is
            invalid; every problem names the row and the columns to fix.
    """
    fields = commune_fields(commune)
    slots = _cached_slots(data)
    try:
        filled = data if slots is None else _fill(data, slots, fields, ())
    except FillFailure as exc:
        raise InputError([_fill_problem(exc, commune, place)]) from None
    try:
        record = OfficialDocument.model_validate(filled)
    except ValidationError as exc:
        problems = [_record_problem(e, filled, uses, place) for e in exc.errors()]
        raise InputError(sorted(set(problems))) from None
    late = _deadline_problems(record, uses, place)
    if late:
        raise InputError(late)
    return record


def _deadline_problems(
    record: OfficialDocument, uses: Mapping[PathKey, tuple[str, ...]], place: RowPlace
) -> list[Problem]:
    """Return a problem for each deadline before the plan's date, naming the row's
    columns they come from (a month-first spreadsheet often causes it)."""
    out = []
    for path, value, issued in early_deadlines(record):
        names = [*uses.get(path, ()), *uses.get(("ngay",), ())]
        columns = list(dict.fromkeys(f for n in names for f in sources_of(n)))
        headers = ", ".join(place.label(f) for f in columns) or ".".join(map(str, path))
        other = swapped(value)
        hint = ""
        if other is not None and other >= issued:
            hint = (
                f" Nếu bảng tính đặt kiểu tháng/ngày (tiếng Anh - Mỹ), “{other:%d/%m/%Y}” có "
                f"thể đã bị đọc thành ngày {value.day} tháng {value.month}: gõ lại ô dạng chữ."
            )
        out.append(
            place.problem(
                headers,
                f"Thời hạn {value:%d/%m/%Y} sớm hơn ngày ban hành {issued:%d/%m/%Y} của kế "
                f"hoạch: thời hạn không thể trước ngày văn bản ra đời.{hint}",
            )
        )
    return sorted(set(out))  # one cell used by several deadlines: said once


def _fill_problem(exc: FillFailure, commune: Commune, place: RowPlace) -> Problem:
    where = ".".join(str(p) for p in exc.path)
    if exc.error.kind == "undefined":
        empty = [f for f in sources_of(exc.error.name) if getattr(commune, f, None) is None]
        if empty:
            headers = ", ".join(f"“{place.label(f)}”" for f in empty)
            return place.problem(
                place.label(empty[0]),
                f"Ô {headers} đang trống nhưng văn bản cần giá trị này (ở {where}): điền vào.",
            )
    return place.problem(where, f"Không điền được chỗ trống ({exc.error.detail}).")


def _record_problem(
    error: ErrorDetails, filled: Any, uses: Mapping[PathKey, tuple[str, ...]], place: RowPlace
) -> Problem:
    base = problem_from_error(error, place.source, filled, lambda _path: 0, OfficialDocument)
    path = data_path(error["loc"], filled)
    names = [n for p, used in uses.items() if p[: len(path)] == path for n in used]
    columns = list(dict.fromkeys(f for n in names for f in sources_of(n)))
    if not columns:
        return place.problem(
            base.field, f"{base.message} (chỗ này lấy từ hồ sơ gốc hoặc tệp đợt, không từ hàng này)"
        )
    headers = ", ".join(place.label(f) for f in columns)
    return place.problem(headers, f"{base.field}: {base.message}")
