"""The only orchestrator: validate → build context → render → check → write.

Every CLI command is a few lines over one function here; the functions are usable
from Python without click.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.context import DocumentContext, build_document_context
from pipeline.errors import InputError, Problem, UsageError
from pipeline.loading import load_document
from pipeline.models import OfficialDocument
from pipeline.rendering import PreparedTemplate, render_to_bytes, write_atomic
from pipeline.templates import find_template

_TYPE_SLUGS = {"CTr": "chuong-trinh", "KH": "ke-hoach"}


@dataclass(frozen=True)
class Rendered:
    """One document written: from which input, with which template, to where."""

    source: Path
    template: Path
    output: Path
    sha256: str


@dataclass
class BuildReport:
    """What ``build`` wrote."""

    documents: list[Rendered] = field(default_factory=list)
    manifest: Path | None = None


def load_all(paths: Sequence[Path]) -> list[tuple[Path, OfficialDocument]]:
    """Load and validate every record in ``paths``.

    Raises:
        InputError: the problems of all files together.
    """
    loaded = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append((path, load_document(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return loaded


def template_name(doc: OfficialDocument) -> str:
    """Return the template a record uses: its ``mau``, or the built-in one of its type."""
    if doc.mau:
        return doc.mau
    abbr = doc.profile.type_abbreviation(doc.loai) or ""
    family = "dang" if doc.khoi == "dang" else "nha-nuoc"
    return f"{family}-{_TYPE_SLUGS.get(abbr, 'ke-hoach')}"


def context_mapping(context: DocumentContext) -> dict[str, Any]:
    """Return the template variables of ``context`` (its fields, by name)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


def render_bytes(
    doc: OfficialDocument, templates_dir: Path | None = None
) -> tuple[bytes, PreparedTemplate]:
    """Return the .docx bytes of ``doc`` and the template that made them."""
    template = PreparedTemplate.load(find_template(template_name(doc), templates_dir))
    data = render_to_bytes(template, context_mapping(build_document_context(doc)))
    return data, template


def render_document(
    source: Path, output: Path | None = None, templates_dir: Path | None = None
) -> Rendered:
    """Validate ``source``, render it and write the .docx (default: beside it).

    Nothing is written when the input is invalid or the template fails.
    """
    doc = load_document(source)
    data, template = render_bytes(doc, templates_dir)
    target = output if output is not None else source.with_suffix(".docx")
    if target.is_dir():
        target = target / f"{source.stem}.docx"
    write_atomic(target, data)
    return Rendered(source, Path(template.name), target, hashlib.sha256(data).hexdigest())


def document_inputs(inputs_dir: Path) -> list[Path]:
    """Return the official-document records of an inputs folder (its top-level *.yaml)."""
    if not inputs_dir.is_dir():
        raise UsageError([Problem(str(inputs_dir), "", "", "Không có thư mục đầu vào này.")])
    return sorted(p for p in inputs_dir.glob("*.yaml") if not p.name.startswith("."))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(inputs_dir: Path, build_dir: Path, templates_dir: Path | None = None) -> BuildReport:
    """Render every document of ``inputs_dir`` into ``build_dir`` with a manifest.

    Every input is validated before anything is written.
    """
    loaded = load_all(document_inputs(inputs_dir))
    rendered: list[tuple[Path, OfficialDocument, bytes, PreparedTemplate]] = []
    for path, doc in loaded:
        data, template = render_bytes(doc, templates_dir)
        rendered.append((path, doc, data, template))
    report = BuildReport()
    entries = []
    for path, _doc, data, template in rendered:
        target = build_dir / f"{path.stem}.docx"
        write_atomic(target, data)
        digest = hashlib.sha256(data).hexdigest()
        report.documents.append(Rendered(path, Path(template.name), target, digest))
        entries.append(
            {
                "input": {"path": path.as_posix(), "sha256": _sha256(path)},
                "template": {"path": Path(template.name).name, "sha256": template.sha256},
                "output": {"path": target.name, "sha256": digest},
            }
        )
    manifest = {"tool": "vanban", "version": __version__, "documents": entries}
    report.manifest = build_dir / "manifest.json"
    write_atomic(report.manifest, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return report


__all__ = ["BuildReport", "Rendered", "asdict", "build", "load_all", "render_document"]
