"""Rules about how each element looks: sizes, emphasis, case, alignment, body layout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated, range_text, size_text
from pipeline.compliance.facts import case_of, heading_name, reads
from pipeline.compliance.metrics import text_width_mm
from pipeline.compliance.paras import Para
from pipeline.models.labels import label_for
from pipeline.profiles import common_rules, standard_rules

_ALIGN_VI = {"center": "căn giữa", "left": "căn trái", "right": "căn phải", "justify": "căn đều"}
_MAX = 15


def _targets(ctx: CheckContext) -> Iterator[tuple[str, list[Para]]]:
    lay = ctx.layout
    if lay.title is not None and lay.family == ctx.family:
        yield ("quoc_hieu" if ctx.family == "state" else "tieu_de_dang"), [lay.title]
    if lay.motto is not None and ctx.family == "state":
        yield "tieu_ngu", [lay.motto]
    yield ("co_quan_chu_quan" if ctx.family == "state" else "co_quan_cap_tren"), lay.superior
    yield "co_quan_ban_hanh", lay.issuer
    for name, para in (("so_ky_hieu", lay.number), ("dia_danh_ngay", lay.date)):
        yield name, [para] if para is not None else []
    yield "ten_loai", [lay.type_name] if lay.type_name is not None else []
    yield "trich_yeu", lay.summary
    yield "quyen_han", [lay.authority] if lay.authority is not None else []
    yield "chuc_vu", lay.positions
    yield "ho_ten", [lay.name] if lay.name is not None else []
    yield "noi_nhan_item", lay.items


def style_issues(
    ctx: CheckContext,
    para: Para,
    spec: dict[str, Any],
    element: str,
    skip: frozenset[str] = frozenset(),
    partial_ok: frozenset[str] = frozenset(),
) -> list[Issue]:
    """Return the ways ``para`` differs from ``spec`` (size_pt, bold, italic, underline,
    case, align); properties named in ``skip`` are left to another rule; those named in
    ``partial_ok`` may hold for part of the line (an italic note in a Nơi nhận item)."""
    fmts = [f for _r, f in ctx.runs(para)]
    if not fmts:
        return []
    out = []
    if "size_pt" in spec and "size_pt" not in skip:
        low, high = (float(v) for v in spec["size_pt"])
        bad = sorted({f.size or 0 for f in fmts if f.size is None or not low <= f.size <= high})
        if bad:
            found = ", ".join(size_text(s or None) for s in bad)
            out.append(_issue(element, para, f"cỡ chữ {range_text(low, high)}", found))
    for prop, yes, no in (
        ("bold", "in đậm", "không in đậm"),
        ("italic", "in nghiêng", "chữ đứng"),
        ("underline", "gạch chân", "không gạch chân"),
    ):
        wanted = spec.get(prop)
        if not isinstance(wanted, bool) or prop in skip:
            continue
        values = {getattr(f, prop) for f in fmts}
        if len(values) > 1 and prop in partial_ok:
            continue
        if values != {wanted}:
            found = (yes if wanted is False else no) if len(values) == 1 else f"một phần {yes}"
            out.append(_issue(element, para, yes if wanted else no, found))
    out.extend(_case_issues(element, para, spec, fmts))
    align = spec.get("align")
    actual = ctx.resolver.paragraph_format(para.el).align
    if (
        isinstance(align, str)
        and align in _ALIGN_VI
        and actual != align
        and not _one_line_left(ctx, para, align, actual, fmts)
    ):
        out.append(_issue(element, para, _ALIGN_VI[align], _ALIGN_VI.get(actual, actual)))
    return out


def _one_line_left(ctx: CheckContext, para: Para, align: str, actual: str, fmts: list[Any]) -> bool:
    """Return True when ``para`` is justified where left is asked but fits on one line:
    Word lays a one-line justified paragraph out left-aligned, so the page is the same."""
    if align != "left" or actual != "justify":
        return False
    size = next((f.size for f in fmts if f.size), 14.0)
    fmt = ctx.resolver.paragraph_format(para.el)
    room = para.width_mm - fmt.left_mm - fmt.right_mm - max(fmt.first_line_mm, 0.0)
    return text_width_mm(para.text, size, bold=any(f.bold for f in fmts)) < room


def _case_issues(element: str, para: Para, spec: dict[str, Any], fmts: list[Any]) -> list[Issue]:
    wanted = spec.get("case")
    if wanted is None and not spec.get("starts_lowercase"):
        return []
    case = case_of(para.text)  # all this reads of the words (facts.case)
    if wanted == "upper" and not case.all_upper and not all(f.caps for f in fmts):
        return [_issue(element, para, "CHỮ IN HOA", "có chữ thường")]
    if wanted == "title" and case.lower_word:
        return [_issue(element, para, "viết hoa chữ cái đầu mỗi từ", para.text)]
    if wanted == "lower" and case.long and case.all_upper:
        capitals = _issue(element, para, "chữ thường (không viết hoa toàn bộ)", "CHỮ IN HOA")
        return [_capital_summary(para) if element == "trich_yeu" else capitals]
    if spec.get("starts_lowercase") and case.first_upper:
        first = para.text.split()[0]
        return [_issue(element, para, "bắt đầu bằng chữ thường", f"bắt đầu bằng “{first}”")]
    return []


def _capital_summary(para: Para) -> Issue:
    """The law writes the summary in lower case, but offices commonly type it in capitals
    (every one of ten real 2025 plans did): a warning that says both."""
    return Issue(
        label_for("trich_yeu"),
        para,
        "chữ thường (không viết hoa toàn bộ)",
        "CHỮ IN HOA",
        "Thể thức quy định trích yếu viết chữ thường (chỉ viết hoa chữ đầu và tên riêng); "
        "nhiều cơ quan vẫn gõ chữ in hoa — nên sửa nếu không phải quy ước của cơ quan.",
        "warning",
    )


def _issue(element: str, para: Para, expected: str, found: str) -> Issue:
    label = label_for(element)
    return Issue(label, para, expected, found, f"Sửa định dạng dòng “{label}”: {expected}.")


_INLINE_EMPHASIS = frozenset({"bold", "italic"})


@reads("format", "roles", "headings", "case")
def check_elements(ctx: CheckContext) -> list[Issue]:
    """ELEMENT_STYLE: every element found matches its size, emphasis, case and alignment."""
    issues: list[Issue] = []
    skip_bold = frozenset({"bold"}) if ctx.family == "party" else frozenset()
    for element, paras in _targets(ctx):
        spec = ctx.element(element)
        for number, para in enumerate(paras):
            skip = skip_bold if element == "chuc_vu" else frozenset()
            if number:  # a wrapped summary goes on in the middle of its sentence
                spec.pop("starts_lowercase", None)
            # Real Nơi nhận items put a note in italics or a body in bold (issue 14).
            partial = _INLINE_EMPHASIS if element == "noi_nhan_item" else frozenset()
            issues.extend(style_issues(ctx, para, spec, element, skip, partial))
    issues.extend(_body_sizes(ctx))
    if not any(paras for _e, paras in _targets(ctx)) and not ctx.layout.body:
        raise NotEvaluated("Không nhận ra thành phần nào của văn bản.")
    return issues


def heading_spec(ctx: CheckContext, para: Para) -> dict[str, Any] | None:
    """Return the profile's heading rule whose pattern ``para`` matches, if any."""
    name = heading_name(ctx.profile.id, para.text)
    return dict(ctx.profile.headings[name]) if name is not None else None


