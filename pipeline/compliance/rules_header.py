"""Rules about the header and title block: titles, number, date, separators, bodies."""

from __future__ import annotations

import re

from pipeline.compliance.base import CheckContext, Issue, NotEvaluated, common
from pipeline.compliance.detect import PARTY_TITLE, QUOC_HIEU, TIEU_NGU, Line, title_key
from pipeline.compliance.metrics import text_width_mm
from pipeline.compliance.paras import Para
from pipeline.compliance.report import Severity

_STATE_AUTH = re.compile(r"^(?:TM|KT|TL|TUQ)\.\s")
_PARTY_AUTH = re.compile(r"^(?:T/M|K/T|T/L)\s")


def _need_header(ctx: CheckContext) -> None:
    if not ctx.layout.header:
        raise NotEvaluated(
            "Không nhận ra phần đầu văn bản (quốc hiệu/tiêu đề, số, ngày tháng) trong 40 đoạn đầu."
        )


def check_title(ctx: CheckContext) -> list[Issue]:
    """HEADER_TITLE_TEXT: the profile's own title, exactly; a tiêu ngữ only for the State."""
    lay = ctx.layout
    fix = "Gõ lại đúng từng chữ như mẫu."
    if ctx.family == "party":
        issues = []
        if lay.title is None or lay.title.text != PARTY_TITLE:
            found = lay.title.text if lay.title else "không thấy"
            issues.append(Issue("Tiêu đề", lay.title, PARTY_TITLE, found, fix))
        if lay.motto is not None:
            issues.append(
                Issue(
                    "Tiêu ngữ",
                    lay.motto,
                    "không có tiêu ngữ",
                    lay.motto.text,
                    "Văn bản của Đảng không có tiêu ngữ: xóa dòng này.",
                )
            )
        return issues
    return _state_title(ctx)


def _state_title(ctx: CheckContext) -> list[Issue]:
    lay = ctx.layout
    issues = []
    title = lay.title
    if title is None or title_key(title.text) != title_key(QUOC_HIEU):
        found = title.text if title else "không thấy"
        issues.append(Issue("Quốc hiệu", title, QUOC_HIEU, found, "Gõ lại đúng quốc hiệu."))
    elif title.text != QUOC_HIEU:
        issues.append(
            Issue(
                "Quốc hiệu",
                title,
                QUOC_HIEU,
                title.text,
                "Nghị định 30 viết “HÒA”; kiểu “HOÀ” được chấp nhận nhưng nên thống nhất.",
                severity="warning",
            )
        )
    motto = lay.motto
    if motto is None or motto.text != TIEU_NGU:
        found = motto.text if motto else "không thấy"
        why = "Gõ lại đúng tiêu ngữ dưới quốc hiệu"
        if motto is not None and any(ch in motto.text for ch in "–—"):
            why = "Dùng dấu gạch nối “-” (không dùng gạch dài “–”/“—”), mỗi bên một dấu cách"
        issues.append(Issue("Tiêu ngữ", motto or title, TIEU_NGU, found, why + "."))
    return issues


def check_no_mixing(ctx: CheckContext) -> list[Issue]:
    """NO_MIXING: the other family's title or signing prefix anywhere else in the text."""
    lay = ctx.layout
    checked = {id(p) for p in (lay.title, lay.motto, lay.authority) if p is not None}
    other_title = title_key(QUOC_HIEU if ctx.family == "party" else PARTY_TITLE)
    other_auth = _STATE_AUTH if ctx.family == "party" else _PARTY_AUTH
    issues = []
    for para in lay.paras:
        if id(para) in checked or not para.text:
            continue
        if title_key(para.text) == other_title or other_auth.match(para.text):
            issues.append(
                Issue(
                    "Thành phần của thể thức khác",
                    para,
                    f"thể thức {ctx.profile.id}",
                    para.text,
                    "Xóa hoặc sửa dòng này cho đúng thể thức của văn bản.",
                )
            )
    return issues


_EXTRA_ZEROS = re.compile(r"^(Số:? )0+(?=[0-9]{2})")


