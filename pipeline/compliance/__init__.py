"""Reads a .docx back and checks it against a format profile."""

from pipeline.compliance.reader import (
    ParagraphFormat,
    RunFormat,
    StyleResolver,
    iter_paragraphs,
)

__all__ = ["ParagraphFormat", "RunFormat", "StyleResolver", "iter_paragraphs"]
