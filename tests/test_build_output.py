"""`vanban build` a person can follow: files recognised by what they are, one summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.loading.kinds import kind_of
from pipeline.workbook import export_record
from tests.conftest import INPUTS

RECORDS = ("ke-hoach-ubnd-xa.yaml", "ke-hoach-dang-uy-xa.yaml")


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name in RECORDS:
        shutil.copy(INPUTS / name, folder / name)
    return folder


def test_a_registry_next_to_the_records_is_not_a_broken_document(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    shutil.copy(INPUTS / "examples" / "noi-nhan-xa.yaml", folder / "danh-ba.yaml")
    assert kind_of(folder / "danh-ba.yaml") == "registry"
    report = api.build(folder, tmp_path / "build", lists=False)
    assert sorted(d.source.name for d in report.documents) == sorted(RECORDS)
    assert not (tmp_path / "build" / "danh-ba.docx").exists()
    [note] = report.notes
    assert "danh-ba.yaml" in note and "danh bạ nơi nhận" in note
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "b2")])
    assert result.exit_code == 0, result.output
    assert "Ghi chú:" in result.output and "danh-ba.yaml" in result.output
    assert "Thiếu" not in result.output


def test_a_workbook_in_inputs_is_built_like_a_record(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    export_record(INPUTS / "chuong-trinh-hanh-dong-nq18.yaml", folder / "chuong-trinh.xlsx")
    report = api.build(folder, tmp_path / "build", lists=False)
    assert "chuong-trinh.docx" in {d.output.name for d in report.documents}


def test_build_ends_with_one_summary_and_counts_unchanged(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    out = tmp_path / "build"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(folder), "-o", str(out), "--no-lists"])
    assert first.exit_code == 0, first.output
    lines = first.output.strip().splitlines()
    assert lines[-1].startswith("Tổng kết: 2 văn bản tạo mới, 0 không đổi, 0 lỗi, 0 cảnh báo.")
    assert "Đã tạo:" not in first.output  # no line per document
    again = runner.invoke(main, ["build", str(folder), "-o", str(out), "--no-lists"])
    assert (
        again.output.strip()
        .splitlines()[-1]
        .startswith("Tổng kết: 0 văn bản tạo mới, 2 không đổi, 0 lỗi")
    )


def test_open_launches_the_result_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("click.launch", lambda url, **_: opened.append(url) or 0)
    folder = _inputs(tmp_path)
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "b"), "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [str(tmp_path / "b")]


def test_steps_are_shown_for_each_long_step(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    advanced: list[str] = []

    class Recorder:
        def start(self, label: str, total: int) -> None:
            seen.append((label, total))

        def advance(self, item: str) -> None:
            advanced.append(item)

        def stop(self) -> None:
            pass

    api.build(INPUTS, tmp_path / "build", steps=Recorder())
    labels = [label for label, _ in seen]
    assert "Đọc và dựng báo cáo các kỳ" in labels
    assert "Tạo và kiểm tra văn bản" in labels
    assert any(label.startswith("Kiểm tra thể thức báo cáo kỳ") for label in labels)
    assert len(advanced) == sum(total for _, total in seen) > 0


def test_every_csv_vanban_writes_opens_in_excel_with_vietnamese_headers(tmp_path: Path) -> None:
    out = tmp_path / "build"
    api.build(INPUTS, out)
    written = sorted(out.rglob("*.csv"))
    assert written
    for path in written:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path  # Excel reads it as UTF-8
        header = data[3:].decode("utf-8").splitlines()[0]
        assert header.startswith("STT,Nơi nhận"), header