def _body_sizes(ctx: CheckContext) -> list[Issue]:
    body = ctx.element("noi_dung")
    issues = []
    for para in ctx.layout.body:
        spec = {"size_pt": body["size_pt"]}
        heading = heading_spec(ctx, para)
        if heading is not None:
            spec = {k: heading[k] for k in ("size_pt", "case") if k in heading} or spec
            if heading.get("bold") is True:
                spec["bold"] = True
            spec.setdefault("size_pt", body["size_pt"])
        issues.extend(style_issues(ctx, para, spec, "noi_dung"))
    return issues[:_MAX]


@reads("format", "roles")
def check_size_consistency(ctx: CheckContext) -> list[Issue]:
    """SIZE_CONSISTENCY: quốc hiệu / tiêu ngữ / date sizes form one allowed set."""
    lay = ctx.layout
    paras = {"quoc_hieu": lay.title, "tieu_ngu": lay.motto, "dia_danh_ngay": lay.date}
    sizes = {}
    for key, para in paras.items():
        found = [f.size for _r, f in ctx.runs(para)] if para is not None else []
        if not found or found[0] is None:
            raise NotEvaluated("Thiếu quốc hiệu, tiêu ngữ hoặc ngày tháng để so cỡ chữ.")
        sizes[key] = found[0]
    allowed = standard_rules(ctx.profile.id)["size_consistency"]["allowed_sets"]
    if any(all(sizes[k] == s[k] for k in sizes) for s in allowed):
        return []
    expected = " hoặc ".join("/".join(f"{s[k]:g}" for k in sizes) for s in allowed)
    return [
        Issue(
            "Cỡ chữ phần đầu",
            lay.title,
            f"{expected} pt (quốc hiệu/tiêu ngữ/ngày tháng)",
            "/".join(f"{v:g}" for v in sizes.values()) + " pt",
            "Chọn cỡ chữ đi cùng nhau: 13/14/14 hoặc 12/13/13.",
        )
    ]


def _line_range(ctx: CheckContext, para: Para) -> tuple[str, float, float] | None:
    rule = ctx.element("noi_dung").get("line_spacing", {})
    if rule.get("rule") == "exact":
        return "exact", float(rule.get("min_pt") or 0), float(rule.get("max_pt") or 1000)
    size = next((f.size for _r, f in ctx.runs(para) if f.size), None) or 14.0
    factor = float(common_rules()["single_line_factor_tnr"])
    return "any", size * factor - 0.5, size * 1.15 * 1.5 + 0.5


