"""Stand-alone distribution lists (.noi-nhan.docx and .noi-nhan.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import naming
from pipeline.api.make import render_list_bytes
from pipeline.loading import load_document
from pipeline.rendering import write_atomic

# pipeline.reporting (review reports: their models and contexts, ~60 ms to import) is
# imported by the functions that need it, so that batches and single documents do not.
if TYPE_CHECKING:
    pass


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
