"""Records as text or data (the web page's forms): validate with located problems, and
write form data back into YAML text keeping the comments the file already has."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from pipeline.errors import InputError, Problem
from pipeline.loading.dates import deadline_problems
from pipeline.loading.problems import data_path, problem_from_error
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.yaml_source import PathKey, YamlDocument, parse_yaml
from pipeline.models import OfficialDocument

_NOT_A_MAPPING = (
    "Tệp hồ sơ phải là một khối các trường (khoi, co_quan, loai, …), "
    "không phải danh sách hay một giá trị đơn."
)


@dataclass(frozen=True)
class LocatedProblem:
    """A problem and the path of the field it concerns in the record's data
    (``("chu_ky", "ho_ten")``; empty when it concerns the whole record)."""

    path: PathKey
    problem: Problem


def _error_path(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """Return the data path of an error: the part of ``loc`` present in ``data``, plus
    the missing field's own name (``loc`` also holds union tags, which are dropped)."""
    path = data_path(loc, data)
    names = [part for part in loc if isinstance(part, str)]
    if names and (not path or path[-1] != names[-1]) and names[-1] not in path:
        return (*path, names[-1])
    return path


def _path_of_field(field: str) -> PathKey:
    """Return the data path written in a problem's field ("Nơi nhận (noi_nhan.cac_noi)")."""
    if not field.endswith(")") or "(" not in field:
        return ()
    dotted = field[field.rindex("(") + 1 : -1]
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)


def check_text(
    text: str, source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate the record ``text`` as if it were the file ``source`` (its registry is
    found beside it); nothing is read but the registry, nothing is written. With
    ``within``, a registry outside that folder is a problem and is not read.

    Returns the record (None when invalid) and every problem with its field's path.
    """
    try:
        doc = parse_yaml(text, str(source))
    except InputError as exc:
        return None, [LocatedProblem((), p) for p in exc.problems]
    return check_yaml(doc, within)


def _outside(doc: YamlDocument, within: Path) -> LocatedProblem | None:
    dist = doc.data.get("noi_nhan") if isinstance(doc.data, dict) else None
    name = dist.get("danh_ba") if isinstance(dist, dict) else None
    if not isinstance(name, str):
        return None
    base = within.resolve()
    target = (Path(doc.source).parent / name).resolve()
    if base in target.parents:
        return None
    path: PathKey = ("noi_nhan", "danh_ba")
    problem = Problem(
        doc.source,
        doc.where(path),
        "Danh bạ nơi nhận (noi_nhan.danh_ba)",
        f"Danh bạ “{name}” nằm ngoài thư mục làm việc: chỉ dùng danh bạ trong thư mục này.",
    )
    return LocatedProblem(path, problem)


def check_yaml(
    doc: YamlDocument, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate a parsed record (see :func:`check_text`)."""
    if not isinstance(doc.data, dict):
        return None, [LocatedProblem((), Problem(doc.source, "dòng 1", "", _NOT_A_MAPPING))]
    try:
        record = OfficialDocument.model_validate(doc.data)
    except ValidationError as exc:
        located = []
        for error in exc.errors():
            problem = problem_from_error(error, doc.source, doc.data, doc.where, OfficialDocument)
            located.append(LocatedProblem(_error_path(tuple(error["loc"]), doc.data), problem))
        return None, located
    # A deadline before the issue date: the same check as a record file's (load_document).
    early = deadline_problems(record, doc)
    if early:
        return None, [LocatedProblem(_path_of_field(p.field), p) for p in early]
    outside = _outside(doc, within) if within is not None else None
    if outside is not None:
        return None, [outside]
    try:
        return resolve_distribution(record, doc, roster_addressees), []
    except InputError as exc:
        return None, [LocatedProblem(_path_of_field(p.field), p) for p in exc.problems]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per text: a clerk's paragraph stays one YAML line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def _merge(old: Any, new: Any) -> Any:
    """Return ``new`` written over ``old`` keeping ``old``'s comments and key order."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        del old[len(new) :]
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = _merge(old[index], value)
            else:
                old.append(value)
        return old
    if isinstance(old, str) and isinstance(new, str) and str(old) == new:
        return old  # keeps the scalar's style (quotes, folded lines)
    return new


def yaml_text(data: Mapping[str, Any], previous: str | None = None) -> str:
    """Return ``data`` as YAML text; written over ``previous`` (the file's current text)
    when given, so that its comments, key order and quoting stay where they still fit."""
    yaml = _yaml()
    root: Any = None
    if previous:
        try:
            root = yaml.load(previous)
        except YAMLError:
            root = None  # an unreadable file is replaced as a whole
    root = _merge(root, dict(data)) if isinstance(root, CommentedMap) else dict(data)
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def yaml_data(text: str) -> Any:
    """Return the plain data of YAML ``text`` (for a form), or None when unreadable."""
    try:
        return parse_yaml(text, "").data
    except InputError:
        return None
