"""Run a planned batch: skip what is current, render the rest, record it all.

Each finished commune is journalled as it arrives; the manifest is written at the
end, also when the run is interrupted (Ctrl-C, or SIGTERM turned into it by the CLI),
and no temporary file is left behind. Outputs of communes the roster no longer has
(or that now fail) are removed after a complete run, so ``build/<batch>/`` holds
exactly the current plans.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from pipeline.batch.manifest import (
    JOURNAL,
    MANIFEST,
    Entry,
    Journal,
    file_sha256,
    is_current,
    read_previous,
    write_manifest,
)
from pipeline.batch.plan import Failure, Job, Plan
from pipeline.batch.pool import Outcomes, StopRequest
from pipeline.batch.worker import Outcome, Recipe
from pipeline.rendering import fsync_file, fsync_folder, write_atomic
from pipeline.rendering.combine import combine_documents

COMBINED = "tat-ca.docx"
#: While plans are written, the files written since the last time are flushed to
#: disk this often (seconds), so that what is left to flush at the end is little.
FLUSH_EVERY = 0.25


class Progress(Protocol):
    """What a batch tells whoever shows its progress."""

    def start(self, total: int, skipped: int) -> None:
        """``total`` communes are to be rendered; ``skipped`` were already current."""

    def advance(self, name: str, ok: bool) -> None:
        """Commune ``name`` finished (``ok``) or failed."""

    def stop(self) -> None:
        """The run is over (finished or interrupted)."""


@dataclass
class BatchReport:
    """What a batch run did."""

    name: str
    out_dir: Path
    total: int = 0
    rendered: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    combined: Path | None = None
    manifest: Path | None = None
    interrupted: bool = False
    lost: int = 0  # communes not made because a worker process died: a re-run makes them
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether every commune has its plan."""
        return not self.failures and not self.interrupted and not self.lost


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch.

    ``jobs`` worker processes (None: one per core); ``force`` renders current plans
    again too; ``combined`` (None: the spec's ``gop``) also joins every plan into one
    document, ``tat-ca.docx``; ``check`` runs the format check on every plan.
    """

    jobs: int | None = None
    force: bool = False
    combined: bool | None = None
    check: bool = True


class BatchInterrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C); ``report`` says what was done and recorded."""

    def __init__(self, report: BatchReport) -> None:
        super().__init__("batch interrupted")
        self.report = report


def remove_temp_files(out_dir: Path) -> None:
    """Remove temporary files a killed run may have left (``.<name>.<pid>-<n>.tmp``,
    see ``rendering.output.temp_name``)."""
    for path in out_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)


@dataclass
class _Run:
    """One run's state, updated as outcomes arrive."""

    plan: Plan
    out_dir: Path
    template: Path
    template_sha256: str
    list_template: Path | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    lost: int = 0
    syncer: _Syncer | None = None

    def entry(
        self, job: Job, output_sha256: str = "", extras: tuple[tuple[str, str], ...] = ()
    ) -> Entry:
        return Entry(
            job.code,
            job.name,
            job.row,
            job.input_sha256,
            self.template_sha256,
            f"{job.slug}.docx",
            output_sha256,
            extras,
            self.template.name,
        )

    def record(self, outcome: Outcome, journal: Journal) -> bool:
        job = outcome.job
        if outcome.lost:
            self.lost += 1
            return False
        if outcome.sha256 is None:
            self.failures.append(Failure(job.row, job.code, job.name, outcome.problems))
            return False
        entry = self.entries[job.code] = self.entry(job, outcome.sha256, outcome.extras)
        if self.syncer is not None:
            self.syncer.add(name for name, _ in entry.files)
        journal.record(entry)
        return True


