"""Produce .docx bytes and write files atomically."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.rendering.template import PreparedTemplate
from pipeline.rendering.zipfile_raw import write_members


def render_to_bytes(template: PreparedTemplate, context: Mapping[str, Any]) -> bytes:
    """Return the .docx bytes of ``template`` rendered with ``context``."""
    out = io.BytesIO()
    write_members(out, template.render_members(context))
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A reader never sees a partial file, and an interrupted write leaves only the
    old file (or none), never a truncated one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
