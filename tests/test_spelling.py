"""One spelling of tone marks in what vanban says: the "new" placement (hòa, xóa, khóa,
hóa, ủy, tùy, thủy), the mark on the main vowel of an open "oa/oe/uy" syllable.

Document text is the clerk's (records may write "Đảng uỷ", a place is spelled as it is
officially: "Định Hoá"); this rule is for vanban's own messages, help and workbooks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

#: Old placement at the end of a syllable: "hoà", "xoá", "uỷ", "tuỳ"…
#: ("quý": "qu" is one consonant, the mark is on "y" in both conventions.)
OLD = re.compile(r"(?i)(?:o[àáảãạ]|(?<!q)u[ỳýỷỹỵ])(?![\w])")
#: Files whose strings hold both spellings on purpose: patterns and aliases that accept
#: either, a message quoting both, a sample of document text.
BOTH = {
    "compliance/rules_text.py",
    "compliance/detect.py",
    "compliance/rules_header.py",
    "models/roster.py",
    "batch/plan.py",
    "context/lists.py",  # reads an issuing body's name written either way ("HUYỆN UỶ")
}


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_messages_use_one_tone_mark_convention() -> None:
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        name = path.relative_to(ROOT / "pipeline").as_posix()
        if name in BOTH:
            continue
        for line, text in _strings(path):
            found.extend(
                f"{name}:{line}: {m.group(0)!r} in {text[:60]!r}" for m in OLD.finditer(text)
            )
    assert found == []


def test_readme_uses_the_convention() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text.replace("Định Hoá", "")  # a place's official spelling
    assert OLD.findall(text) == []
