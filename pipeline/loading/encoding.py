"""Find Vietnamese text typed in an old font encoding (TCVN3/ABC, VNI) and read it.

Text copied from a document made with the .VnTime (TCVN3) or VNI-Times fonts keeps
their bytes as Latin-1 letters: "Uû ban nh©n d©n" (TCVN3), "UÛy ban nhaân daân"
(VNI). It looks wrong in a Unicode font and would be printed as is. Such a field is a
problem that names the field and shows what the text probably says, so that the
clerk can convert it (Unikey: Công cụ chuyển mã) or retype it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pipeline.errors import Problem
from pipeline.loading.yaml_source import PathKey, YamlDocument
from pipeline.models.labels import label_for

#: TCVN3 (ABC) letters by their Latin-1 stand-in. TCVN3 has no capitals with marks of
#: their own (a capital font draws the same codes), except these few.
_TCVN3 = dict(
    zip(
        "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ¡¢§£¤¥¦",
        "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)
#: Latin-1 signs TCVN3 uses for letters and VNI never does (nor Vietnamese Unicode).
_TCVN3_SIGNS = frozenset("¸µ¶·¹¨¾»¼½©ª«¬®¡¢§£¤¥¦\xad×ÞßÐ")

#: VNI: a vowel, then its marks written as a Latin-1 letter.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
_VNI_MARK = "ùøûõïâáàåãäêéèúüë"
_VNI_PAIR = re.compile(f"([aeiouyôöAEIOUYÔÖ])([{_VNI_MARK}{_VNI_MARK.upper()}])")
#: A pair, or a letter VNI writes as one Latin-1 letter (ơ ư đ ỉ ĩ ị ỵ).
_VNI_TOKEN = re.compile(f"{_VNI_PAIR.pattern}|([ôöñæóòîÔÖÑÆÓÒÎ])")
#: Pairs and letters that occur in VNI and never in Vietnamese Unicode text.
_VNI_SIGNS = re.compile(
    r"[aeiouyôöAEIOUYÔÖ][øûïåäëüØÛÏÅÄËÜ]|[aeoAEO][âÂ]|[aA][êÊ]|[ñÑöÖæÆîÎ](?=\w)|(?<=\w)[ñÑöÖ]"
)


def _vni_pair(match: re.Match[str]) -> str:
    base, mark = match.group(1), match.group(2).lower()
    letter = _VNI_LETTERS.get(base.lower(), base.lower())
    if mark in _VNI_TONES:
        combined = letter + _VNI_TONES[mark]
    elif letter in "aeo" and mark in _VNI_HAT:
        combined = letter + "\u0302" + _VNI_HAT[mark]
    elif letter == "a" and mark in _VNI_BREVE:
        combined = letter + "\u0306" + _VNI_BREVE[mark]
    else:
        return match.group(0)
    text = unicodedata.normalize("NFC", combined)
    return text.upper() if base.isupper() else text


def tcvn3_text(text: str) -> str | None:
    """Return what ``text`` says if it is TCVN3 (ABC), else None."""
    if not any(ch in _TCVN3_SIGNS for ch in text) or sum(ch in _TCVN3 for ch in text) < 2:
        return None
    decoded = "".join(_TCVN3.get(ch, ch) for ch in text)
    ascii_letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if ascii_letters and all(ch.isupper() for ch in ascii_letters):
        decoded = decoded.upper()  # written with a capitals font (.VnTimeH)
    return decoded


def _vni_token(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return _vni_pair(match)
    ch = match.group(3)
    plain = _VNI_LETTERS[ch.lower()]
    return plain.upper() if ch.isupper() else plain


def vni_text(text: str) -> str | None:
    """Return what ``text`` says if it is VNI, else None."""
    if len(_VNI_SIGNS.findall(text)) < 2:
        return None
    return _VNI_TOKEN.sub(_vni_token, text)


def _strings(data: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def legacy_text_problems(doc: YamlDocument) -> list[Problem]:
    """Return a problem for each text of ``doc`` typed in TCVN3 or VNI."""
    problems = []
    for path, text in _strings(doc.data, ()):
        for name, decode in (("TCVN3 (ABC, phông .VnTime)", tcvn3_text), ("VNI", vni_text)):
            decoded = decode(text)
            if decoded is None:
                continue
            names = [p for p in path if isinstance(p, str)]
            dotted = ".".join(str(p) for p in path)
            label = f"{label_for(names[-1])} ({dotted})" if names else dotted
            problems.append(
                Problem(
                    doc.source,
                    doc.where(path),
                    label,
                    f"Chữ “{text[:60]}” có vẻ gõ bằng bảng mã cũ {name}, không phải "
                    f"Unicode; có thể là: “{decoded[:60]}”. Chuyển mã sang Unicode (Unikey: "
                    "Công cụ chuyển mã) hoặc gõ lại bằng bảng mã Unicode.",
                )
            )
            break
    return problems
