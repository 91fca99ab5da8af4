"""Render jobs in this process or in a pool of workers, yielding outcomes as they finish.

A few tasks (of up to :data:`CHUNK` communes each) per worker are in flight at a time,
so memory does not grow with the roster. Ctrl-C and SIGTERM become a stop request,
honoured between tasks: nothing new is started, the plans being written are finished
and their outcomes yielded, so that every file on disk is whole and recorded (a second
Ctrl-C stops at once). A worker killed outright (out of memory, ``kill -9``) breaks
the pool: a new pool takes over, the communes of the broken tasks are tried again one
by one, and a commune that breaks a pool :data:`ATTEMPTS` times is yielded as lost;
every other commune is made.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any

from pipeline.batch.plan import Job
from pipeline.batch.worker import Outcome, Recipe, Renderer, Result, run_jobs, start_worker
from pipeline.errors import Problem

#: Tasks in flight per worker: enough to keep each busy, few enough to hold little.
IN_FLIGHT = 4
#: Communes per task at most. Each task costs the main process about a millisecond
#: of CPU on this project's VM (sending it, waking the pool's threads, taking the
#: outcomes back), taken from the workers' cores: 16 plans a task cut the main
#: process's share from ~0.2 to ~0.14 ms a plan (8 → 16; 32 measured no better). A
#: stop waits for the running tasks, well under a second.
CHUNK = 16
#: How often (seconds) a waiting run looks whether it was asked to stop.
POLL = 0.2
#: Times a commune may be in a task whose worker died before it is given up (lost).
ATTEMPTS = 3
#: New pools a run may start after broken ones.
RESTARTS = 8

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """While active, Ctrl-C and SIGTERM ask the run to stop instead of raising at once.

    Only the main thread can take signals; elsewhere the request is never set and
    KeyboardInterrupt behaves as usual.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for sig in _STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:  # asked twice: stop now
            raise KeyboardInterrupt
        self.requested = True


