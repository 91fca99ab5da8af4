"""Find the programs PDF output needs: LibreOffice, a Python that speaks UNO, poppler.

Every "not found" is a :class:`ToolMissing` (exit code 2, like a usage error: the
machine is not ready, nothing was written) that names the Debian package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import Problem, UsageError

#: Where LibreOffice lives when it is not on PATH (Debian, the upstream .deb, macOS).
KNOWN_SOFFICE = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

#: Pythons that may have the UNO bridge: Debian's python3-uno is for the system Python.
KNOWN_UNO_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")

APT_LIBREOFFICE = "sudo apt-get install libreoffice-writer-nogui python3-uno"
APT_POPPLER = "sudo apt-get install poppler-utils"


class ToolMissing(UsageError):
    """A program that PDF output needs is not installed (exit code 2)."""


@dataclass(frozen=True)
class LibreOffice:
    """The LibreOffice to start and the Python that drives it through UNO."""

    soffice: Path
    python: Path


def _executable(path: str | Path) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def _missing(what: str, how: str) -> ToolMissing:
    return ToolMissing([Problem("", "", "", f"{what} Cài đặt bằng lệnh: {how}")])


def find_soffice() -> Path:
    """Return the LibreOffice program: ``$VANBAN_SOFFICE``, PATH, then known places.

    Raises:
        ToolMissing: LibreOffice is not installed (or ``$VANBAN_SOFFICE`` is wrong).
    """
    chosen = os.environ.get("VANBAN_SOFFICE")
    if chosen:
        if _executable(chosen):
            return Path(chosen)
        raise _missing(
            f"Biến môi trường VANBAN_SOFFICE chỉ tới “{chosen}”, nhưng đó không phải "
            "chương trình LibreOffice chạy được. Sửa hoặc bỏ biến này.",
            APT_LIBREOFFICE,
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for path in KNOWN_SOFFICE:
        if _executable(path):
            return Path(path)
    raise _missing(
        "Không tìm thấy LibreOffice (lệnh soffice), cần để tạo bản PDF và ảnh xem trước.",
        APT_LIBREOFFICE,
    )


@cache
def _speaks_uno(python: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-I", "-c", "import uno"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def find_uno_python(soffice: Path) -> Path:
    """Return a Python that can ``import uno``: ``$VANBAN_UNO_PYTHON``, the one
    bundled with LibreOffice, the system Python, then ``python3`` on PATH.

    Raises:
        ToolMissing: no such Python (Debian: the python3-uno package is missing).
    """
    candidates = [os.environ.get("VANBAN_UNO_PYTHON", "")]
    program = soffice.resolve().parent
    candidates += [str(program / "python"), *KNOWN_UNO_PYTHONS, shutil.which("python3") or ""]
    for python in candidates:
        if python and _executable(python) and _speaks_uno(python):
            return Path(python)
    raise _missing(
        "Đã có LibreOffice nhưng thiếu cầu nối Python–UNO (gói python3-uno) "
        "mà vanban dùng để điều khiển LibreOffice.",
        APT_LIBREOFFICE,
    )


def find_libreoffice() -> LibreOffice:
    """Return LibreOffice and its UNO Python, or raise :class:`ToolMissing`."""
    soffice = find_soffice()
    return LibreOffice(soffice, find_uno_python(soffice))


def find_pdftoppm() -> Path:
    """Return poppler's ``pdftoppm`` (PDF page → PNG).

    Raises:
        ToolMissing: poppler-utils is not installed.
    """
    found = shutil.which("pdftoppm")
    if found:
        return Path(found)
    raise _missing(
        "Không tìm thấy chương trình pdftoppm (gói poppler-utils), cần để tạo ảnh xem trước.",
        APT_POPPLER,
    )
