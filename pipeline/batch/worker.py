"""What one worker process does: prepare the templates once, then render commune after commune.

A worker gets the recipe and the jobs once (at start-up) and then only small tasks (a
range of job numbers); it writes each plan itself, atomically, and sends back hashes or
problems, never the bytes. Workers ignore Ctrl-C: the main process decides when to
stop, so that a plan being written is either finished or never appears.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pipeline.batch.fill import PathKey, RowPlace, commune_document
from pipeline.batch.plan import Job
from pipeline.compliance import TemplateCheck
from pipeline.compliance import problems as format_problems
from pipeline.context import DocumentContext, build_document_context
from pipeline.context.distribution import rows_csv
from pipeline.context.lists import build_list_context
from pipeline.errors import Problem, TemplateProblem, VanbanError
from pipeline.limits import DISK_ERRNOS, os_message
from pipeline.models import OfficialDocument
from pipeline.naming import list_names
from pipeline.rendering import PreparedTemplate, render_to_bytes, write_atomic, zip_bytes


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


def _mapping(context: Any) -> dict[str, Any]:
    return {f.name: getattr(context, f.name) for f in fields(context)}


class Renderer:
    """Renders communes with templates prepared once."""

    def __init__(self, recipe: Recipe) -> None:
        self.recipe = recipe
        self.template = PreparedTemplate.load(recipe.template)
        # What no commune can change (styles, theme, page headers…) is read once here;
        # each plan is then checked from its rendered XML, before it is zipped.
        self.checker = TemplateCheck(
            str(recipe.template), self.template.read_part, self.template.rendered_part_names
        )
        self.list_template = (
            PreparedTemplate.load(recipe.list_template) if recipe.list_template else None
        )

    def render(self, job: Job) -> dict[str, bytes]:
        """Return the files of ``job``'s plan by name: the .docx, then its list files.

        Raises:
            VanbanError: the commune's record is invalid, the template fails on it, or
                (with ``check``) the plan breaks the format rules.
        """
        recipe = self.recipe
        place = RowPlace(recipe.roster_source, job.row, recipe.headers)
        document = commune_document(recipe.data, recipe.uses, job.commune, place)
        context = build_document_context(document)
        parts = self.template.render_parts(_mapping(context))
        if recipe.check:
            self._check(parts, document, job)
        data = zip_bytes(self.template.members_with(parts))
        files = {f"{job.slug}.docx": data}
        if self.list_template is not None:
            files.update(self._lists(document, context, job.slug))
        return files

    def _check(self, parts: dict[str, bytes], document: OfficialDocument, job: Job) -> None:
        name = f"{job.slug}.docx (văn bản tạo ra)"
        report = self.checker.check(parts, document.profile.id, name)
        found = format_problems(report)
        if found:
            raise VanbanError(found)

    def _lists(
        self, document: OfficialDocument, context: DocumentContext, slug: str
    ) -> dict[str, bytes]:
        assert self.list_template is not None
        lists = build_list_context(document, context)
        docx_name, csv_name = list_names(slug)
        return {
            docx_name: render_to_bytes(self.list_template, _mapping(lists)),
            csv_name: rows_csv(lists.hang),
        }

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
        # The plan itself last: once it is there, its list files are too. No fsync
        # here: the main process flushes each written file (see write_atomic).
        for name, data in reversed(files.items()):
            path = self.recipe.out_dir / name
            try:
                write_atomic(path, data, durable=False)
            except OSError as exc:
                problem = Problem(str(path), "", "", f"Không ghi được tệp: {os_message(exc)}")
                return Outcome(job, None, (problem,), stop=exc.errno in DISK_ERRNOS)
        hashes = [(name, hashlib.sha256(data).hexdigest()) for name, data in files.items()]
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
