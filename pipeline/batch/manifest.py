"""The batch manifest: what each commune's plan was made from, for incremental re-runs.

``manifest.json`` is written once, atomically, at the end of a run (also of an
interrupted one). While the run goes on, each finished commune is appended to a
journal, so that even a run killed outright leaves a record of what it completed;
the next run reads both. Entries hold no time stamps: the same inputs give the same
manifest, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline import __version__, manifest

MANIFEST = manifest.MANIFEST
JOURNAL = ".manifest.journal"


@dataclass(frozen=True)
class Entry:
    """One commune's plan as made: its inputs' hash, the template's, and the output's.

    Written as an entry of the one manifest schema (:mod:`pipeline.manifest`).
    """

    code: str
    name: str
    row: int
    input_sha256: str
    template_sha256: str
    output: str
    output_sha256: str
    extras: tuple[tuple[str, str], ...] = ()  # (file name, sha256): the distribution list
    template: str = ""  # the template's file name
    #: The plan's PDF when one was made (``batch.pdfs``): path, sha256, pages, the
    #: sha256 of the .docx it was made from, pdfa. Kept while the plan is unchanged.
    pdf: Mapping[str, Any] | None = field(default=None, hash=False)

    @property
    def files(self) -> tuple[tuple[str, str], ...]:
        """Return every file of the entry with its hash, the plan first."""
        return ((self.output, self.output_sha256), *self.extras)

    def to_json(self) -> dict[str, Any]:
        """Return the entry as the manifest writes it."""
        return manifest.entry(
            manifest.file_ref(self.output, self.output_sha256),
            manifest.file_ref(self.template, self.template_sha256),
            self.input_sha256,
            distribution_list=[manifest.file_ref(p, h) for p, h in self.extras],
            commune={"code": self.code, "name": self.name, "row": self.row},
            pdf=self.pdf,
        )

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> Entry:
        """Return the entry written by :meth:`to_json`.

        Raises:
            KeyError, TypeError: ``item`` is not such an entry.
        """
        output, template, commune = item["output"], item["template"], item["commune"]
        return cls(
            code=str(commune["code"]),
            name=str(commune["name"]),
            row=int(commune["row"]),
            input_sha256=str(item["input"]["sha256"]),
            template_sha256=str(template["sha256"]),
            output=str(output["path"]),
            output_sha256=str(output["sha256"]),
            extras=tuple(
                (str(f["path"]), str(f["sha256"])) for f in item.get("distribution_list", ())
            ),
            template=str(template["path"]),
            pdf=item["pdf"] if isinstance(item.get("pdf"), Mapping) else None,
        )


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_previous(out_dir: Path) -> tuple[dict[str, Entry], dict[str, Any] | None]:
    """Return the entries of the last runs by code, and the last manifest's combined entry.

    Entries come from ``manifest.json`` and then from a journal left by a run that
    did not finish. Anything written by another version of vanban is ignored, so
    that a new version renders everything again.
    """
    entries: dict[str, Entry] = {}
    combined = None
    try:
        found = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        if manifest.is_current_version(found):
            # Plans kept from earlier runs (a run that failed somewhere deletes nothing).
            entries.update(_entries(found.get("kept", ())))
            entries.update(_entries(found.get("documents", ())))
            combined = found.get("combined")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        lines = (out_dir / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            item = json.loads(line)
            if manifest.is_current_version(item):
                entries.update(_entries([item]))
        except (ValueError, AttributeError):
            continue  # the last line of a killed run may be cut short
    return entries, combined


def _entries(items: Iterable[Any]) -> dict[str, Entry]:
    out = {}
    for item in items:
        try:
            entry = Entry.from_json(item)
        except (KeyError, TypeError, ValueError):
            continue
        out[entry.code] = entry
    return out


def is_current(previous: Entry | None, wanted: Entry, out_dir: Path, lists: bool) -> bool:
    """Return whether ``previous`` already made ``wanted``'s plan and its files are intact.

    ``wanted``'s hashes are ignored (they are not known before rendering); ``lists``
    says whether the plan must come with its distribution list.
    """
    if previous is None or (
        previous.input_sha256,
        previous.template_sha256,
        previous.output,
        bool(previous.extras),
    ) != (wanted.input_sha256, wanted.template_sha256, wanted.output, lists):
        return False
    try:
        return all(file_sha256(out_dir / name) == sha for name, sha in previous.files)
    except OSError:
        return False


#: One encoder for every line (``json.dumps`` with options makes one per call).
_LINE_JSON = json.JSONEncoder(ensure_ascii=False)
#: What each journal line starts with: which vanban and manifest schema wrote it.
_JOURNAL_HEAD = {"manifest_version": manifest.SCHEMA_VERSION, "version": __version__}


class Journal:
    """Appends finished communes to the journal, one JSON line each.

    Lines are written in bursts (a write per line cost the main process ~50 µs a
    commune): when a commune finishes :data:`FLUSH_EVERY` seconds or more after the
    last write, and at :meth:`close`. A run killed outright loses the lines since the
    last write; the next run makes those plans again.
    """

    #: The least time (seconds) between two writes of waiting lines.
    FLUSH_EVERY = 0.05

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / JOURNAL
        self._handle: IO[str] | None = None
        self._flushed = 0.0

    def record(self, entry: Entry) -> None:
        """Append ``entry``; write what is waiting if the last write is old enough."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(_LINE_JSON.encode({**_JOURNAL_HEAD, **entry.to_json()}) + "\n")
        now = time.monotonic()
        if now - self._flushed >= self.FLUSH_EVERY:
            self._handle.flush()
            self._flushed = now

    def close(self) -> None:
        """Close the journal (it stays until the manifest holds what it holds)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def write_manifest(
    path: Path,
    header: Mapping[str, Any],
    entries: Iterable[Entry],
    failed: Iterable[Mapping[str, Any]],
    combined: Mapping[str, Any] | None,
    complete: bool,
    kept: Iterable[Entry] = (),
) -> None:
    """Write the manifest atomically: communes sorted by code, failures by row.

    ``kept``: plans of earlier runs still in the folder that this run did not make
    (the roster dropped them, or their row fails now); written only when there are
    some, so that the next run that succeeds for the whole roster removes them.
    """
    kept = sorted(kept, key=lambda e: e.code)
    extra = {"kept": [e.to_json() for e in kept]} if kept else {}
    manifest.write(
        path,
        manifest.document(
            "batch",
            [e.to_json() for e in sorted(entries, key=lambda e: e.code)],
            **header,
            complete=complete,
            failed=sorted(failed, key=lambda f: (f["row"], f["code"])),
            combined=combined,
            **extra,
        ),
    )
