"""What one worker process does: prepare the templates once, then render commune after commune.

A worker gets the recipe and the jobs once (at start-up) and then only small tasks (a
range of job numbers); it writes each plan itself, atomically, and sends back hashes or
problems, never the bytes. Workers ignore Ctrl-C: the main process decides when to
stop, so that a plan being written is either finished or never appears.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.batch.fill import PathKey, RowPlace, commune_document
from pipeline.batch.plan import Job
from pipeline.errors import Problem, TemplateProblem, VanbanError
from pipeline.limits import DISK_ERRNOS, os_message
from pipeline.output import Plans, WriteFailed, write_files


@dataclass(frozen=True)
class Recipe:
    """Everything every commune's plan is made from (sent once to each worker).

    ``list_template`` (when set) also makes each commune's stand-alone distribution
    list; ``check`` runs the format check on every plan before it is written.
    """

    data: dict[str, Any]
    uses: dict[PathKey, tuple[str, ...]]
    roster_source: str
    headers: dict[str, str]
    template: Path
    out_dir: Path
    list_template: Path | None = None
    check: bool = True


@dataclass(frozen=True)
class Outcome:
    """What became of one commune: its files and their hashes, or what stopped it."""

    job: Job
    sha256: str | None
    problems: tuple[Problem, ...] = ()
    lost: bool = False  # its worker died: not the row's fault, a re-run will make it
    extras: tuple[tuple[str, str], ...] = ()  # (file name, sha256) of the list files
    stop: bool = False  # the disk refused a write: the run must stop (full, read-only)


class Renderer:
    """Renders communes through the output pipeline's fast path (``output.Plans``)."""

    def __init__(self, recipe: Recipe) -> None:
        self.recipe = recipe
        self.plans = Plans(recipe.template, recipe.list_template, check=recipe.check)

    def render(self, job: Job) -> dict[str, bytes]:
        """Return the files of ``job``'s plan by name: the .docx, then its list files.

        Raises:
            VanbanError: the commune's record is invalid, the template fails on it, or
                (with ``check``) the plan breaks the format rules.
        """
        recipe = self.recipe
        place = RowPlace(recipe.roster_source, job.row, recipe.headers)
        document = commune_document(recipe.data, recipe.uses, job.commune, place)
        return self.plans.make(document, job.slug)

    def run(self, job: Job) -> Outcome:
        """Render and write ``job``'s files; return its outcome (never raises for a row)."""
        try:
            files = self.render(job)
        except VanbanError as exc:
            return Outcome(job, None, tuple(exc.problems))
        except MemoryError:
            return Outcome(job, None, (self._problem(job, _MEMORY),))
        except Exception as exc:  # one commune's surprise must not stop the others
            return Outcome(job, None, (self._problem(job, _unexpected(exc)),))
        # No fsync here: the main process flushes each written file (see write_atomic).
        try:
            hashes = write_files(self.recipe.out_dir, files, durable=False)
        except WriteFailed as exc:
            message = f"Không ghi được tệp: {os_message(exc.error)}"
            problem = Problem(str(exc.path), "", "", message)
            return Outcome(job, None, (problem,), stop=exc.error.errno in DISK_ERRNOS)
        return Outcome(job, hashes[0][1], extras=tuple(hashes[1:]))

    def _problem(self, job: Job, message: str) -> Problem:
        return Problem(self.recipe.roster_source, f"hàng {job.row}", "", message)


_MEMORY = (
    "Không đủ bộ nhớ để tạo văn bản này (mẫu hoặc dữ liệu tạo ra một văn bản quá lớn). "
    "Kiểm tra các vòng lặp và chỗ trống của mẫu."
)


def _unexpected(exc: Exception) -> str:
    # No Python names in a clerk's message: what happened, and whom to tell.
    return (
        "Lỗi không mong đợi khi tạo văn bản của xã này. Báo lỗi này cho người quản trị "
        "vanban, kèm tệp đợt và danh sách."
    )


def trial_render(recipe: Recipe, job: Job) -> None:
    """Render ``job`` (a sample commune) without writing: a template that fails on any
    commune stops the batch here, before anything is written or removed.

    Raises:
        TemplateProblem: the templates fail on the sample commune (with its problems).
    """
    renderer = Renderer(recipe)
    try:
        renderer.render(job)
    except VanbanError as exc:
        raise TemplateProblem(
            [
                *exc.problems,
                Problem(
                    str(recipe.template),
                    "",
                    "",
                    "Mẫu không dùng được cho đợt này: thử điền với một xã mẫu đã lỗi như trên, "
                    "nên mọi xã đều sẽ lỗi. Chưa ghi hay xóa tệp nào.",
                ),
            ]
        ) from None
    except MemoryError:
        raise TemplateProblem([Problem(str(recipe.template), "", "", _MEMORY)]) from None


#: What a worker sends back of an outcome: the plan's hash, problems, list files, stop.
Result = tuple[str | None, tuple[Problem, ...], tuple[tuple[str, str], ...], bool]

#: The renderer and jobs of this worker process, set once by :func:`start_worker`.
_WORKER: dict[str, Any] = {}


def _watch_parent(parent: int) -> None:
    # A worker whose parent was killed outright would wait for tasks forever (it holds
    # the task pipe open itself): leave as soon as it is adopted by another process.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def start_worker(recipe: Recipe, jobs: tuple[Job, ...]) -> None:
    """Initialise a worker process for ``jobs``: ignore Ctrl-C, prepare the templates
    once, and exit by itself if the process that started it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the main process's cooperative SIGTERM handler; restore
    # the default so that a broken pool can terminate it (otherwise, after one worker
    # is killed, the pool waits forever for a sibling that ignores terminate()).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _WORKER["renderer"] = Renderer(recipe)
    _WORKER["jobs"] = jobs


def run_jobs(start: int, stop: int) -> list[Result]:
    """Render jobs ``start`` to ``stop`` (excluded), one after the other, in a worker
    started by :func:`start_worker` (one task for several plans: less to send back and
    forth); return each one's :data:`Result`, in order."""
    renderer: Renderer = _WORKER["renderer"]
    jobs: tuple[Job, ...] = _WORKER["jobs"]
    outcomes = (renderer.run(job) for job in jobs[start:stop])
    return [(o.sha256, o.problems, o.extras, o.stop) for o in outcomes]
