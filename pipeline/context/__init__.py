"""Records → template context: totals, rates, numbering and formatted strings."""

from pipeline.context.document import DocumentContext, build_document_context
from pipeline.context.inline import Run, parse_inline

__all__ = ["DocumentContext", "Run", "build_document_context", "parse_inline"]
