"""What only the page shows: the document laid out by LibreOffice, read back from its PDF.

``vanban check --trang`` and ``vanban build --pdf`` run these checks: the Quốc hiệu or
Party title on one line, Số level with the date, Nơi nhận beside the signature on the
last page, the lines under the tiêu ngữ / Party title and under the State issuing body
(present, long enough, not touching the letters), page numbers. The elements are found
in the .docx (``pipeline.compliance``), then looked up on the page by their words.

Positions are PDF points (1/72 inch) from the top-left corner of each page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber

from pipeline.compliance.base import Issue, NotEvaluated
from pipeline.compliance.catalogue import page_rules_for
from pipeline.compliance.check import prepare_check, run_check
from pipeline.compliance.detect import PARTY_TITLE, QUOC_HIEU, Layout, title_key
from pipeline.compliance.package import open_package
from pipeline.compliance.report import CheckReport, Location

MM = 72 / 25.4
#: Two words are on one line when their tops differ by less than this (pt).
_SAME_LINE = 3.0
#: Descent of Times New Roman / Liberation Serif, in em (the baseline is this far above
#: the bottom of a word's box).
_DESCENT = 0.216
#: A line under a text is looked for this far below the text's baseline (pt).
_LINE_WINDOW = (-2.0, 22.0)
#: Less than this between the baseline and the line (mm), the line touches the letters.
_MIN_GAP_MM = 1.0
#: The page's header zone (pt from the top), where its number is printed.
_HEADER_ZONE = 55.0


@dataclass(frozen=True)
class Word:
    """A word printed on a page, with its box (pt) and font size."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def baseline(self) -> float:
        """Return the y of the word's baseline."""
        return self.bottom - _DESCENT * self.size


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn on a page (a stroke, a thin box, or typed underscores)."""

    page: int
    x0: float
    x1: float
    y: float

    @property
    def length_mm(self) -> float:
        """Return the length in mm."""
        return (self.x1 - self.x0) / MM


@dataclass
class Pages:
    """A laid-out document: its words (in text flow) and lines, page by page."""

    words: list[list[Word]]
    rules: list[list[Rule]]
    width: float


@dataclass(frozen=True)
class PageContext:
    """What the page rules read: the elements found in the .docx, and the pages."""

    layout: Layout
    family: str
    pages: Pages


def read_pages(pdf: Path) -> Pages:
    """Return the words and horizontal lines of every page of ``pdf``."""
    words: list[list[Word]] = []
    rules: list[list[Rule]] = []
    width = 595.0
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            width = float(page.width)
            found = page.extract_words(use_text_flow=True, extra_attrs=["size"])
            page_words = [_word(item, number) for item in found]
            words.append([w for w in page_words if not _underscores(w.text)])
            lines = [_rule(item, number) for item in (*page.lines, *page.rects)]
            lines += [
                Rule(number, w.x0, w.x1, (w.top + w.bottom) / 2)
                for w in page_words
                if _underscores(w.text)
            ]
            rules.append(_unique([r for r in lines if r is not None]))
    return Pages(words, rules, width)


def _word(item: dict[str, Any], page: int) -> Word:
    text = unicodedata.normalize("NFC", str(item["text"]))
    return Word(
        text,
        page,
        float(item["x0"]),
        float(item["x1"]),
        float(item["top"]),
        float(item["bottom"]),
        float(item.get("size") or 13.0),
    )


def _rule(item: dict[str, Any], page: int) -> Rule | None:
    height = abs(float(item["bottom"]) - float(item["top"]))
    length = float(item["x1"]) - float(item["x0"])
    if height > 2.0 or length < 5.0:  # not horizontal, or a dot
        return None
    return Rule(page, float(item["x0"]), float(item["x1"]), (item["top"] + item["bottom"]) / 2)


def _underscores(text: str) -> bool:
    return len(text) >= 3 and set(text) == {"_"}


def _unique(rules: list[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for rule in rules:
        if not any(
            abs(rule.x0 - o.x0) < 1 and abs(rule.x1 - o.x1) < 1 and abs(rule.y - o.y) < 1
            for o in out
        ):
            out.append(rule)
    return out


# -- finding an element's words on the page -------------------------------------------


def _tokens(text: str) -> list[str]:
    return [title_key(t) for t in unicodedata.normalize("NFC", text).split()]


def find(pages: Pages, text: str, first_page_only: bool = False, last: bool = False) -> list[Word]:
    """Return the printed words of ``text`` (first or last occurrence), or []."""
    wanted = _tokens(text)
    if not wanted:
        return []
    scope = pages.words[:1] if first_page_only else pages.words
    flat = [w for page in scope for w in page]
    keys = [title_key(w.text) for w in flat]
    found: list[Word] = []
    for start in range(len(flat) - len(wanted) + 1):
        if keys[start : start + len(wanted)] == wanted:
            found = flat[start : start + len(wanted)]
            if not last:
                return found
    return found


def _lines_of(words: list[Word]) -> list[list[Word]]:
    out: list[list[Word]] = []
    for word in words:
        if out and word.page == out[-1][0].page and abs(word.top - out[-1][0].top) < _SAME_LINE:
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _where(words: list[Word], text: str) -> Location:
    page = words[0].page if words else 1
    return Location(f"trang {page}", f"trang {page} (bản in)", text[:70])


def _span(words: list[Word]) -> tuple[float, float]:
    return min(w.x0 for w in words), max(w.x1 for w in words)


# -- the rules ----------------------------------------------------------------------------


def check_title_one_line(ctx: PageContext) -> list[Issue]:
    """PAGE_TITLE_ONE_LINE: the Quốc hiệu / Party title printed on one line."""
    text = QUOC_HIEU if ctx.family == "state" else PARTY_TITLE
    words = find(ctx.pages, text, first_page_only=True)
    if not words:
        raise NotEvaluated("Không thấy quốc hiệu/tiêu đề trên trang 1.")
    lines = _lines_of(words)
    if len(lines) == 1:
        return []
    broken = " / ".join(" ".join(w.text for w in line) for line in lines)
    return [
        Issue(
            "Quốc hiệu" if ctx.family == "state" else "Tiêu đề Đảng",
            _where(words, text),
            "một dòng",
            f"{len(lines)} dòng: {broken}",
            "Dòng này bị xuống dòng trên trang in: mở rộng cột phải của bảng phần đầu hoặc "
            "giảm cỡ chữ trong khoảng cho phép (quốc hiệu 12–13 pt, tiêu đề Đảng 15 pt).",
        )
    ]


def check_number_date_level(ctx: PageContext) -> list[Issue]:
    """PAGE_NUMBER_DATE_LEVEL: the Số line and the date line on one baseline."""
    lay = ctx.layout
    if lay.number is None or lay.date is None:
        raise NotEvaluated("Không thấy dòng số, ký hiệu hoặc dòng ngày tháng.")
    number = find(ctx.pages, lay.number.text, first_page_only=True)
    date = find(ctx.pages, lay.date.text, first_page_only=True)
    if not number or not date:
        raise NotEvaluated("Không tìm thấy dòng số hoặc dòng ngày tháng trên trang 1.")
    shift = date[0].baseline - number[0].baseline
    if abs(shift) <= _SAME_LINE:
        return []
    where = "thấp hơn" if shift > 0 else "cao hơn"
    return [
        Issue(
            "Số, ký hiệu và ngày tháng",
            _where(date, lay.date.text),
            "cùng một hàng với dòng số, ký hiệu",
            f"dòng ngày tháng {where} {abs(shift) / MM:.1f} mm",
            "Đặt dòng số, ký hiệu và dòng địa danh, ngày tháng trên cùng một hàng của bảng "
            "phần đầu, cùng khoảng cách trước đoạn.",
        )
    ]


def check_noi_nhan_beside(ctx: PageContext) -> list[Issue]:
    """PAGE_NOI_NHAN_BESIDE: Nơi nhận left of the signature, level with its first line."""
    lay = ctx.layout
    if lay.label is None:
        raise NotEvaluated("Văn bản không có nơi nhận.")
    first_line = lay.authority or (lay.positions[0] if lay.positions else lay.name)
    if first_line is None:
        raise NotEvaluated("Không thấy khối chữ ký.")
    label = find(ctx.pages, lay.label.text, last=True)
    signature = find(ctx.pages, first_line.text, last=True)
    if not label or not signature:
        raise NotEvaluated("Không tìm thấy nơi nhận hoặc khối chữ ký trên trang in.")
    lab, sig = label[0], signature[0]
    beside = lab.page == sig.page and abs(lab.top - sig.top) <= 2 * sig.size and lab.x1 < sig.x0
    if beside:
        return []
    if lab.page != sig.page:
        found = f"nơi nhận ở trang {lab.page}, chữ ký ở trang {sig.page}"
    elif lab.top > sig.top:
        found = f"nơi nhận thấp hơn dòng đầu khối chữ ký {(lab.top - sig.top) / MM:.0f} mm"
    else:
        found = f"nơi nhận cao hơn dòng đầu khối chữ ký {(sig.top - lab.top) / MM:.0f} mm"
    return [
        Issue(
            "Nơi nhận",
            _where(label, lay.label.text),
            "bên trái, ngang dòng đầu của khối chữ ký, cùng trang",
            found,
            "Đặt “Nơi nhận:” và các dòng nơi nhận ở cột trái của bảng chữ ký, cùng hàng "
            "với quyền hạn người ký (không đặt dưới chữ ký).",
        )
    ]


def _line_under(ctx: PageContext, words: list[Word]) -> Rule | None:
    x0, x1 = _span(words)
    centre = (x0 + x1) / 2
    baseline = max(w.baseline for w in words)
    low, high = _LINE_WINDOW
    candidates = [
        r
        for r in ctx.pages.rules[words[0].page - 1]
        if low <= r.y - baseline <= high and r.x0 - 5 <= centre <= r.x1 + 5
    ]
    return min(candidates, key=lambda r: r.y, default=None)


def _line_issues(
    ctx: PageContext,
    under: list[Word],
    measure: list[Word],
    element: str,
    ratio: tuple[float, float],
) -> list[Issue]:
    """Return what is wrong with the line under the words ``under``; its length is
    ``ratio`` of the width of ``measure`` (±15%)."""
    text = " ".join(w.text for w in under)
    line = _line_under(ctx, under)
    x0, x1 = _span(measure)
    width = (x1 - x0) / MM
    low, high = ratio[0] * width * 0.85, ratio[1] * width * 1.15
    wanted = f"{low:.0f}–{high:.0f} mm" if ratio[0] != ratio[1] else f"khoảng {width:.0f} mm"
    if line is None:
        return [
            Issue(
                f"Đường kẻ dưới {element}",
                _where(under, text),
                f"một đường kẻ nét liền dài {wanted}",
                "không có trên trang in",
                f"Kẻ một đường nét liền dưới {element}, căn giữa (trên trang in không thấy).",
            )
        ]
    out = []
    if not low <= line.length_mm <= high:
        out.append(
            Issue(
                f"Đường kẻ dưới {element}",
                _where(under, text),
                f"dài {wanted} (dòng chữ {width:.0f} mm)",
                f"dài {line.length_mm:.0f} mm",
                "Chỉnh độ dài đường kẻ theo dòng chữ phía trên.",
                "warning",
            )
        )
    gap = (line.y - max(w.baseline for w in under)) / MM
    if gap < _MIN_GAP_MM:
        out.append(
            Issue(
                f"Đường kẻ dưới {element}",
                _where(under, text),
                f"cách chân chữ ít nhất {_MIN_GAP_MM:g} mm",
                f"cách {max(gap, 0):.1f} mm (sát chữ)",
                "Đặt đường kẻ thấp hơn một chút để không chạm chữ.",
                "warning",
            )
        )
    return out


def check_lines(ctx: PageContext) -> list[Issue]:
    """PAGE_LINES: lines under the tiêu ngữ / Party title and the State issuing body."""
    lay = ctx.layout
    above = lay.motto if ctx.family == "state" else lay.title
    if above is None:
        raise NotEvaluated("Không thấy tiêu ngữ/tiêu đề.")
    words = find(ctx.pages, above.text, first_page_only=True)
    if not words:
        raise NotEvaluated("Không tìm thấy tiêu ngữ/tiêu đề trên trang 1.")
    name = "tiêu ngữ" if ctx.family == "state" else "tiêu đề Đảng"
    motto = _lines_of(words)[-1]
    issues = _line_issues(ctx, motto, motto, name, (1.0, 1.0))
    organ = [w for para in ctx.layout.issuer for w in find(ctx.pages, para.text, True)]
    if ctx.family == "state" and organ:
        # Measured against the widest printed line of the name, as the spec says.
        lines = _lines_of(organ)
        widest = max(lines, key=lambda ws: _span(ws)[1] - _span(ws)[0])
        issues += _line_issues(ctx, lines[-1], widest, "tên cơ quan ban hành", (1 / 3, 1 / 2))
    return issues


def check_page_numbers(ctx: PageContext) -> list[Issue]:
    """PAGE_NUMBERS: none on page 1; from page 2, the page's number centred at the top."""
    pages = ctx.pages
    issues = []
    centre = pages.width / 2
    for index, words in enumerate(pages.words, start=1):
        top = [w for w in words if w.top < _HEADER_ZONE and w.text.isdigit()]
        if index == 1:
            if top:
                issues.append(
                    Issue(
                        "Số trang",
                        _where(top, top[0].text),
                        "trang 1 không đánh số",
                        f"có số “{top[0].text}”",
                        "Chọn “Different First Page” cho phần đầu trang.",
                    )
                )
            continue
        mine = [w for w in top if w.text == str(index)]
        if not mine:
            issues.append(
                Issue(
                    "Số trang",
                    Location(f"trang {index}", f"trang {index} (bản in)", ""),
                    f"số “{index}” ở giữa lề trên",
                    "không có",
                    "Chèn số trang (PAGE) vào đầu trang, căn giữa.",
                )
            )
        elif abs((mine[0].x0 + mine[0].x1) / 2 - centre) > 15 * MM:
            issues.append(
                Issue(
                    "Số trang",
                    _where(mine, mine[0].text),
                    "ở giữa lề trên",
                    "lệch khỏi giữa trang",
                    "Căn giữa số trang.",
                    "warning",
                )
            )
    return issues


