"""PDF benchmark: one document at a time against the batch method (laid out together).

    .venv/bin/python bench/pdf.py [--quick] [--rounds R]

For N = 43, 500 and 3,321 communes (``--quick``: not 3,321), the example batch is
made, in a temporary folder, with a roster of N communes generated as ``bench/batch.py``
does (the example's 43 rows repeated, codes and names unique), and rendered once
(plans only: no distribution lists, no combined file). Then, timed from the call to
its return (LibreOffice starts included, every PDF written):

- ``onebyone``: ``export_pdfs`` with one LibreOffice, one document after another (the
  method before issue 20). Not run for 3,321 (it would take ~10 minutes).
- ``jobs1`` / ``jobs2``: ``export_laid_out`` with 1 or 2 LibreOffice instances: the plans
  joined into chunks, each laid out once, the PDF split per plan.

Each variant runs ``R`` times (default 1), the variants interleaved round by round, and
its median is reported. Each speed-up is the median of its rounds' speed-ups (two
variants of one round run within a minute or two of each other, and this machine's
speed drifts by 2x over minutes; as ``bench/batch.py`` does); the ratio of the median
runs is printed beside it. Docs/s and pages/s count the plans' PDFs.
The last line is
``pdf_speedup_jobs1=X pdf_speedup_jobs2_vs_jobs1=Y country_seconds_jobs2=Z``: X and Y
at N = 500, Z the seconds for every commune of the country with ``jobs2`` (``nan``
with ``--quick``).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import api  # noqa: E402
from pipeline.pdf import PdfReport, export_pdfs, find_libreoffice  # noqa: E402
from pipeline.pdf.layout import Part, export_laid_out  # noqa: E402

SIZES = (43, 500, 3321)
COUNTRY = 3321


def _make_inputs(folder: Path, count: int) -> Path:
    """``bench/batch.py``'s roster of ``count`` communes (loaded from that file)."""
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "batch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: Path = module.make_inputs(folder, count)
    return result


def _plans(folder: Path, count: int) -> list[Path]:
    spec = _make_inputs(folder / "in", count)
    options = api.BatchOptions(jobs=2, combined=False, check=False)
    report = api.build_batch(spec, folder / "build", options=options, lists=False)
    assert report.ok, report.failures[:3]
    plans = sorted(p for p in report.out_dir.glob("*.docx"))
    assert len(plans) == count, len(plans)
    return plans


def _variants(plans: list[Path], out: Path) -> dict[str, Callable[[], PdfReport]]:
    libreoffice = find_libreoffice()

    def laid_out(workers: int) -> Callable[[], PdfReport]:
        def run() -> PdfReport:
            parts = [Part(p, out / f"{p.stem}.pdf") for p in plans]
            return export_laid_out(parts, workers=workers, libreoffice=libreoffice)

        return run

    variants = {
        "onebyone": lambda: export_pdfs(plans, out, libreoffice=libreoffice),
        "jobs1": laid_out(1),
        "jobs2": laid_out(2),
    }
    if len(plans) >= COUNTRY:
        del variants["onebyone"], variants["jobs1"]
    return variants


def _measure(run: Callable[[], PdfReport], out: Path) -> tuple[float, int, int, PdfReport]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    report = run()
    seconds = time.perf_counter() - started
    assert not report.failed, report.failed[:3]
    docs = len(report.results)
    pages = sum(r.pages or 0 for r in report.results)
    return seconds, docs, pages, report


def _speedup(times: dict[str, list[float]], slow: str, fast: str) -> tuple[float, float]:
    """Return the median of the rounds' speed-ups of ``fast`` over ``slow``, and the
    ratio of the two medians."""
    rounds = [a / b for a, b in zip(times[slow], times[fast], strict=True)]
    return statistics.median(rounds), statistics.median(times[slow]) / statistics.median(
        times[fast]
    )


def _bench_size(count: int, rounds: int, work: Path) -> dict[str, float]:
    folder = work / f"n{count}"
    plans = _plans(folder, count)
    out = folder / "pdf"
    variants = _variants(plans, out)
    times: dict[str, list[float]] = {name: [] for name in variants}
    docs = pages = 0
    notes = {}
    for _ in range(rounds):
        for name, run in variants.items():
            seconds, docs, pages, report = _measure(run, out)
            times[name].append(seconds)
            notes[name] = (
                f"starts={report.starts} layouts={report.layouts} alone={len(report.alone)}"
            )
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nN={count} ({docs} PDFs, {pages} pages), median of {rounds} round(s):")
    print(f"  {'variant':<9} {'seconds':>8} {'docs/s':>8} {'pages/s':>8}  detail")
    for name, seconds in medians.items():
        print(
            f"  {name:<9} {seconds:8.2f} {docs / seconds:8.1f} {pages / seconds:8.1f}"
            f"  {notes[name]}; runs {', '.join(f'{t:.2f}' for t in times[name])}"
        )
    if "onebyone" in medians:
        for slow, fast in (("onebyone", "jobs1"), ("jobs1", "jobs2")):
            by_round, of_medians = _speedup(times, slow, fast)
            medians[f"{fast}/{slow}"] = by_round
            print(
                f"  {fast} vs {slow}: {by_round:.2f}x (median of rounds; "
                f"ratio of medians {of_medians:.2f}x)"
            )
    shutil.rmtree(folder, ignore_errors=True)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="skip N = 3,321")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each variant")
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="the Ns to run")
    args = parser.parse_args()
    sizes = [n for n in args.sizes if not (args.quick and n == COUNTRY)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"bench/pdf.py: {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {load:.1f} at start"
    )
    results = {}
    with tempfile.TemporaryDirectory(prefix="vanban-bench-pdf-") as work:
        for count in sizes:
            results[count] = _bench_size(count, args.rounds, Path(work))
    at500 = results.get(500, {})
    speedup1 = at500.get("jobs1/onebyone", math.nan)
    speedup2 = at500.get("jobs2/jobs1", math.nan)
    country = results.get(COUNTRY, {}).get("jobs2", math.nan)
    print(
        f"pdf_speedup_jobs1={speedup1:.2f} pdf_speedup_jobs2_vs_jobs1={speedup2:.2f} "
        f"country_seconds_jobs2={country:.1f}"
    )


if __name__ == "__main__":
    main()
