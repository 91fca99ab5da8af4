"""Rules about the document's shape as a whole: one type name, the national or Party
title at the top right (never under the issuing body), and what a document that is not
an official one (a citizen's application, an appendix file alone) looks like."""

from __future__ import annotations

import re

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated
from pipeline.compliance.detect import Layout, title_key, type_names
from pipeline.compliance.paras import Para

#: How many paragraphs after the first type name are looked at for a second one.
_TYPE_SCAN = 8


def _is_exact_type(text: str) -> bool:
    key = text.strip().casefold()
    return text.isupper() and key in type_names()


def check_structure(ctx: CheckContext) -> list[Issue]:
    """STRUCTURE: one type name; the Quốc hiệu / Party title not under the issuing body."""
    lay = ctx.layout
    if lay.title is None and lay.type_name is None:
        raise NotEvaluated("Không thấy quốc hiệu/tiêu đề hay tên loại văn bản.")
    issues = []
    if lay.type_name is not None:
        start = lay.paras.index(lay.type_name)
        after = lay.paras[start + 1 : start + 1 + _TYPE_SCAN]
        second = next((p for p in after if p.text and _is_exact_type(p.text)), None)
        if second is not None:
            issues.append(
                Issue(
                    "Tên loại văn bản",
                    second,
                    "một tên loại văn bản",
                    f"“{lay.type_name.text}” và “{second.text}”",
                    "Mỗi văn bản chỉ có một tên loại; bỏ tên loại thừa (văn bản kèm theo là "
                    "một văn bản riêng hoặc một phụ lục).",
                )
            )
    under = _title_under_issuer(lay)
    if under is not None:
        issues.append(
            Issue(
                "Quốc hiệu/tiêu đề",
                under,
                "ở góc phải trên cùng, ngang dòng tên cơ quan ban hành",
                "nằm dưới tên cơ quan ban hành",
                "Đặt quốc hiệu và tiêu ngữ (văn bản của Đảng: tiêu đề) ở cột phải của phần "
                "đầu văn bản, ngang với tên cơ quan ban hành.",
            )
        )
    return issues


def _title_under_issuer(lay: Layout) -> Para | None:
    if lay.title is None or not lay.issuer:
        return None
    organ = lay.issuer[-1]
    same_column = lay.title.cell == organ.cell or lay.title.table is None
    return lay.title if same_column and lay.title.index > organ.index else None


def document_kind(lay: Layout) -> str:
    """Return what the document is when it is not a State or Party official document
    ("" when it is one), in Vietnamese, with what it looks like."""
    texts = [p for p in lay.paras[:40] if p.text]
    if not texts:
        return "tệp không có chữ"
    first = title_key(texts[0].text)
    official = lay.number is not None or bool(lay.issuer)
    if first.startswith("PHỤ LỤC") and lay.title is None and not official:
        return (
            f"phụ lục đứng riêng (bắt đầu bằng “{texts[0].text[:60]}”, không có phần đầu và "
            "chữ ký của văn bản): kiểm tra cùng văn bản mà nó kèm theo"
        )
    petition = next((p for p in texts if title_key(p.text).startswith("ĐƠN ")), None)
    if petition is not None and not official:
        return (
            f"đơn của cá nhân (“{petition.text[:60]}”), không phải văn bản hành chính hay văn "
            "bản của Đảng: có quốc hiệu nhưng không có cơ quan ban hành, số, ký hiệu"
        )
    return ""


LIST_TITLE = "DANH SÁCH NƠI NHẬN"
_ATTACHED = re.compile(r"^\(Kèm theo .+ của .+\)$")
_NUMBER_LINE = re.compile(r"^Số(?:\s*:|\s+\d)")


def is_distribution_list(lay: Layout) -> bool:
    """Return True when the document is a distribution list (it starts with its title)."""
    first = next((p for p in lay.paras[:10] if p.text), None)
    return first is not None and title_key(first.text) == LIST_TITLE


def list_family(lay: Layout) -> str:
    """Return the profile of the document a distribution list is attached to."""
    line = next((p.text for p in lay.paras[:10] if p.text.startswith("(Kèm theo")), "")
    if re.search(r"số\s+\d+-", line) or "Đảng" in line or "đảng" in line:
        return "party_hd05_2026"
    return "state_nd30_2020"


def check_list_layout(ctx: CheckContext) -> list[Issue]:
    """LIST_LAYOUT: a distribution list is laid out as an attachment of its document."""
    paras = [p for p in ctx.layout.paras if p.text]
    title = paras[0]
    issues = []
    fmts = [f for _r, f in ctx.runs(title)]
    if not fmts or not all(f.bold for f in fmts):
        issues.append(
            Issue("Tên danh sách", title, "in đậm", "không in đậm", "In đậm dòng tên danh sách.")
        )
    if ctx.resolver.paragraph_format(title.el).align != "center":
        issues.append(
            Issue("Tên danh sách", title, "căn giữa", "không căn giữa", "Căn giữa tên danh sách.")
        )
    attached = paras[1] if len(paras) > 1 else None
    if attached is None or not _ATTACHED.match(attached.text):
        issues.append(
            Issue(
                "Dòng kèm theo",
                attached or title,
                "(Kèm theo <tên loại> số … ngày … của <cơ quan>)",
                attached.text if attached is not None else "không có",
                "Ngay dưới tên danh sách ghi văn bản mà danh sách kèm theo, trong ngoặc đơn.",
            )
        )
    elif not all(f.italic for _r, f in ctx.runs(attached)):
        issues.append(
            Issue("Dòng kèm theo", attached, "in nghiêng", "chữ đứng", "In nghiêng dòng này.")
        )
    for para in paras[1:12]:
        if para.table is None and _NUMBER_LINE.match(para.text):
            issues.append(
                Issue(
                    "Số, ký hiệu",
                    para,
                    "không có dòng số, ký hiệu riêng",
                    para.text,
                    "Danh sách là phần kèm theo văn bản, không phải văn bản thứ hai: bỏ dòng "
                    "số, ký hiệu (đã ghi trong dòng “Kèm theo”).",
                )
            )
    if not any(p.table is not None for p in paras):
        issues.append(
            Issue(
                "Bảng nơi nhận",
                title,
                "một bảng các nơi nhận",
                "không có bảng",
                "Liệt kê nơi nhận trong một bảng.",
            )
        )
    return issues
