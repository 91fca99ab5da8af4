"""Batches run in a thread of the web server, their progress read by the page."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import api
from pipeline.errors import VanbanError


@dataclass
class Job:
    """One batch run: its progress (the ``Progress`` protocol of batches) and result."""

    spec: str
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    state: str = "dang_chay"  # "dang_chay" | "xong" | "loi"
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def start(self, total: int, skipped: int) -> None:
        """``total`` communes are to be rendered; ``skipped`` were already current."""
        self.total, self.skipped = total, skipped

    def advance(self, name: str, ok: bool) -> None:
        """Commune ``name`` finished (``ok``) or failed."""
        self.done += 1
        self.failed += not ok

    def stop(self) -> None:
        """The run is over."""

    def to_json(self) -> dict[str, Any]:
        """Return what the page shows."""
        return {
            "spec": self.spec,
            "total": self.total,
            "skipped": self.skipped,
            "done": self.done,
            "failed": self.failed,
            "state": self.state,
            "summary": self.summary,
            "problems": self.problems,
        }


class Jobs:
    """The batch runs of this server, by id; one run of a spec at a time."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        """Return the job ``job_id``, if any."""
        return self._jobs.get(job_id)

    def start(self, spec: Path, rel: str, build_dir: Path) -> str:
        """Start a run of the batch ``spec`` (shown as ``rel``) into ``build_dir``;
        return its id (the running one's, when that spec is already running)."""
        with self._lock:
            for job_id, job in self._jobs.items():
                if job.spec == rel and job.state == "dang_chay":
                    return job_id
            job_id = str(next(self._ids))
            job = self._jobs[job_id] = Job(rel)
        threading.Thread(target=_run, args=(job, spec, build_dir), daemon=True).start()
        return job_id


def _run(job: Job, spec: Path, build_dir: Path) -> None:
    try:
        # One process: the server's threads must not be forked into batch workers.
        options = api.BatchOptions(jobs=1)
        report = api.build_batch(spec, build_dir, options=options, progress=job)
    except VanbanError as exc:
        job.problems = [str(p) for p in exc.problems]
        job.state = "loi"
        return
    except Exception as exc:  # shown on the page instead of a dead thread
        job.problems = [f"Lỗi không mong đợi: {exc}"]
        job.state = "loi"
        return
    job.summary = {
        "name": report.name,
        "total": report.total,
        "rendered": report.rendered,
        "skipped": report.skipped,
        "failures": [
            {"row": f.row, "code": f.code, "name": f.name, "problems": [str(p) for p in f.problems]}
            for f in report.failures
        ],
        "folder": report.out_dir.name,
    }
    job.state = "xong"
