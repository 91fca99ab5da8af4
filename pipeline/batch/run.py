"""Run a planned batch: skip what is current, render the rest, record it all.

Each finished commune is journalled as it arrives; the manifest is written at the
end, also when the run is interrupted (Ctrl-C, or SIGTERM turned into it by the CLI),
and no temporary file is left behind. Nothing already made is deleted unless the run
succeeded for the whole roster: then the plans of communes the roster no longer has
are removed (those the manifest recorded, and only those), and listed in the report.
After any other run the manifest keeps them (``kept``) for the next good run to remove.

One run at a time writes into a batch folder (a lock, :func:`folder_lock`); a full
or read-only disk stops the run with a message naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
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
from pipeline.batch.plan import SAMPLE_JOB, Failure, Job, Plan
from pipeline.batch.pool import Outcomes, StopRequest
from pipeline.batch.worker import Outcome, Recipe, trial_render
from pipeline.errors import Problem, RenderError, UsageError
from pipeline.limits import os_message
from pipeline.rendering import fsync_file, fsync_folder, write_atomic
from pipeline.rendering.combine import combine_documents

COMBINED = "tat-ca.docx"
#: Held (flock) by the run writing into a batch folder.
LOCK = ".vanban.lock"
_LOCK_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
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
    warnings: list[Problem] = field(default_factory=list)  # what the roster's reading said
    removed: list[str] = field(default_factory=list)  # files of communes no longer listed
    kept: int = 0  # such communes whose files stay until a run succeeds for the whole roster

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


def _recipe(plan: Plan, template: Path, out_dir: Path, lists: Path | None, check: bool) -> Recipe:
    return Recipe(
        plan.data,
        plan.uses,
        plan.roster.source,
        plan.roster.headers,
        template,
        out_dir,
        lists,
        check,
    )


def trial_batch(plan: Plan, template: Path, list_template: Path | None = None) -> None:
    """Render a sample commune with the batch's templates, writing nothing.

    Raises:
        TemplateProblem: the templates fail whatever the commune: the batch is stopped
            before anything is written or removed.
    """
    trial_render(_recipe(plan, template, Path(), list_template, False), SAMPLE_JOB)


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
    stopped: Problem | None = None  # a disk error that stopped the run

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
            if outcome.stop and self.stopped is None:
                self.stopped = outcome.problems[0]
            return False
        entry = self.entries[job.code] = self.entry(job, outcome.sha256, outcome.extras)
        if self.syncer is not None:
            self.syncer.add(name for name, _ in entry.files)
        try:
            journal.record(entry)
        except OSError as exc:  # the disk filled up between the plan and its line
            if self.stopped is None:
                self.stopped = _disk_problem(journal.path, exc)
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
    with folder_lock(out_dir):
        report = _run_locked(plan, template, out_dir, list_template, options, progress)
    report.seconds = time.perf_counter() - started
    if report.interrupted:
        raise BatchInterrupted(report)
    return report


def _run_locked(
    plan: Plan,
    template: Path,
    out_dir: Path,
    list_template: Path | None,
    options: BatchOptions,
    progress: Progress | None,
) -> BatchReport:
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
        warnings=list(plan.roster.warnings),
    )
    _render(run, report, todo, options, progress)
    try:
        _finish(run, report, previous, previous_combined, options)
    except OSError as exc:
        # The manifest could not be written: the old one stays. So does every plan (a
        # plan made again from the same inputs is the same bytes); a plan whose hash
        # the old manifest does not hold is made again by the next run.
        with contextlib.suppress(OSError):
            (out_dir / JOURNAL).unlink(missing_ok=True)
        raise RenderError(
            [
                _disk_problem(out_dir / MANIFEST, exc),
                Problem(
                    str(out_dir),
                    "",
                    "",
                    "Đợt dừng giữa chừng; không văn bản nào bị xóa. Sửa lỗi trên rồi chạy lại.",
                ),
            ]
        ) from None
    if run.stopped is not None:
        raise RenderError(
            [
                run.stopped,
                Problem(
                    str(out_dir),
                    "",
                    "",
                    f"Đã dừng đợt sau {report.rendered} văn bản: không ghi được vào thư mục. "
                    "Các văn bản đã xong được giữ và ghi vào manifest; không văn bản nào bị "
                    "xóa. Sửa lỗi trên rồi chạy lại để tạo tiếp.",
                ),
            ]
        )
    return report


def _disk_problem(path: Path, exc: OSError) -> Problem:
    return Problem(str(path), "", "", f"Không ghi được: {os_message(exc)}")


@contextlib.contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the batch folder for this run; refuse if another run holds it.

    The folder is created if missing and tried for writing first (a read-only or
    full disk stops here, before anything is changed).

    Raises:
        UsageError: another run writes into the folder, or it cannot be written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(
            out_dir / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644
        )
    except OSError as exc:
        raise UsageError([_disk_problem(out_dir, exc)]) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise UsageError([_disk_problem(out_dir, exc)]) from None
            raise UsageError(
                [
                    Problem(
                        str(out_dir),
                        "",
                        "",
                        "Một lần chạy vanban khác đang ghi vào thư mục này. Đợi lần chạy đó "
                        "xong rồi chạy lại (hoặc ghi ra thư mục khác với -o).",
                    )
                ]
            ) from None
        _probe(out_dir)
        yield
    finally:
        os.close(handle)  # releases the lock; the empty lock file stays (it is harmless)


def _probe(out_dir: Path) -> None:
    """Write and remove a small file: a read-only or full disk is found before any plan."""
    probe = out_dir / f".probe.{os.getpid()}.tmp"
    try:
        write_atomic(probe, b"vanban", durable=False)
        probe.unlink()
    except OSError as exc:
        raise UsageError([_disk_problem(out_dir, exc)]) from None


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
    complete = not report.interrupted and not run.lost and run.stopped is None
    report.failures = sorted(run.failures, key=lambda f: f.row)
    combined_entry = None
    kept: list[Entry] = []
    if complete and not report.failures and run.plan.jobs:
        report.removed = _remove_stale(run, previous)
    else:
        # Not a success for the whole roster: nothing made before is deleted.
        kept = _kept(run, previous)
        report.kept = len(kept)
    if complete:
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
        kept,
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
    recipe = _recipe(plan, run.template, run.out_dir, run.list_template, options.check)
    workers = options.jobs or os.cpu_count() or 1
    journal = Journal(run.out_dir)
    stream = None
    syncer = run.syncer = _Syncer(run.out_dir)
    try:
        with StopRequest() as stop:
            stream = Outcomes(
                recipe, todo, workers, lambda: stop.requested or run.stopped is not None
            )
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
        report.interrupted = finished < len(todo) and not run.lost and run.stopped is None
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        syncer.stop()
        if stream is not None:
            stream.close()  # stops the workers now, not whenever they are collected
        with contextlib.suppress(OSError):  # a full disk: the run says so already
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


def _remove_stale(run: _Run, previous: dict[str, Entry]) -> list[str]:
    """Remove the files the manifest recorded for communes this roster no longer has;
    return their names. Only files named by the manifest, in the folder itself."""
    current = {name for entry in run.entries.values() for name, _ in entry.files}
    removed = []
    for entry in previous.values():
        for name, _ in entry.files:
            path = run.out_dir / name
            if name not in current and Path(name).name == name and path.is_file():
                path.unlink()
                removed.append(name)
    return sorted(removed)


def _kept(run: _Run, previous: dict[str, Entry]) -> list[Entry]:
    """Return the previous entries this run did not make again whose files are still
    there: the manifest keeps them so that a later, complete run removes them."""
    kept = []
    current = {name for entry in run.entries.values() for name, _ in entry.files}
    for code, entry in previous.items():
        if code in run.entries:
            continue
        names = [name for name, _ in entry.files if name not in current]
        if any((run.out_dir / name).is_file() for name in names if Path(name).name == name):
            kept.append(entry)
    return kept


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
