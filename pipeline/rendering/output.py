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

    ``durable`` also fsyncs the file before the rename and the folder after it, so
    that the file and its name survive a power cut. A batch passes ``durable=False``
    for its thousands of plans (a flush each would sit in every plan's time) and has
    each written file fsynced by a thread of the main process while the run goes on
    (:func:`fsync_file`), then the folder once (:func:`fsync_folder`), before it
    writes its manifest durably. Only that folder's files are flushed, never the
    machine's other file systems. After a power cut in the middle of a batch a plan
    not yet flushed may come back empty or old; the atomic rename still means no
    process ever sees a partial file, and the next run finds that plan's hash
    differs from what the manifest or the journal recorded and makes it again.
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
    if durable:
        fsync_folder(path.parent)


def fsync_file(path: Path) -> None:
    """Flush the file at ``path`` to disk (gone already: nothing to flush)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (the names renamed into it) to disk, where the
    system allows a folder to be opened (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to flush a folder: the files are flushed
    finally:
        os.close(fd)


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
