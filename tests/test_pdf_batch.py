"""One LibreOffice for a batch: 40 communes' plans and two broken files, one start;
a document over its time limit, a LibreOffice that dies, Ctrl-C — each isolated, and
no LibreOffice process left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.pdf import LibreOffice, PdfConverter, find_libreoffice
from tests.conftest import INPUTS, needs_libreoffice

pytestmark = needs_libreoffice

COMMUNES = (  # noqa: SIM905 - one line of names reads better than 40 lines
    "An Bình, An Khánh, Bảo Linh, Bình Thành, Cẩm Giàng, Chợ Chu, Định Biên, Đồng Thịnh, "
    "Điềm Mặc, Gia Viễn, Hợp Thành, Kim Phượng, Lam Vỹ, Linh Thông, Phú Tiến, Phượng Tiến, "
    "Quy Kỳ, Sơn Phú, Tân Dương, Tân Thịnh, Thanh Định, Trung Hội, Trung Lương, Bộc Nhiêu, "
    "Phúc Chu, Bảo Cường, Kim Sơn, Tân Long, Văn Lăng, Hòa Bình, Minh Tiến, Nghinh Tường, "
    "Phú Đô, Yên Lạc, Yên Ninh, Đại Từ, Hùng Sơn, Quân Chu, Cù Vân, Lục Ba"
).split(", ")
EXAMPLE = INPUTS / "ke-hoach-ubnd-xa.yaml"


def _commune_plans(folder: Path) -> dict[Path, str]:
    """Render the commune People's Committee plan once per commune; return .docx → name."""
    record = EXAMPLE.read_text(encoding="utf-8")
    assert "XÃ PHÚ ĐÌNH" in record and "dia_danh: Phú Đình" in record
    plans = {}
    for number, name in enumerate(COMMUNES, start=1):
        source = folder / f"xa-{number:02d}.yaml"
        text = record.replace("XÃ PHÚ ĐÌNH", f"XÃ {name.upper()}")
        source.write_text(text.replace("dia_danh: Phú Đình", f"dia_danh: {name}"), "utf-8")
        target = folder / f"xa-{number:02d}.docx"
        plans[api.render_document(source, target, check=False).output] = name
    return plans


