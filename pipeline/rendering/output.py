"""Produce .docx bytes and write files atomically."""

from __future__ import annotations

import io
import os
import tempfile
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


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A reader never sees a partial file, and an interrupted write leaves only the
    old file (or none), never a truncated one.

    ``durable`` also fsyncs the file before the rename, so that it survives a power
    cut. That costs a disk flush per file (3-7 ms), more than rendering a plan, so a
    batch passes ``durable=False`` for its thousands of plans and flushes once at the
    end (``os.sync``) before it writes its manifest. The trade-off: after a power cut
    in the middle of a batch, a plan renamed into place may come back empty or old on
    some file systems; the atomic rename still means no process ever sees a partial
    file, and the next run finds such a plan's hash differs from what the journal
    recorded and makes it again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
