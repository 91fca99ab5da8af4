"""Rules about the closing block: the signing authority, the title line, Nơi nhận."""

from __future__ import annotations

import re

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated
from pipeline.compliance.facts import reads
from pipeline.compliance.paras import Para
from pipeline.compliance.rules_style import style_issues

_DRAFTER = re.compile(r"^[A-Za-zĐđ.]+[-.(][^\s]*$")
_HD36_BARE_ARCHIVE = re.compile(r"^- Lưu\.$")
#: A State archive line with what offices add: codes, places in brackets, "TP." inside.
_STATE_ARCHIVE_LOOSE = re.compile(r"^- Lưu\s*:\s*VT\b.*\.$")
#: A copy-count line under the archive line ("(05 bản)", "Số bản: 05", "NC(3b)").
_COPIES = re.compile(r"^\(?\s*(?:số bản|sl)?\s*[:.]?\s*\d+\s*(?:b|bản)\s*\)?\.?$", re.I)


def check_sign_prefix(ctx: CheckContext) -> list[Issue]:
    """SIGN_PREFIX: the authority line uses the profile's prefixes, never the other's."""
    lay = ctx.layout
    para = lay.authority
    if para is None:
        if lay.name is None:
            raise NotEvaluated("Không thấy khối chữ ký.")
        return []  # the head signs in their own name: no authority line
    spec = ctx.element("quyen_han")
    forbidden = [p for p in spec.get("forbidden_patterns", []) if re.match(p, para.text)]
    if re.match(spec["pattern"], para.text) and not forbidden:
        return []
    prefixes = ", ".join(spec.get("prefixes", []))
    if ctx.family == "state":
        hint = (
            "Văn bản hành chính dùng TM., KT., TL., TUQ., Q. (có dấu chấm), "
            "không dùng T/M, K/T, T/L."
        )
    else:
        hint = (
            "Văn bản của Đảng dùng T/M, K/T, T/L (gạch chéo) hoặc Q., "
            "không dùng TM., KT., TL., TUQ."
        )
    return [Issue("Quyền hạn người ký", para, prefixes, para.text.split(" ")[0], hint)]


@reads("format", "roles")
def check_party_title(ctx: CheckContext) -> list[Issue]:
    """PARTY_TITLE_NOT_BOLD: the title line under the authority line is not bold."""
    if not ctx.layout.positions:
        raise NotEvaluated("Không thấy dòng chức vụ người ký.")
    issues = []
    for para in ctx.layout.positions:
        if any(f.bold for _r, f in ctx.runs(para)):
            issues.append(
                Issue(
                    "Chức vụ người ký",
                    para,
                    "không in đậm",
                    "in đậm",
                    "Văn bản của Đảng: dòng chức vụ (BÍ THƯ, PHÓ BÍ THƯ…) không in đậm.",
                )
            )
    return issues


def _items(ctx: CheckContext) -> list[Para]:
    items = list(ctx.layout.items)
    archived = any(p.text.startswith("- Lưu") for p in items)
    while (
        items and not items[-1].text.startswith("-") and (archived or _closing_note(items[-1].text))
    ):
        # The drafter's code and copies (box 12: "TP.05", "09 KH", "(25b)") close the
        # block under the archive line.
        items.pop()
    return items


def _closing_note(text: str) -> bool:
    return bool(_DRAFTER.match(text) or _COPIES.match(text))


def _copy_lines(ctx: CheckContext) -> list[Issue]:
    """A copy count typed on its own line under the archive line: offices do it, the
    format puts it in brackets at the end of the archive line."""
    items = list(ctx.layout.items)
    out = []
    for para in reversed(items):
        if para.text.startswith("-") or not _COPIES.match(para.text):
            break
        out.append(
            Issue(
                "Số bản lưu",
                para,
                "số bản ghi trong ngoặc cuối dòng lưu, ví dụ “- Lưu: VT, VP (02).”",
                para.text,
                "Thể thức ghi số bản trong ngoặc ở cuối dòng lưu; dòng số bản riêng là cách "
                "nhiều cơ quan vẫn làm — chấp nhận, nên chuyển vào dòng lưu.",
                "warning",
            )
        )
    return out