class Outcomes:
    """The outcomes of a run, iterated as they finish; ``close`` stops the workers."""

    def __init__(
        self,
        recipe: Recipe,
        jobs: Sequence[Job],
        workers: int,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.recipe = recipe
        self.jobs = tuple(jobs)
        self.stop = stop
        self.executor: ProcessPoolExecutor | None = None
        self._thaw = False
        self._workers = workers
        if workers > 1 and len(jobs) > 1:
            # What the workers inherit (templates, jobs, vanban itself) lives as long as
            # they do: frozen, the collector never walks it, in them or here, and their
            # copies of its memory pages stay shared (see gc.freeze). Thawed when the
            # run is over, unless whoever called froze the heap first (the command does).
            self._thaw = gc.get_freeze_count() == 0
            gc.freeze()
            # Started now, before any progress-bar thread: workers may then be forked.
            self.executor = self._start()
        self._stream: Iterator[Outcome] | None = None

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=min(self._workers, len(self.jobs)),
            mp_context=_context(),
            initializer=start_worker,
            initargs=(self.recipe, self.jobs),
        )
        with contextlib.suppress(BrokenProcessPool):  # then the first tasks break it again
            executor.submit(_ready).result()
        return executor

    def __iter__(self) -> Iterator[Outcome]:
        if self._stream is None:
            self._stream = (
                self._in_pool(self.executor) if self.executor is not None else self._in_process()
            )
        return self._stream

    def close(self) -> None:
        """Stop the workers: cancel what has not started, let running plans finish."""
        if self._stream is not None and hasattr(self._stream, "close"):
            self._stream.close()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        if self._thaw:
            gc.unfreeze()
            self._thaw = False

    def _in_process(self) -> Iterator[Outcome]:
        renderer = Renderer(self.recipe)
        for job in self.jobs:
            if self.stop():
                return
            yield renderer.run(job)

    def _in_pool(self, executor: ProcessPoolExecutor) -> Iterator[Outcome]:
        source = self.recipe.roster_source
        queue = deque(range(len(self.jobs)))
        retry: deque[int] = deque()  # communes of broken tasks, tried again one by one
        broken_in: dict[int, int] = {}  # job number → pools broken while it was in hand
        pending: dict[Future[list[Result]], range] = {}
        workers = _size(executor)
        limit = IN_FLIGHT * workers
        restarts = 0
        try:
            while True:
                if self.stop():
                    queue.clear()
                    retry.clear()
                    pending = {f: j for f, j in pending.items() if not f.cancel()}
                broken = not _submit(executor, retry, pending, limit, workers, single=True)
                broken = broken or not _submit(executor, queue, pending, limit, workers)
                if not pending and not broken:
                    break
                done, _ = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
                for future in done:
                    numbers = pending.pop(future)
                    error = future.exception()
                    if error is None:
                        yield from self._outcomes(numbers, future.result())
                        continue
                    broken = True
                    yield from self._again(numbers, broken_in, retry, restarts >= RESTARTS)
                if broken and not pending:
                    # Every task of the broken pool is back: start a new pool for the rest.
                    executor.shutdown(wait=True, cancel_futures=True)
                    if restarts >= RESTARTS or self.stop() or not (queue or retry):
                        break
                    restarts += 1
                    executor = self.executor = self._start()
            yield from (lost(self.jobs[n], source) for n in (*retry, *queue))
        except KeyboardInterrupt:  # asked twice, or outside the main thread
            executor.shutdown(wait=True, cancel_futures=True)
            for future, numbers in pending.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    yield from self._outcomes(numbers, future.result())
            raise

    def _again(
        self, numbers: range, broken_in: dict[int, int], retry: deque[int], last: bool
    ) -> Iterator[Outcome]:
        """Queue the communes of a broken task to be tried again, one by one; yield as
        lost those that have broken a pool :data:`ATTEMPTS` times (or the ``last``)."""
        for n in numbers:
            broken_in[n] = broken_in.get(n, 0) + 1
            if broken_in[n] >= ATTEMPTS or last:
                yield lost(self.jobs[n], self.recipe.roster_source)
            else:
                retry.append(n)

    def _outcomes(self, numbers: range, results: list[Result]) -> Iterator[Outcome]:
        for number, (sha256, problems, extras, stop) in zip(numbers, results, strict=True):
            yield Outcome(self.jobs[number], sha256, problems, extras=extras, stop=stop)


def _ready() -> bool:
    return True


def _size(executor: ProcessPoolExecutor) -> int:
    return int(getattr(executor, "_max_workers", 1))


def _context() -> multiprocessing.context.BaseContext:
    # fork is the fastest start (vanban and the template are already loaded) and is
    # safe while this process has a single thread; otherwise forkserver: workers are
    # forked from a clean server process that imported vanban once. spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.batch.worker"])
        return context
    return multiprocessing.get_context("spawn")


def _submit(
    executor: ProcessPoolExecutor,
    queue: deque[int],
    pending: dict[Future[list[Result]], range],
    limit: int,
    workers: int,
    *,
    single: bool = False,
) -> bool:
    """Top ``pending`` up to ``limit`` tasks from ``queue`` (job numbers, in order);
    return False if the pool is broken. Tasks shrink towards the end so that the
    workers finish together; ``single``: one commune per task."""
    while queue and len(pending) < limit:
        size = 1 if single else max(1, min(CHUNK, len(queue) // (IN_FLIGHT * workers)))
        numbers = range(queue[0], queue[0] + size)
        try:
            pending[executor.submit(run_jobs, numbers.start, numbers.stop)] = numbers
        except BrokenProcessPool:
            return False
        for _ in numbers:
            queue.popleft()
    return True


def lost(job: Job, source: str) -> Outcome:
    """Return the outcome of a job whose worker died before finishing it."""
    problem = Problem(
        source,
        f"hàng {job.row}",
        "",
        "Chưa tạo được: tiến trình tạo văn bản bị dừng đột ngột. Chạy lại lệnh để tạo tiếp.",
    )
    return Outcome(job, None, (problem,), lost=True)
