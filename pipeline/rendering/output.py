"""Produce .docx bytes and write files atomically."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.rendering.template import PreparedTemplate
from pipeline.rendering.zipfile_raw import Member, write_members


def render_to_bytes(template: PreparedTemplate, context: Mapping[str, Any]) -> bytes:
    """Return the .docx bytes of ``template`` rendered with ``context``."""
    return zip_bytes(template.render_members(context))


def zip_bytes(members: list[Member]) -> bytes:
    """Return the .docx (zip) bytes of ``members``."""
    out = io.BytesIO()
    write_members(out, members)
    return out.getvalue()


#: Numbers the temporary files of this process (with its pid: unique without retries).
_TEMP_NUMBERS = itertools.count()
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def temp_name(name: str) -> str:
    """Return a new temporary file name for file ``name``: ``.<name>.<pid>-<n>.tmp``.

    Every temporary file of the project matches ``.*.tmp``, so that a killed run's
    leftovers are found (``batch.run.remove_temp_files``).
    """
    return f".{name}.{os.getpid()}-{next(_TEMP_NUMBERS)}.tmp"


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A reader never sees a partial file, and an interrupted write leaves only the
    old file (or none), never a truncated one. The temporary file is in the same
    folder (``.<name>.<pid>-<n>.tmp``, created exclusively) and removed on failure.

    ``durable`` also fsyncs the file before the rename, so that it survives a power
    cut. That costs a disk flush per file (3-7 ms), more than rendering a plan, so a
    batch passes ``durable=False`` for its thousands of plans and flushes once at the
    end (``os.sync``) before it writes its manifest. The trade-off: after a power cut
    in the middle of a batch, a plan renamed into place may come back empty or old on
    some file systems; the atomic rename still means no process ever sees a partial
    file, and the next run finds such a plan's hash differs from what the journal
    recorded and makes it again.
    """
    tmp, fd = _open_temp(path)
    try:
        try:
            os.fchmod(fd, 0o644)  # whatever the umask: outputs are ordinary shared files
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _open_temp(path: Path) -> tuple[Path, int]:
    """Create a new temporary file beside ``path`` (and its folder if missing)."""
    while True:
        tmp = path.with_name(temp_name(path.name))
        try:
            return tmp, os.open(tmp, _TEMP_FLAGS, 0o644)
        except FileExistsError:  # a leftover of an earlier process with this pid
            continue
        except FileNotFoundError:
            if path.parent.is_dir():
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
