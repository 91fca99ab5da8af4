"""Batch rendering benchmark: a plain docxtpl loop against vanban's whole batch pipeline.

    .venv/bin/python bench/batch.py [N [ROUNDS]]   # N communes (default 1000), 3 rounds;
                                                   # also `make bench`

Builds, in a temporary folder, the example batch (inputs/examples) with a roster of N
communes made from the example's 43 rows (unique codes and names), then measures, each
in a fresh subprocess (so that peak RSS is that variant's own):

- ``docxtpl``: the plain loop over the same plans: ``DocxTemplate(path)``, ``render`` with
  vanban's sandboxed environment, ``save`` per document. Only those three calls are timed;
  the commune's record and template context are made beforehand, untimed, per document.
- ``jobs1`` / ``jobs2``: ``vanban batch SPEC --force --no-combined --no-lists -j 1|2``
  exactly as the command runs it: read spec, record and roster, validate every commune,
  render, format-check every plan, write it atomically, write the manifest. Timed from
  the command's start to its end, in the process (imports excluded; the ``process s``
  column includes interpreter start and imports).
- ``jobs1+lists`` / ``jobs2+lists``: the same with each commune's distribution list
  (.noi-nhan.docx and .noi-nhan.csv), as ``vanban batch`` does by default.

Then N=200 and N=2000 of ``jobs1`` (the whole pipeline in one process) for the memory
ratio, and N=3321 (every commune of the country) of ``jobs2``. All of it ROUNDS times
(default 3), round after round, and then each variant's median run. Each speed-up is
the median of its rounds' speed-ups (two variants of one round run within a minute of
each other; see ``_speedup``); the ratio of the median runs is printed beside it. The
last line is
``speedup_jobs1_vs_docxtpl=<x> speedup_jobs2_vs_docxtpl=<y> rss_ratio_2000_vs_200=<z>``
(speed-ups on plans only, as docxtpl makes plans only; the RSS ratio from the median
runs). Every output stays on disk until the end (see ``measure``).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inputs" / "examples"
SPEC = "ke-hoach-sap-xep.batch.yaml"
ROSTER = "xa-thai-nguyen.csv"
CODE, NAME = 0, 1
#: Communes in the country after the 2025 reorganisation (the issue's national roll-out).
COUNTRY = 3321
#: Each variant runs this many times, the variants interleaved round by round: on a
#: shared machine whose speed drifts over minutes, the medians then compare like with like.
ROUNDS = 3


def make_inputs(folder: Path, count: int) -> Path:
    """Copy the example batch into ``folder`` with a roster of ``count`` communes."""
    shutil.copytree(EXAMPLES, folder, dirs_exist_ok=True)
    with (EXAMPLES / ROSTER).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    out = [header]
    for index in range(count):
        row = list(body[index % len(body)])
        row[CODE] = f"{20000 + index}"
        row[NAME] = f"{row[NAME]} {index}"
        out.append(row)
    with (folder / ROSTER).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(out)
    return folder / SPEC


def _usage() -> dict[str, float]:
    """Return the peak RSS (MB) of this process and of its largest finished child, and
    the CPU seconds (user, system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rss_mb": own.ru_maxrss / 1024,
        "worker_rss_mb": children.ru_maxrss / 1024,
        "user_s": own.ru_utime + children.ru_utime,
        "sys_s": own.ru_stime + children.ru_stime,
    }


def run_docxtpl(spec: Path, out: Path) -> dict[str, Any]:
    """Render every commune's plan with a plain docxtpl loop; time load/render/save."""
    from docxtpl import DocxTemplate

    from pipeline import api
    from pipeline.batch.fill import RowPlace, commune_document
    from pipeline.context import build_document_context
    from pipeline.rendering.environment import environment

    prepared = api.prepare_batch(spec, lists=False)
    plan = prepared.plan
    out.mkdir(parents=True, exist_ok=True)
    timed = 0.0
    for job in plan.jobs:
        place = RowPlace(plan.roster.source, job.row, plan.roster.headers)
        document = commune_document(plan.data, plan.uses, job.commune, place)
        context = api.context_mapping(build_document_context(document))
        started = time.perf_counter()
        template = DocxTemplate(prepared.template)
        template.render(context, jinja_env=environment(), autoescape=True)
        template.save(out / f"{job.slug}.docx")
        timed += time.perf_counter() - started
    return {"docs": len(plan.jobs), "seconds": timed}


def run_vanban(spec: Path, out: Path, jobs: int, lists: bool) -> dict[str, Any]:
    """Run ``vanban batch`` on ``spec`` in this process; return its time and result."""
    from pipeline.cli import main

    args = ["batch", str(spec), "-o", str(out), "-j", str(jobs), "--force", "--no-combined"]
    if not lists:
        args.append("--no-lists")
    started = time.perf_counter()
    try:
        main(args, standalone_mode=False)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    seconds = time.perf_counter() - started
    manifest = json.loads((out / "ke-hoach-sap-xep" / "manifest.json").read_text("utf-8"))
    return {"docs": len(manifest["documents"]), "seconds": seconds, "exit": code}


def child(variant: str, spec: Path, out: Path) -> None:
    """Run one variant and print its result as one JSON line."""
    if variant == "docxtpl":
        result = run_docxtpl(spec, out)
    else:
        jobs = int(variant[4])
        result = run_vanban(spec, out, jobs, lists=variant.endswith("+lists"))
    result.update(_usage())
    print(json.dumps(result))


