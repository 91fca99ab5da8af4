"""Review reports of reporting periods (``inputs/periods/<ID>/``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.api.make import _raise_unless_compliant
from pipeline.api.reports import Rendered

# pipeline.reporting (review reports: their models and contexts, ~60 ms to import) is
# imported by the functions that need it, so that batches and single documents do not.
if TYPE_CHECKING:
    from pipeline.reporting import NewPeriod, PreparedPeriod


def _unchanged(period: PreparedPeriod, build_dir: Path) -> int:
    """Return how many of a period's reports are already written with the same bytes."""
    count = 0
    for document in period.documents:
        target = build_dir / document.path
        count += target.is_file() and target.read_bytes() == document.data
    return count


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
    warnings: dict[str, list[str]] = {}
    if check:
        _raise_unless_compliant(check_period(period, warnings=warnings))
    done: list[Rendered] = []
    _write_period(period, build_dir, done)
    return [
        replace(r, warnings=tuple(warnings.get(_relative(r.output, build_dir), ()))) for r in done
    ]


def _relative(path: Path, build_dir: Path) -> str:
    try:
        return path.relative_to(build_dir).as_posix()
    except ValueError:
        return path.as_posix()


def create_period(periods_dir: Path, period_id: str, previous_id: str | None = None) -> NewPeriod:
    """Create the period folder ``periods_dir/period_id`` from the previous period (see
    :func:`pipeline.reporting.new_period`); an existing period is never changed."""
    from pipeline.reporting import new_period

    return new_period(periods_dir, period_id, previous_id)
