"""A PNG of one page of a .docx, the way LibreOffice prints it (through PDF and pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Problem, RenderError, UsageError
from pipeline.pdf.export import export_pdfs
from pipeline.pdf.tools import LibreOffice, find_libreoffice, find_pdftoppm
from pipeline.rendering import write_atomic

DEFAULT_DPI = 100


@dataclass(frozen=True)
class Preview:
    """A page image written: of which document, which page of how many, where."""

    source: Path
    output: Path
    page: int
    pages: int | None
    warnings: list[str] = field(default_factory=list)


def default_output(source: Path, page: int) -> Path:
    """Return where a preview goes when no output is named: ``X-trang-N.png`` beside X."""
    return source.with_name(f"{source.stem}-trang-{page}.png")


def _check_request(source: Path, page: int, dpi: int) -> None:
    problems = []
    if not source.is_file():
        problems.append(Problem(str(source), "", "", "Không có tệp này."))
    elif source.suffix.lower() != ".docx":
        problems.append(Problem(str(source), "", "", "Chỉ xem trước được tệp Word .docx."))
    if page < 1:
        problems.append(Problem("", "", "--page", "Số trang phải từ 1 trở lên."))
    if not 20 <= dpi <= 600:
        problems.append(Problem("", "", "--dpi", "Độ phân giải phải từ 20 đến 600 dpi."))
    if problems:
        raise UsageError(problems)


def _page_missing(source: Path, page: int, pages: int | None) -> UsageError:
    message = (
        f"Văn bản chỉ có {pages} trang; chọn --page từ 1 đến {pages}."
        if pages
        else f"Văn bản không có trang {page}; chọn trang nhỏ hơn."
    )
    return UsageError([Problem(str(source), "", "--page", message)])


def _rasterize(pdftoppm: Path, pdf: Path, page: int, dpi: int) -> Path | None:
    """Return the PNG pdftoppm made of ``page`` of ``pdf`` (beside it), None if no page."""
    prefix = pdf.with_name(f"{pdf.stem}-page")
    command = [str(pdftoppm), "-f", str(page), "-l", str(page), "-r", str(dpi)]
    command += ["-png", "-singlefile", str(pdf), str(prefix)]
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    image = prefix.with_suffix(".png")
    return image if image.is_file() else None


def render_preview(
    source: Path,
    page: int = 1,
    output: Path | None = None,
    dpi: int = DEFAULT_DPI,
    libreoffice: LibreOffice | None = None,
) -> Preview:
    """Write a PNG of page ``page`` of ``source`` (default ``X-trang-N.png`` beside it).

    Raises:
        UsageError: no such file or page, or a bad option (nothing written).
        ToolMissing: LibreOffice or pdftoppm is not installed.
        RenderError: LibreOffice could not convert the document.
    """
    _check_request(source, page, dpi)
    pdftoppm = find_pdftoppm()
    libreoffice = libreoffice or find_libreoffice()
    target = output if output is not None else default_output(source, page)
    if target.is_dir():
        target = default_output(target / source.name, page)
    with tempfile.TemporaryDirectory(prefix="vanban-preview-") as tmp:
        report = export_pdfs([source], Path(tmp), libreoffice=libreoffice)
        result = report.results[0]
        if result.output is None or result.problem is not None:
            raise RenderError([result.problem] if result.problem else [])
        if result.pages is not None and page > result.pages:
            raise _page_missing(source, page, result.pages)
        image = _rasterize(pdftoppm, result.output, page, dpi)
        if image is None:
            raise _page_missing(source, page, result.pages)
        write_atomic(target, image.read_bytes())
    return Preview(source, target, page, result.pages, report.warnings)
