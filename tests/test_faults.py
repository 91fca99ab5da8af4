"""Issue 15, item 4: a read-only or full disk, a missing folder, a name too long, two
runs into one folder and a worker that dies are messages, and leave the folder as it was.

The disk errors are injected (an OSError from the file-writing helper, as the kernel
gives it); the tests run as any user, root included.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.batch import BatchOptions, pool, worker
from pipeline.batch.pool import Outcomes
from pipeline.batch.run import folder_lock
from pipeline.cli import main
from pipeline.errors import RenderError, UsageError
from pipeline.rendering import output
from tests.batch_helpers import BATCH, example_rows, make_batch, many_rows, plans
from tests.test_no_data_loss import snapshot

OPTIONS = BatchOptions(jobs=1, check=False, force=True)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    spec = make_batch(tmp_path / "in", example_rows()[:9])
    out = tmp_path / "build"
    assert api.build_batch(spec, out, options=OPTIONS).ok
    return spec, out, snapshot(out)


def _refuse(monkeypatch: pytest.MonkeyPatch, code: int, after: int = 0) -> Callable[[], int]:
    """Make the file-writing helper fail with ``code`` after ``after`` files."""
    real = output._open_temp
    written = [0]

    def open_temp(path: Path) -> tuple[Path, int]:
        if not path.name.startswith(".probe"):
            written[0] += 1
        if written[0] > after or (after == 0 and path.name.startswith(".probe")):
            raise OSError(code, os.strerror(code), str(path))
        return real(path)

    monkeypatch.setattr(output, "_open_temp", open_temp)
    return lambda: written[0]


def test_a_read_only_folder_is_a_message_and_changes_nothing(
    built: tuple[Path, Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out, before = built
    _refuse(monkeypatch, errno.EROFS)

    with pytest.raises(UsageError) as caught:
        api.build_batch(spec, out, options=OPTIONS)

    message = str(caught.value)
    assert str(out / BATCH) in message and "ổ đĩa chỉ cho đọc" in message
    assert "Errno" not in message and "OSError" not in message
    assert caught.value.exit_code == 2
    assert snapshot(out) == before


def test_a_disk_filling_up_mid_run_stops_with_a_message_and_loses_nothing(
    built: tuple[Path, Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out, before = built
    _refuse(monkeypatch, errno.ENOSPC, after=7)  # a few plans and lists, then full

    with pytest.raises(RenderError) as caught:
        api.build_batch(spec, out, options=OPTIONS)

    message = str(caught.value)
    assert "ổ đĩa đã đầy" in message and "không văn bản nào bị xóa" in message
    assert caught.value.exit_code == 1
    # Same inputs, same bytes: the plans made again are identical; the manifest could
    # not be replaced (the disk is full) and is the old one; no temporary file is left.
    assert snapshot(out) == before

    monkeypatch.undo()
    report = api.build_batch(spec, out, options=BatchOptions(jobs=1, check=False))
    assert report.ok and report.skipped == 8


def test_the_cli_reports_a_full_disk_without_a_traceback(
    built: tuple[Path, Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out, before = built
    _refuse(monkeypatch, errno.ENOSPC, after=2)

    result = CliRunner().invoke(
        main, ["batch", str(spec), "-o", str(out), "-j", "1", "--no-check", "--force"]
    )

    assert result.exit_code == 1, result.output
    assert "ổ đĩa đã đầy" in result.output and "Traceback" not in result.output
    assert snapshot(out) == before


def test_a_missing_or_wrong_output_folder_is_a_message(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:3])
    (tmp_path / "tep").write_text("x")

    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(tmp_path / "tep" / "ra")])

    assert result.exit_code == 2
    assert "không phải thư mục" in result.output and str(tmp_path / "tep") in result.output


def test_a_name_too_long_fails_that_commune_alone_with_its_path(tmp_path: Path) -> None:
    rows = example_rows()[:4]
    rows[2] = list(rows[2])
    rows[2][1] = "Phú Đình " * 40
    spec = make_batch(tmp_path / "in", rows)

    report = api.build_batch(spec, tmp_path / "build", options=BatchOptions(jobs=1, check=False))

    if not report.failures:  # a naming scheme that shortens long names is fine too
        assert len(plans(tmp_path / "build" / BATCH)) == 3
        return
    (failure,) = report.failures
    assert "quá dài" in str(failure.problems[0]) and "Errno" not in str(failure.problems[0])
    assert len(plans(tmp_path / "build" / BATCH)) == 2


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:3])
    out = tmp_path / "build"

    with folder_lock(out / BATCH), pytest.raises(UsageError) as caught:
        api.build_batch(spec, out, options=OPTIONS)

    assert "Một lần chạy vanban khác đang ghi" in str(caught.value)
    assert not plans(out / BATCH)
    assert api.build_batch(spec, out, options=OPTIONS).ok  # released after the first


def test_a_commune_that_kills_its_worker_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A commune whose plan kills the process every time (the system's out-of-memory
    # killer, say) is given up after pool.ATTEMPTS tries; every other commune is made.
    if pool._context().get_start_method() != "fork":
        pytest.skip("needs forked workers to inherit the patched renderer")
    spec = make_batch(tmp_path / "in", many_rows(40))
    prepared = api.prepare_batch(spec, lists=False)
    plan = prepared.plan
    poison = plan.jobs[17].code
    real = worker.Renderer.run

    def run(self: worker.Renderer, job: object) -> worker.Outcome:
        if getattr(job, "code", None) == poison:
            os._exit(9)
        return real(self, job)  # type: ignore[arg-type]

    monkeypatch.setattr(worker.Renderer, "run", run)
    out = tmp_path / "build"
    out.mkdir()
    recipe = worker.Recipe(
        plan.data,
        plan.uses,
        plan.roster.source,
        plan.roster.headers,
        prepared.template,
        out,
        check=False,
    )
    stream = Outcomes(recipe, plan.jobs, 2)
    try:
        outcomes = list(stream)
    finally:
        stream.close()

    lost = [o.job.code for o in outcomes if o.lost]
    made = [o.job.code for o in outcomes if o.sha256 is not None]
    assert poison in lost
    assert len(lost) <= 1 + 2 * pool.IN_FLIGHT  # at most what was in hand beside it
    assert len(made) + len(lost) == 40 and len(made) >= 40 - len(lost)
    assert len({o.job.code for o in outcomes}) == 40
