"""Per-plan cost of each batch stage in CPU instructions (valgrind), not in seconds.

    .venv/bin/python bench/instructions.py [LOW HIGH]   # default 20 and 220 plans

This project's VM runs the same code at speeds up to 2× apart from one minute to the
next, so two timings taken minutes apart compare nothing. Instructions do not drift:
each stage runs under ``valgrind --tool=cachegrind --cache-sim=no`` for LOW and for
HIGH communes of the example batch, and the difference divided by HIGH - LOW is its
cost per plan (start-up, imports and the first plan's extra work cancel out). Stages,
each including the ones before it:

- ``fill``: the commune's record filled and validated (``commune_document``);
- ``ctx``: + its template context (``build_document_context``);
- ``prep``: + the template's tagged parts rendered (``render_parts``);
- ``check``: + the format check of those parts (``output.Plans.checker``);
- ``all``: what a worker does but writing: ``Renderer.render`` (``output.Plans.make``);
- ``lists``: the same with each commune's distribution list.

The last line is ``instructions_per_plan=<all> check=<check - prep> zip=<all - check>``.
Needs valgrind (Debian: ``apt-get install valgrind``); about 5 minutes on 2 cores.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("fill", "ctx", "prep", "check", "all", "lists")


def child(stage: str, spec: Path, count: int) -> None:
    """Run ``stage`` for the first ``count`` communes of the batch ``spec``."""
    from pipeline.api import prepare_batch
    from pipeline.batch.fill import RowPlace, commune_document
    from pipeline.batch.worker import Recipe, Renderer
    from pipeline.compliance import problems
    from pipeline.context import build_document_context
    from pipeline.output import mapping

    prepared = prepare_batch(spec, lists=stage == "lists")
    plan = prepared.plan
    out = Path(tempfile.mkdtemp())
    recipe = Recipe(
        plan.data,
        plan.uses,
        plan.roster.source,
        plan.roster.headers,
        prepared.template,
        out,
        prepared.list_template,
    )
    renderer = Renderer(recipe)
    for job in plan.jobs[:count]:
        if stage in ("all", "lists"):
            renderer.render(job)
            continue
        place = RowPlace(recipe.roster_source, job.row, recipe.headers)
        document = commune_document(recipe.data, recipe.uses, job.commune, place)
        if stage == "fill":
            continue
        context = build_document_context(document)
        if stage == "ctx":
            continue
        plans = renderer.plans
        parts = plans.template.render_parts(mapping(context))
        if stage == "check":
            name = f"{job.slug}.docx (văn bản tạo ra)"
            problems(plans.checker.check(parts, document.profile.id, name))
    shutil.rmtree(out)


def instructions(stage: str, spec: Path, count: int) -> int:
    """Return the instructions of one run of ``stage`` on ``count`` communes."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            stage,
            str(spec),
            str(count),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"{stage}: no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(low: int, high: int) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    sys.path.insert(0, str(ROOT / "bench"))
    from batch import make_inputs  # bench/batch.py

    with tempfile.TemporaryDirectory() as work:
        spec = make_inputs(Path(work), high)
        runs = [(stage, count) for stage in STAGES for count in (low, high)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            found = pool.map(lambda run: instructions(run[0], spec, run[1]), runs)
            counts = dict(zip(runs, found, strict=True))
    per_plan = {s: (counts[(s, high)] - counts[(s, low)]) / (high - low) for s in STAGES}
    print(f"# bench/instructions.py: instructions per plan ({high} - {low} communes)")
    previous = 0.0
    for stage in STAGES:
        step = per_plan[stage] - previous if stage not in ("all", "lists") else None
        extra = f"   (+{step / 1e6:.2f}M for this stage)" if step is not None else ""
        print(f"{stage:6s} {per_plan[stage] / 1e6:6.2f}M{extra}")
        if step is not None:
            previous = per_plan[stage]
    print(
        f"instructions_per_plan={per_plan['all']:.0f} "
        f"check={per_plan['check'] - per_plan['prep']:.0f} "
        f"zip={per_plan['all'] - per_plan['check']:.0f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    else:
        bounds = [int(a) for a in sys.argv[1:3]] or [20, 220]
        main(*bounds)
