"""The format check of .docx files and the lint and export of templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.compliance import (
    CheckReport,
    Jinja,
    LintFinding,
    check_docx,
    dataclass_variables,
    lint_template,
    reports_json,
)
from pipeline.context import DocumentContext
from pipeline.context.lists import DistributionListContext
from pipeline.errors import InputError, Problem, UsageError
from pipeline.rendering import write_atomic
from pipeline.rendering.template import compile_part, patch_part
from pipeline.templates import builtin_dir, find_template


def template_models() -> dict[str, type]:
    """Return the data each kind of template is filled with (lint checks variables
    against these)."""
    from pipeline.reporting.run import ReportContext

    return {
        "văn bản": DocumentContext,
        "danh sách nơi nhận": DistributionListContext,
        "báo cáo": ReportContext,
    }


def check_files(
    paths: Sequence[Path], profile_id: str | None = None, conventions: Path | None = None
) -> tuple[list[CheckReport], list[tuple[str, str]]]:
    """Check every .docx of ``paths``; return the reports and the files that could not
    be checked (name, why: unreadable, or no profile given and none can be guessed).
    ``profile_id`` None guesses each document's profile; ``conventions`` is an office's
    ``quy-uoc.yaml`` (its accepted warnings become notes)."""
    from pipeline.compliance.conventions import apply_conventions, load_conventions

    accepted = load_conventions(conventions) if conventions is not None else ()
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(
                apply_conventions(check_docx(path, profile_id, name=str(path)), accepted)
            )
        except (InputError, UsageError) as exc:  # unreadable, or no profile can be guessed
            unreadable.append((str(path), "; ".join(p.message for p in exc.problems)))
    return reports, unreadable


def _template_files(paths: Sequence[Path], templates_dir: Path | None) -> list[Path]:
    if not paths:
        paths = [templates_dir] if templates_dir is not None else [builtin_dir()]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.docx") if not p.name.startswith("~")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError([Problem(str(path), "", "", "Không có tệp hay thư mục này.")])
    return files


def lint_templates(
    paths: Sequence[Path], templates_dir: Path | None = None
) -> dict[Path, tuple[str, list[LintFinding]]]:
    """Lint each template of ``paths`` (files or folders; default: ``templates_dir`` or
    the built-in templates). Returns, per file, the kind of data it was checked against
    (the one that fits it best) and its findings."""
    jinja = Jinja(patch=patch_part, compile=compile_part)
    out: dict[Path, tuple[str, list[LintFinding]]] = {}
    for path in _template_files(paths, templates_dir):
        data = path.read_bytes()
        candidates = [
            (kind, lint_template(data, str(path), jinja, dataclass_variables(model)))
            for kind, model in template_models().items()
        ]
        out[path] = min(candidates, key=lambda c: sum(f.kind == "undefined" for f in c[1]))
    return out


def export_template(name: str, folder: Path, force: bool = False) -> Path:
    """Copy the built-in template ``name`` into ``folder`` to be edited in Word.

    Raises:
        UsageError: no such built-in template, or the copy exists and ``force`` is off.
    """
    source = find_template(name, None)
    target = folder / source.name
    if target.exists() and not force:
        message = "Tệp đã có; dùng --force để ghi đè."
        raise UsageError([Problem(str(target), "", "", message)])
    write_atomic(target, source.read_bytes())
    return target


def check_bytes(data: bytes, name: str, profile_id: str | None = None) -> dict[str, Any]:
    """Check the .docx ``data``; return the JSON document of ``vanban check --json``."""
    reports, unreadable = [], []
    try:
        reports.append(check_docx(data, profile_id, name=name))
    except (InputError, UsageError) as exc:
        unreadable.append((name, "; ".join(p.message for p in exc.problems)))
    return reports_json(reports, unreadable)
