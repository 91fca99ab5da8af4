"""Nơi nhận block lines and the stand-alone distribution list, from one Distribution.

Both are derived here from the same resolved recipients, in the same order, so the
block printed in a document and the list the clerk sends from cannot disagree.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from pipeline.context.inline import Run, parse_inline, plain_text
from pipeline.models.document import Distribution, Recipient
from pipeline.models.registry import DELIVERY_LABELS, PURPOSE_LABELS
from pipeline.profiles import Profile

_UNITS = re.compile(r"\s*,\s*")
_BRACKETS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the stand-alone distribution list."""

    stt: str
    noi_nhan: str
    muc_dich: str
    hinh_thuc: str
    so_ban: str
    ghi_chu: str
    dia_chi: str = ""
    email: str = ""
    nhom: str = ""


def ordered(dist: Distribution) -> tuple[Recipient, ...]:
    """Return the recipients as written, or (``thu_tu: the_thuc``) in the profile's
    order: upward ("để báo cáo") first."""
    recipients = dist.recipients()
    if dist.thu_tu == "nhu_ghi":
        return recipients
    return tuple(sorted(recipients, key=lambda r: 0 if r.upward else 1))


def archive_line(dist: Distribution, profile: Profile) -> str:
    """Return the archive line: "- Lưu: VT, VP." (State), "- Lưu Văn phòng." (Party)."""
    if dist.dong_luu is not None:
        return dist.dong_luu
    rules = profile.noi_nhan
    archive = rules.archive_default if dist.luu is None else dist.luu
    prefix = rules.archive_prefix if archive else rules.archive_prefix.rstrip(": ")
    return f"{prefix}{archive}{rules.last_end}"


def archive_copies(dist: Distribution, profile: Profile) -> int:
    """Return the archive copies: as the record says, else one per unit on the line."""
    if dist.so_ban_luu is not None:
        return dist.so_ban_luu
    if dist.dong_luu is not None:
        return 1
    archive = profile.noi_nhan.archive_default if dist.luu is None else dist.luu
    if profile.family == "state" and archive:
        # "VT, NC (TP, Vinh)": the drafter's initials in brackets are not units.
        return len([u for u in _UNITS.split(_BRACKETS.sub("", archive)) if u])
    return 1


def recipient_line(item: Recipient, profile: Profile, item_end: str | None = None) -> str:
    """Return one Nơi nhận item line ("- Thường trực Tỉnh uỷ (để báo cáo);")."""
    default = profile.noi_nhan.item_end if item_end is None else item_end
    end = default if item.dau is None else item.dau
    if item.ghi_chu and item.ghi_chu_sau_dau:
        return f"- {item.ten}{end} {item.ghi_chu}"
    if item.ghi_chu:
        return f"- {item.ten} {item.ghi_chu}{end}"
    return f"- {item.ten}{end}"


def distribution_lines(dist: Distribution, profile: Profile) -> tuple[str, ...]:
    """Return the Nơi nhận lines: items in order, the archive line, the lines under it.

    Lines may hold inline markup (``**bold**``, ``*italic*``), as the record wrote it:
    :func:`distribution_runs` turns them into runs, :func:`plain_lines` into text.
    """
    items = (recipient_line(r, profile, dist.dau_muc) for r in ordered(dist))
    return (*items, archive_line(dist, profile), *dist.sau_luu)


def distribution_runs(lines: tuple[str, ...]) -> tuple[tuple[Run, ...], ...]:
    """Return the runs of each Nơi nhận line (its inline bold and italic)."""
    return tuple(parse_inline(line) for line in lines)


def plain_lines(lines: tuple[str, ...]) -> tuple[str, ...]:
    """Return the Nơi nhận lines without their inline markup."""
    return tuple(plain_text(parse_inline(line)) for line in lines)


def _purpose(item: Recipient) -> str:
    if item.muc_dich is not None:
        return PURPOSE_LABELS[item.muc_dich]
    return (item.ghi_chu or "").strip("()").capitalize()


def list_rows(dist: Distribution, profile: Profile) -> tuple[ListRow, ...]:
    """Return the distribution list: one row per addressee (groups expanded), then archive."""
    rows: list[ListRow] = []
    for item in ordered(dist):
        group = (
            item.ten
            if len(item.thanh_vien) > 1 or (item.thanh_vien and item.thanh_vien[0].ten != item.ten)
            else ""
        )
        for member in item.addressees():
            rows.append(
                ListRow(
                    stt=str(len(rows) + 1),
                    noi_nhan=plain_text(parse_inline(member.ten)),
                    muc_dich=_purpose(item),
                    hinh_thuc=DELIVERY_LABELS[member.hinh_thuc],
                    so_ban=str(member.paper_copies),
                    ghi_chu=f"Nhóm: {group}" if group else "",
                    dia_chi=member.dia_chi or "",
                    email=member.email or "",
                    nhom=group,
                )
            )
    line = archive_line(dist, profile)
    rows.append(
        ListRow(
            stt=str(len(rows) + 1),
            noi_nhan=plain_text(parse_inline(line)).removeprefix("- ").rstrip("."),
            muc_dich="Lưu trữ",
            hinh_thuc=DELIVERY_LABELS["giay"],
            so_ban=str(archive_copies(dist, profile)),
            ghi_chu="",
        )
    )
    return tuple(rows)


def paper_total(rows: tuple[ListRow, ...]) -> int:
    """Return the total number of paper copies of ``rows``."""
    return sum(int(r.so_ban) for r in rows)


CSV_HEADERS = (
    "STT",
    "Nơi nhận",
    "Nhóm",
    "Mục đích",
    "Hình thức",
    "Số bản giấy",
    "Địa chỉ",
    "Email",
    "Ghi chú",
)


def rows_csv(rows: tuple[ListRow, ...]) -> bytes:
    """Return ``rows`` as CSV (UTF-8 with BOM, so that Excel shows the diacritics)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for r in rows:
        writer.writerow(
            (
                r.stt,
                r.noi_nhan,
                r.nhom,
                r.muc_dich,
                r.hinh_thuc,
                r.so_ban,
                r.dia_chi,
                r.email,
                r.ghi_chu,
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
