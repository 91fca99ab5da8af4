"""What the terminal shows of a batch: a progress bar while it runs, a summary after.

The bar (rich) goes to stderr, and only when stderr is a terminal; the summary is
plain text, always, so that logs and scripts read the same thing.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline.batch import BatchInterrupted, BatchReport

if TYPE_CHECKING:
    from pipeline.api import BuildReport

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

T = TypeVar("T")


def _bar(*, with_failures: bool) -> Progress:
    """Return a progress bar on stderr that disappears when done: label, bar, count,
    (failures,) time, the item being made."""
    # rich takes ~50 ms to import: only when a bar is shown (stderr is a terminal).
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    failures = [TextColumn("lỗi {task.fields[failed]}")] if with_failures else []
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *failures,
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
        console=Console(stderr=True),
        transient=True,
    )


class BatchProgress:
    """A progress bar with counts and the commune just made (see ``pipeline.batch.Progress``)."""

    def __init__(self, name: str, enabled: bool | None = None) -> None:
        self.name = name
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._failed = 0

    def start(self, total: int, skipped: int) -> None:
        """Show the bar for ``total`` communes (none when there is nothing to render)."""
        if not self.enabled or total == 0:
            return
        self._bar = _bar(with_failures=True)
        self._bar.start()
        note = f" (bỏ qua {skipped} không đổi)" if skipped else ""
        self._task = self._bar.add_task(f"{self.name}{note}", total=total, failed=0, current="")

    def advance(self, name: str, ok: bool) -> None:
        """Count one more commune, showing its name."""
        self._failed += not ok
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, failed=self._failed, current=name)

    def stop(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def echo_batch(report: BatchReport) -> None:
    """Print what a batch did: counts, where the plans are, every failure and why."""
    made = report.rendered + report.skipped
    click.echo(
        f"Đợt {report.name}: {report.total} đơn vị — tạo mới {report.rendered}, "
        f"giữ nguyên (không đổi) {report.skipped}, lỗi {len(report.failures)} "
        f"({_seconds(report.seconds)} giây)."
    )
    click.echo(f"  {made} văn bản trong {report.out_dir}/; manifest: {report.manifest}")
    if report.combined is not None:
        click.echo(f"  Bản gộp để in: {report.combined}")
    for warning in report.warnings:
        click.secho(f"  Cảnh báo: {warning}", fg="yellow", err=True)
    if report.removed:
        click.echo(
            f"  Đã xóa {len(report.removed)} tệp của đơn vị không còn trong danh sách "
            f"(theo manifest): {', '.join(report.removed)}"
        )
    if report.kept:
        click.secho(
            f"  Giữ lại văn bản cũ của {report.kept} đơn vị không tạo lại được lần này (lỗi, "
            "hoặc không còn trong danh sách): chỉ xóa khi cả đợt chạy thành công.",
            fg="yellow",
            err=True,
        )
    if report.lost:
        click.secho(
            f"  {report.lost} đơn vị chưa tạo được vì tiến trình tạo văn bản bị dừng đột ngột "
            "(hết bộ nhớ hoặc bị kill): chạy lại lệnh để tạo tiếp.",
            fg="red",
            err=True,
        )
    if report.interrupted:
        click.secho(
            "  Đã dừng giữa chừng: các văn bản đã xong được giữ và ghi vào manifest; "
            "chạy lại lệnh để tạo tiếp phần còn lại.",
            fg="yellow",
            err=True,
        )
    if report.failures:
        click.secho(f"  {len(report.failures)} đơn vị không tạo được văn bản:", fg="red", err=True)
        for failure in report.failures:
            label = failure.name or f"hàng {failure.row}"
            click.echo(f"  • {label} (mã {failure.code or '?'}):", err=True)
            for problem in failure.problems:
                click.echo(f"      - {problem}", err=True)


def _interrupt(signum: int, frame: FrameType | None) -> Any:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (``kill``) like Ctrl-C while the block runs: stop cleanly."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_interruptible(call: Callable[[], T]) -> T:
    """Return ``call()``; on Ctrl-C or SIGTERM during a batch, print what was done and
    exit 130 (the finished plans stay, nothing is left half-written)."""
    with sigterm_as_interrupt():
        try:
            return call()
        except BatchInterrupted as exc:
            echo_batch(exc.report)
            click.secho(
                "Đã dừng theo yêu cầu; các văn bản đã xong được giữ, không có tệp dở dang.",
                err=True,
            )
            sys.exit(130)


def echo_batches(reports: Iterable[BatchReport]) -> None:
    """Print every batch's summary; exit 1 if a commune of any of them failed."""
    reports = list(reports)
    for report in reports:
        echo_batch(report)
    if not all(report.ok for report in reports):
        sys.exit(1)


class StepProgress:
    """A progress bar per long step of ``vanban build`` (see ``pipeline.api.Steps``):
    on stderr, only when it is a terminal, removed when the step ends."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        """Show a bar for ``total`` items (none for an empty step)."""
        if not self.enabled or total == 0:
            return
        self._bar = _bar(with_failures=False)
        self._bar.start()
        self._task = self._bar.add_task(label, total=total, current="")

    def advance(self, item: str) -> None:
        """Count one item, showing its name."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, current=item)

    def stop(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def echo_build_documents(report: BuildReport) -> None:
    """Print the documents part of a build: notes, counts and where, warnings beside
    what they concern (batches and PDFs are printed by their own functions)."""
    for note in report.notes:
        click.echo(f"Ghi chú: {note}")
    made = len(report.documents) - report.unchanged
    where = f" → {report.manifest.parent}/" if report.manifest is not None else ""
    click.echo(
        f"Văn bản: {len(report.documents)} ({made} tạo mới, {report.unchanged} không đổi){where}"
    )
    for concern, warnings in report.warnings.items():
        click.secho(f"  Cảnh báo ở {concern}:", fg="yellow", err=True)
        for warning in warnings:
            click.echo(f"    - {warning}", err=True)


def echo_build_summary(report: BuildReport) -> None:
    """Print the one line that ends a build: made, unchanged, failed, warnings."""
    made = len(report.documents) - report.unchanged
    unchanged = report.unchanged
    failed = 0
    for batch in report.batches:
        made += batch.rendered
        unchanged += batch.skipped
        failed += len(batch.failures)
    pdf_failed = len(report.pdf.failed) if report.pdf is not None else 0
    warnings = report.warning_count
    colour = "red" if failed or pdf_failed else ("yellow" if warnings else "green")
    pdf = f", {pdf_failed} PDF lỗi" if pdf_failed else ""
    click.secho(
        f"Tổng kết: {made} văn bản tạo mới, {unchanged} không đổi, {failed} lỗi{pdf}, "
        f"{warnings} cảnh báo. Manifest: {report.manifest}",
        fg=colour,
        bold=True,
    )
