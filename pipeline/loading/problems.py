"""Turn Pydantic validation errors into Vietnamese problems with file, line and field."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from pipeline.errors import Problem
from pipeline.loading.yaml_source import PathKey
from pipeline.models.labels import label_for


def data_path(loc: Iterable[str | int], data: Any) -> PathKey:
    """Return the part of a Pydantic ``loc`` that exists in ``data`` (drops union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
            path.append(part)
    return tuple(path)


#: A part of an error location that names a field (union members are tagged by their
#: type, "literal['tat_ca']" or "tuple[…]": never shown to a user).
_FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")
#: Error types of Pydantic itself: their messages are English; ours are Vietnamese.
_BUILTIN_TYPES = frozenset(typing.get_args(ErrorType))


def clean_loc(loc: Iterable[str | int]) -> tuple[str | int, ...]:
    """Return ``loc`` without the tags of union members (type names)."""
    return tuple(p for p in loc if not isinstance(p, str) or _FIELD.match(p))


def _field_name(loc: tuple[str | int, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else ""


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _known_fields(model: type[BaseModel] | None) -> list[str]:
    return sorted(model.model_fields) if model is not None else []


_Message = Callable[[ErrorDetails, str], str]

_MESSAGES: dict[str, _Message] = {
    "missing": lambda e, lab: f"Thiếu {lab}. Hãy thêm trường này.",
    "int_parsing": lambda e, lab: f"{lab} phải là số nguyên, không phải “{_show(e['input'])}”.",
    "int_type": lambda e, lab: f"{lab} phải là số nguyên, không phải “{_show(e['input'])}”.",
    "int_from_float": lambda e, lab: f"{lab} phải là số nguyên, không có phần thập phân.",
    "decimal_parsing": lambda e, lab: (
        f"{lab} phải là một số (dùng dấu chấm cho phần thập phân, ví dụ 12.5), "
        f"không phải “{_show(e['input'])}”."
    ),
    "decimal_type": lambda e, lab: f"{lab} phải là một số, không phải “{_show(e['input'])}”.",
    "string_type": lambda e, lab: (
        f"{lab} phải là chữ, không phải “{_show(e['input'])}”."
        + (
            " YAML đọc giá trị không có dấu ngoặc kép này thành số: hãy viết nó trong "
            'dấu ngoặc kép, ví dụ "0204".'
            if isinstance(e["input"], int | float) and not isinstance(e["input"], bool)
            else ""
        )
    ),
    "bool_parsing": lambda e, lab: f"{lab} chỉ nhận true hoặc false.",
    "bool_type": lambda e, lab: f"{lab} chỉ nhận true hoặc false.",
    "greater_than_equal": lambda e, lab: (
        f"{lab} phải lớn hơn hoặc bằng {e.get('ctx', {}).get('ge')}, "
        f"không phải {_show(e['input'])}."
    ),
    "less_than_equal": lambda e, lab: (
        f"{lab} phải nhỏ hơn hoặc bằng {e.get('ctx', {}).get('le')}, "
        f"không phải {_show(e['input'])}."
    ),
    "literal_error": lambda e, lab: (
        f"{lab} “{_show(e['input'])}” không hợp lệ: chỉ nhận "
        f"{e.get('ctx', {}).get('expected', '')}."
    ),
    "too_short": lambda e, lab: f"{lab} không được để trống: cần ít nhất một mục.",
    "list_type": lambda e, lab: f"{lab} phải là một danh sách (mỗi mục một dòng bắt đầu “- ”).",
    "tuple_type": lambda e, lab: f"{lab} phải là một danh sách (mỗi mục một dòng bắt đầu “- ”).",
    "model_type": lambda e, lab: (
        f"{lab} phải là một khối có các trường con, không phải một giá trị."
    ),
    "model_attributes_type": lambda e, lab: f"{lab} phải là một khối có các trường con.",
    "dict_type": lambda e, lab: f"{lab} phải là một khối có các trường con.",
    "date_type": lambda e, lab: f"{lab} phải là một ngày, ví dụ 05/02/2026.",
}


def problem_from_error(
    error: ErrorDetails,
    source: str,
    data: Any,
    line_of: Callable[[PathKey], int | str],
    model: type[BaseModel] | None = None,
) -> Problem:
    """Return the Vietnamese :class:`Problem` for one Pydantic error."""
    loc = clean_loc(error["loc"])
    sub_field = (error.get("ctx") or {}).get("field")
    if isinstance(sub_field, str):
        # A record-level check that concerns one sub-field names it in its context.
        loc = (*loc, sub_field)
    sub_path = (error.get("ctx") or {}).get("path")
    if isinstance(sub_path, tuple | list):
        # ... or the path, below the field, of the item it concerns.
        loc = (*loc, *sub_path)
    path = data_path(loc, data)
    name = _field_name(loc)
    label = label_for(name) if name else "Hồ sơ"
    dotted = ".".join(
        str(p) for p in loc if not (isinstance(p, str) and p not in path and p != name)
    )
    field = f"{label} ({dotted})" if dotted else label
    kind = error["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, _known_fields(model), n=3, cutoff=0.5)
        hint = f" Có phải ý bạn là: {', '.join(close)}?" if close else ""
        message = f"Trường “{name}” không có trong hồ sơ loại này.{hint} Sửa tên hoặc xóa trường."
    elif kind in _MESSAGES:
        message = _MESSAGES[kind](error, label)
    elif kind in _BUILTIN_TYPES and kind != "value_error":
        # Pydantic's own words are English and name Python types: say it plainly.
        message = f"{label}: giá trị “{_show(error.get('input'))}” không hợp lệ ở đây."
    else:
        # Our own validators already word their message in Vietnamese.
        message = error["msg"].removeprefix("Value error, ")
    # A missing field has no place of its own in YAML (its parent's line is used), but a
    # workbook has a cell waiting for it: ask for the field itself.
    missing = loc[-1] if loc and isinstance(loc[-1], str) and loc[-1] not in path else None
    where = line_of((*path, missing) if missing else path)  # a line, or a cell already worded
    return Problem(source, where if isinstance(where, str) else f"dòng {where}", field, message)


def problems_from_validation(
    exc: ValidationError,
    source: str,
    data: Any,
    line_of: Callable[[PathKey], int | str],
    model: type[BaseModel] | None = None,
    *,
    skip: Iterable[str] = (),
) -> list[Problem]:
    """Return one problem per error of ``exc``, in the order of the file (leaving out
    errors of the types in ``skip``: checks the caller makes itself)."""
    skipped = frozenset(skip)
    errors = [e for e in exc.errors() if e["type"] not in skipped]
    # A list whose only item failed is also "too short": the item's own error says more.
    item_locs = [tuple(e["loc"]) for e in errors if e["type"] != "too_short"]
    errors = [
        e
        for e in errors
        if e["type"] != "too_short"
        or not any(loc[: len(e["loc"])] == tuple(e["loc"]) for loc in item_locs)
    ]
    problems = _merge_alternatives(
        [(e, problem_from_error(e, source, data, line_of, model)) for e in errors]
    )
    return sorted(set(problems), key=lambda p: (_line_number(p.location), p.field, p.message))


def _merge_alternatives(found: list[tuple[ErrorDetails, Problem]]) -> list[Problem]:
    """Join the errors of one value that matched none of a field's forms (a union:
    "tat_ca" or a list) into one problem naming every form it could take."""
    merged: dict[tuple[str, str], list[Problem]] = {}
    out = []
    for error, problem in found:
        if clean_loc(error["loc"]) != tuple(error["loc"]):
            merged.setdefault((problem.location, problem.field), []).append(problem)
        else:
            out.append(problem)
    for (location, field), group in merged.items():
        if len(group) == 1:
            out.extend(group)
            continue
        forms = "; hoặc ".join(dict.fromkeys(p.message.rstrip(".") for p in group))
        out.append(
            Problem(group[0].source, location, field, f"Không khớp dạng nào được nhận: {forms}.")
        )
    return out


def _line_number(location: str) -> int:
    digits = "".join(ch for ch in location if ch.isdigit())
    return int(digits) if digits else 0
