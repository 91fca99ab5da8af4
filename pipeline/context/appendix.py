"""Appendices after the signature: number, caption and how each one starts a page.

The caption is computed from the parent document: "(Kèm theo Kế hoạch số
45/KH-UBND ngày 20/10/2026 của Ủy ban nhân dân xã Phú Đình)"; a draft leaves the
number and the day blank for the clerk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.context.inline import Run, parse_inline
from pipeline.formatting import DRAFT_GAP, number_line, roman
from pipeline.models.document import Appendix, OfficialDocument

#: Words after which every word of an organ's name is a proper name ("xã Phú Đình").
_PLACE = re.compile(r"\b(xã|phường|thị trấn|thị xã|huyện|quận|tỉnh|thành phố|đặc khu)\s+(.+)$")


@dataclass(frozen=True, slots=True)
class AppendixHead:
    """What an appendix prints above its body, and how it starts.

    ``ngat`` is how the page before it ends: "trang" (a page break: same section),
    "dau" (the end of the document's first section, portrait), "doc" (the end of a
    later portrait section), "ngang" (the end of a landscape section).
    """

    tieu_de: str
    ten: tuple[Run, ...]
    kem_theo: str
    ngat: str
    ngang: bool


def appendix_heads(doc: OfficialDocument) -> tuple[tuple[AppendixHead, ...], str]:
    """Return the head of each appendix and how the last section is laid out.

    The second value is "" when the document is one portrait section, else "doc" or
    "ngang": the orientation of its last section (the one the body's own section
    properties describe).
    """
    heads = []
    landscape = False  # orientation of the section running before this appendix
    sections = 1
    for index, appendix in enumerate(doc.phu_luc, start=1):
        if appendix.ngang == landscape:
            ngat = "trang"
        else:
            ngat = "ngang" if landscape else ("dau" if sections == 1 else "doc")
            sections += 1
        landscape = appendix.ngang
        heads.append(
            AppendixHead(
                _title(appendix, index, len(doc.phu_luc)),
                parse_inline(appendix.ten),
                appendix.kem_theo or caption(doc),
                ngat,
                appendix.ngang,
            )
        )
    last = "" if sections == 1 else ("ngang" if landscape else "doc")
    return tuple(heads), last


def _title(appendix: Appendix, index: int, count: int) -> str:
    if appendix.so is not None:
        return f"PHỤ LỤC {appendix.so}".strip()
    return f"PHỤ LỤC {roman(index)}" if count > 1 else "PHỤ LỤC"


def caption(doc: OfficialDocument) -> str:
    """Return "(Kèm theo <loại> số <số ký hiệu> ngày <ngày> của <cơ quan>)"."""
    profile = doc.profile
    abbr = profile.type_abbreviation(doc.loai) or ""
    line = number_line(profile.family, doc.so, abbr, doc.co_quan.viet_tat)
    number = line.removeprefix("Số:").removeprefix("Số").strip(" ")
    if doc.ngay is not None:
        day = f"{doc.ngay.day:02d}/{doc.ngay.month:02d}/{doc.ngay.year}"
    else:
        day = f"{DRAFT_GAP}/{DRAFT_GAP}/{doc.issued_year}"
    comma = "," if profile.family == "party" else ""
    kind = doc.loai[:1].upper() + doc.loai[1:].lower()
    return f"(Kèm theo {kind} số {number}{comma} ngày {day} của {organ_name(doc)})"


def organ_name(doc: OfficialDocument) -> str:
    """Return the issuing body's name as written in a sentence: "Ủy ban nhân dân xã
    Phú Đình", "Đảng ủy xã Tân Lập" (from the upper-case header lines)."""
    text = " ".join(doc.co_quan.ban_hanh).lower()
    text = re.sub(r"\bđảng\b", "Đảng", text)
    match = _PLACE.search(text)
    if match:
        proper = " ".join(word[:1].upper() + word[1:] for word in match.group(2).split())
        text = text[: match.start(2)] + proper
    return text[:1].upper() + text[1:]
