"""Issue 15, item 1: nothing already made is deleted unless the run succeeded for the
whole roster; a problem with a whole file stops the run before anything is written.

Each case of the issue's "Why" is reproduced on a batch folder made by a first,
good run: after the failing run, every file of the folder is byte for byte as it was.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.batch import BatchOptions
from pipeline.cli import main
from tests.batch_helpers import BATCH, ROSTER, example_rows, make_batch, plans, write_roster

OPTIONS = BatchOptions(jobs=1, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under ``folder`` (lock file aside) by relative name."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".vanban.lock"
    }


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A batch of the first six example communes, made once: (spec, build dir, files)."""
    spec = make_batch(tmp_path / "in", example_rows()[:7])
    out = tmp_path / "build"
    report = api.build_batch(spec, out, options=OPTIONS)
    assert report.ok and report.rendered == 6
    return spec, out, snapshot(out)


def _batch(spec: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["batch", str(spec), "-o", str(out), "-j", "1", "--no-check", *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_an_emptied_roster_is_an_error_and_deletes_nothing(built: tuple[Path, Path, dict]) -> None:
    spec, out, before = built
    write_roster(spec.parent, example_rows()[:1])  # the header row alone

    code, output = _batch(spec, out)

    assert code == 2
    assert "Danh sách không có xã nào" in output and ROSTER in output
    assert snapshot(out) == before


def _xlsx_roster(folder: Path, rows: list[list[object]], merge: str | None = None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(folder / "xa.xlsx")
    spec = folder / "ke-hoach-sap-xep.batch.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(ROSTER, "xa.xlsx"), encoding="utf-8")


def test_a_merged_header_cell_is_explained_and_deletes_nothing(
    built: tuple[Path, Path, dict],
) -> None:
    spec, out, before = built
    rows: list[list[object]] = [list(r) for r in example_rows()[:7]]
    rows[0][12] = None  # "Số thôn trước | sau" written once over two merged cells
    rows[0][11] = "Số thôn"
    _xlsx_roster(spec.parent, rows, merge="L1:M1")

    code, output = _batch(spec, out)

    assert code == 2
    assert "ô gộp L1:M1" in output and "Unmerge" in output
    assert snapshot(out) == before


def _broken_copy(template: Path, folder: Path) -> Path:
    """Copy ``template`` into ``folder`` with a tag that fails on any commune."""
    folder.mkdir(exist_ok=True)
    source = zipfile.ZipFile(template)
    target = folder / template.name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ so_ky_hieu }}", b"{{ so_ky_hieu.khong_co }}", 1)
                assert b"khong_co" in data
            copy.writestr(info, data)
    target.write_bytes(buffer.getvalue())
    return folder


def test_a_custom_template_failing_every_commune_stops_before_writing(
    built: tuple[Path, Path, dict], tmp_path: Path
) -> None:
    spec, out, before = built
    template = api.prepare_batch(spec).template
    mine = _broken_copy(template, tmp_path / "mau")

    code, output = _batch(spec, out, "--templates", str(mine))

    assert code == 2
    assert "khong_co" in output and "Chưa ghi hay xóa tệp nào" in output
    assert snapshot(out) == before


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("ke-hoach-sap-xep.goc.yaml", "loai:", "loai: [", "sai cú pháp"),
        ("ke-hoach-sap-xep.batch.yaml", "gop: true", "gop: true\nkhong_co: 1", "khong_co"),
    ],
    ids=["base-record", "spec"],
)
def test_a_broken_base_record_or_spec_stops_before_writing(
    built: tuple[Path, Path, dict], name: str, old: str, new: str, expected: str
) -> None:
    spec, out, before = built
    path = spec.parent / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    code, output = _batch(spec, out)

    assert code == 2 and expected in output
    assert snapshot(out) == before


def test_failing_rows_keep_their_old_plans_until_the_whole_roster_succeeds(
    built: tuple[Path, Path, dict],
) -> None:
    spec, out, before = built
    rows = example_rows()[:7]
    bad = [list(r) for r in rows]
    bad[2][2] = "huyện"  # this commune's row is now wrong
    del bad[6]  # and this one left the roster
    write_roster(spec.parent, bad)

    report = api.build_batch(spec, out, options=OPTIONS)

    assert len(report.failures) == 1 and report.removed == [] and report.kept == 2
    after = snapshot(out)
    made_before = {n for n in before if n.endswith((".docx", ".csv")) and "tat-ca" not in n}
    assert made_before <= after.keys()  # every plan, list and table is still there
    manifest = json.loads((out / BATCH / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["kept"]) == 2  # what the next good run may remove

    write_roster(spec.parent, rows[:6])  # the row fixed; the dropped commune stays dropped
    report = api.build_batch(spec, out, options=OPTIONS)

    assert report.ok and report.kept == 0
    gone = before.keys() - snapshot(out).keys()
    assert gone == {f"{BATCH}/{n}" for n in report.removed}
    assert len(gone) == 3  # the dropped commune's plan, list and table, nothing else
    assert len(plans(out / BATCH)) == 5
    manifest = json.loads((out / BATCH / "manifest.json").read_text(encoding="utf-8"))
    assert "kept" not in manifest and len(manifest["documents"]) == 5


def test_removals_are_listed_in_the_summary(built: tuple[Path, Path, dict]) -> None:
    spec, out, _ = built
    write_roster(spec.parent, example_rows()[:6])

    code, output = _batch(spec, out)

    assert code == 0
    assert "Đã xóa" in output and "theo manifest" in output
