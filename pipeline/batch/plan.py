"""Plan a batch: read the spec, the base record and the roster; check the recipe once.

Everything that would fail every commune alike (a bad spec, a broken base record, a
placeholder naming no roster field) is an input error of the batch, reported with
its file and line before anything is rendered. What is wrong with one row fails that
commune alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline import __version__
from pipeline.batch.fill import FillFailure, PathKey, fill, merge, placeholder_names
from pipeline.batch.recipients import distribution_source, resolve_registry
from pipeline.batch.slugs import unique_slugs
from pipeline.context.commune import FIELD_NAMES, commune_fields
from pipeline.errors import InputError, Problem
from pipeline.loading.problems import data_path, problem_from_error, problems_from_validation
from pipeline.loading.tabular import Roster, load_roster
from pipeline.loading.workbook import read_record_source
from pipeline.loading.yaml_source import YamlDocument, read_mapping
from pipeline.models import OfficialDocument
from pipeline.models.batch import FIXED_FIELDS, BatchSpec
from pipeline.models.roster import Commune
from pipeline.rendering.text import TextTemplateError, compile_text

#: A commune with every field filled, to try the recipe on before any real row.
SAMPLE = Commune(
    ma="00000",
    ten="Mẫu",
    loai="xã",
    cap_tren="ĐẢNG BỘ TỈNH MẪU",
    ban_hanh="ĐẢNG UỶ XÃ MẪU",
    dia_danh="Mẫu",
    bi_thu="Nguyễn Văn A",
    chu_tich="Trần Văn B",
    nguoi_ky="Nguyễn Văn A",
    chuc_vu_ky="BÍ THƯ",
    so=1,
    ngay=date(2026, 6, 1),
    thon_truoc=10,
    thon_sau=8,
    bien_che=20,
    tinh_gian=2,
    truong_sap_xep=1,
    ty_le_truc_tuyen=Decimal(80),
    han_hoan_thanh=date(2026, 12, 31),
)


@dataclass(frozen=True)
class Job:
    """One commune to render: its row, code, name, file name and inputs' hash."""

    row: int
    code: str
    name: str
    slug: str
    commune: Commune
    input_sha256: str


#: The sample commune as a job (row 0), for a trial render before any real row.
SAMPLE_JOB = Job(0, SAMPLE.ma, SAMPLE.full_name, "mau", SAMPLE, "")