PAGE_RULES = {
    "PAGE_TITLE_ONE_LINE": check_title_one_line,
    "PAGE_NUMBER_DATE_LEVEL": check_number_date_level,
    "PAGE_NOI_NHAN_BESIDE": check_noi_nhan_beside,
    "PAGE_LINES": check_lines,
    "PAGE_NUMBERS": check_page_numbers,
}


def with_pages(report: CheckReport, docx: Path | bytes, pdf: Path) -> CheckReport:
    """Return ``report`` (the check of ``docx``) with the page checks of its ``pdf``."""
    if report.kind:
        return report  # not an official document: nothing to lay out against
    prepared = prepare_check(open_package(docx, report.file), report.profile_id)
    if prepared.specs and prepared.specs[-1].id == "LIST_LAYOUT":
        return report  # a distribution list has no header or signature to place
    ctx = PageContext(prepared.ctx.layout, prepared.ctx.family, read_pages(pdf))
    results = tuple(
        run_check(spec, PAGE_RULES[spec.id], ctx) for spec in page_rules_for(report.profile_id)
    )
    return replace(report, results=report.results + results)


def page_only(report: CheckReport) -> CheckReport:
    """Return ``report`` with only its page checks (build --pdf prints these)."""
    ids = {spec.id for spec in page_rules_for(report.profile_id)}
    return replace(report, results=tuple(r for r in report.results if r.rule_id in ids))


def check_laid_out(
    docx: Path, pdf: Path, profile_id: str | None = None, name: str | None = None
) -> CheckReport:
    """Return the check of ``docx`` with the page checks of its ``pdf``."""
    from pipeline.compliance import check_docx

    return with_pages(check_docx(docx, profile_id, name=name), docx, pdf)