def _layout_problems(ctx: CheckContext, para: Para, gap: float | None) -> list[tuple[str, str]]:
    spec = ctx.element("noi_dung")
    fmt = ctx.resolver.paragraph_format(para.el)
    out = []
    if fmt.align != spec.get("align", "justify"):
        out.append(("căn đều hai bên", _ALIGN_VI.get(fmt.align, fmt.align)))
    low, high = (float(v) for v in spec.get("first_line_indent_mm", [10, 12.7]))
    if not low - 0.5 <= fmt.first_line_mm <= high + 0.5:
        out.append((f"thụt đầu dòng {range_text(low, high, 'mm')}", f"{fmt.first_line_mm:.1f} mm"))
    minimum = float(spec.get("space_between_paragraphs_pt_min", 6))
    if gap is not None and gap < minimum - 0.1:
        out.append((f"cách đoạn sau ít nhất {minimum:g} pt", f"{gap:g} pt"))
    out.extend(_line_problem(ctx, para, fmt.line_rule, fmt.line_value))
    return out


def _line_problem(
    ctx: CheckContext, para: Para, rule: str | None, value: float | None
) -> list[tuple[str, str]]:
    kind, low, high = _line_range(ctx, para) or ("any", 0, 1000)
    if kind == "exact":
        wanted = f"giãn dòng chính xác (Exactly) {range_text(low, min(high, 999))}"
        if rule != "exact" or value is None or not low <= value <= high:
            found = f"{rule or 'single'} {value if value is not None else ''}".strip()
            return [(wanted, found)]
        return []
    if rule in (None, "auto"):
        lines = value if value is not None else 1.0
        if 1.0 - 0.01 <= lines <= 1.5 + 0.01:
            return []
        return [("giãn dòng từ 1 dòng (single) đến 1,5 dòng", f"{lines:g} dòng")]
    if value is not None and low <= value <= high:
        return []
    return [(f"giãn dòng {low:.0f}–{high:.0f} pt", f"{value} pt")]


def _is_heading(ctx: CheckContext, para: Para) -> bool:
    fmts = [f for _r, f in ctx.runs(para)]
    if not fmts or not all(f.bold for f in fmts):
        return False
    if heading_spec(ctx, para) is not None:
        return True
    # The title line of a part or chapter ("QUY ĐỊNH CHUNG" under "Chương I"): bold,
    # capitals, centred.
    return (
        para.text.isupper()
        and len(para.text) <= 200
        and ctx.resolver.paragraph_format(para.el).align == "center"
    )


def _is_unit_line(ctx: CheckContext, para: Para) -> bool:
    """Return True for a table's unit line ("Đơn vị tính: …"): right-aligned, right
    above the table. It is part of the table, not a body paragraph."""
    following = para.el.getnext()
    return (
        following is not None
        and following.tag.endswith("}tbl")
        and ctx.resolver.paragraph_format(para.el).align == "right"
    )


@reads("format", "roles", "headings", "case")  # chapter titles: capitals (see _is_heading)
def check_body_layout(ctx: CheckContext) -> list[Issue]:
    """BODY_PARAGRAPH: body paragraphs justified, indented, spaced and line-spaced."""
    body = [p for p in ctx.layout.body if not _is_heading(ctx, p) and not _is_unit_line(ctx, p)]
    if not body:
        raise NotEvaluated("Không thấy đoạn nội dung nào.")
    issues = []
    layout = ctx.layout.body
    for para in body:
        position = layout.index(para)
        following = layout[position + 1] if position + 1 < len(layout) else None
        gap = None
        if following is not None:
            after = ctx.resolver.paragraph_format(para.el).space_after
            gap = after + ctx.resolver.paragraph_format(following.el).space_before
        for expected, found in _layout_problems(ctx, para, gap):
            issues.append(
                Issue(
                    "Đoạn nội dung",
                    para,
                    expected,
                    found,
                    f"Định dạng đoạn (Paragraph): {expected}.",
                )
            )
    return issues[:_MAX]


def check_body_end(ctx: CheckContext) -> list[Issue]:
    """BODY_END: State ends the body with "./."; the Party with "." (never "./.")."""
    if not ctx.layout.body:
        raise NotEvaluated("Không thấy đoạn nội dung nào.")
    last = ctx.layout.body[-1]
    spec = ctx.element("noi_dung")
    marker = str(spec.get("end_marker", "."))
    forbidden = spec.get("forbidden_end_marker")
    text = last.text
    if text.endswith(marker) and not (forbidden and text.endswith(str(forbidden))):
        return []
    if forbidden and text.endswith(str(forbidden)):
        return [
            Issue(
                "Kết thúc nội dung",
                last,
                f"kết thúc bằng “{marker}”",
                f"“…{text[-6:]}”",
                f"Văn bản của Đảng kết thúc nội dung bằng “{marker}”, không dùng “{forbidden}” "
                "của văn bản hành chính; nhiều văn bản của Đảng vẫn gõ “./.” — nên sửa.",
            )
        ]
    return [
        Issue(
            "Kết thúc nội dung",
            last,
            f"kết thúc bằng “{marker}”",
            f"“…{text[-6:]}”",
            f"Kết thúc đoạn cuối của nội dung bằng “{marker}”.",
        )
    ]