def run_batch(
    plan: Plan,
    template: Path,
    build_dir: Path,
    *,
    list_template: Path | None = None,
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Render ``plan`` with ``template`` into ``build_dir/<batch>/``; return what was done.

    With ``list_template``, each plan comes with its stand-alone distribution list
    (``<commune>.noi-nhan.docx`` and ``.csv``).

    Raises:
        BatchInterrupted: Ctrl-C; what finished is recorded in the manifest.
    """
    started = time.perf_counter()
    options = options or BatchOptions()
    out_dir = build_dir / plan.name
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_temp_files(out_dir)
    previous, previous_combined = read_previous(out_dir)
    run = _Run(
        plan, out_dir, template, file_sha256(template), list_template, failures=list(plan.failures)
    )
    todo = _to_render(run, previous, options.force)
    report = BatchReport(
        plan.name,
        out_dir,
        total=len(plan.jobs) + len(plan.failures),
        skipped=len(plan.jobs) - len(todo),
    )
    _render(run, report, todo, options, progress)
    _finish(run, report, previous, previous_combined, options)
    report.seconds = time.perf_counter() - started
    if report.interrupted:
        raise BatchInterrupted(report)
    return report


def _to_render(run: _Run, previous: dict[str, Entry], force: bool) -> list[Job]:
    """Return the jobs whose plan is not current; keep the entries of the others."""
    lists = run.list_template is not None
    todo = []
    for job in run.plan.jobs:
        entry = previous.get(job.code)
        if (
            entry is not None
            and not force
            and is_current(entry, run.entry(job), run.out_dir, lists)
        ):
            # The row may have moved in the roster: its number is not part of the inputs.
            run.entries[job.code] = replace(entry, row=job.row)
        else:
            todo.append(job)
    return todo


def _finish(
    run: _Run,
    report: BatchReport,
    previous: dict[str, Entry],
    previous_combined: dict[str, Any] | None,
    options: BatchOptions,
) -> None:
    """Tidy the folder after a complete run, join the plans if asked, write the manifest."""
    report.lost = run.lost
    complete = not report.interrupted and not run.lost
    report.failures = sorted(run.failures, key=lambda f: f.row)
    combined_entry = None
    if complete:
        _remove_stale(run, previous)
        if run.plan.spec.gop if options.combined is None else options.combined:
            combined_entry = _combine(run, previous_combined)
            report.combined = run.out_dir / COMBINED if combined_entry else None
        else:
            (run.out_dir / COMBINED).unlink(missing_ok=True)
    report.manifest = run.out_dir / MANIFEST
    # The plans were flushed one by one while the run went on (_Syncer); the
    # manifest that records them is flushed with its folder (write_atomic).
    write_manifest(
        report.manifest,
        _header(run),
        run.entries.values(),
        [f.to_json() for f in report.failures],
        combined_entry,
        complete,
    )
    (run.out_dir / JOURNAL).unlink(missing_ok=True)


def _render(
    run: _Run,
    report: BatchReport,
    todo: list[Job],
    options: BatchOptions,
    progress: Progress | None,
) -> None:
    plan = run.plan
    recipe = Recipe(
        plan.data,
        plan.uses,
        plan.roster.source,
        plan.roster.headers,
        run.template,
        run.out_dir,
        run.list_template,
        options.check,
    )
    workers = options.jobs or os.cpu_count() or 1
    journal = Journal(run.out_dir)
    stream = None
    syncer = run.syncer = _Syncer(run.out_dir)
    try:
        with StopRequest() as stop:
            stream = Outcomes(recipe, todo, workers, lambda: stop.requested)
            syncer.start()  # after the workers: they are forked from one thread
            if progress is not None:
                progress.start(len(todo), report.skipped)
            finished = 0
            for outcome in stream:
                ok = run.record(outcome, journal)
                report.rendered += ok
                finished += 1
                if progress is not None:
                    progress.advance(outcome.job.name, ok)
        report.interrupted = finished < len(todo) and not run.lost
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        syncer.stop()
        if stream is not None:
            stream.close()  # stops the workers now, not whenever they are collected
        journal.close()
        if progress is not None:
            progress.stop()
        remove_temp_files(run.out_dir)


class _Syncer:
    """Flushes each file the run has written (fsync, never a machine-wide sync), in a
    thread of its own every :data:`FLUSH_EVERY` seconds while the plans are made;
    at :meth:`stop`, the rest and then the folder."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._waiting: list[str] = []  # appended by the main thread, taken by this one
        self.flushed = 0

    def add(self, names: Iterable[str]) -> None:
        """Flush these files of the folder (written, renamed into place) soon."""
        with self._lock:
            self._waiting.extend(names)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vanban-fsync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(FLUSH_EVERY):
            self._flush()

    def _flush(self) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for name in waiting:
            fsync_file(self._folder / name)
        self.flushed += len(waiting)

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._waiting or self.flushed:
            self._flush()
            fsync_folder(self._folder)


def _header(run: _Run) -> dict[str, Any]:
    plan = run.plan
    return {
        "batch": plan.name,
        "inputs": {
            "spec": _file(plan.spec_path),
            "record": _file(plan.record_path),
            "roster": _file(plan.roster_path),
        },
        "template": {"path": run.template.name, "sha256": run.template_sha256},
    }


def _file(path: Path) -> dict[str, str]:
    return {"path": path.as_posix(), "sha256": file_sha256(path)}


def _remove_stale(run: _Run, previous: dict[str, Entry]) -> None:
    """Remove plans the last runs made that this roster no longer has (or now fails)."""
    current = {name for entry in run.entries.values() for name, _ in entry.files}
    for entry in previous.values():
        for name, _ in entry.files:
            if name not in current and Path(name).name == name:
                (run.out_dir / name).unlink(missing_ok=True)


def _combine(run: _Run, previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """Write every plan in roster order into one document, unless it is current."""
    ordered = sorted(run.entries.values(), key=lambda e: e.row)
    if not ordered:
        (run.out_dir / COMBINED).unlink(missing_ok=True)
        return None
    parts = "\n".join(f"{e.output}:{e.output_sha256}" for e in ordered)
    parts_sha256 = hashlib.sha256(parts.encode("utf-8")).hexdigest()
    target = run.out_dir / COMBINED
    if (
        previous is not None
        and previous.get("parts_sha256") == parts_sha256
        and target.is_file()
        and file_sha256(target) == previous.get("sha256")
    ):
        return previous
    data = combine_documents(run.out_dir / e.output for e in ordered)
    write_atomic(target, data)
    return {
        "path": COMBINED,
        "communes": len(ordered),
        "parts_sha256": parts_sha256,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
