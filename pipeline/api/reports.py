"""What the functions of ``pipeline.api`` return, and the progress they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.batch import BatchReport
from pipeline.compliance import (
    CheckReport,
)
from pipeline.pdf import (
    PdfReport,
)


@dataclass(frozen=True)
class Rendered:
    """One document written: from which input, with which template, to where."""

    source: Path
    template: Path
    output: Path
    sha256: str
    pdf: PdfReport | None = None  # with ``pdf=True``: the PDF beside the .docx
    warnings: tuple[str, ...] = ()  # the format check's warnings (printed, not refused)


class Steps(Protocol):
    """Shows the progress of ``build``'s long steps (a bar per step; see pipeline.console)."""

    def start(self, label: str, total: int) -> None:
        """Begin a step of ``total`` items."""

    def advance(self, item: str) -> None:
        """Count one item of the step, naming it."""

    def stop(self) -> None:
        """End the step."""


class _NoSteps:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class BuildReport:
    """What ``build`` wrote."""

    documents: list[Rendered] = field(default_factory=list)
    manifest: Path | None = None
    pdf: PdfReport | None = None  # with ``pdf=True``: one PDF per document, one LibreOffice
    batches: list[BatchReport] = field(default_factory=list)  # the **/*.batch.yaml found
    pages: list[CheckReport] = field(default_factory=list)  # with ``pdf``: page checks
    notes: list[str] = field(default_factory=list)  # files of inputs/ that are not documents
    unchanged: int = 0  # documents whose file already held the same bytes
    #: Warnings by what they concern (a period folder, …), to print beside it.
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def warning_count(self) -> int:
        """Return how many warnings the build gave (PDF and batch warnings included)."""
        pdf = len(self.pdf.warnings) if self.pdf is not None else 0
        return sum(len(w) for w in self.warnings.values()) + pdf
