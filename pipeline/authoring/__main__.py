"""``python -m pipeline.authoring [DIR]``: write the built-in templates into DIR."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.authoring import BUILTIN, build_template
from pipeline.rendering import write_atomic


def main(argv: list[str]) -> int:
    """Write every built-in template into ``argv[0]`` (default ``templates/docx``)."""
    target = Path(argv[0]) if argv else Path("templates/docx")
    for spec in BUILTIN:
        path = target / f"{spec.stem}.docx"
        write_atomic(path, build_template(spec))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
