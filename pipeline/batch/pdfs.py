"""The PDF step of a batch: the plans' PDFs (and ``tat-ca.pdf``) from the manifest.

After a run, the manifest lists every plan and its .docx hash. A plan's PDF is made
again only when it is not current: its ``pdf`` entry (added to the commune's entry
in ``manifest.json``) must name the .docx hash it was made from, the same PDF kind
(PDF/A-2b or not), and a file on disk with the recorded hash. So an unchanged plan's
PDF is never made again and a changed one always is. The PDFs are made by the batch
method (``pdf.layout``): the plans laid out together, a few at a time, and split.

The ``pdf`` entry: ``{"path", "sha256", "pages", "source_sha256", "pdfa"}``; the
combined entry gets one too, made from the same layout as the plans' PDFs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline import manifest
from pipeline.batch.manifest import MANIFEST
from pipeline.pdf import LibreOffice, PdfReport, PdfResult, prune_orphan_pdfs
from pipeline.pdf.converter import DEFAULT_TIMEOUT
from pipeline.pdf.layout import Part, export_laid_out
from pipeline.rendering import fsync_file, fsync_folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_is_current(entry: Any, source_sha256: str, pdf: Path, pdfa: bool) -> bool:
    """Whether the PDF ``entry`` records was made from the .docx whose hash is
    ``source_sha256``, is of the kind asked for, and is on disk unchanged."""
    if not isinstance(entry, Mapping):
        return False
    if entry.get("source_sha256") != source_sha256 or bool(entry.get("pdfa")) != pdfa:
        return False
    try:
        return _sha256(pdf) == entry.get("sha256")
    except OSError:
        return False


def _pdf_entry(result: PdfResult, source_sha256: str, pdfa: bool) -> dict[str, Any] | None:
    if not result.ok or result.output is None:
        return None
    return {
        "path": result.output.name,
        "sha256": _sha256(result.output),
        "pages": result.pages,
        "source_sha256": source_sha256,
        "pdfa": pdfa,
    }


def _read(path: Path) -> dict[str, Any] | None:
    """Return the manifest at ``path`` if this version of vanban wrote it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not manifest.is_current_version(document):
        return None
    return document


def _record(item: dict[str, Any], result: PdfResult, source_sha256: str, pdfa: bool) -> None:
    entry = _pdf_entry(result, source_sha256, pdfa)
    if entry is None:
        item.pop("pdf", None)
    else:
        item["pdf"] = entry


def make_batch_pdfs(
    out_dir: Path,
    libreoffice: LibreOffice,
    *,
    workers: int = 1,
    pdfa: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> PdfReport:
    """Make the PDFs of the batch in ``out_dir`` that are not current; record them in
    its manifest. A batch without a manifest of this version gets nothing."""
    prune_orphan_pdfs(out_dir)
    path = out_dir / MANIFEST
    document = _read(path)
    if document is None:
        return PdfReport(pdfa=pdfa)
    communes = sorted(document.get("documents") or [], key=lambda item: item["commune"]["row"])
    sources = {out_dir / item["output"]["path"]: item for item in communes}
    todo = [
        Part(docx, docx.with_suffix(".pdf"))
        for docx, item in sources.items()
        if not pdf_is_current(
            item.get("pdf"), item["output"]["sha256"], docx.with_suffix(".pdf"), pdfa
        )
    ]
    combined = document.get("combined")
    join = None
    if isinstance(combined, dict):
        target = (out_dir / combined["path"]).with_suffix(".pdf")
        if not pdf_is_current(combined.get("pdf"), combined["sha256"], target, pdfa):
            join = (target, [docx.with_suffix(".pdf") for docx in sources])
    if not todo and join is None:
        return PdfReport(pdfa=pdfa)
    report = export_laid_out(
        todo, workers=workers, pdfa=pdfa, combined=join, timeout=timeout, libreoffice=libreoffice
    )
    for result in report.results:
        item = sources[result.source]
        _record(item, result, item["output"]["sha256"], pdfa)
    for result in report.combined:
        if isinstance(combined, dict):
            _record(combined, result, combined["sha256"], pdfa)
    # The PDFs were written without a flush each, like the plans: flushed here, each
    # file then the folder, before the manifest that records them.
    for result in (*report.results, *report.combined):
        if result.output is not None:
            fsync_file(result.output)
    fsync_folder(out_dir)
    manifest.write(path, document)
    return report
