"""One output pipeline (issue 16): only ``pipeline.output`` renders and checks what it makes.

``build``, ``render``, batches and periods decide which records to make and where; the
steps record → context → render → check → write live in ``pipeline/output.py`` only.
This test reads every module of ``pipeline`` and fails when a rendering or checking
entry point is used anywhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"

#: Rendering a template and checking what was rendered: the pipeline's own steps.
STEPS = {"render_to_bytes", "render_parts", "members_with", "zip_bytes", "TemplateCheck"}
#: Checking files that already exist (``vanban check``, the page check of laid-out
#: files) is not making an output: ``check_docx`` may be used there.
CHECK = "check_docx"
CHECKS_GIVEN_FILES = {"api/checks.py", "pdf/page_check.py"}
#: Where the steps are defined (and the one pipeline that runs them).
OWNERS = ("output.py", "rendering/", "compliance/")


def _names(path: Path) -> set[str]:
    """Return every name a module imports, reads or calls as an attribute."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def _offenders() -> dict[str, set[str]]:
    out = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        where = path.relative_to(PIPELINE).as_posix()
        if where.startswith(OWNERS):
            continue
        allowed = {CHECK} if where in CHECKS_GIVEN_FILES else set()
        used = _names(path) & (STEPS | {CHECK}) - allowed
        if used:
            out[where] = used
    return out


def test_only_the_output_pipeline_renders_and_checks() -> None:
    offenders = _offenders()
    assert not offenders, (
        "Rendering or checking outside pipeline/output.py (use pipeline.output: render, "
        f"check, Plans, write_files): {offenders}"
    )


def test_the_scan_sees_the_steps_where_they_are() -> None:
    # The test above can fail: the same scan finds the steps in the one pipeline.
    assert _names(PIPELINE / "output.py") >= {"render_to_bytes", "TemplateCheck", CHECK}
    assert "render_parts" in _names(PIPELINE / "output.py")
