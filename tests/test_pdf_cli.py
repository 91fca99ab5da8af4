"""The PDF commands as a user meets them: ``--pdf`` on render and build, ``preview``,
the Vietnamese errors when a program is missing (exit 2, nothing written), and the
font warning when Times New Roman is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline import api
from pipeline.cli import main
from pipeline.errors import Problem, UsageError
from pipeline.pdf import (
    FontCheck,
    PdfReport,
    PdfResult,
    ToolMissing,
    check_font,
    find_pdftoppm,
    find_soffice,
    font_warnings,
)
from pipeline.pdf import fonts as fonts_module
from pipeline.pdf import tools as tools_module
from pipeline.pdf.inspect import inspect_pdf
from pipeline.pdf.tools import find_uno_python
from tests.conftest import INPUTS, needs_libreoffice

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="pdftoppm (poppler-utils) không có trên máy này",
)
SEED = INPUTS / "chuong-trinh-hanh-dong-nq18.yaml"
UBND = INPUTS / "ke-hoach-ubnd-xa.yaml"


@pytest.fixture
def bare_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without LibreOffice, poppler or a Python with UNO."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("VANBAN_SOFFICE", raising=False)
    monkeypatch.delenv("VANBAN_UNO_PYTHON", raising=False)
    monkeypatch.setattr(tools_module, "KNOWN_SOFFICE", ())
    monkeypatch.setattr(tools_module, "KNOWN_UNO_PYTHONS", ())


@pytest.mark.usefixtures("bare_machine")
@pytest.mark.parametrize("command", ["render", "build"])
def test_missing_libreoffice_is_explained_in_vietnamese_and_nothing_is_written(
    tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out"
    args = [str(UBND), "-o", str(out / "x.docx")] if command == "render" else [str(INPUTS)]
    if command == "build":
        args += ["-o", str(out)]
    result = CliRunner().invoke(main, [command, *args, "--pdf"])
    assert result.exit_code == 2, result.output
    assert "Không tìm thấy LibreOffice" in result.output
    assert "apt-get install libreoffice-writer-nogui" in result.output
    assert not out.exists()


@pytest.mark.usefixtures("bare_machine")
def test_missing_tools_name_their_debian_packages(tmp_path: Path) -> None:
    with pytest.raises(ToolMissing, match="libreoffice-writer-nogui"):
        find_soffice()
    with pytest.raises(ToolMissing, match="poppler-utils"):
        find_pdftoppm()
    fake = tmp_path / "program" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    with pytest.raises(ToolMissing, match="python3-uno"):
        find_uno_python(fake)
    assert ToolMissing.exit_code == 2


def test_a_wrong_vanban_soffice_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANBAN_SOFFICE", "/khong/co/soffice")
    with pytest.raises(ToolMissing, match="VANBAN_SOFFICE"):
        find_soffice()


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        ("Times New Roman", None),
        ("Liberation Serif", "Liberation Serif thay thế"),
        ("DejaVu Serif", "fonts-liberation2"),
        (None, "fc-match"),
    ],
)
def test_font_warning_says_which_font_the_pdf_really_uses(
    monkeypatch: pytest.MonkeyPatch, used: str | None, expected: str | None
) -> None:
    monkeypatch.setattr(fonts_module, "_fc_match", lambda family: used)
    check = check_font()
    assert check == FontCheck("Times New Roman", used)
    warnings = font_warnings()
    if expected is None:
        assert check.installed and warnings == []
    else:
        assert not check.installed and len(warnings) == 1 and expected in warnings[0]


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig không có")
def test_fontconfig_is_asked_for_real() -> None:
    check = check_font()
    assert check.used  # Times New Roman itself or a substitute, never unknown
    if not check.installed:  # a bare Debian: fonts-liberation2 gives the metric twin
        assert "Times New Roman" in (check.warning() or "")


def test_a_failed_pdf_is_reported_with_exit_code_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def failing_export(sources: list[Path], **_: object) -> PdfReport:
        problem = Problem(str(sources[0]), "", "", "LibreOffice không mở được tệp này.")
        return PdfReport([PdfResult(sources[0], None, problem=problem)], ["Cảnh báo phông"], 1)

    monkeypatch.setattr(api.documents, "find_libreoffice", object)
    monkeypatch.setattr(api.documents, "export_pdfs", failing_export)
    result = CliRunner().invoke(main, ["render", str(UBND), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 0  # without --pdf nothing of this runs
    result = CliRunner().invoke(main, ["render", str(UBND), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 1, result.output
    assert "Không tạo được PDF cho 1 văn bản" in result.output
    assert "LibreOffice không mở được tệp này." in result.output
    assert "Cảnh báo: Cảnh báo phông" in result.output
    assert (tmp_path / "ke-hoach-ubnd-xa.docx").is_file()  # the .docx itself is kept


@needs_libreoffice
def test_render_pdf_writes_the_pdf_beside_the_docx(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(UBND), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "ke-hoach-ubnd-xa.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert f"Đã tạo PDF: {pdf} (2 trang)" in result.output
    assert "LibreOffice khởi động 1 lần" in result.output
    assert "Loại: 1 PDF, phông nhúng đủ." in result.output
    if not check_font().installed:
        assert "Cảnh báo:" in result.stderr and "Times New Roman" in result.stderr


@needs_libreoffice
def test_render_pdfa_writes_pdfa_2b_and_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(UBND), "-o", str(tmp_path), "--pdfa"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "ke-hoach-ubnd-xa.pdf"
    facts = inspect_pdf(pdf)
    assert facts.pdfa == "2B" and facts.fonts_embedded and facts.pages == 2
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf.read_bytes()
    assert "Loại: 1 PDF/A-2b, phông nhúng đủ." in result.output


@needs_libreoffice
@needs_pdftoppm
def test_preview_writes_a_png_of_the_page(tmp_path: Path) -> None:
    docx = api.render_document(SEED, tmp_path / "seed.docx").output
    shown = api.preview(docx, page=1, dpi=50)
    assert shown.output == tmp_path / "seed-trang-1.png" and shown.pages == 5
    with Image.open(shown.output) as image:
        assert image.format == "PNG"
        assert image.size == (pytest.approx(413, abs=2), pytest.approx(585, abs=2))  # A4
        gray = image.convert("L")
        width, _height = gray.size
        header = gray.crop((width // 2, 0, width, 60))  # the national line, top right
        assert header.getextrema()[0] < 100, "no text printed at the top right"


@needs_libreoffice
@needs_pdftoppm
def test_preview_of_a_page_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    docx = api.render_document(UBND, tmp_path / "x.docx").output
    result = CliRunner().invoke(main, ["preview", str(docx), "--page", "7"])
    assert result.exit_code == 2, result.output
    assert "chỉ có 2 trang" in result.output and "--page từ 1 đến 2" in result.output
    assert not list(tmp_path.glob("*.png"))


def test_preview_checks_its_arguments_before_starting_anything(tmp_path: Path) -> None:
    not_word = tmp_path / "ghi-chu.txt"
    not_word.write_text("x", "utf-8")
    with pytest.raises(UsageError) as caught:
        api.preview(not_word, page=0, dpi=5)
    messages = [p.message for p in caught.value.problems]
    assert any(".docx" in m for m in messages)
    assert any("Số trang" in m for m in messages) and any("dpi" in m for m in messages)
