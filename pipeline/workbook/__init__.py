"""Workbooks (.xlsx) a clerk fills in Excel or LibreOffice instead of writing YAML.

``new_workbook`` writes an empty workbook of a kind; ``export_record`` writes an
existing YAML record as a workbook. The sheets come from the record models
(:mod:`pipeline.loading.workbook_layout`); :mod:`pipeline.loading.workbook` reads them.
"""

from pipeline.workbook.writer import (
    KINDS,
    export_bytes,
    export_record,
    new_workbook,
    workbook_bytes,
)

__all__ = ["KINDS", "export_bytes", "export_record", "new_workbook", "workbook_bytes"]
