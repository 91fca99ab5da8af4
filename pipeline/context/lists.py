"""The stand-alone distribution list's context: the document's header, then the rows."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.context.distribution import ListRow, list_rows, paper_total
from pipeline.context.document import DocumentContext
from pipeline.formatting import number_text, short_date
from pipeline.models.document import OfficialDocument


@dataclass(frozen=True, slots=True)
class DistributionListContext:
    """Everything the distribution-list template places."""

    the_thuc: str
    co_quan_cap_tren: tuple[str, ...]
    co_quan_ban_hanh: tuple[str, ...]
    so_ky_hieu: str
    dia_danh_ngay: str
    van_ban: str
    trich_yeu: str
    hang: tuple[ListRow, ...]
    tong_so_ban: str


def build_list_context(doc: OfficialDocument, main: DocumentContext) -> DistributionListContext:
    """Return the distribution list of ``doc``, headed like the document (``main``)."""
    rows = list_rows(doc.noi_nhan, doc.profile)
    number = main.so_ky_hieu.removeprefix("Số").lstrip(": ").strip()
    issuer = issuer_phrase(main.co_quan_ban_hanh)
    if doc.so is None:
        van_ban = f"(Kèm theo dự thảo {doc.loai} của {issuer})"
    else:
        when = f" ngày {short_date(doc.ngay)}" if doc.ngay else ""
        van_ban = f"(Kèm theo {doc.loai} số {number}{when} của {issuer})"
    return DistributionListContext(
        the_thuc=main.the_thuc,
        co_quan_cap_tren=main.co_quan_cap_tren,
        co_quan_ban_hanh=main.co_quan_ban_hanh,
        so_ky_hieu=main.so_ky_hieu,
        dia_danh_ngay=main.dia_danh_ngay,
        van_ban=van_ban,
        trich_yeu=" ".join(main.trich_yeu),
        hang=rows,
        tong_so_ban=number_text(paper_total(rows)),
    )


#: Words after which a name is a proper name (capitalised): the kind of unit before it.
_UNITS = ("XÃ", "PHƯỜNG", "ĐẶC KHU", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "THỊ TRẤN")


def issuer_phrase(lines: tuple[str, ...]) -> str:
    """Return the issuing body's name as it is written inside a sentence
    ("ỦY BAN NHÂN DÂN XÃ PHÚ ĐÌNH" → "Ủy ban nhân dân xã Phú Đình")."""
    name = " ".join(lines).strip()
    words = name.split()
    if not words:
        return name
    out = [words[0].capitalize()]
    proper = False
    for index, word in enumerate(words[1:], start=1):
        pair = " ".join(words[index - 1 : index + 1])
        if proper:
            out.append(word.capitalize())
            continue
        out.append(word.lower())
        following = words[index + 1] if index + 1 < len(words) else ""
        body = following in ("UỶ", "ỦY")  # "HUYỆN UỶ" is a body, not a unit
        proper = (word in _UNITS or pair in _UNITS) and not body
        if pair in _UNITS:
            out[-2] = out[-2].lower()
    return " ".join(out)
