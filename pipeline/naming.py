"""The names vanban gives: output files, distribution lists, built-in templates.

Written once here so that a document, a batch's commune and a period's commune report
are named the same way: a name's ASCII slug ("xã Phú Đình" → ``xa-phu-dinh``), its code
appended only when two names clash; a document's distribution list beside it as
``<name>.noi-nhan.docx`` and ``.csv``; the built-in template of a family and a kind as
``dang-<kind>`` or ``nha-nuoc-<kind>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

#: The kinds of built-in template besides the document types' (``ke-hoach``…).
LIST_KIND = "danh-sach-noi-nhan"
REPORT_KIND = "bao-cao"
#: What a document's distribution list adds to its file name (the .docx, the .csv).
LIST_SUFFIXES = (".noi-nhan.docx", ".noi-nhan.csv")


def template_name(khoi: str, kind: str) -> str:
    """Return the built-in template of family ``khoi`` ("dang" or "nha_nuoc") and
    ``kind``: "dang-ke-hoach", "nha-nuoc-danh-sach-noi-nhan"."""
    return f"{'dang' if khoi == 'dang' else 'nha-nuoc'}-{kind}"


def list_names(stem: str) -> tuple[str, str]:
    """Return the file names of the distribution list of the document named ``stem``."""
    docx_suffix, csv_suffix = LIST_SUFFIXES
    return f"{stem}{docx_suffix}", f"{stem}{csv_suffix}"


_WORD = re.compile(r"[a-z0-9]+")


def slugify(text: str) -> str:
    """Return ``text`` as a lower-case ASCII slug: letters and digits joined by "-".

    Diacritics are dropped ("ờ" → "o") and "đ" becomes "d"; anything else that is
    not a letter or digit separates words. Returns "" when nothing is left.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(_WORD.findall(ascii_text))


def file_stems(names: Sequence[tuple[str, str]]) -> list[str]:
    """Return one distinct slug per ``(full name, code)``, in the same order.

    A name's slug is used as it is when no other row has it; rows sharing a name get
    their code appended ("xa-tan-lap-04378"), so that every commune keeps the same
    file name however the roster is ordered. Whatever still clashes (an empty or
    repeated code) gets a counter.
    """
    bases = [slugify(name) or "don-vi" for name, _ in names]
    shared = Counter(bases)
    slugs = []
    for base, (_, code) in zip(bases, names, strict=True):
        suffix = slugify(code)
        slugs.append(f"{base}-{suffix}" if shared[base] > 1 and suffix else base)
    used: set[str] = set()
    out = []
    for slug in slugs:
        candidate, count = slug, 1
        while candidate in used:
            count += 1
            candidate = f"{slug}-{count}"
        used.add(candidate)
        out.append(candidate)
    return out


#: The name batches have used (the same function).
unique_slugs = file_stems
