"""The one manifest schema (version :data:`SCHEMA_VERSION`) and its one writer.

Every ``manifest.json`` vanban writes — a build's (``vanban build``: the documents of
``inputs/`` and the reports of each period) and a batch's (one plan per commune) —
has the same shape, published as JSON Schema in ``docs/manifest.schema.json`` and
explained in ``docs/manifest.md``::

    {"manifest_version": 1, "tool": "vanban", "version": "…", "kind": "build" | "batch",
     "documents": [<entry>, …], …what the kind adds (a batch: its inputs, failures…)}

and every entry, whatever made it, the same fields::

    {"output": <file>, "template": <file>, "input": {"sha256": …, "files": [<file>…]},
     "distribution_list": [<file>, <file>]?, "commune": {"code", "name", "row"?}?,
     "period": "2026-H2"?}

where ``<file>`` is ``{"path": …, "sha256": …}``. Entries hold no time stamps: the
same inputs give the same manifest, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pipeline import __version__
from pipeline.rendering import write_atomic

MANIFEST = "manifest.json"
#: The version of the manifest's shape (not of vanban); raised on any change of shape.
SCHEMA_VERSION = 1

Kind = Literal["build", "batch"]


def file_ref(path: str, sha256: str) -> dict[str, str]:
    """Return a ``<file>``: a path (relative to the manifest's folder for outputs) and
    the SHA-256 of its bytes."""
    return {"path": path, "sha256": sha256}


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_digest(files: Sequence[Mapping[str, str]]) -> str:
    """Return one digest of several input files (their paths and hashes, in order)."""
    text = "\n".join(f"{f['path']}:{f['sha256']}" for f in files)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry(
    output: Mapping[str, str],
    template: Mapping[str, str],
    input_sha256: str,
    input_files: Sequence[Mapping[str, str]] = (),
    *,
    distribution_list: Sequence[Mapping[str, str]] = (),
    commune: Mapping[str, Any] | None = None,
    period: str | None = None,
    pdf: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return one manifest entry: an output, what it was made from, its companions.

    ``input_sha256`` is what tells whether the output is current: the hash of the
    record file, or of a commune's filled record (a batch), or :func:`inputs_digest`
    of a period's files; ``input_files`` are the files read, when there are any.
    """
    item: dict[str, Any] = {
        "output": dict(output),
        "template": dict(template),
        "input": {"sha256": input_sha256, "files": [dict(f) for f in input_files]},
    }
    if distribution_list:
        item["distribution_list"] = [dict(f) for f in distribution_list]
    if commune is not None:
        item["commune"] = dict(commune)
    if period is not None:
        item["period"] = period
    if pdf is not None:  # the output's PDF, made from it (see pipeline/batch/pdfs.py)
        item["pdf"] = dict(pdf)
    return item


def document(kind: Kind, entries: Iterable[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """Return a whole manifest: the common head, ``entries`` and what ``kind`` adds."""
    return {
        "manifest_version": SCHEMA_VERSION,
        "tool": "vanban",
        "version": __version__,
        "kind": kind,
        "documents": list(entries),
        **extra,
    }


def write(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest`` to ``path`` atomically and durably (file and folder flushed)."""
    write_atomic(path, manifest_text(manifest).encode("utf-8"))


#: An entry or a failure on one line (``indent`` would take the slow pure-Python encoder).
_ITEM_JSON = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
#: The fields whose items are written one per line.
_LISTS = ("documents", "failed", "kept")


def manifest_text(manifest: Mapping[str, Any]) -> str:
    """Return the manifest as JSON, indented, with one line per entry and per failure
    (a batch of thousands of communes is written in milliseconds)."""
    fields = []
    for key, value in manifest.items():
        if key in _LISTS and value:
            items = ",\n".join(f"    {_ITEM_JSON.encode(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        fields.append(f"  {_ITEM_JSON.encode(key)}: {text}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def is_current_version(manifest: Mapping[str, Any]) -> bool:
    """Return whether ``manifest`` was written by this vanban in this schema (an
    older one's entries are not trusted: everything is made again)."""
    return (
        manifest.get("manifest_version") == SCHEMA_VERSION
        and manifest.get("version") == __version__
    )
