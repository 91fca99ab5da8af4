"""``vanban period new``: a new period folder rolled over from the previous one.

The new folder gets the same programme, roster, targets, rules, header, signature and
Nơi nhận; the unfinished tasks with the status they had; blank results (the issuing
body's and one row per commune) for the secretariat to fill; the narrative sections as
empty headings. The number and date of the report are left for the clerk. An existing
period is never touched: the folder is written beside it under a temporary name and
renamed into place only when complete.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import Problem, UsageError
from pipeline.loading.periods import (
    PERIOD_FILE,
    REPORT_FILE,
    PeriodInputs,
    is_period_folder,
    load_period,
    task_history,
)
from pipeline.models.execution import NARRATIVE_SECTIONS
from pipeline.models.period import KIND_WORDS, Period, period_defaults, previous_period_id
from pipeline.models.programme import Task

#: Keys of the report record copied as they are.
CARRIED = (
    "chuong_trinh",
    "danh_sach_xa",
    "khoi",
    "the_thuc",
    "mau",
    "co_quan",
    "loai",
    "ten_loai",
    "chu_the",
    "dan_y",
    "cach_tinh",
    "nhom_chi_tieu",
)
CLOSING = ("chu_ky", "noi_nhan", "bao_cao_xa")
RESULTS_FILE = "ket-qua-xa.csv"


@dataclass(frozen=True)
class NewPeriod:
    """What ``period new`` wrote."""

    folder: Path
    previous: str
    files: tuple[Path, ...]
    carried_tasks: tuple[str, ...]


def _usage(where: Path, message: str) -> UsageError:
    return UsageError([Problem(str(where), "", "", message)])


def new_period(periods_dir: Path, period_id: str, previous_id: str | None = None) -> NewPeriod:
    """Create ``periods_dir/period_id`` from the previous period and return what was made.

    Raises:
        UsageError: the period exists already (nothing is changed), the id is not
            usable, or there is no previous period to start from.
        InputError: the previous period's records are invalid.
    """
    target = periods_dir / period_id
    if target.exists():
        raise _usage(
            target,
            f"Kỳ “{period_id}” đã có (thư mục {target}): vanban không ghi đè "
            "một kỳ đã có. Muốn tạo lại thì đổi tên hoặc xóa thư mục đó trước.",
        )
    source_id = previous_id or previous_period_id(period_id)
    if source_id is None or not is_period_folder(periods_dir / source_id):
        guess = f" (kỳ liền trước theo mã là {source_id}, chưa có)" if source_id else ""
        raise _usage(
            periods_dir,
            f"Không biết tạo kỳ “{period_id}” từ kỳ nào{guess}: chỉ rõ "
            "kỳ trước bằng --from, ví dụ --from 2026-H1.",
        )
    previous = load_period(periods_dir / source_id)
    period = _period(period_id, source_id, previous, periods_dir)
    tasks = carried_tasks(previous)
    files = {
        PERIOD_FILE: period_text(period),
        REPORT_FILE: report_text(previous, period, tasks),
    }
    if previous.results is not None and previous.roster is not None:
        files[RESULTS_FILE] = results_text(previous)
    written = _write_folder(target, files)
    return NewPeriod(target, source_id, written, tuple(t.id for t in tasks))


def _period(period_id: str, source_id: str, previous: PeriodInputs, where: Path) -> Period:
    defaults = period_defaults(period_id)
    try:
        period = Period(id=period_id, ky_truoc=source_id)
    except ValueError as exc:
        if defaults is None:  # a custom id: its label and dates are filled in by hand
            return Period.model_construct(id=period_id, ky_truoc=source_id)
        raise _usage(where, f"Mã kỳ “{period_id}” không dùng được: {exc}") from None
    if period.start <= previous.period.end:
        raise _usage(
            where,
            f"Kỳ {period_id} ({period.start:%d/%m/%Y} - {period.end:%d/%m/%Y}) "
            f"chồng lên kỳ {source_id} (đến {previous.period.end:%d/%m/%Y}): chọn kỳ "
            "sau kỳ trước, hoặc chỉ rõ --from.",
        )
    return period


def carried_tasks(previous: PeriodInputs) -> list[Task]:
    """Return the programme's tasks not done by the end of ``previous`` (its whole history)."""
    history = task_history(previous)
    return [
        task
        for group in previous.programme.nhiem_vu
        for task in group.nhiem_vu
        if history.get(task.id) != "hoàn thành"
    ]


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def period_text(period: Period) -> str:
    """Return the new ``ky.yaml``."""
    defaults = period_defaults(period.id)
    lines = [f"# Kỳ báo cáo {period.id}, tạo bằng vanban period new từ kỳ {period.ky_truoc}."]
    if defaults is not None:
        lines.append(
            f"# {defaults.label}: {defaults.start:%d/%m/%Y} - {defaults.end:%d/%m/%Y} "
            f"({KIND_WORDS[defaults.kind]}); ghi ten, tu_ngay, den_ngay để đổi."
        )
        lines += [f"id: {period.id}", f"loai_ky: {defaults.kind}", f"ky_truoc: {period.ky_truoc}"]
    else:
        lines += [
            "# Mã kỳ không theo dạng quen thuộc: điền tên kỳ và hai ngày.",
            f"id: {period.id}",
            "ten:",
            "tu_ngay:",
            "den_ngay:",
            "loai_ky: so_ket",
            f"ky_truoc: {period.ky_truoc}",
        ]
    return "\n".join(lines) + "\n"


