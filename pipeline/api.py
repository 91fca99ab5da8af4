"""The only orchestrator: validate → build context → render → check → write.

Every CLI command is a few lines over one function here; the functions are usable
from Python without click.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.batch import BatchOptions, BatchReport, Plan, plan_batch, run_batch
from pipeline.batch import Progress as BatchProgress
from pipeline.batch.pdfs import make_batch_pdfs
from pipeline.compliance import (
    CheckReport,
    Jinja,
    LintFinding,
    check_docx,
    dataclass_variables,
    lint_template,
)
from pipeline.compliance import problems as compliance_problems
from pipeline.context import DocumentContext, build_document_context
from pipeline.context.distribution import rows_csv
from pipeline.context.lists import DistributionListContext, build_list_context
from pipeline.errors import ComplianceError, InputError, Problem, UsageError
from pipeline.loading import load_document
from pipeline.models import OfficialDocument
from pipeline.pdf import (
    DEFAULT_DPI,
    LibreOffice,
    PdfReport,
    Preview,
    export_pdfs,
    find_libreoffice,
)
from pipeline.pdf import render_preview as _render_preview
from pipeline.rendering import PreparedTemplate, render_to_bytes, write_atomic
from pipeline.rendering.template import compile_part, patch_part
from pipeline.templates import builtin_dir, find_template

# pipeline.reporting (review reports: their models and contexts, ~60 ms to import) is
# imported by the functions that need it, so that batches and single documents do not.
if TYPE_CHECKING:
    from pipeline.reporting import NewPeriod, PreparedPeriod

_TYPE_SLUGS = {"CTr": "chuong-trinh", "KH": "ke-hoach"}


@dataclass(frozen=True)
class Rendered:
    """One document written: from which input, with which template, to where."""

    source: Path
    template: Path
    output: Path
    sha256: str
    pdf: PdfReport | None = None  # with ``pdf=True``: the PDF beside the .docx


@dataclass
class BuildReport:
    """What ``build`` wrote."""

    documents: list[Rendered] = field(default_factory=list)
    manifest: Path | None = None
    pdf: PdfReport | None = None  # with ``pdf=True``: one PDF per document, one LibreOffice
    batches: list[BatchReport] = field(default_factory=list)  # the **/*.batch.yaml found


def load_all(paths: Sequence[Path]) -> list[tuple[Path, OfficialDocument]]:
    """Load and validate every record in ``paths``.

    Raises:
        InputError: the problems of all files together.
    """
    loaded = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append((path, load_document(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return loaded


def template_name(doc: OfficialDocument) -> str:
    """Return the template a record uses: its ``mau``, or the built-in one of its type."""
    if doc.mau:
        return doc.mau
    abbr = doc.profile.type_abbreviation(doc.loai) or ""
    family = "dang" if doc.khoi == "dang" else "nha-nuoc"
    return f"{family}-{_TYPE_SLUGS.get(abbr, 'ke-hoach')}"


def context_mapping(context: Any) -> dict[str, Any]:
    """Return the template variables of a context dataclass (its fields, by name)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, PreparedTemplate]:
    """Return the .docx bytes of ``doc`` and the template that made them."""
    template = PreparedTemplate.load(find_template(template_name(doc), templates_dir))
    data = render_to_bytes(template, context_mapping(build_document_context(doc)))
    return data, template


def list_template_name(doc: OfficialDocument) -> str:
    """Return the built-in distribution-list template of a record's family."""
    return f"{'dang' if doc.khoi == 'dang' else 'nha-nuoc'}-danh-sach-noi-nhan"


def render_list_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, bytes]:
    """Return the stand-alone distribution list of ``doc``: (.docx bytes, CSV bytes).

    It is derived from the same resolved recipients as the document's Nơi nhận block.
    """
    context = build_list_context(doc, build_document_context(doc))
    template = PreparedTemplate.load(find_template(list_template_name(doc), templates_dir))
    return render_to_bytes(template, context_mapping(context)), rows_csv(context.hang)


