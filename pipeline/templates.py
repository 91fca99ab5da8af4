"""Where templates are found: the user's folder first, then the built-in ones."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Problem, UsageError

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir() -> Path:
    """Return the folder of the built-in templates (installed copy or the repository's)."""
    installed = _PACKAGE / "_builtin_templates"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "templates" / "docx"


def template_names(user_dir: Path | None = None) -> list[str]:
    """Return the names (file stems) of every template that can be used."""
    dirs = [d for d in (user_dir, builtin_dir()) if d is not None and d.is_dir()]
    return sorted({p.stem for d in dirs for p in d.glob("*.docx") if not p.name.startswith("~")})


def find_template(name: str, user_dir: Path | None = None) -> Path:
    """Return the path of template ``name`` (stem or file name).

    Raises:
        UsageError: no such template, with the list of those that exist.
    """
    stem = name.removesuffix(".docx")
    for folder in (user_dir, builtin_dir()):
        if folder is not None and (folder / f"{stem}.docx").is_file():
            return folder / f"{stem}.docx"
    raise UsageError(
        [
            Problem(
                str(user_dir or builtin_dir()),
                "",
                "mau",
                f"Không có mẫu “{stem}”. Các mẫu có sẵn: {', '.join(template_names(user_dir))}.",
            )
        ]
    )
