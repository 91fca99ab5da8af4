"""Rules about what the text says: abbreviations, abolished bodies, the profile by date."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated
from pipeline.compliance.detect import title_key
from pipeline.profiles import DISTRICT_LEVEL_ENDED, HD05_EFFECTIVE

_STATE_SYMBOL = re.compile(r"^Số:\s*[0-9]*/(?:[0-9]{4}/)?(?P<type>[^-\s]+)-")
_PARTY_SYMBOL = re.compile(r"^Số\s*[0-9]*-(?P<type>[^/\s]+)/")
_DISTRICT = re.compile(
    r"\b(?:huyện|quận|thị)\s+(?:ủy|uỷ)\b"
    r"|\b(?:ubnd|hđnd|ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân)\s+(?:huyện|quận|thị xã)\b"
    r"|/(?:HU|QU)\b|\b(?:BTC|BTG|BDV|VP|UBKT)HU\b",
    re.IGNORECASE,
)
#: One of these is in the lower-cased text wherever _DISTRICT matches.
_DISTRICT_HINTS = (
    "huyện",
    "quận",
    "thị",
    "/hu",
    "/qu",
    "btchu",
    "btghu",
    "bdvhu",
    "vphu",
    "ubkthu",
)


#: Types of legal normative documents (their codes are not in Phụ lục III's table).
_LEGAL_TYPES = frozenset({"LUẬT", "PHÁP LỆNH", "NGHỊ ĐỊNH", "THÔNG TƯ", "THÔNG TƯ LIÊN TỊCH"})


def check_abbreviation(ctx: CheckContext) -> list[Issue]:
    """ABBREVIATION_KNOWN: the type code in the number is the profile's code for the type."""
    lay = ctx.layout
    if lay.number is None:
        raise NotEvaluated("Không thấy dòng số, ký hiệu.")
    pattern = _STATE_SYMBOL if ctx.family == "state" else _PARTY_SYMBOL
    match = pattern.match(lay.number.text)
    if lay.type_name is None:
        return _cong_van(ctx, match)
    if match is None:
        raise NotEvaluated("Dòng số, ký hiệu sai dạng (xem NUMBER_FORMAT).")
    if title_key(lay.type_name.text) in _LEGAL_TYPES:
        raise NotEvaluated(
            "Văn bản quy phạm pháp luật: chữ viết tắt tên loại theo luật ban hành văn bản quy "
            "phạm pháp luật, không theo bảng của văn bản hành chính."
        )
    code = match.group("type")
    wanted = ctx.profile.type_abbreviation(lay.type_name.text)
    if wanted is None:
        known = set(ctx.profile.doc_types.values())
        if code in known:
            return []
        return [
            Issue(
                "Chữ viết tắt tên loại",
                lay.number,
                "một chữ viết tắt trong bảng của thể thức",
                code,
                "Dùng chữ viết tắt tên loại theo bảng quy định.",
            )
        ]
    if code == wanted:
        return []
    return [
        Issue(
            "Chữ viết tắt tên loại",
            lay.number,
            wanted,
            code,
            f"“{lay.type_name.text}” viết tắt là “{wanted}” trong số, ký hiệu.",
        )
    ]


def _cong_van(ctx: CheckContext, match: re.Match[str] | None) -> list[Issue]:
    """A document without a type name is a công văn: Party code "CV", State none."""
    if ctx.family == "party" and match and match.group("type") != "CV":
        number = ctx.layout.number
        found = match.group("type")
        return [Issue("Ký hiệu công văn", number, "CV", found, "Công văn của Đảng ký hiệu “CV”.")]
    raise NotEvaluated("Không có tên loại (công văn): ký hiệu ghi theo cơ quan.")


def _is_new(ctx: CheckContext) -> bool:
    if ctx.issued is not None:
        return ctx.issued >= DISTRICT_LEVEL_ENDED
    if ctx.year is not None:
        return ctx.year > DISTRICT_LEVEL_ENDED.year
    raise NotEvaluated("Không đọc được ngày ban hành.")


def check_district(ctx: CheckContext) -> list[Issue]:
    """DISTRICT_BODY: a document dated from 01/7/2025 names a district-level body."""
    if not _is_new(ctx):
        return []
    issues = []
    for para in ctx.layout.paras:
        found = _district_body(para.text)
        if found is not None:
            issues.append(
                Issue(
                    "Cơ quan cấp huyện",
                    para,
                    "không còn cấp huyện từ 01/7/2025",
                    found,
                    "Văn bản mới không gửi/ghi cơ quan cấp huyện (đã kết thúc hoạt động): "
                    "thay bằng cơ quan cấp tỉnh hoặc cấp xã tương ứng.",
                )
            )
    return issues[:15]


@lru_cache(maxsize=1024)  # every paragraph of every plan: most texts come again
def _district_body(text: str) -> str | None:
    """Return the district-level body ``text`` names, if any."""
    # Nearly every paragraph names no such body: the regular expression (slow, as it
    # ignores case) runs only when a word every alternative holds is there.
    lower = text.lower()
    if not any(hint in lower for hint in _DISTRICT_HINTS):
        return None
    match = _DISTRICT.search(text)
    return match.group(0) if match else None


def check_profile_by_date(ctx: CheckContext) -> list[Issue]:
    """PARTY_PROFILE_BY_DATE: HD 36 before 27/5/2026, HD 05 from that day."""
    if ctx.issued is None:
        if ctx.year is None or ctx.year == HD05_EFFECTIVE.year:
            raise NotEvaluated("Văn bản chưa ghi ngày: không xác định được hướng dẫn áp dụng.")
        day = date(ctx.year, 1, 1)
    else:
        day = ctx.issued
    wanted = "party_hd36_2018" if day < HD05_EFFECTIVE else "party_hd05_2026"
    if ctx.profile.id == wanted:
        return []
    return [
        Issue(
            "Thể thức theo ngày",
            ctx.layout.date,
            wanted,
            ctx.profile.id,
            "Văn bản ký trước 27/5/2026 theo HD 36-HD/VPTW, từ ngày đó theo HD 05-HD/VPTW.",
        )
    ]
