"""Where the shared real Word files are (not made by vanban; see shared/real-docx/README.md).

CI has shared/ beside the clone; a helper's worktree may not: the folder is looked up in
``VANBAN_SHARED``, then the project root's parent ``shared/``, then ``/work/shared``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT


def shared_dir() -> Path | None:
    """Return the shared folder holding ``real-docx/`` (None when there is none)."""
    candidates = [os.environ.get("VANBAN_SHARED"), ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "real-docx").is_dir():
            return Path(candidate)
    return None


def real_docx(name: str) -> Path:
    """Return the path of one real Word file (the test is skipped when it is absent)."""
    folder = shared_dir()
    if folder is None or not (folder / "real-docx" / name).is_file():
        pytest.skip(f"shared/real-docx/{name} is not on this machine")
    return folder / "real-docx" / name
