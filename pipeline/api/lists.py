"""Stand-alone distribution lists (.noi-nhan.docx and .noi-nhan.csv)."""

from __future__ import annotations

from pathlib import Path

from pipeline import naming
from pipeline.api.make import render_list_bytes
from pipeline.loading import load_document
from pipeline.output import write_files


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
    write_files(folder, {list_docx.name: docx_bytes, list_csv.name: csv_bytes})
    return list_docx, list_csv
