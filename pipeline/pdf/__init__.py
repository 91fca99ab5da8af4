"""PDF output and page previews through headless LibreOffice (and poppler's pdftoppm).

The page LibreOffice lays out is what the clerk prints; tests check it too.
"""

from pipeline.pdf.converter import DEFAULT_TIMEOUT, PdfConverter, PdfResult
from pipeline.pdf.export import (
    PdfReport,
    export_pdfs,
    font_warnings,
    prune_orphan_pdfs,
    stale_pdf_sources,
)
from pipeline.pdf.fonts import FontCheck, check_font
from pipeline.pdf.preview import DEFAULT_DPI, Preview, render_preview
from pipeline.pdf.tools import (
    LibreOffice,
    ToolMissing,
    find_libreoffice,
    find_pdftoppm,
    find_soffice,
)

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_TIMEOUT",
    "FontCheck",
    "LibreOffice",
    "PdfConverter",
    "PdfReport",
    "PdfResult",
    "Preview",
    "ToolMissing",
    "check_font",
    "export_pdfs",
    "find_libreoffice",
    "find_pdftoppm",
    "find_soffice",
    "font_warnings",
    "prune_orphan_pdfs",
    "render_preview",
    "stale_pdf_sources",
]
