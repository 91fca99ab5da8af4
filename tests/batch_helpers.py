"""Helpers for the batch tests: the example batch copied with a roster of one's choosing."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Sequence
from pathlib import Path

import docx

from pipeline.compliance import iter_paragraphs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inputs" / "examples"
SPEC = "ke-hoach-sap-xep.batch.yaml"
BATCH = "ke-hoach-sap-xep"
ROSTER = "xa-thai-nguyen.csv"

#: Column positions in the example roster.
CODE, NAME, KIND, UPPER, ISSUER, SECRETARY, CHAIR, SIGNER, TITLE, NUMBER, DAY = range(11)
BEFORE, AFTER, QUOTA, REDUCTION, SCHOOLS, ONLINE, DEADLINE = range(11, 18)


def example_rows() -> list[list[str]]:
    """Return the example roster: its header row, then one row per commune."""
    with (EXAMPLES / ROSTER).open(encoding="utf-8", newline="") as handle:
        return [list(row) for row in csv.reader(handle)]


def many_rows(count: int) -> list[list[str]]:
    """Return a roster of ``count`` communes made from the example's (codes, names unique)."""
    rows = example_rows()
    out = [rows[0]]
    for index in range(count):
        row = list(rows[1 + index % (len(rows) - 1)])
        row[CODE] = f"{20000 + index}"
        row[NAME] = f"{row[NAME]} {index}"
        out.append(row)
    return out


def write_roster(folder: Path, rows: Sequence[Sequence[str]]) -> Path:
    """Write ``rows`` (header first) as the roster of the batch in ``folder``."""
    path = folder / ROSTER
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def make_batch(folder: Path, rows: Sequence[Sequence[str]] | None = None) -> Path:
    """Copy the example batch into ``folder`` with ``rows`` as its roster; return the spec."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (SPEC, "ke-hoach-sap-xep.goc.yaml", "noi-nhan-xa.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    write_roster(folder, rows if rows is not None else example_rows())
    return folder / SPEC


def plans(out_dir: Path) -> list[Path]:
    """Return the commune plans of a batch folder (not lists, not the combined file)."""
    return sorted(
        p for p in out_dir.glob("*.docx") if ".noi-nhan" not in p.name and p.name != "tat-ca.docx"
    )


def texts(path: Path) -> list[str]:
    """Return the non-empty paragraphs of a .docx in reading order, spaces folded."""
    document = docx.Document(str(path))
    found = (" ".join(p.text.split()) for p in iter_paragraphs(document))
    return [text for text in found if text]
