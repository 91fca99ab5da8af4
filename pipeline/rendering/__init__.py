"""The only module that touches docxtpl and Jinja: strict sandboxed env, prepared templates."""

from pipeline.rendering.output import (
    fsync_file,
    fsync_folder,
    render_to_bytes,
    write_atomic,
    zip_bytes,
)
from pipeline.rendering.template import PreparedTemplate

__all__ = [
    "PreparedTemplate",
    "fsync_file",
    "fsync_folder",
    "render_to_bytes",
    "write_atomic",
    "zip_bytes",
]