def report_text(previous: PeriodInputs, period: Period, tasks: list[Task]) -> str:
    """Return the new ``bao-cao.yaml``: carried settings, blank results, empty narratives."""
    data = previous.report_yaml.data
    defaults = period_defaults(period.id)
    year = defaults.end.year if defaults is not None else previous.period.end.year
    parts = [
        f"# Báo cáo kỳ {period.id}, tạo từ kỳ {previous.period.id} (vanban period new).",
        "# Điền kết quả đạt được (dat) của cơ quan và tệp kết quả của các xã; số và ngày",
        "# văn bản để văn thư ghi sau khi ký.",
        _dump({k: data[k] for k in CARRIED if k in data}).rstrip(),
    ]
    if previous.report.ket_qua_xa is not None:
        parts.append(_dump({"ket_qua_xa": RESULTS_FILE}).rstrip())
    parts.append(f"nam: {year}")
    parts.append(
        "\n# Kết quả của cơ quan (chỉ tiêu các xã không báo cáo): ghi dat (số) hoặc tinh_trang."
    )
    parts.append("ket_qua:" if previous.report.ket_qua else "ket_qua: []")
    parts += [f"  - id: {r.id}\n    dat:" for r in previous.report.ket_qua]
    parts.append("\n# Nhiệm vụ chưa hoàn thành ở kỳ trước (tình trạng của kỳ trước; cập nhật).")
    status = task_history(previous)
    parts.append("nhiem_vu:" if tasks else "nhiem_vu: []")
    parts += [
        f"  - id: {t.id}\n    tinh_trang: {status.get(t.id, 'chưa thực hiện')}\n    ghi_chu:\n"
        "    minh_chung:"
        for t in tasks
    ]
    parts.append("\n# Phần nhận định: mỗi mục là danh sách đoạn văn, {gach: …} hoặc {y: …}.")
    for name, heading in NARRATIVE_SECTIONS.items():
        parts.append(f"# {heading}\n{name}: []")
    parts.append("")
    parts.append(_dump({k: data[k] for k in CLOSING if k in data}).rstrip())
    return "\n".join(parts) + "\n"


def results_text(previous: PeriodInputs) -> str:
    """Return the new results file: one row per commune of the roster, values blank.

    It starts with a BOM (Excel then reads it as UTF-8) and its target columns are
    headed by their Vietnamese short names (``cach_tinh``'s ``ten_ngan``) where the
    report gives one; the ids are accepted too when it is read back.
    """
    assert previous.results is not None and previous.roster is not None
    names = {c.id: c.ten_ngan for c in previous.report.cach_tinh if c.ten_ngan}
    headers = [names.get(t, t) for t in previous.results.targets]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Mã xã", "Tên xã", *headers, "Ghi chú"])
    for commune in previous.roster:
        writer.writerow([commune.ma, commune.ten, *("" for _ in previous.results.targets), ""])
    return out.getvalue()


def _write_folder(target: Path, files: dict[str, str]) -> tuple[Path, ...]:
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        for name, text in files.items():
            (temporary / name).write_text(text, encoding="utf-8")
        os.rename(temporary, target)  # fails if the target appeared meanwhile
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise _usage(target, f"Không tạo được thư mục kỳ: {exc.strerror}.") from None
    return tuple(target / name for name in files)


__all__ = ["NewPeriod", "carried_tasks", "new_period", "period_text", "report_text", "results_text"]