def check_number(ctx: CheckContext) -> list[Issue]:
    """NUMBER_FORMAT: the number line matches the profile's issued or draft pattern."""
    _need_header(ctx)
    spec = ctx.element("so_ky_hieu")
    para = ctx.layout.number
    example = str(spec.get("example") or spec.get("examples", [""])[0])
    if para is None:
        return [Issue("Số, ký hiệu", None, example, "không thấy", "Thêm dòng số, ký hiệu.")]
    text = para.text
    # Offices number on from a register with leading zeros ("Số: 0129/KH-UBND"): the
    # number is read without the zeros the pattern's "0[1-9]" does not cover (issue 14).
    plain = _EXTRA_ZEROS.sub(r"\1", text)
    if re.match(spec["pattern_issued"], plain) or re.match(spec["pattern_draft"], text):
        return []
    return [Issue("Số, ký hiệu", para, f"dạng “{example}”", text, _number_hint(ctx, text))]


def _number_hint(ctx: CheckContext, text: str) -> str:
    if ctx.family == "state" and not text.startswith("Số:"):
        return "Văn bản hành chính viết “Số:” (có dấu hai chấm), ví dụ “Số: 12/KH-UBND”."
    if ctx.family == "party" and text.startswith("Số:"):
        return "Văn bản của Đảng viết “Số” không có dấu hai chấm, ví dụ “Số 12-CTr/ĐU”."
    if re.match(r"^Số:?\s*[1-9][/-]", text):
        return "Số dưới 10 viết có số 0 đứng trước: 01, 02, … 09."
    if ctx.family == "party":
        return (
            "Văn bản của Đảng: số, gạch nối, tên loại viết tắt, gạch chéo, cơ quan: “Số 12-CTr/ĐU”."
        )
    return (
        "Văn bản hành chính: số, gạch chéo, tên loại viết tắt, gạch nối, cơ quan: “Số: 12/KH-UBND”."
    )


def check_date(ctx: CheckContext) -> list[Issue]:
    """DATE_FORMAT: "<place>, ngày DD tháng M năm YYYY" with the zero rules (or a draft)."""
    _need_header(ctx)
    para = ctx.layout.date
    example = "Phú Đình, ngày 05 tháng 02 năm 2026"
    if para is None:
        return [Issue("Địa danh, ngày tháng", None, example, "không thấy", "Thêm dòng ngày tháng.")]
    text = para.text
    if re.match(common("date_words_pattern"), text) or re.match(common("date_draft_pattern"), text):
        return []
    if re.search(common("date_bad_month_zero"), text):
        hint = "Tháng 3 đến tháng 12 viết không có số 0 (“tháng 3”, không viết “tháng 03”)."
    elif re.search(r"ngày [1-9]\b", text):
        hint = "Ngày dưới 10 viết có số 0 đứng trước (“ngày 05”)."
    elif re.search(common("date_bad_month_12"), text):
        hint = "Tháng 1 và tháng 2 viết có số 0 (“tháng 01”, “tháng 02”)."
    else:
        hint = "Viết đầy đủ: địa danh, dấu phẩy, “ngày … tháng … năm …”."
    return [Issue("Địa danh, ngày tháng", para, f"dạng “{example}”", text, hint)]


def _line_ok(line: Line | None, wanted_mm: float, tolerance: float) -> bool:
    if line is None or line.length_mm is None:
        return line is not None
    return abs(line.length_mm - wanted_mm) <= wanted_mm * tolerance


def _width(ctx: CheckContext, para: Para) -> float:
    runs = ctx.runs(para)
    size = next((f.size for _r, f in runs if f.size), 14.0)
    bold = any(f.bold for _r, f in runs)
    return text_width_mm(para.text, size, bold=bold)


def _wrapped_width(ctx: CheckContext, para: Para) -> float:
    """Return the width of the longest printed line of ``para`` once wrapped in its column
    (a long summary is two or three lines; its line is measured against the longest)."""
    runs = ctx.runs(para)
    size = next((f.size for _r, f in runs if f.size), 14.0)
    bold = any(f.bold for _r, f in runs)
    fmt = ctx.resolver.paragraph_format(para.el)
    room = max(para.width_mm - fmt.left_mm - fmt.right_mm, 10.0)
    widest, line = 0.0, ""
    for word in para.text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width_mm(candidate, size, bold=bold) > room:
            widest = max(widest, text_width_mm(line, size, bold=bold))
            line = word
        else:
            line = candidate
    return max(widest, text_width_mm(line, size, bold=bold))