def _broken_files(folder: Path, good: Path) -> tuple[Path, Path]:
    """A truncated .docx (not even a zip) and a zip whose document part is not XML."""
    truncated = folder / "xa-hong-cat-cut.docx"
    truncated.write_bytes(good.read_bytes()[:3000])
    garbled = folder / "xa-hong-noi-dung.docx"
    with zipfile.ZipFile(garbled, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<<< không phải XML")
    return truncated, garbled


def _processes_using(path: Path) -> list[int]:
    """Return the pids whose command line mentions ``path`` (the private profile)."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # the process ended while we looked
    return found


def _first_page_text(pdf: Path) -> str:
    # pypdfium2 (pdfplumber's renderer) reads a page ~40x faster than pdfplumber does.
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        text = page.get_textpage()
        try:
            return unicodedata.normalize("NFC", str(text.get_text_range()))
        finally:
            text.close()
            page.close()
    finally:
        document.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")
def test_forty_communes_convert_with_one_start_and_a_broken_file_is_reported(
    tmp_path: Path,
) -> None:
    plans = _commune_plans(tmp_path)
    assert len(set(plans.values())) == len(plans) == 40
    docs = list(plans)
    truncated, garbled = _broken_files(tmp_path, docs[0])
    sources = [*docs[:13], truncated, *docs[13:27], garbled, *docs[27:]]
    out = tmp_path / "pdf"
    out.mkdir()
    (out / f"{garbled.stem}.pdf").write_bytes(b"%PDF- an older, now stale export")
    with PdfConverter() as converter:
        results = converter.convert_all(sources, out)
        home, pids = converter.home, converter.pids
        assert _processes_using(home), "LibreOffice should be running inside the block"
    assert converter.starts == 1
    by_source = {r.source: r for r in results}
    for broken in (truncated, garbled):
        failed = by_source[broken]
        assert not failed.ok and failed.output is None
        assert failed.problem is not None and failed.problem.source == str(broken)
        assert "không" in failed.problem.message.lower()  # a Vietnamese explanation
    assert "Không phải tệp Word" in str(by_source[truncated].problem)
    assert "LibreOffice không mở được" in str(by_source[garbled].problem)
    assert "Bản PDF cũ cùng tên đã được xóa" in str(by_source[garbled].problem)
    converted = [r for r in results if r.ok]
    assert [r.source for r in converted] == docs  # every good one, in order
    for result in converted:
        assert result.output == out / f"{result.source.stem}.pdf" and result.pages == 2
        name = plans[result.source].upper()
        assert f"XÃ {name}" in _first_page_text(result.output)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{d.stem}.pdf" for d in docs)
    assert _processes_using(home) == [] and not home.exists()
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")
def test_timeout_crash_and_ctrl_c_are_isolated_and_leave_no_process(tmp_path: Path) -> None:
    seed = api.render_document(
        INPUTS / "chuong-trinh-hanh-dong-nq18.yaml", tmp_path / "seed.docx"
    ).output
    with pytest.raises(KeyboardInterrupt), PdfConverter() as converter:
        slow = converter.convert(seed, tmp_path / "slow.pdf", timeout=0.01)
        assert not slow.ok and "0.01 giây" in str(slow.problem)
        assert not (tmp_path / "slow.pdf").exists() and converter.pids == ()
        after_timeout = converter.convert(seed, tmp_path / "after-timeout.pdf")
        assert after_timeout.ok and after_timeout.pages == 5 and converter.starts == 2

        os.killpg(converter.pids[0], signal.SIGKILL)  # LibreOffice dies between documents
        after_crash = converter.convert(seed, tmp_path / "after-crash.pdf")
        assert after_crash.ok and converter.starts == 3

        home, pids = converter.home, converter.pids
        raise KeyboardInterrupt  # the user presses Ctrl-C mid-batch
    assert _processes_using(home) == [] and not home.exists()
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "after-crash.pdf",
        "after-timeout.pdf",
    ]
    assert not list(tmp_path.glob(".*.tmp"))


_KILLED_PARENT = """
import os, signal, sys
from pathlib import Path
from pipeline.pdf import PdfConverter
converter = PdfConverter().__enter__()
result = converter.convert(Path(sys.argv[1]), Path(sys.argv[2]))
print(converter.home, result.ok, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no __exit__, no cleanup of any kind
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find processes")
def test_libreoffice_does_not_outlive_a_killed_vanban(tmp_path: Path) -> None:
    docx = api.render_document(EXAMPLE, tmp_path / "x.docx").output
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_PARENT, str(docx), str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    home, ok = done.stdout.split()
    assert ok == "True"
    deadline = time.monotonic() + 20  # the helper sees its input close, ends LibreOffice
    while _processes_using(Path(home)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(Path(home)) == []
    shutil.rmtree(home, ignore_errors=True)  # what the killed process could not delete


BATCH_SPEC = INPUTS / "examples" / "ke-hoach-sap-xep.batch.yaml"


@pytest.mark.skipif(not BATCH_SPEC.is_file(), reason="the example batch is not in inputs/")
def test_build_and_batch_pdf_lay_every_commune_out_in_one_start_then_only_changes(
    tmp_path: Path,
) -> None:
    inputs, out = tmp_path / "inputs", tmp_path / "build"
    shutil.copytree(BATCH_SPEC.parent, inputs / BATCH_SPEC.parent.name)
    folder = out / "ke-hoach-sap-xep"
    report = api.build(inputs, out, pdf=True, pdf_jobs=1)  # `vanban build --pdf`
    (batch,) = report.batches
    assert batch.ok and batch.total >= 40 and batch.out_dir == folder
    assert report.pdf is not None and report.pdf.starts == 1 and report.pdf.layouts == 1
    assert not report.pdf.failed and not report.pdf.alone
    plans = sorted(p for p in folder.glob("*.docx") if ".noi-nhan" not in p.name)
    assert sorted(r.source for r in report.pdf.results) == [
        p for p in plans if p.name != "tat-ca.docx"
    ]
    assert len(plans) == batch.total + (batch.combined is not None)
    assert all(p.with_suffix(".pdf").is_file() for p in plans)
    assert [r.pages for r in report.pdf.combined] == [2 * batch.total]

    stale = plans[0].with_suffix(".pdf")
    stale.unlink()  # one PDF lost: only that one is made again
    (folder / "xa-da-bo.pdf").write_bytes(b"%PDF- of a commune no longer listed")
    spec = inputs / BATCH_SPEC.parent.name / BATCH_SPEC.name
    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert f"Đã tạo PDF: {stale} (" in result.output
    assert "PDF: 1/1 văn bản" in result.output and "khởi động 1 lần" in result.output
    assert "Chuyển riêng" not in result.output  # a plan on its own is no failure
    assert not (folder / "xa-da-bo.pdf").exists()  # orphan PDF pruned


def test_a_libreoffice_that_cannot_start_fails_every_document_fast(tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'boom: cannot start' >&2\nexit 1\n", "utf-8")
    fake.chmod(0o755)
    docx = api.render_document(EXAMPLE, tmp_path / "x.docx").output
    started = time.monotonic()
    with PdfConverter(libreoffice=LibreOffice(fake, find_libreoffice().python)) as converter:
        results = converter.convert_all([docx, docx])
    assert time.monotonic() - started < 15  # not a start timeout per document
    assert converter.starts == 1 and not any(r.ok for r in results)
    message = str(results[1].problem)
    assert "Không khởi động được LibreOffice" in message
    assert "mã thoát 1" in message and "boom: cannot start" in message
