"""ASCII-safe file names from Vietnamese names: "Xã Phú Đình" → "xa-phu-dinh"."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

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


def unique_slugs(names: Sequence[tuple[str, str]]) -> list[str]:
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