@dataclass(frozen=True)
class Failure:
    """A commune that produced no plan, and why."""

    row: int
    code: str
    name: str
    problems: tuple[Problem, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the failure as the manifest writes it."""
        return {
            "row": self.row,
            "code": self.code,
            "name": self.name,
            "problems": [str(p) for p in self.problems],
        }


@dataclass(frozen=True)
class Plan:
    """A checked batch: the record recipe, the communes to render, the rows that failed.

    ``roster`` keeps the roster's source and headers only: its rows are ``jobs`` and
    ``failures`` (a big roster is not held twice).
    """

    name: str
    spec_path: Path
    spec: BatchSpec
    record_path: Path
    roster: Roster
    data: dict[str, Any]
    uses: dict[PathKey, tuple[str, ...]]
    sample: OfficialDocument
    jobs: tuple[Job, ...]
    failures: tuple[Failure, ...]

    @property
    def roster_path(self) -> Path:
        """Return the roster file's path."""
        return Path(self.roster.source)


def batch_name(spec_path: Path, spec: BatchSpec) -> str:
    """Return the batch's folder name: the spec's ``ten``, else its file name."""
    if spec.ten:
        return spec.ten
    name = spec_path.name
    for suffix in (".batch.yaml", ".batch.yml", ".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return name


def _load_spec(spec_path: Path) -> tuple[BatchSpec, YamlDocument]:
    doc = read_mapping(
        spec_path, "Tệp đợt phải là một khối các trường (ho_so, danh_sach, dien, …)."
    )
    try:
        return BatchSpec.model_validate(doc.data), doc
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(exc, doc.source, doc.data, doc.line_of, BatchSpec)
        ) from None


def _load_record(path: Path) -> YamlDocument:
    return read_record_source(path, "Hồ sơ gốc phải là một hồ sơ văn bản (khoi, co_quan, loai, …).")


def _locator(spec: YamlDocument, record: YamlDocument) -> Callable[[PathKey], tuple[str, str]]:
    """Return where a path of the merged record is written: in the spec's dien, or the record."""
    overridden: set[PathKey] = set()

    def walk(node: Any, path: PathKey) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        else:
            overridden.add(path)

    walk(spec.data.get("dien") or {}, ())

    def locate(path: PathKey) -> tuple[str, str]:
        if any(path[:n] in overridden for n in range(1, len(path) + 1)):
            return spec.source, spec.where(("dien", *path))
        return record.source, record.where(path)

    return locate


def check_recipe(
    data: dict[str, Any],
    uses: dict[PathKey, tuple[str, ...]],
    locate: Callable[[PathKey], tuple[str, str]],
) -> OfficialDocument:
    """Return the record as a sample commune fills it; fail on what would fail them all.

    Raises:
        InputError: a placeholder with bad syntax, an unknown ``xa.`` field, a
            placeholder in a field that picks the template, or a record that is invalid
            whatever the commune (each problem with its file and line).
    """
    problems = [
        problem
        for path, names in uses.items()
        for problem in _placeholder_problems(data, path, names, locate)
    ]
    if problems:
        raise InputError(problems)
    try:
        filled = fill(data, commune_fields(SAMPLE))
    except FillFailure as exc:
        source, line = locate(exc.path)
        where = ".".join(map(str, exc.path))
        message = f"Không điền được chỗ trống: {exc.error.detail}."
        raise InputError([Problem(source, line, where, message)]) from None
    try:
        return OfficialDocument.model_validate(filled)
    except ValidationError as exc:
        raise InputError([_sample_problem(e, filled, locate) for e in exc.errors()]) from None


def _placeholder_problems(
    data: dict[str, Any],
    path: PathKey,
    names: tuple[str, ...],
    locate: Callable[[PathKey], tuple[str, str]],
) -> list[Problem]:
    source, line = locate(path)
    where = ".".join(str(p) for p in path)
    messages = []
    if path[0] in FIXED_FIELDS:
        messages.append("Trường này chọn mẫu và thể thức: không dùng chỗ trống {{ xa.… }} ở đây.")
    messages.extend(
        f"Không có trường “xa.{name}”. Các trường dùng được: {', '.join(FIELD_NAMES)}."
        for name in names
        if name not in FIELD_NAMES
    )
    try:
        compile_text(_value_at(data, path))
    except TextTemplateError as exc:
        messages.append(f"Chỗ trống sai cú pháp: {exc.detail}.")
    return [Problem(source, line, where, message) for message in messages]


def _value_at(data: Any, path: PathKey) -> str:
    for part in path:
        data = data[part]
    return str(data)


def _sample_problem(
    error: Any, filled: Any, locate: Callable[[PathKey], tuple[str, str]]
) -> Problem:
    base = problem_from_error(error, "", filled, lambda _p: 0, OfficialDocument)
    source, line = locate(data_path(error["loc"], filled))
    return Problem(source, line, base.field, f"{base.message} (kiểm tra với một xã mẫu)")


#: One encoder for every digest (``json.dumps`` with options makes one per call).
_DIGEST_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _digest(value: Any) -> str:
    text = _DIGEST_JSON.encode(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_batch(spec_path: Path) -> Plan:
    """Read and check the batch at ``spec_path``; return what to render.

    Raises:
        InputError: the spec, the base record or the roster's header row is wrong.
    """
    spec, spec_doc = _load_spec(spec_path)
    record_path = spec_path.parent / spec.ho_so
    record_doc = _load_record(record_path)
    data = merge(record_doc.data, spec_doc.data.get("dien") or {})
    uses = placeholder_names(data)
    sample = check_recipe(data, uses, _locator(spec_doc, record_doc))
    data = resolve_registry(data, sample, distribution_source(spec_doc, record_doc))
    roster = load_roster(spec_path.parent / spec.danh_sach, sheet=spec.trang_tinh, strict=False)
    if not roster.rows:
        # An emptied roster must not read as "every commune was dropped": that run
        # would make nothing and remove every plan already made.
        raise InputError(
            [
                Problem(
                    roster.source,
                    "",
                    "",
                    "Danh sách không có xã nào (chỉ có hàng tiêu đề, hoặc các hàng đều trống). "
                    "Điền danh sách xã rồi chạy lại; các văn bản đã tạo không bị xóa.",
                )
            ]
        )
    slugs = unique_slugs([(row.name, row.code) for row in roster.rows])
    recipe = _digest({"version": __version__, "record": data})
    jobs, failures = [], []
    for row, slug in zip(roster.rows, slugs, strict=True):
        if row.commune is None:
            failures.append(Failure(row.number, row.code, row.name, row.problems))
            continue
        commune_hash = _digest({"recipe": recipe, "commune": row.commune.model_dump(mode="json")})
        jobs.append(Job(row.number, row.commune.ma, row.name, slug, row.commune, commune_hash))
    return Plan(
        name=batch_name(spec_path, spec),
        spec_path=spec_path,
        spec=spec,
        record_path=record_path,
        # Its rows live on as jobs and failures: keep only where it is and its headers.
        roster=replace(roster, rows=()),
        data=data,
        uses=uses,
        sample=sample,
        jobs=tuple(jobs),
        failures=tuple(failures),
    )
