"""Each commune's report header: the report's ``bao_cao_xa`` filled from its roster row.

Text of ``bao_cao_xa`` may use the commune's fields as in batches (``{{ xa.ten }}``,
``{{ xa.nguoi_ky }}``), rendered in the project's sandboxed text environment. A
commune whose row lacks a field the header needs is a problem of that row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pipeline.context.commune import commune_fields, sources_of
from pipeline.errors import InputError, Problem
from pipeline.loading.periods import PeriodInputs
from pipeline.loading.problems import problem_from_error
from pipeline.models import OfficialDocument
from pipeline.models.execution import Narratives, PeriodReport
from pipeline.models.roster import Commune
from pipeline.rendering.text import TextTemplateError, has_placeholder, render_text


@dataclass(frozen=True)
class CommuneHeader:
    """A commune's report record (header, signature, Nơi nhận) and its subject."""

    commune: Commune
    document: OfficialDocument
    subject: str
    #: ``bao_cao_xa.lanh_dao`` filled for this commune (empty: the default sentence)
    leadership: Narratives = field(default_factory=Narratives)


def _fill(data: Any, fields: dict[str, str], path: tuple[str | int, ...]) -> Any:
    if isinstance(data, dict):
        return {k: _fill(v, fields, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(v, fields, (*path, i)) for i, v in enumerate(data)]
    if isinstance(data, str) and has_placeholder(data):
        try:
            return render_text(data, {"xa": fields})
        except TextTemplateError as exc:
            raise _FillError(path, exc) from None
    return data


class _FillError(Exception):
    def __init__(self, path: tuple[str | int, ...], error: TextTemplateError) -> None:
        super().__init__(error.detail)
        self.path = path
        self.error = error


def commune_headers(inputs: PeriodInputs) -> list[CommuneHeader]:
    """Return every commune's report record, in roster order.

    Raises:
        InputError: a row lacks a field the header uses, or the filled header breaks a
            rule of official documents; each problem names the roster row and column.
    """
    spec_data = inputs.report_yaml.data.get("bao_cao_xa") if inputs.report.bao_cao_xa else None
    if spec_data is None or inputs.roster is None or inputs.results is None:
        return []
    report = inputs.report
    problems: list[Problem] = []
    if report.bao_cao_xa is not None and report.bao_cao_xa.noi_nhan.danh_ba is not None:
        line = inputs.report_yaml.line_of(("bao_cao_xa", "noi_nhan", "danh_ba"))
        raise InputError(
            [
                Problem(
                    inputs.report_yaml.source,
                    f"dòng {line}",
                    "Nơi nhận (bao_cao_xa.noi_nhan.danh_ba)",
                    "Báo cáo của từng xã chưa dùng được danh bạ nơi nhận: liệt kê "
                    "các nơi nhận trực tiếp trong cac_noi.",
                )
            ]
        )
    year = report.ngay.year if report.ngay is not None else report.nam or inputs.period.end.year
    out = []
    for row in inputs.roster.rows:
        if row.commune is None:
            continue
        try:
            out.append(_header(row.commune, spec_data, report, year))
        except _FillError as exc:
            problems.append(_fill_problem(inputs, row.number, row.commune, exc))
        except ValidationError as exc:
            problems.extend(_record_problems(inputs, row.number, exc))
    if problems:
        raise InputError(problems)
    return out


def _header(
    commune: Commune, spec: dict[str, Any], report: PeriodReport, year: int
) -> CommuneHeader:
    fields = commune_fields(commune).text
    filled = _fill(spec, fields, ("bao_cao_xa",))
    data = {
        "khoi": report.khoi,
        "the_thuc": report.the_thuc,
        "co_quan": filled.get("co_quan"),
        "loai": report.loai,
        "nam": year,
        "trich_yeu": ["báo cáo"],
        "noi_dung": [{"doan": "báo cáo"}],
        "chu_ky": filled.get("chu_ky"),
        "noi_nhan": filled.get("noi_nhan", {}),
    }
    document = OfficialDocument.model_validate(data)
    leadership = Narratives.model_validate({"lanh_dao": filled.get("lanh_dao", [])})
    return CommuneHeader(commune, document, str(filled.get("chu_the", "")), leadership)


def _fill_problem(inputs: PeriodInputs, number: int, commune: Commune, exc: _FillError) -> Problem:
    assert inputs.roster is not None
    where = ".".join(str(p) for p in exc.path)
    empty = [f for f in sources_of(exc.error.name) if getattr(commune, f, None) is None]
    if exc.error.kind == "undefined" and empty:
        headers = ", ".join(f"“{inputs.roster.label(f)}”" for f in empty)
        return Problem(
            inputs.roster.source,
            f"hàng {number}",
            inputs.roster.label(empty[0]),
            f"Ô {headers} của {commune.full_name} đang trống nhưng báo cáo của xã cần "
            f"giá trị này (ở {where} trong {inputs.report_yaml.source}): điền vào.",
        )
    line = inputs.report_yaml.line_of(exc.path)
    return Problem(
        inputs.report_yaml.source,
        f"dòng {line}",
        where,
        f"Không điền được chỗ trống cho {commune.full_name}: {exc.error.detail}. "
        "Dùng các trường của danh sách xã, ví dụ {{ xa.ten_day_du }}.",
    )


def _record_problems(inputs: PeriodInputs, number: int, exc: ValidationError) -> list[Problem]:
    assert inputs.roster is not None
    out = []
    for error in exc.errors():
        base = problem_from_error(error, inputs.roster.source, None, lambda _p: 0)
        out.append(
            Problem(
                inputs.roster.source,
                f"hàng {number}",
                base.field,
                f"Báo cáo của xã (bao_cao_xa): {base.message}",
            )
        )
    return out


__all__ = ["CommuneHeader", "commune_headers"]