def list_paths(target: Path) -> tuple[Path, Path]:
    """Return where the distribution list of the document ``target`` goes (.docx, .csv)."""
    return target.with_name(f"{target.stem}.noi-nhan.docx"), target.with_name(
        f"{target.stem}.noi-nhan.csv"
    )


def write_distribution_list(
    source: Path, output: Path | None = None, templates_dir: Path | None = None
) -> tuple[Path, Path]:
    """Validate ``source`` and write only its distribution list (.docx and .csv).

    ``output`` is a folder (default: beside the record). Nothing is written on bad input.
    """
    doc = load_document(source)
    docx_bytes, csv_bytes = render_list_bytes(doc, templates_dir)
    folder = output if output is not None else source.parent
    list_docx, list_csv = list_paths(folder / f"{source.stem}.docx")
    write_atomic(list_docx, docx_bytes)
    write_atomic(list_csv, csv_bytes)
    return list_docx, list_csv


def render_document(
    source: Path,
    output: Path | None = None,
    templates_dir: Path | None = None,
    *,
    pdf: bool = False,
    check: bool = True,
    pdfa: bool = False,
) -> Rendered:
    """Validate ``source``, render it and write the .docx (default: beside it); with
    ``pdf``, also its PDF beside the .docx (failure reported in ``Rendered.pdf``);
    ``pdfa``: that PDF as PDF/A-2b (implies ``pdf``).

    Nothing is written when the input is invalid, the template fails, or (with
    ``pdf``) LibreOffice is missing (``ToolMissing``).
    """
    libreoffice = find_libreoffice() if pdf or pdfa else None
    doc = load_document(source)
    data, template = render_bytes(doc, templates_dir)
    target = output if output is not None else source.with_suffix(".docx")
    if target.is_dir():
        target = target / f"{source.stem}.docx"
    if check:  # the format check runs on the bytes: nothing is written on errors
        _raise_unless_compliant(check_output(data, doc, source))
    write_atomic(target, data)
    pdfs = export_pdfs([target], libreoffice=libreoffice, pdfa=pdfa) if libreoffice else None
    return Rendered(source, Path(template.name), target, hashlib.sha256(data).hexdigest(), pdfs)


def document_inputs(inputs_dir: Path) -> list[Path]:
    """Return the official-document records of an inputs folder (its top-level *.yaml)."""
    if not inputs_dir.is_dir():
        raise UsageError([Problem(str(inputs_dir), "", "", "Không có thư mục đầu vào này.")])
    return sorted(p for p in inputs_dir.glob("*.yaml") if not p.name.startswith("."))