def check_title_line(ctx: CheckContext) -> list[Issue]:
    """RULE_UNDER_TITLE: a solid line under the tiêu ngữ / Party title, ±15% of its width."""
    lay = ctx.layout
    above = lay.motto if ctx.family == "state" else lay.title
    if above is None:
        raise NotEvaluated("Không thấy tiêu ngữ/tiêu đề để đo đường kẻ.")
    wanted = _width(ctx, above)
    if lay.title_line is None and all(f.underline for _r, f in ctx.runs(above)):
        return []  # the text itself underlined is a line exactly its length
    if _line_ok(lay.title_line, wanted, 0.15):
        return []
    found = "không có đường kẻ"
    # The line is a required element: missing, it is an error; a wrong length stays a
    # warning (the rule's severity), as offices draw it by eye.
    severity: Severity | None = "error"
    if lay.title_line is not None and lay.title_line.length_mm is not None:
        found = f"dài {lay.title_line.length_mm:.0f} mm"
        severity = None
    return [
        Issue(
            "Đường kẻ dưới tiêu ngữ/tiêu đề",
            above,
            f"dài khoảng {wanted:.0f} mm (±15%)",
            found,
            "Kẻ một đường nét liền dưới dòng này, dài bằng dòng chữ.",
            severity,
        )
    ]


def check_organ_separator(ctx: CheckContext) -> list[Issue]:
    """ORGAN_SEPARATOR: State, a line under the issuing name; Party, a "*" line."""
    lay = ctx.layout
    if not lay.issuer:
        raise NotEvaluated("Không thấy tên cơ quan ban hành.")
    sep = lay.organ_sep
    under = lay.issuer[-1]
    if ctx.family == "party":
        if isinstance(sep, Para) and sep.text == "*":
            return []
        found = "đường kẻ" if isinstance(sep, Line) else "không có"
        return [
            Issue(
                "Dấu * dưới tên cơ quan",
                under,
                "một dòng “*” căn giữa",
                found,
                "Thêm một dòng chỉ có dấu “*”, căn giữa dưới tên cơ quan ban hành.",
            )
        ]
    if isinstance(sep, Line):
        return []
    found = "dấu “*”" if isinstance(sep, Para) else "không có"
    return [
        Issue(
            "Đường kẻ dưới tên cơ quan",
            under,
            "đường kẻ nét liền, căn giữa",
            found,
            "Kẻ một đường nét liền dài 1/3–1/2 dòng tên cơ quan ban hành, căn giữa.",
        )
    ]


def check_summary_separator(ctx: CheckContext) -> list[Issue]:
    """SUMMARY_SEPARATOR: State, a line; HD 05, "-----"; HD 36, "-----" or a line."""
    lay = ctx.layout
    if lay.type_name is None:
        raise NotEvaluated("Không thấy tên loại văn bản (công văn không có dòng kẻ này).")
    sep = lay.summary_sep
    under = lay.summary[-1] if lay.summary else lay.type_name
    hyphens = isinstance(sep, Para) and sep.text == "-----"
    line = isinstance(sep, Line)
    if ctx.family == "state":
        ok, wanted = line, "đường kẻ nét liền dưới trích yếu"
    elif ctx.profile.id == "party_hd36_2018":
        ok, wanted = hyphens or line, "dòng “-----” (hoặc đường kẻ, theo thực tế thời HD 36)"
    else:
        ok, wanted = hyphens, "dòng “-----” (5 dấu gạch nối) căn giữa"
    if ok:
        return []
    found = sep.text if isinstance(sep, Para) else ("đường kẻ" if line else "không có")
    return [
        Issue(
            "Phân cách dưới trích yếu", under, wanted, found, f"Thêm {wanted} ngay dưới trích yếu."
        )
    ]


def check_separator_length(ctx: CheckContext) -> list[Issue]:
    """SEPARATOR_LENGTH: State lines under the issuing name and summary, 1/3–1/2 (±15%)."""
    lay = ctx.layout
    pairs = [(lay.issuer, lay.organ_sep), (lay.summary, lay.summary_sep)]
    measured = [(texts, sep) for texts, sep in pairs if texts and isinstance(sep, Line)]
    if not measured:
        raise NotEvaluated("Không có đường kẻ nào để đo.")
    issues = []
    for texts, sep in measured:
        if not isinstance(sep, Line) or sep.length_mm is None:
            continue
        width = max(_wrapped_width(ctx, p) for p in texts)
        ratio = sep.length_mm / width if width else 0
        if 0.333 * 0.85 <= ratio <= 0.5 * 1.15:
            continue
        issues.append(
            Issue(
                "Độ dài đường kẻ",
                texts[-1],
                f"{width / 3:.0f}–{width / 2:.0f} mm (1/3–1/2 dòng chữ {width:.0f} mm)",
                f"{sep.length_mm:.0f} mm",
                "Chỉnh độ dài đường kẻ cho bằng 1/3–1/2 dòng chữ.",
            )
        )
    return issues
