"""Validate, render and write the reports of reporting periods.

A period gives one report of the issuing body and, when the report has
``bao_cao_xa``, one report per commune of the roster, all in one run. Every input of
every period is validated and every document rendered in memory before anything is
written; a failure writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import manifest, output
from pipeline.context.report_body import ReportContext, build_commune_context, build_report_context
from pipeline.context.report_figures import commune_plan_value
from pipeline.errors import InputError, Problem, UsageError
from pipeline.loading.periods import (
    PeriodInputs,
    bound_problem,
    is_period_folder,
    load_period,
    period_folders,
)
from pipeline.models.roster import Commune
from pipeline.naming import REPORT_KIND, file_stems, template_name
from pipeline.rendering import PreparedTemplate
from pipeline.reporting.communes import commune_headers
from pipeline.templates import find_template

#: Where a period's reports go, under the build folder.
PERIODS_OUTPUT = "periods"
COMMUNES_OUTPUT = "xa"


@dataclass(frozen=True)
class ReportDocument:
    """One rendered report: where it goes (relative to the build folder) and its bytes."""

    path: Path
    data: bytes
    template: PreparedTemplate
    context: ReportContext
    commune: Commune | None = None


@dataclass(frozen=True)
class PreparedPeriod:
    """A validated period and its rendered reports, not yet written."""

    inputs: PeriodInputs
    documents: tuple[ReportDocument, ...]


def plan_bounds(inputs: PeriodInputs) -> None:
    """Check each commune's planned value (a roster column) against its target's bounds.

    Raises:
        InputError: a plan out of bounds (a rate over 100, a fractional count), with the
            roster's row and column.
    """
    roster = inputs.roster
    if roster is None:
        return
    targets = {t.id: t for t in inputs.programme.chi_tieu}
    problems = []
    for rule in inputs.report.cach_tinh:
        if rule.id not in targets or not isinstance(rule.ke_hoach_xa, str):
            continue
        for row in roster.rows:
            if row.commune is None:
                continue
            plan = commune_plan_value(row.commune, rule.ke_hoach_xa)
            if why := bound_problem(targets[rule.id], plan):
                field = f"Kế hoạch của xã ({rule.ke_hoach_xa})"
                problems.append(Problem(roster.source, f"hàng {row.number}", field, why))
    if problems:
        raise InputError(problems)


def report_template_name(khoi: str, mau: str | None = None) -> str:
    """Return the template of a report: its ``mau``, or the built-in one of its family."""
    return mau or template_name(khoi, REPORT_KIND)


_TYPE_SLUGS = {"Báo cáo": "bao-cao", "Kết luận": "ket-luan", "Thông báo": "thong-bao"}


def report_file_name(inputs: PeriodInputs) -> str:
    """Return the issuing body's report file name: "bao-cao-so-ket-2026-H2.docx"
    ("ket-luan-…" for a review issued as a Kết luận)."""
    kind = inputs.period.kind.replace("_", "-")
    return f"{_TYPE_SLUGS.get(inputs.report.loai, 'bao-cao')}-{kind}-{inputs.period.id}.docx"


def commune_file_names(communes: Sequence[Commune]) -> list[str]:
    """Return the communes' report file names, named as a batch names its plans:
    "xa-phu-dinh.docx" (the code appended only when two names clash)."""
    stems = file_stems([(commune.full_name, commune.ma) for commune in communes])
    return [f"{stem}.docx" for stem in stems]


class _Templates:
    def __init__(self, user_dir: Path | None) -> None:
        self.user_dir = user_dir
        self.loaded: dict[str, PreparedTemplate] = {}

    def get(self, name: str) -> PreparedTemplate:
        if name not in self.loaded:
            self.loaded[name] = PreparedTemplate.load(find_template(name, self.user_dir))
        return self.loaded[name]


def prepare_period(
    folder: Path, templates_dir: Path | None = None, templates: _Templates | None = None
) -> PreparedPeriod:
    """Validate the period ``folder`` and render its reports in memory.

    Raises:
        InputError: any input of the period is invalid (nothing is rendered).
        TemplateProblem: a template is broken or names data the report lacks.
    """
    if not is_period_folder(folder):
        raise UsageError(
            [
                Problem(
                    str(folder),
                    "",
                    "",
                    "Đây không phải thư mục kỳ báo cáo (cần "
                    "có tệp ky.yaml), ví dụ inputs/periods/2026-H2.",
                )
            ]
        )
    inputs = load_period(folder)
    plan_bounds(inputs)
    headers = commune_headers(inputs)
    templates = templates or _Templates(templates_dir)
    records = inputs.records()
    base = Path(PERIODS_OUTPUT) / inputs.period.id
    template = templates.get(report_template_name(inputs.report.khoi, inputs.report.mau))
    context = build_report_context(inputs.document, records)
    documents = [
        ReportDocument(
            base / report_file_name(inputs),
            output.render(template, context),
            template,
            context,
        )
    ]
    names = commune_file_names([header.commune for header in headers])
    for header, file_name in zip(headers, names, strict=True):
        own = build_commune_context(
            header.document, records, header.commune, header.subject, header.leadership
        )
        data = output.render(template, own)
        path = base / COMMUNES_OUTPUT / file_name
        documents.append(ReportDocument(path, data, template, own, header.commune))
    return PreparedPeriod(inputs, tuple(documents))


def prepare_periods(
    periods_dir: Path,
    templates_dir: Path | None = None,
    progress: tuple[Callable[[str, int], None], Callable[[str], None]] | None = None,
) -> list[PreparedPeriod]:
    """Validate and render every period of ``periods_dir``; nothing is written.
    ``progress`` (start(label, total), advance(name)) shows it period by period.

    Raises:
        InputError: the problems of every period together.
    """
    templates = _Templates(templates_dir)
    prepared = []
    problems: list[Problem] = []
    folders = period_folders(periods_dir)
    if progress is not None:
        progress[0]("Đọc và dựng báo cáo các kỳ", len(folders))
    for folder in folders:
        try:
            prepared.append(prepare_period(folder, templates_dir, templates))
        except InputError as exc:
            problems.extend(exc.problems)
        if progress is not None:
            progress[1](folder.name)
    if problems:
        raise InputError(sorted(set(problems), key=problems.index))
    return prepared


def check_period(
    prepared: PreparedPeriod,
    advance: Callable[[str], None] | None = None,
    warnings: dict[str, list[str]] | None = None,
) -> list[Problem]:
    """Return the format errors of every report of ``prepared`` under its profile (after
    the office's conventions, ``quy-uoc.yaml`` in the period folder or above);
    ``advance(name)`` is called after each report (a progress bar); each report's
    warnings go into ``warnings`` under its path, when given."""
    out = []
    for document in prepared.documents:
        name = f"{document.path.as_posix()} (văn bản tạo ra)"
        found: list[str] = []
        out.extend(
            output.check(
                document.data,
                document.context.the_thuc,
                name,
                conventions=prepared.inputs.folder,
                warnings=found,
            )
        )
        if found and warnings is not None:
            warnings[document.path.as_posix()] = found
        if advance is not None:
            advance(document.path.name)
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_period(prepared: PreparedPeriod, build_dir: Path) -> list[dict[str, Any]]:
    """Write a prepared period's reports under ``build_dir``; return manifest entries."""
    inputs = [
        manifest.file_ref(p.as_posix(), _sha256(p.read_bytes()))
        for p in prepared.inputs.sources
        if p.is_file()
    ]
    digest = manifest.inputs_digest(inputs)
    entries = []
    for document in prepared.documents:
        target = build_dir / document.path
        output.write_files(target.parent, {target.name: document.data})
        commune = document.commune
        entries.append(
            manifest.entry(
                manifest.file_ref(document.path.as_posix(), _sha256(document.data)),
                manifest.file_ref(Path(document.template.name).name, document.template.sha256),
                digest,
                inputs,
                commune={"code": commune.ma, "name": commune.full_name}
                if commune is not None
                else None,
                period=prepared.inputs.period.id,
            )
        )
    return entries


__all__ = [
    "COMMUNES_OUTPUT",
    "PERIODS_OUTPUT",
    "PreparedPeriod",
    "ReportContext",
    "ReportDocument",
    "check_period",
    "commune_file_names",
    "prepare_period",
    "prepare_periods",
    "report_file_name",
    "report_template_name",
    "write_period",
]