def check_noi_nhan(ctx: CheckContext) -> list[Issue]:
    """NOI_NHAN: the "Nơi nhận:" label and its style, and the archive line."""
    lay = ctx.layout
    spec = ctx.element("noi_nhan_label")
    if lay.label is None:
        if lay.name is None and lay.authority is None:
            raise NotEvaluated("Không thấy khối chữ ký và nơi nhận.")
        return [
            Issue(
                "Nơi nhận",
                lay.authority or lay.name,
                "Nơi nhận:",
                "không thấy",
                "Thêm “Nơi nhận:” ở góc trái, ngang dòng quyền hạn người ký.",
            )
        ]
    issues = []
    if lay.label.text != spec.get("text", "Nơi nhận:"):
        issues.append(
            Issue(
                "Nơi nhận",
                lay.label,
                "Nơi nhận:",
                lay.label.text,
                "Viết đúng “Nơi nhận:” (có dấu hai chấm).",
            )
        )
    issues.extend(style_issues(ctx, lay.label, spec, "Chữ “Nơi nhận”"))
    issues.extend(_archive(ctx))
    issues.extend(_copy_lines(ctx))
    return issues


def _archive(ctx: CheckContext) -> list[Issue]:
    items = _items(ctx)
    spec = ctx.element("noi_nhan_item")
    example = spec.get("luu_example") or (spec.get("luu_examples") or [""])[0]
    if not items:
        return [
            Issue(
                "Dòng lưu",
                ctx.layout.label,
                example,
                "không có dòng nào",
                "Liệt kê nơi nhận, dòng cuối là dòng lưu.",
            )
        ]
    last = items[-1]
    if re.match(spec["luu_pattern"], last.text):
        return []
    if ctx.profile.id == "party_hd36_2018" and _HD36_BARE_ARCHIVE.match(last.text):
        # "- Lưu." without the office is real HD 36-era practice (the seed, 2018): the
        # rule asks the same as HD 05, the finding is a warning that says both.
        return [
            Issue(
                "Dòng lưu",
                last,
                example,
                last.text,
                "Dòng lưu nên ghi nơi lưu (“- Lưu Văn phòng Đảng ủy.”); văn bản thời HD 36 "
                "thường chỉ ghi “- Lưu.” — chấp nhận, nhưng nên ghi rõ.",
                "warning",
            )
        ]
    if ctx.family == "state" and _STATE_ARCHIVE_LOOSE.match(last.text):
        return [
            Issue(
                "Dòng lưu",
                last,
                "“- Lưu: VT, <đơn vị soạn thảo>.”",
                last.text,
                "Thể thức ghi “- Lưu: VT, <viết tắt đơn vị soạn thảo>(<số bản>).”; nhiều cơ "
                "quan ghi thêm mã hồ sơ hay địa danh trong ngoặc — chấp nhận, nên kiểm tra lại.",
                "warning",
            )
        ]
    if ctx.family == "state":
        hint = "Dòng cuối: “- Lưu: VT, <đơn vị soạn thảo>.” (Lưu, dấu hai chấm, VT, dấu chấm cuối)."
    else:
        hint = (
            "Dòng cuối: “- Lưu <cơ quan>.” (không có dấu hai chấm, không có “VT”), "
            "ví dụ “- Lưu Văn phòng Đảng ủy.”."
        )
    return [Issue("Dòng lưu", last, example, last.text, hint)]


def check_noi_nhan_items(ctx: CheckContext) -> list[Issue]:
    """NOI_NHAN_ITEM: each item starts "- " and ends with the item punctuation."""
    items = _items(ctx)[:-1]
    if not items:
        raise NotEvaluated("Không có dòng nơi nhận nào ngoài dòng lưu.")
    asked = str(ctx.element("noi_nhan_item").get("item_end", ";"))
    # HD 36 asks "," (P8); its documents used ";" as much (the seed), so both pass there.
    ends = (asked, ";") if ctx.profile.id == "party_hd36_2018" else (asked,)
    issues = []
    for para in items:
        text = para.text
        if not text.startswith("- "):
            issues.append(
                Issue(
                    "Dòng nơi nhận",
                    para,
                    "bắt đầu bằng “- ”",
                    text[:2],
                    "Mỗi nơi nhận một dòng, bắt đầu bằng gạch đầu dòng “- ”.",
                )
            )
        elif not text.endswith(ends):
            issues.append(
                Issue(
                    "Dòng nơi nhận",
                    para,
                    f"kết thúc bằng “{ends[0]}”",
                    f"“…{text[-8:]}”",
                    f"Kết thúc mỗi dòng nơi nhận bằng “{ends[0]}”; ghi chú như "
                    "“(để báo cáo)” đặt trước dấu câu.",
                )
            )
    return issues