def measure(variant: str, count: int, work: Path) -> dict[str, Any]:
    """Run ``variant`` on ``count`` communes in a fresh subprocess; return its figures."""
    folder = work / f"{variant}-{count}"
    spec = make_inputs(folder / "inputs", count)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(spec), str(folder / "build")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    if result["docs"] != count or result.get("exit", 0) != 0:
        raise SystemExit(f"{variant}: {result['docs']} of {count} documents ({done.stderr})")
    # The outputs stay until the whole bench is over. Removing them here made the next
    # variants slower: on ext4 without a journal (this VM's disk), every new file's inode
    # is looked for past each inode freed in the last minutes ("recently_deleted" in the
    # kernel), so a run after a clean-up of thousands of files spent up to ~1 ms of
    # kernel time per file, and more with two writers. Flush what this variant wrote
    # (the docxtpl loop does not flush) so that the next one is not timed writing it.
    os.sync()
    return result


def _row(name: str, count: int, r: dict[str, Any]) -> str:
    rate = r["docs"] / r["seconds"]
    ms = r["seconds"] / r["docs"] * 1000
    rss = f"{r['rss_mb']:.0f}"
    if r["worker_rss_mb"] and name.startswith("jobs2"):
        rss += f" (workers {r['worker_rss_mb']:.0f})"
    return (
        f"{name:<13} N={count:<5} {rate:8.1f} docs/s {ms:8.2f} ms/doc "
        f"{r['seconds']:7.2f} s  process {r['process_seconds']:6.2f} s  "
        f"cpu {r['user_s']:5.2f}+{r['sys_s']:4.2f} s  peak RSS {rss} MB"
    )


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the run of median time (each figure of one run stays together)."""
    return sorted(runs, key=lambda r: r["seconds"] / r["docs"])[len(runs) // 2]


def main(argv: list[str]) -> None:
    """Run every variant ROUNDS times, interleaved; print each run, the medians and the
    summary line (from the medians)."""
    if argv[:1] == ["--child"]:
        child(argv[1], Path(argv[2]), Path(argv[3]))
        return
    count = int(argv[0]) if argv else 1000
    rounds = int(argv[1]) if len(argv) > 1 else ROUNDS
    print(
        f"# bench/batch.py N={count}, {rounds} rounds, on {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    )
    plan = [(v, count) for v in ("docxtpl", "jobs1", "jobs2", "jobs1+lists", "jobs2+lists")]
    plan += [("jobs1", 200), ("jobs1", 2000), ("jobs2", COUNTRY)]
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {key: [] for key in plan}
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as tmp:
        for number in range(1, rounds + 1):
            print(f"## round {number}", flush=True)
            for variant, n in plan:
                runs[(variant, n)].append(measure(variant, n, Path(tmp)))
                print(_row(variant, n, runs[(variant, n)][-1]), flush=True)
    medians = {key: _median(found) for key, found in runs.items()}
    print(f"## medians of {rounds}")
    for (variant, n), result in medians.items():
        print(_row(variant, n, result))
    country = medians[("jobs2", COUNTRY)]
    rss = medians[("jobs1", 2000)]["rss_mb"] / medians[("jobs1", 200)]["rss_mb"]
    print(
        f"every commune of the country (N={COUNTRY}, -j 2): {country['seconds']:.2f} s "
        f"in the command, {country['process_seconds']:.2f} s as a process "
        "(interpreter start and imports included)"
    )
    speedups = {
        pair: _speedup(runs[(pair[0], count)], runs[(pair[1], count)])
        for pair in (
            ("docxtpl", "jobs1"),
            ("docxtpl", "jobs2"),
            ("jobs1", "jobs2"),
            ("jobs1+lists", "jobs2+lists"),
        )
    }
    for (slow, fast), (each, median, of_medians) in speedups.items():
        rounds_text = ", ".join(f"{x:.2f}" for x in each)
        print(
            f"{fast} vs {slow}: {median:.2f}x (median of the rounds: {rounds_text}; "
            f"ratio of the median runs {of_medians:.2f}x)"
        )
    print(
        f"speedup_jobs1_vs_docxtpl={speedups[('docxtpl', 'jobs1')][1]:.2f} "
        f"speedup_jobs2_vs_docxtpl={speedups[('docxtpl', 'jobs2')][1]:.2f} "
        f"rss_ratio_2000_vs_200={rss:.2f}"
    )


def _speedup(
    slow: list[dict[str, Any]], fast: list[dict[str, Any]]
) -> tuple[list[float], float, float]:
    """Return how many times faster ``fast`` was than ``slow`` in each round, the median
    of those, and the ratio of the two median runs.

    The speed-up that counts is the median of the rounds: in a round the two variants run
    within a minute of each other, while two median runs may come from rounds minutes
    apart, on a machine whose speed drifts by up to 2× over minutes.
    """
    each = [s["seconds"] / f["seconds"] for s, f in zip(slow, fast, strict=True)]
    of_medians = _median(slow)["seconds"] / _median(fast)["seconds"]
    return each, statistics.median(each), of_medians


if __name__ == "__main__":
    main(sys.argv[1:])
