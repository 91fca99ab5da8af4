"""Records of ``inputs/``: load and validate them, render one (``vanban render``), build
them all (``vanban build``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline import manifest
from pipeline.api.batches import batch_specs, prepare_batch, run_prepared
from pipeline.api.lists import list_paths
from pipeline.api.make import _raise_unless_compliant, check_output, render_bytes, render_list_bytes
from pipeline.api.pdf import _page_checks, batch_pdfs
from pipeline.api.periods import _unchanged, _write_period
from pipeline.api.reports import BuildReport, Rendered, Steps, _NoSteps
from pipeline.batch import BatchOptions
from pipeline.batch import Progress as BatchProgress
from pipeline.errors import InputError, Problem, UsageError
from pipeline.loading import load_document
from pipeline.models import OfficialDocument
from pipeline.output import write_files
from pipeline.pdf import (
    LibreOffice,
    PdfReport,
    export_pdfs,
    find_libreoffice,
)
from pipeline.rendering import PreparedTemplate


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
    ((_, digest),) = write_files(target.parent, {target.name: data})
    pdfs = export_pdfs([target], libreoffice=libreoffice, pdfa=pdfa) if libreoffice else None
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
    period_warned: dict[str, list[str]] = {}
    if check:
        for period in periods:
            label = f"Kiểm tra thể thức báo cáo kỳ {period.inputs.period.id}"
            steps.start(label, len(period.documents))
            failures.extend(check_period(period, steps.advance, period_warned))
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
    report.warnings.update(period_warned)  # the format check's, by report
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
        files = {target.name: data}
        if extra is not None:
            files.update(zip((p.name for p in list_paths(target)), extra, strict=True))
        (_, digest), *lists = write_files(build_dir, files)
        warnings = tuple(warned.get(path, ()))
        if warnings:
            report.warnings[str(target)] = list(warnings)
        report.documents.append(Rendered(path, Path(template.name), target, digest, None, warnings))
        source = manifest.file_ref(path.as_posix(), _sha256(path))
        companions = [{"path": name, "sha256": sha} for name, sha in lists]
        entry = manifest.entry(
            manifest.file_ref(target.name, digest),
            manifest.file_ref(Path(template.name).name, template.sha256),
            source["sha256"],
            [source],
            distribution_list=companions,
        )
        entries.append(entry)
    return entries
