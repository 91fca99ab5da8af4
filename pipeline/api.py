"""The only orchestrator: validate → build context → render → check → write.

Every CLI command is a few lines over one function here; the functions are usable
from Python without click.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline import manifest, naming
from pipeline.batch import BatchOptions, BatchReport, Plan, plan_batch, run_batch, trial_batch
from pipeline.batch import Progress as BatchProgress
from pipeline.batch.pdfs import make_batch_pdfs
from pipeline.compliance import (
    CheckReport,
    Jinja,
    LintFinding,
    check_docx,
    dataclass_variables,
    lint_template,
    reports_json,
)
from pipeline.compliance import problems as compliance_problems
from pipeline.context import DocumentContext, build_document_context
from pipeline.context.distribution import rows_csv
from pipeline.context.lists import DistributionListContext, build_list_context
from pipeline.errors import ComplianceError, InputError, Problem, RenderError, UsageError
from pipeline.loading import load_document
from pipeline.loading.drafts import LocatedProblem, check_text, yaml_data, yaml_text
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
from pipeline.workfolder import (
    RecordFile,
    StaleEdit,
    check_data,
    check_file,
    check_upload,
    is_workbook_record,
    list_folder,
    list_registries,
    period_results_path,
    read_record,
    read_results,
    read_table,
    record_file_data,
    record_workbook,
    safe_path,
    save_record,
    save_table,
    save_upload,
    use_results_workbook,
    zip_folder,
)

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
    warnings: tuple[str, ...] = ()  # the format check's warnings (printed, not refused)


class Steps(Protocol):
    """Shows the progress of ``build``'s long steps (a bar per step; see pipeline.console)."""

    def start(self, label: str, total: int) -> None:
        """Begin a step of ``total`` items."""

    def advance(self, item: str) -> None:
        """Count one item of the step, naming it."""

    def stop(self) -> None:
        """End the step."""


class _NoSteps:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class BuildReport:
    """What ``build`` wrote."""

    documents: list[Rendered] = field(default_factory=list)
    manifest: Path | None = None
    pdf: PdfReport | None = None  # with ``pdf=True``: one PDF per document, one LibreOffice
    batches: list[BatchReport] = field(default_factory=list)  # the **/*.batch.yaml found
    pages: list[CheckReport] = field(default_factory=list)  # with ``pdf``: page checks
    notes: list[str] = field(default_factory=list)  # files of inputs/ that are not documents
    unchanged: int = 0  # documents whose file already held the same bytes
    #: Warnings by what they concern (a period folder, …), to print beside it.
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def warning_count(self) -> int:
        """Return how many warnings the build gave (PDF and batch warnings included)."""
        pdf = len(self.pdf.warnings) if self.pdf is not None else 0
        return sum(len(w) for w in self.warnings.values()) + pdf


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
    if doc.profile.is_letter(doc.loai):
        return naming.template_name(doc.khoi, "cong-van")
    return naming.template_name(doc.khoi, _TYPE_SLUGS.get(abbr, "ke-hoach"))


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
    return naming.template_name(doc.khoi, naming.LIST_KIND)


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
    docx_name, csv_name = naming.list_names(target.stem)
    return target.with_name(docx_name), target.with_name(csv_name)


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
    warnings: list[str] = []
    if check:  # the format check runs on the bytes: nothing is written on errors
        _raise_unless_compliant(check_output(data, doc, source, warnings))
    write_atomic(target, data)
    pdfs = export_pdfs([target], libreoffice=libreoffice, pdfa=pdfa) if libreoffice else None
    digest = hashlib.sha256(data).hexdigest()
    return Rendered(source, Path(template.name), target, digest, pdfs, tuple(warnings))


