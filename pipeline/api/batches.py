"""Per-commune batches (``*.batch.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.api.make import list_template_name, template_name
from pipeline.batch import BatchOptions, BatchReport, Plan, plan_batch, run_batch, trial_batch
from pipeline.batch import Progress as BatchProgress
from pipeline.errors import Problem, UsageError
from pipeline.rendering import PreparedTemplate
from pipeline.templates import find_template


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
