"""The only orchestrator: validate → build context → render → check → write.

Every CLI command is a few lines over one function here; the functions are usable
from Python without click. One module per concern (the names are all here):

- ``make``: a record → its checked .docx bytes (and its distribution list);
- ``documents``: records of ``inputs/``, ``render`` and ``build``;
- ``lists``: stand-alone distribution lists;
- ``batches``: per-commune batches; ``periods``: review reports of periods;
- ``pdf``: PDFs and page checks; ``checks``: format check, template lint and export;
- ``web``: records as text or data, cached renders (``pipeline.web``);
- ``workbooks``: .xlsx records;
- ``reports``: what the functions return.
"""

from __future__ import annotations

from dataclasses import asdict

from pipeline.api.batches import (
    PreparedBatch,
    batch_specs,
    build_batch,
    prepare_batch,
    run_prepared,
)
from pipeline.api.checks import (
    check_bytes,
    check_files,
    export_template,
    lint_templates,
    template_models,
)
from pipeline.api.documents import build, document_inputs, load_all, render_document
from pipeline.api.lists import list_paths, write_distribution_list
from pipeline.api.make import (
    check_output,
    context_mapping,
    list_template_name,
    render_bytes,
    render_list_bytes,
    template_name,
)
from pipeline.api.pdf import batch_pdfs, check_laid_out_files, pdf_tools, preview
from pipeline.api.periods import build_period, create_period, validate_period
from pipeline.api.reports import BuildReport, Rendered, Steps
from pipeline.api.web import (
    cached_docx,
    cached_file_preview,
    cached_pdf,
    cached_preview,
    check_record,
    check_record_data,
    record_data,
    record_findings,
    record_from_upload,
    render_record,
)
from pipeline.api.workbooks import export_workbook, new_workbook, problem_details, results_workbook
from pipeline.batch import BatchOptions, BatchReport
from pipeline.compliance import LintFinding
from pipeline.context import build_document_context
from pipeline.loading.drafts import LocatedProblem
from pipeline.templates import find_template
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

__all__ = [
    "BatchOptions",
    "BatchReport",
    "BuildReport",
    "LintFinding",
    "LocatedProblem",
    "PreparedBatch",
    "RecordFile",
    "Rendered",
    "StaleEdit",
    "Steps",
    "asdict",
    "batch_pdfs",
    "batch_specs",
    "build",
    "build_batch",
    "build_document_context",
    "build_period",
    "cached_docx",
    "cached_file_preview",
    "cached_pdf",
    "cached_preview",
    "check_bytes",
    "check_data",
    "check_file",
    "check_files",
    "check_laid_out_files",
    "check_output",
    "check_record",
    "check_record_data",
    "check_upload",
    "context_mapping",
    "create_period",
    "document_inputs",
    "export_template",
    "export_workbook",
    "find_template",
    "is_workbook_record",
    "lint_templates",
    "list_folder",
    "list_paths",
    "list_registries",
    "list_template_name",
    "load_all",
    "new_workbook",
    "pdf_tools",
    "period_results_path",
    "prepare_batch",
    "preview",
    "problem_details",
    "read_record",
    "read_results",
    "read_table",
    "record_data",
    "record_file_data",
    "record_findings",
    "record_from_upload",
    "record_workbook",
    "render_bytes",
    "render_document",
    "render_list_bytes",
    "render_record",
    "results_workbook",
    "run_prepared",
    "safe_path",
    "save_record",
    "save_table",
    "save_upload",
    "template_models",
    "template_name",
    "use_results_workbook",
    "validate_period",
    "write_distribution_list",
    "zip_folder",
]
