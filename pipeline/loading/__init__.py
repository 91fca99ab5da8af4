"""YAML / CSV / XLSX → records, every problem collected with its location."""

from pipeline.loading.documents import load_document

__all__ = ["load_document"]
