"""Interrupting a batch (Ctrl-C, SIGTERM, a killed worker) leaves no partial file, and
the next run completes the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import PIPE

import pytest

from pipeline import api
from pipeline.batch import BatchOptions
from tests.batch_helpers import BATCH, make_batch, many_rows

COMMUNES = 600  # enough that a stop or a kill lands mid-run on a fast machine


VANBAN = Path(sys.executable).with_name("vanban")


@contextmanager
def _batch(spec: Path, out: Path) -> Iterator[subprocess.Popen[str]]:
    """Run ``vanban batch`` in a process of its own; wait until it has written plans."""
    command = [str(VANBAN), "batch", str(spec), "-o", str(out), "-j", "2", "--no-check"]
    with subprocess.Popen(command, stdout=PIPE, stderr=PIPE, text=True) as process:
        try:
            journal = out / BATCH / ".manifest.journal"
            deadline = time.monotonic() + 60
            while not (journal.is_file() and journal.stat().st_size > 0):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the batch did not start writing plans in time")
                time.sleep(0.02)
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _assert_nothing_partial(out_dir: Path) -> dict[str, object]:
    """Every file is whole and recorded; no temporary file is left; return the manifest."""
    assert not [p.name for p in out_dir.iterdir() if p.name.endswith(".tmp")]
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    recorded = {
        item["path"]
        for entry in manifest["documents"]
        for item in (entry["output"], *entry.get("distribution_list", ()))
    }
    for path in out_dir.glob("*.docx"):
        assert path.stat().st_size > 0
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    return manifest | {"recorded": recorded}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_stopping_a_batch_keeps_whole_files_and_the_next_run_does_the_rest(
    tmp_path: Path, sig: signal.Signals
) -> None:
    spec = make_batch(tmp_path / "in", many_rows(COMMUNES))
    out = tmp_path / "build"
    with _batch(spec, out) as process:
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stdout + stderr
    assert "Đã dừng theo yêu cầu" in stderr
    manifest = _assert_nothing_partial(out / BATCH)
    assert manifest["complete"] is False
    done = len(manifest["documents"])  # type: ignore[arg-type]
    assert 0 < done < COMMUNES
    on_disk = {p.name for p in (out / BATCH).iterdir() if p.suffix in {".docx", ".csv"}}
    assert on_disk == manifest["recorded"]  # whatever was written is recorded, nothing else

    report = api.build_batch(spec, out, options=BatchOptions(check=False))
    assert (report.skipped, report.rendered, report.failures) == (done, COMMUNES - done, [])
    assert json.loads((out / BATCH / "manifest.json").read_text())["complete"] is True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find workers")
def test_a_killed_worker_leaves_every_other_commune_made_and_recorded(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", many_rows(COMMUNES))
    out = tmp_path / "build"
    with _batch(spec, out) as process:
        workers = _children(process.pid)
        assert workers, "no worker process found"
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=60)

    # The communes the dead worker had in hand are tried again in a new pool: a worker
    # killed once (by the system, by a user) costs nothing; only a commune that kills
    # its worker again and again is given up (see pool.ATTEMPTS).
    assert process.returncode == 0, stdout + stderr
    manifest = _assert_nothing_partial(out / BATCH)
    assert manifest["complete"] is True and manifest["failed"] == []
    assert len(manifest["documents"]) == COMMUNES  # type: ignore[arg-type]
    on_disk = {p.name for p in (out / BATCH).iterdir() if p.suffix in {".docx", ".csv"}}
    assert on_disk == manifest["recorded"] | {"tat-ca.docx"}

    report = api.build_batch(spec, out, options=BatchOptions(check=False))
    assert report.ok and report.skipped == COMMUNES and report.rendered == 0
