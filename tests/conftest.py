"""Shared fixtures: the repository's paths and the examples rendered once per session."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from docx.document import Document

from pipeline import api
from pipeline.pdf import ToolMissing, find_libreoffice

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
SEED_TEXT = ROOT.parent / "shared" / "seed" / "chuong-trinh-hanh-dong-nq18.txt"
SEED_COPY = Path(__file__).resolve().parent / "data" / "seed" / "chuong-trinh-hanh-dong-nq18.txt"

EXAMPLES = {
    "chuong-trinh-hanh-dong-nq18": "party_hd36_2018",
    "ke-hoach-dang-uy-xa": "party_hd05_2026",
    "ke-hoach-ubnd-xa": "state_nd30_2020",
}
#: Records of inputs/examples/ (built by ``make build`` too), with their profiles.
RECORD_EXAMPLES = {
    "ke-hoach-phu-luc": "state_nd30_2020",
}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example of inputs/ rendered into a temporary build folder."""
    out = tmp_path_factory.mktemp("build")
    report = api.build(INPUTS, out)
    return {item.output.stem: item.output for item in report.documents}


@pytest.fixture(scope="session")
def documents(built: dict[str, Path]) -> dict[str, Document]:
    """The built examples opened with python-docx."""
    return {name: docx.Document(str(path)) for name, path in built.items()}


def seed_lines() -> list[str]:
    """Return the seed file's non-empty lines, white space folded (shared copy first)."""
    path = SEED_TEXT if SEED_TEXT.is_file() else SEED_COPY
    text = path.read_text(encoding="utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def has_libreoffice() -> bool:
    try:
        find_libreoffice()
    except ToolMissing:
        return False
    return True


#: PDF tests skip only on a developer machine without LibreOffice; in CI they must run.
needs_libreoffice = pytest.mark.skipif(
    not has_libreoffice() and not os.environ.get("CI"),
    reason="LibreOffice (libreoffice-writer-nogui + python3-uno) không có trên máy này",
)