def document_inputs(inputs_dir: Path, notes: list[str] | None = None) -> list[Path]:
    """Return the official-document records of an inputs folder (its top-level *.yaml
    and *.xlsx that are records). Other files found there (a registry, a roster…) are
    not documents: each gets a note in ``notes`` saying what it was taken for."""
    from pipeline.loading.kinds import KIND_WORDS, kind_of

    if not inputs_dir.is_dir():
        raise UsageError([Problem(str(inputs_dir), "", "", "Không có thư mục đầu vào này.")])
    found = []
    for path in sorted(inputs_dir.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        if path.suffix.lower() not in (".yaml", ".yml", ".xlsx"):
            continue
        kind = kind_of(path)
        if kind == "record":
            found.append(path)
        elif notes is not None and kind != "batch":
            use = " (dùng khi hồ sơ ghi tên nó)" if kind in ("registry", "roster") else ""
            notes.append(f"{path}: là {KIND_WORDS[kind]}, không phải văn bản{use}.")
    return found


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
    steps: Steps | None = None,
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

    steps = steps or _NoSteps()
    libreoffice = find_libreoffice() if pdf or pdfa else None
    notes: list[str] = []
    loaded = load_all(document_inputs(inputs_dir, notes))
    # Batch specs are checked before anything is written, like the documents.
    batches = [prepare_batch(s, templates_dir, lists=lists) for s in batch_specs(inputs_dir)]
    # So are the review reports of every period folder (inputs/periods/<ID>/).
    try:
        periods = prepare_periods(
            inputs_dir / PERIODS_OUTPUT, templates_dir, (steps.start, steps.advance)
        )
    finally:
        steps.stop()
    rendered: list[tuple[Path, bytes, PreparedTemplate, tuple[bytes, bytes] | None]] = []
    failures: list[Problem] = []
    warned: dict[Path, list[str]] = {}
    if check:
        for period in periods:
            label = f"Kiểm tra thể thức báo cáo kỳ {period.inputs.period.id}"
            steps.start(label, len(period.documents))
            failures.extend(check_period(period, steps.advance))
            steps.stop()
    steps.start("Tạo và kiểm tra văn bản", len(loaded))
    for path, doc in loaded:
        data, template = render_bytes(doc, templates_dir)
        extra = render_list_bytes(doc, templates_dir) if lists else None
        rendered.append((path, data, template, extra))
        if check:  # every document is checked before any is written
            failures.extend(check_output(data, doc, path, warned.setdefault(path, [])))
        steps.advance(path.name)
    steps.stop()
    _raise_unless_compliant(failures)
    report = BuildReport(notes=notes)
    for period in periods:
        if period.inputs.warnings:
            where = str(period.inputs.folder)
            report.warnings[where] = [str(w) for w in period.inputs.warnings]
    entries = _write_documents(rendered, build_dir, report, warned)
    for period in periods:
        report.unchanged += _unchanged(period, build_dir)
        entries.extend(_write_period(period, build_dir, report.documents))
    report.manifest = build_dir / manifest.MANIFEST
    manifest.write(report.manifest, manifest.document("build", entries))
    options = BatchOptions(check=check)
    for prepared in batches:
        progress = batch_progress(prepared.plan.name) if batch_progress else None
        report.batches.append(run_prepared(prepared, build_dir, options, progress))
    if libreoffice is not None:
        workers = pdf_jobs or os.cpu_count() or 1
        report.pdf = _build_pdfs(report, libreoffice, steps, workers, pdfa=pdfa)
        if check:
            report.pages = _page_checks(report.documents, report.pdf)
    return report


def _build_pdfs(
    report: BuildReport, libreoffice: LibreOffice, steps: Steps, workers: int, *, pdfa: bool
) -> PdfReport:
    """Make the PDFs of a build: each document on its own, each batch laid out together."""
    sources = [d.output for d in report.documents]
    steps.start("Tạo PDF (LibreOffice)", len(sources))
    pdfs = export_pdfs(
        sources, libreoffice=libreoffice, advance=steps.advance, workers=workers, pdfa=pdfa
    )
    steps.stop()
    pdfs.extend(batch_pdfs(report.batches, libreoffice, jobs=workers, pdfa=pdfa))
    return pdfs


def _write_documents(
    rendered: list[tuple[Path, bytes, PreparedTemplate, tuple[bytes, bytes] | None]],
    build_dir: Path,
    report: BuildReport,
    warned: dict[Path, list[str]],
) -> list[Any]:
    """Write the rendered documents (and their lists); return their manifest entries.
    The format check's warnings of each document go into the report beside it."""
    entries = []
    for path, data, template, extra in rendered:
        target = build_dir / f"{path.stem}.docx"
        report.unchanged += target.is_file() and target.read_bytes() == data
        write_atomic(target, data)
        digest = hashlib.sha256(data).hexdigest()
        warnings = tuple(warned.get(path, ()))
        if warnings:
            report.warnings[str(target)] = list(warnings)
        report.documents.append(Rendered(path, Path(template.name), target, digest, None, warnings))
        source = manifest.file_ref(path.as_posix(), _sha256(path))
        companions = (
            [
                _write_hashed(list_path, content)
                for list_path, content in zip(list_paths(target), extra, strict=True)
            ]
            if extra is not None
            else []
        )
        entry = manifest.entry(
            manifest.file_ref(target.name, digest),
            manifest.file_ref(Path(template.name).name, template.sha256),
            source["sha256"],
            [source],
            distribution_list=companions,
        )
        entries.append(entry)
    return entries


def _unchanged(period: PreparedPeriod, build_dir: Path) -> int:
    """Return how many of a period's reports are already written with the same bytes."""
    count = 0
    for document in period.documents:
        target = build_dir / document.path
        count += target.is_file() and target.read_bytes() == document.data
    return count


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
    trial_batch(plan, template, list_template)
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


def _page_checks(documents: Sequence[Rendered], pdfs: PdfReport) -> list[CheckReport]:
    """Return the page checks (``pipeline.pdf.page_check``) of every document that got
    a PDF; only the page rules are kept (the .docx was checked before writing)."""
    from pipeline.pdf.page_check import check_laid_out, page_only

    made = {r.source: r.output for r in pdfs.results if r.output is not None}
    out = []
    for doc in documents:
        pdf = made.get(doc.output)
        if pdf is not None and doc.output.suffix == ".docx":
            out.append(page_only(check_laid_out(doc.output, pdf, name=str(doc.output))))
    return out


def check_laid_out_files(
    paths: Sequence[Path], profile_id: str | None = None, conventions: Path | None = None
) -> tuple[list[CheckReport], list[tuple[str, str]]]:
    """Like :func:`check_files`, with the page checks: every readable file is laid out
    through one LibreOffice (``vanban check --trang``).

    Raises:
        ToolMissing: LibreOffice is not installed.
    """
    import tempfile

    from pipeline.compliance.conventions import apply_conventions, load_conventions
    from pipeline.pdf import PdfConverter
    from pipeline.pdf.page_check import with_pages

    libreoffice = find_libreoffice()
    reports, unreadable = check_files(paths, profile_id)
    accepted = load_conventions(conventions) if conventions is not None else ()
    out = []
    with tempfile.TemporaryDirectory(prefix="vanban-trang-") as folder:
        sources = [Path(r.file) for r in reports]
        with PdfConverter(libreoffice=libreoffice) as converter:
            results = converter.convert_all(sources, Path(folder))
        for report, result in zip(reports, results, strict=True):
            if result.output is None:
                why = str(result.problem.message) if result.problem else "không tạo được PDF"
                unreadable.append((report.file, f"Không dàn trang được: {why}"))
                continue
            laid_out = with_pages(report, Path(report.file), result.output)
            out.append(apply_conventions(laid_out, accepted))
    return out, unreadable


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


def check_output(
    data: bytes, doc: OfficialDocument, source: Path, warnings: list[str] | None = None
) -> list[Problem]:
    """Return the format errors of the rendered ``data`` under the record's profile;
    its warnings (after the office's conventions, ``quy-uoc.yaml`` beside ``source``)
    are appended to ``warnings`` when given."""
    from pipeline.compliance.check import warning_lines
    from pipeline.compliance.conventions import apply_conventions, find_conventions

    report = check_docx(data, doc.profile.id, name=f"{source} (văn bản tạo ra)")
    report = apply_conventions(report, find_conventions(source.parent))
    if warnings is not None:
        warnings.extend(warning_lines(report))
    return compliance_problems(report)


def _raise_unless_compliant(problems: list[Problem]) -> None:
    if problems:
        hint = Problem(
            "", "", "", "Không ghi tệp nào. Sửa mẫu hoặc hồ sơ; --no-check bỏ qua kiểm tra."
        )
        raise ComplianceError([*problems, hint])


def check_files(
    paths: Sequence[Path], profile_id: str | None = None, conventions: Path | None = None
) -> tuple[list[CheckReport], list[tuple[str, str]]]:
    """Check every .docx of ``paths``; return the reports and the files that could not
    be checked (name, why: unreadable, or no profile given and none can be guessed).
    ``profile_id`` None guesses each document's profile; ``conventions`` is an office's
    ``quy-uoc.yaml`` (its accepted warnings become notes)."""
    from pipeline.compliance.conventions import apply_conventions, load_conventions

    accepted = load_conventions(conventions) if conventions is not None else ()
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(
                apply_conventions(check_docx(path, profile_id, name=str(path)), accepted)
            )
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


# -- records as text or data, and the working folder (the web page: pipeline.web) -------


def check_record(
    text: str, source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate the record ``text`` as the file ``source`` would be (nothing written);
    return the record (None when invalid) and every problem with its field's path.
    ``within``: the folder its registry must be in (the web page's working folder)."""
    return check_text(text, source, within)


def check_record_data(
    data: dict[str, Any], source: Path, within: Path | None = None
) -> tuple[OfficialDocument | None, list[LocatedProblem]]:
    """Validate form ``data`` as the record file ``source`` would hold it once saved
    (written over its current text); nothing is written."""
    current = source.read_text(encoding="utf-8-sig") if source.is_file() else None
    return check_text(yaml_text(data, current), source, within)


def record_data(text: str) -> Any:
    """Return the plain data of a record's YAML ``text`` (None when unreadable)."""
    return yaml_data(text)


def record_from_upload(
    filename: str, data: bytes, source: Path, within: Path | None = None
) -> OfficialDocument:
    """Return the record of an uploaded file (read as the file ``source``). The one
    place that dispatches on the kind of record file (.yaml/.yml, .xlsx).

    Raises:
        InputError: the file is not a record we read, or its problems (with lines).
    """
    doc, located = check_upload(filename, data, source, within)
    if doc is None:
        raise InputError([item.problem for item in located])
    return doc


def render_record(
    doc: OfficialDocument, source: Path, templates_dir: Path | None = None, *, check: bool = True
) -> bytes:
    """Return the .docx bytes of a validated record, format-checked like ``render``.

    Raises:
        ComplianceError: the output breaks a format rule (with ``check``).
    """
    data, _ = render_bytes(doc, templates_dir)
    if check:
        _raise_unless_compliant(check_output(data, doc, source))
    return data


def check_bytes(data: bytes, name: str, profile_id: str | None = None) -> dict[str, Any]:
    """Check the .docx ``data``; return the JSON document of ``vanban check --json``."""
    reports, unreadable = [], []
    try:
        reports.append(check_docx(data, profile_id, name=name))
    except (InputError, UsageError) as exc:
        unreadable.append((name, "; ".join(p.message for p in exc.problems)))
    return reports_json(reports, unreadable)


def cached_docx(data: bytes, cache_dir: Path) -> Path:
    """Return a file holding the .docx ``data`` in ``cache_dir``, named by its content."""
    target = cache_dir / f"{hashlib.sha256(data).hexdigest()[:24]}.docx"
    if not target.is_file():
        write_atomic(target, data, durable=False)
        _prune_cache(cache_dir)
    return target


def _prune_cache(cache_dir: Path, keep: int = 400) -> None:
    """Remove all but the ``keep`` newest files of the cache (a few MB at most)."""
    files = sorted(
        (p for p in cache_dir.iterdir() if p.is_file()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def cached_preview(data: bytes, cache_dir: Path, page: int = 1, dpi: int = 80) -> Preview:
    """Return a PNG of page ``page`` of the .docx ``data``, made once per content."""
    source = cached_docx(data, cache_dir)
    target = source.with_name(f"{source.stem}-p{page}-{dpi}.png")
    pages_file = source.with_suffix(".pages")
    if target.is_file() and pages_file.is_file():
        return Preview(source, target, page, int(pages_file.read_text() or 0) or None)
    result = _render_preview(source, page, target, dpi)
    write_atomic(pages_file, str(result.pages or 0).encode(), durable=False)
    return result


def cached_file_preview(source: Path, cache_dir: Path, page: int = 1, dpi: int = 80) -> Preview:
    """Return a PNG of page ``page`` of the .docx file ``source`` (see :func:`cached_preview`).

    Raises:
        UsageError: no such file.
    """
    if not source.is_file():
        raise UsageError([Problem(str(source), "", "", "Chưa có tệp này.")])
    return cached_preview(source.read_bytes(), cache_dir, page, dpi)


def record_findings(
    doc: OfficialDocument, source: Path, templates_dir: Path | None = None
) -> dict[str, Any]:
    """Render a validated record without stopping at format errors and return the
    check of the result (the JSON document of ``vanban check --json``)."""
    data, _ = render_bytes(doc, templates_dir)
    return check_bytes(data, f"{source.name} (văn bản tạo ra)", doc.profile.id)


def cached_pdf(data: bytes, cache_dir: Path) -> Path:
    """Return the PDF of the .docx ``data``, made once per content.

    Raises:
        ToolMissing: LibreOffice is not installed. RenderError: conversion failed.
    """
    source = cached_docx(data, cache_dir)
    target = source.with_suffix(".pdf")
    if not target.is_file():
        result = export_pdfs([source]).results[0]
        if result.output is None or result.problem is not None:
            raise RenderError([result.problem] if result.problem else [])
    return target


__all__ = [
    "BatchOptions",
    "BatchReport",
    "BuildReport",
    "LocatedProblem",
    "PreparedBatch",
    "RecordFile",
    "Rendered",
    "StaleEdit",
    "asdict",
    "batch_pdfs",
    "batch_specs",
    "build",
    "build_batch",
    "check_data",
    "check_file",
    "check_files",
    "check_upload",
    "export_template",
    "is_workbook_record",
    "lint_templates",
    "list_folder",
    "list_registries",
    "load_all",
    "pdf_tools",
    "period_results_path",
    "preview",
    "read_record",
    "read_results",
    "read_table",
    "record_file_data",
    "record_workbook",
    "render_document",
    "safe_path",
    "save_record",
    "save_table",
    "save_upload",
    "use_results_workbook",
    "zip_folder",
]


# -- workbooks (.xlsx records a clerk fills in Excel) -------------------------------------


def new_workbook(kind: str, target: Path, period: Path | None = None) -> Path:
    """Write an empty workbook of ``kind`` (``pipeline.workbook.KINDS``) at ``target``
    (``ket-qua-xa``: the results of the period folder ``period``)."""
    from pipeline.workbook import new_workbook as _new

    return _new(kind, target, period)


def results_workbook(period: Path) -> bytes:
    """Return the results workbook (.xlsx bytes) of the period folder ``period``."""
    from pipeline.workbook.results import results_bytes

    return results_bytes(period)


def problem_details(on: bool = True) -> AbstractContextManager[None]:
    """Inside the ``with`` block, unfilled sheets and columns are reported cell by cell
    (``vanban validate --chi-tiet``) instead of as one problem."""
    from pipeline.loading.detail import details

    return details(on)


def export_workbook(source: Path, target: Path) -> Path:
    """Write the record ``source`` (YAML) as a workbook at ``target``."""
    from pipeline.workbook import export_record

    return export_record(source, target)