def _write_hashed(path: Path, data: bytes) -> dict[str, str]:
    write_atomic(path, data)
    return {"path": path.name, "sha256": hashlib.sha256(data).hexdigest()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(
    inputs_dir: Path,
    build_dir: Path,
    templates_dir: Path | None = None,
    *,
    pdf: bool = False,
    lists: bool = True,
    check: bool = True,
    batch_progress: Callable[[str], BatchProgress] | None = None,
    pdfa: bool = False,
    pdf_jobs: int | None = None,
) -> BuildReport:
    """Render every document of ``inputs_dir`` into ``build_dir`` with a manifest; with
    ``pdf``, also a PDF of each (``BuildReport.pdf``; PDF/A-2b with ``pdfa``), with
    ``pdf_jobs`` LibreOffice instances (default: one per CPU), batches laid out together.

    Every input is validated (and, with ``pdf``, LibreOffice found) before anything
    is written. With ``lists`` (the default) each document's stand-alone distribution
    list (.noi-nhan.docx and .noi-nhan.csv) is written beside it. Every batch spec
    found (``**/*.batch.yaml``) is built too, into ``build_dir/<batch>/``
    (``BuildReport.batches``; ``batch_progress(name)`` shows each one's progress).
    """
    from pipeline.reporting import check_period, prepare_periods
    from pipeline.reporting.run import PERIODS_OUTPUT

    libreoffice = find_libreoffice() if pdf or pdfa else None
    loaded = load_all(document_inputs(inputs_dir))
    # Batch specs are checked before anything is written, like the documents.
    batches = [prepare_batch(s, templates_dir, lists=lists) for s in batch_specs(inputs_dir)]
    # So are the review reports of every period folder (inputs/periods/<ID>/).
    periods = prepare_periods(inputs_dir / PERIODS_OUTPUT, templates_dir)
    rendered: list[tuple[Path, bytes, PreparedTemplate, tuple[bytes, bytes] | None]] = []
    failures: list[Problem] = []
    if check:
        failures.extend(problem for period in periods for problem in check_period(period))
    for path, doc in loaded:
        data, template = render_bytes(doc, templates_dir)
        extra = render_list_bytes(doc, templates_dir) if lists else None
        rendered.append((path, data, template, extra))
        if check:  # every document is checked before any is written
            failures.extend(check_output(data, doc, path))
    _raise_unless_compliant(failures)
    report = BuildReport()
    entries = []
    for path, data, template, extra in rendered:
        target = build_dir / f"{path.stem}.docx"
        write_atomic(target, data)
        digest = hashlib.sha256(data).hexdigest()
        report.documents.append(Rendered(path, Path(template.name), target, digest))
        entry: dict[str, Any] = {
            "input": {"path": path.as_posix(), "sha256": _sha256(path)},
            "template": {"path": Path(template.name).name, "sha256": template.sha256},
            "output": {"path": target.name, "sha256": digest},
        }
        if extra is not None:
            entry["distribution_list"] = [
                _write_hashed(list_path, content)
                for list_path, content in zip(list_paths(target), extra, strict=True)
            ]
        entries.append(entry)
    for period in periods:
        entries.extend(_write_period(period, build_dir, report.documents))
    manifest = {"tool": "vanban", "version": __version__, "documents": entries}
    report.manifest = build_dir / "manifest.json"
    write_atomic(report.manifest, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    options = BatchOptions(check=check)
    for prepared in batches:
        progress = batch_progress(prepared.plan.name) if batch_progress else None
        report.batches.append(run_prepared(prepared, build_dir, options, progress))
    if libreoffice is not None:
        workers = pdf_jobs or os.cpu_count() or 1
        sources = [d.output for d in report.documents]
        report.pdf = export_pdfs(sources, libreoffice=libreoffice, workers=workers, pdfa=pdfa)
        report.pdf.extend(batch_pdfs(report.batches, libreoffice, jobs=workers, pdfa=pdfa))
    return report


# -- review reports of reporting periods --------------------------------------------------


def _write_period(period: PreparedPeriod, build_dir: Path, done: list[Rendered]) -> list[Any]:
    """Write a prepared period's reports; add them to ``done``; return manifest entries."""
    from pipeline.reporting import write_period

    entries = write_period(period, build_dir)
    source = period.inputs.folder / "bao-cao.yaml"
    for document, entry in zip(period.documents, entries, strict=True):
        target = build_dir / document.path
        template = Path(document.template.name)
        done.append(Rendered(source, template, target, entry["output"]["sha256"]))
    return entries


def validate_period(folder: Path, templates_dir: Path | None = None) -> PreparedPeriod:
    """Validate the period ``folder`` and render its reports in memory (nothing written).

    Raises:
        InputError: any input of the period is invalid, with file, line or row, field.
    """
    from pipeline.reporting import prepare_period

    return prepare_period(folder, templates_dir)


def build_period(
    folder: Path, build_dir: Path, templates_dir: Path | None = None, *, check: bool = True
) -> list[Rendered]:
    """Render the reports of the period ``folder`` into ``build_dir/periods/<ID>/``: the
    issuing body's report and one per commune. Nothing is written unless every input
    is valid and (with ``check``) every report passes the format check."""
    from pipeline.reporting import check_period, prepare_period

    period = prepare_period(folder, templates_dir)
    if check:
        _raise_unless_compliant(check_period(period))
    done: list[Rendered] = []
    _write_period(period, build_dir, done)
    return done


def create_period(periods_dir: Path, period_id: str, previous_id: str | None = None) -> NewPeriod:
    """Create the period folder ``periods_dir/period_id`` from the previous period (see
    :func:`pipeline.reporting.new_period`); an existing period is never changed."""
    from pipeline.reporting import new_period

    return new_period(periods_dir, period_id, previous_id)


# -- per-commune batches ------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedBatch:
    """A checked batch and the templates it renders with."""

    plan: Plan
    template: Path
    list_template: Path | None


def batch_specs(inputs_dir: Path) -> list[Path]:
    """Return the batch specs of an inputs folder and its sub-folders (``*.batch.yaml``)."""
    return sorted(
        p
        for p in inputs_dir.rglob("*.batch.yaml")
        if not any(part.startswith(".") for part in p.relative_to(inputs_dir).parts)
    )


def prepare_batch(
    spec: Path, templates_dir: Path | None = None, *, lists: bool = True
) -> PreparedBatch:
    """Read and check the batch ``spec``: its base record, roster header and templates.

    Raises:
        InputError: the spec, its base record or the roster's header row is wrong.
        TemplateProblem, UsageError: a template is missing or broken.
    """
    if not spec.is_file():
        raise UsageError(
            [Problem(str(spec), "", "", "Không tìm thấy tệp đợt. Kiểm tra đường dẫn.")]
        )
    plan = plan_batch(spec)
    template = find_template(plan.spec.mau or template_name(plan.sample), templates_dir)
    PreparedTemplate.load(template)  # a broken template stops the batch before any commune
    list_template = None
    if lists:
        list_template = find_template(list_template_name(plan.sample), templates_dir)
        PreparedTemplate.load(list_template)
    return PreparedBatch(plan, template, list_template)


def run_prepared(
    prepared: PreparedBatch,
    build_dir: Path,
    options: BatchOptions | None = None,
    progress: BatchProgress | None = None,
) -> BatchReport:
    """Render a prepared batch into ``build_dir/<batch>/`` (see :func:`build_batch`)."""
    return run_batch(
        prepared.plan,
        prepared.template,
        build_dir,
        list_template=prepared.list_template,
        options=options or BatchOptions(),
        progress=progress,
    )


def build_batch(
    spec: Path,
    build_dir: Path,
    templates_dir: Path | None = None,
    *,
    options: BatchOptions | None = None,
    lists: bool = True,
    progress: BatchProgress | None = None,
) -> BatchReport:
    """Render one plan per commune of the batch ``spec`` into ``build_dir/<batch>/``.

    A bad row fails only its commune (``BatchReport.failures``); a re-run renders only
    communes whose inputs or template changed or whose output is missing, unless
    ``options.force``. Each plan is format-checked (``options.check``) and comes with
    its distribution list (``lists``). Outputs are written atomically, with a
    ``manifest.json``.

    Raises:
        InputError, TemplateProblem, UsageError: the batch itself is wrong (nothing written).
        BatchInterrupted: Ctrl-C; what finished is kept and recorded.
    """
    prepared = prepare_batch(spec, templates_dir, lists=lists)
    return run_prepared(prepared, build_dir, options, progress)


# -- PDF output (pipeline.pdf) ------------------------------------------------------------


def pdf_tools() -> LibreOffice:
    """Return the LibreOffice that ``--pdf`` will use; call it before writing anything.

    Raises:
        ToolMissing: LibreOffice or its UNO bridge is not installed (exit code 2).
    """
    return find_libreoffice()


def batch_pdfs(
    reports: Sequence[BatchReport],
    libreoffice: LibreOffice | None = None,
    *,
    jobs: int | None = None,
    pdfa: bool = False,
) -> PdfReport:
    """Write a PDF beside each plan of the batches (and ``tat-ca.pdf`` beside the
    combined ``tat-ca.docx``) unless the manifest shows it current, with ``jobs``
    LibreOffice instances (default: one per CPU), the plans laid out together and
    split (see ``pipeline.pdf.layout``); record them in each batch's manifest; delete
    the PDFs of plans that are no longer there. ``pdfa``: PDF/A-2b.

    Raises:
        ToolMissing: LibreOffice is not installed.
    """
    libreoffice = libreoffice or find_libreoffice()
    report = PdfReport(pdfa=pdfa)
    for batch in reports:
        made = make_batch_pdfs(
            batch.out_dir, libreoffice, workers=jobs or os.cpu_count() or 1, pdfa=pdfa
        )
        report.extend(made)
    return report


def preview(
    source: Path, page: int = 1, output: Path | None = None, dpi: int = DEFAULT_DPI
) -> Preview:
    """Write a PNG of one page of the .docx ``source`` as LibreOffice lays it out
    (default ``X-trang-N.png`` beside it); see :func:`pipeline.pdf.render_preview`."""
    return _render_preview(source, page, output, dpi)


# -- format check and template lint ------------------------------------------------------


def template_models() -> dict[str, type]:
    """Return the data each kind of template is filled with (lint checks variables
    against these)."""
    from pipeline.reporting.run import ReportContext

    return {
        "văn bản": DocumentContext,
        "danh sách nơi nhận": DistributionListContext,
        "báo cáo": ReportContext,
    }


def check_output(data: bytes, doc: OfficialDocument, source: Path) -> list[Problem]:
    """Return the format errors of the rendered ``data`` under the record's profile."""
    report = check_docx(data, doc.profile.id, name=f"{source} (văn bản tạo ra)")
    return compliance_problems(report)


def _raise_unless_compliant(problems: list[Problem]) -> None:
    if problems:
        hint = Problem(
            "", "", "", "Không ghi tệp nào. Sửa mẫu hoặc hồ sơ; --no-check bỏ qua kiểm tra."
        )
        raise ComplianceError([*problems, hint])


def check_files(
    paths: Sequence[Path], profile_id: str | None = None
) -> tuple[list[CheckReport], list[tuple[str, str]]]:
    """Check every .docx of ``paths``; return the reports and the files that could not
    be checked (name, why: unreadable, or no profile given and none can be guessed).
    ``profile_id`` None guesses each document's profile."""
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(check_docx(path, profile_id, name=str(path)))
        except (InputError, UsageError) as exc:  # unreadable, or no profile can be guessed
            unreadable.append((str(path), "; ".join(p.message for p in exc.problems)))
    return reports, unreadable


def _template_files(paths: Sequence[Path], templates_dir: Path | None) -> list[Path]:
    if not paths:
        paths = [templates_dir] if templates_dir is not None else [builtin_dir()]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.docx") if not p.name.startswith("~")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError([Problem(str(path), "", "", "Không có tệp hay thư mục này.")])
    return files


def lint_templates(
    paths: Sequence[Path], templates_dir: Path | None = None
) -> dict[Path, tuple[str, list[LintFinding]]]:
    """Lint each template of ``paths`` (files or folders; default: ``templates_dir`` or
    the built-in templates). Returns, per file, the kind of data it was checked against
    (the one that fits it best) and its findings."""
    jinja = Jinja(patch=patch_part, compile=compile_part)
    out: dict[Path, tuple[str, list[LintFinding]]] = {}
    for path in _template_files(paths, templates_dir):
        data = path.read_bytes()
        candidates = [
            (kind, lint_template(data, str(path), jinja, dataclass_variables(model)))
            for kind, model in template_models().items()
        ]
        out[path] = min(candidates, key=lambda c: sum(f.kind == "undefined" for f in c[1]))
    return out


def export_template(name: str, folder: Path, force: bool = False) -> Path:
    """Copy the built-in template ``name`` into ``folder`` to be edited in Word.

    Raises:
        UsageError: no such built-in template, or the copy exists and ``force`` is off.
    """
    source = find_template(name, None)
    target = folder / source.name
    if target.exists() and not force:
        message = "Tệp đã có; dùng --force để ghi đè."
        raise UsageError([Problem(str(target), "", "", message)])
    write_atomic(target, source.read_bytes())
    return target


__all__ = [
    "BatchOptions",
    "BatchReport",
    "BuildReport",
    "PreparedBatch",
    "Rendered",
    "asdict",
    "batch_pdfs",
    "batch_specs",
    "build",
    "build_batch",
    "check_files",
    "export_template",
    "lint_templates",
    "load_all",
    "pdf_tools",
    "preview",
    "render_document",
]
