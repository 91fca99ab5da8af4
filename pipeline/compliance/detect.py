"""Find the elements of an official document by position and text, never by style name.

A document made by hand in Word has no "VB …" styles, so everything here goes by what
the text says and where it sits: the national or Party title, "Số …", "…, ngày …" in
the header (usually a borderless table), the type name and summary under it, the body,
then "Nơi nhận:" beside the signature block (usually a second table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.compliance.paras import Para, drawn_line_mm, text_runs
from pipeline.compliance.reader import StyleResolver
from pipeline.profiles import PROFILE_IDS, get_profile

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NUMBER_START = re.compile(r"^Số(?=[\s:.]|\d|$)", re.IGNORECASE)
DATE_START = re.compile(r"^[^,]{1,60},\s*ngày\b", re.IGNORECASE)
AUTHORITY = re.compile(r"^(?:T/M|K/T|T/L|T/U|T\.M|K\.T|T\.L|TM\.?|KT\.?|TL\.?|TUQ\.?|Q\.)\s")
HYPHENS = re.compile(r"^[-‐‑–—_]{3,}$")
UNDERSCORES = re.compile(r"^_{3,}$")
#: Advance of "_" in Times New Roman / Liberation Serif, in em; the height factor of a
#: superscript or subscript run as LibreOffice lays it out (Word's is close).
_UNDERSCORE_EM = 0.5
_SCRIPT_SCALE = 0.58
_SCAN = 40
_CENTRAL = ["BAN CHẤP HÀNH", "TRUNG ƯƠNG"]
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_VERT, _W_VAL = _W + "vertAlign", _W + "val"


@lru_cache(maxsize=1024)  # every paragraph of every plan: most texts come again
def title_key(text: str) -> str:
    """Return ``text`` upper-cased with both tone-mark styles folded ("HOÀ" → "HÒA")."""
    return text.upper().replace("HOÀ", "HÒA").replace("UỶ", "ỦY").replace("  ", " ")


@dataclass(frozen=True)
class Line:
    """A drawn separator: the paragraph it is in (or under), its length, how it is drawn."""

    para: Para
    length_mm: float | None
    how: str


@dataclass
class Layout:
    """The elements found in one document (None / empty when not found)."""

    paras: list[Para]
    family: str | None = None
    title: Para | None = None
    motto: Para | None = None
    title_line: Line | None = None
    header: list[Para] = field(default_factory=list)
    superior: list[Para] = field(default_factory=list)
    issuer: list[Para] = field(default_factory=list)
    organ_sep: Para | Line | None = None
    number: Para | None = None
    date: Para | None = None
    type_name: Para | None = None
    summary: list[Para] = field(default_factory=list)
    summary_sep: Para | Line | None = None
    body: list[Para] = field(default_factory=list)
    body_cells: list[Para] = field(default_factory=list)
    label: Para | None = None
    items: list[Para] = field(default_factory=list)
    authority: Para | None = None
    positions: list[Para] = field(default_factory=list)
    name: Para | None = None


@cache
def type_names() -> tuple[str, ...]:
    """Return every known document type name, lower case, longest first."""
    names = {"chương trình hành động", "báo cáo sơ kết", "báo cáo tổng kết"}
    for pid in PROFILE_IDS:
        names.update(get_profile(pid).doc_types)
    return tuple(sorted(names, key=len, reverse=True))


def _title_family(text: str) -> str | None:
    key = title_key(text)
    if key.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA") or key == title_key(QUOC_HIEU):
        return "state"
    if key.startswith("ĐẢNG CỘNG SẢN VIỆT"):
        return "party"
    return None


class _Finder:
    """Walks the paragraphs once per element; small steps so that each can be tested."""

    def __init__(self, paras: list[Para], resolver: StyleResolver) -> None:
        self.paras = paras
        self.resolver = resolver
        self.layout = Layout(paras)

    def run(self) -> Layout:
        self._header()
        rest = self.paras[self._header_end() + 1 :] if self.layout.header else self.paras
        rest = self._title_block(rest)
        self._closing_and_body(rest)
        return self.layout

    # -- header ---------------------------------------------------------------------
    def _header(self) -> None:
        lay = self.layout
        head = self.paras[:_SCAN]
        lay.title = next((p for p in head if _title_family(p.text)), None)
        lay.family = _title_family(lay.title.text) if lay.title else None
        lay.number = next((p for p in head if NUMBER_START.match(p.text)), None)
        lay.date = next((p for p in head if DATE_START.match(p.text)), None)
        anchors = [p for p in (lay.title, lay.number, lay.date) if p is not None]
        if not anchors:
            return
        last = max(p.index for p in anchors)
        tables = {p.table for p in anchors if p.table is not None}
        last = max([last] + [p.index for p in self.paras if p.table in tables])
        lay.header = self.paras[: last + 1]
        self._motto()
        self._organ()

    def _header_end(self) -> int:
        return max(p.index for p in self.layout.header)

    def _same_cell_after(self, para: Para, count: int) -> list[Para]:
        after = self.paras[para.index + 1 : para.index + 1 + count]
        return [p for p in after if p.cell == para.cell]

    def _motto(self) -> None:
        lay = self.layout
        if lay.title is None:
            return
        following = self._same_cell_after(lay.title, 3)
        lay.motto = next((p for p in following if "độc lập" in p.text.casefold()), None)
        above = lay.motto or lay.title
        lay.title_line = self.line_under(above)

    def line_under(self, above: Para) -> Line | None:
        """Return the line drawn under ``above``: its bottom border, a shape, or a line
        paragraph right after it (skipping one empty paragraph)."""
        if "bottom" in self.resolver.borders(above.el):
            return Line(above, self._border_length(above), "viền dưới đoạn")
        length = self._drawn_line(above)
        if length is not None:
            return Line(above, length, "hình vẽ")
        for para in self._same_cell_after(above, 2):
            found = self._line_paragraph(para)
            if found is not None or para.text:
                return found
        return None

    def _line_paragraph(self, para: Para) -> Line | None:
        """Return the line ``para`` holds: underscores, a shape or a border (or None)."""
        if UNDERSCORES.match(para.text):
            return Line(para, self._underscore_length(para), "gạch dưới (_)")
        if para.text:
            return None
        length = self._drawn_line(para)
        if length is not None:
            return Line(para, length, "hình vẽ")
        if self.resolver.borders(para.el):
            return Line(para, self._border_length(para), "viền đoạn")
        return None

    def _underscore_length(self, para: Para) -> float:
        """Return the printed length of a line typed as underscores (the Government's
        own files draw the lines under the header this way, often in superscript)."""
        points = 0.0
        for run in text_runs(para.el):
            count = "".join(run.itertext()).count("_")
            if not count:
                continue
            size = self.resolver.run_format(para.el, run).size or 14.0
            scripted = any(v.get(_W_VAL) in ("superscript", "subscript") for v in run.iter(_W_VERT))
            points += count * _UNDERSCORE_EM * size * (_SCRIPT_SCALE if scripted else 1.0)
        return points * 25.4 / 72

    def _drawn_line(self, para: Para) -> float | None:
        return self.resolver.facts.get("line", para.el, drawn_line_mm)

    def _border_length(self, para: Para) -> float:
        fmt = self.resolver.paragraph_format(para.el)
        return max(para.width_mm - fmt.left_mm - fmt.right_mm, 0.0)

    def _organ(self) -> None:
        lay = self.layout
        # The number line may be a paragraph under the header table: the issuing body is
        # then still the table's left column.
        column = lay.number.col if lay.number is not None and lay.number.col else 1
        stop = lay.number.index if lay.number is not None else self._header_end() + 1
        skip = {id(p) for p in (lay.title, lay.motto, lay.date) if p is not None}
        names = [
            p
            for p in lay.header
            if p.index < stop
            and id(p) not in skip
            and p.text
            and (p.cell is None or p.col == column)
            and not HYPHENS.match(p.text)
        ]
        star = next((p for p in names if p.text == "*"), None)
        names = [p for p in names if p.text != "*" and p.text.upper() == p.text]
        if star is not None:
            names = [p for p in names if p.index < star.index]
        self._split_names(names)
        if star is not None:
            lay.organ_sep = star
        elif lay.issuer:
            lay.organ_sep = self.line_under(lay.issuer[-1])

    def _split_names(self, names: list[Para]) -> None:
        lay = self.layout
        if len(names) < 2:
            lay.issuer = names
            return
        bold = [any_bold(self.resolver, p) for p in names]
        if lay.family == "party":
            # "BAN CHẤP HÀNH" / "TRUNG ƯƠNG" is one name on two lines.
            first = 2 if [title_key(p.text) for p in names[:2]] == _CENTRAL else 1
            if first == len(names):
                lay.issuer = names
            elif any(bold) and not all(bold):
                lead = bold.index(True)  # the issuing body is bold, its superior is not
                lay.superior, lay.issuer = names[:lead], names[lead:]
            else:
                lay.superior, lay.issuer = names[:first], names[first:]
            return
        # Leading plain lines are the superior body; with no bold line, the first one is.
        lead = bold.index(True) if any(bold) else 1
        lay.superior, lay.issuer = names[:lead], names[lead:]

    # -- type name, summary ---------------------------------------------------------
    def _title_block(self, rest: list[Para]) -> list[Para]:
        lay = self.layout
        start = next((i for i, p in enumerate(rest) if p.text), None)
        if start is None or not _is_type_name(rest[start].text):
            return rest
        lay.type_name = rest[start]
        index = start + 1
        while index < len(rest) and len(lay.summary) < 6:
            para = rest[index]
            if not para.text or HYPHENS.match(para.text) or para.table is not None:
                break
            if self.resolver.paragraph_format(para.el).align != "center":
                break
            lay.summary.append(para)
            index += 1
        return self._summary_separator(rest, index)

    def _summary_separator(self, rest: list[Para], index: int) -> list[Para]:
        lay = self.layout
        last = lay.summary[-1] if lay.summary else lay.type_name
        if last is None:
            return rest[index:]
        line = self.line_under(last)
        if line is not None:
            lay.summary_sep = line
            return [p for p in rest[index:] if p.index > line.para.index]
        for offset, para in enumerate(rest[index : index + 2]):
            if HYPHENS.match(para.text):
                lay.summary_sep = para
                return rest[index + offset + 1 :]
            if para.text:
                break
        return rest[index:]

    # -- closing block and body -----------------------------------------------------
    def _closing_and_body(self, rest: list[Para]) -> None:
        lay = self.layout
        widths: dict[int | None, int] = {}  # table → its number of columns
        for p in rest:
            widths[p.table] = max(widths.get(p.table, 0), p.col or 0)
        lay.label = next(
            (
                p
                for p in rest
                if p.text.casefold().startswith("nơi nhận") and widths.get(p.table, 0) <= 2
            ),
            None,
        )
        if lay.label is None:
            lay.authority = next((p for p in rest if AUTHORITY.match(p.text)), None)
        anchor = lay.label or lay.authority
        end = anchor.index if anchor is not None else len(self.paras)
        if lay.label is not None and lay.label.table is None:
            before = [p for p in rest if end - 10 <= p.index < end and AUTHORITY.match(p.text)]
            end = before[-1].index if before else end
        if anchor is not None and anchor.table is not None:
            end = min(p.index for p in self.paras if p.table == anchor.table)
        body = [p for p in rest if p.index < end]
        lay.body = _without_addressees([p for p in body if p.text and p.table is None])
        lay.body_cells = [p for p in body if p.text and p.table is not None]
        if anchor is not None:
            self._closing(anchor, [p for p in rest if p.index >= end])

    def _closing(self, anchor: Para, tail: list[Para]) -> None:
        lay = self.layout
        if lay.label is not None and lay.label.cell is not None:
            cell = lay.label.cell
            lay.items = joined_items(
                [p for p in tail if p.cell == cell and p.index > lay.label.index and p.text]
            )
            signature = [
                p for p in tail if p.table == cell[0] and p.row == cell[1] and p.col != cell[2]
            ]
        elif lay.label is not None:
            lay.items = _dash_run([p for p in tail if p.index > lay.label.index])
            signature = [p for p in tail if p.index < lay.label.index]
            if not signature:
                signature = [p for p in tail if p.index > lay.label.index and p not in lay.items]
        else:
            signature = [p for p in tail if p.cell == anchor.cell and p.index >= anchor.index]
        self._signature(_without_notes([p for p in signature if p.text]))

    def _signature(self, lines: list[Para]) -> None:
        lay = self.layout
        if not lines:
            return
        if AUTHORITY.match(lines[0].text):
            lay.authority, lines = lines[0], lines[1:]
        if lines:
            lay.name = lines[-1]
            lay.positions = lines[:-1]


_NOTE_START = re.compile(r"^[^\w(]*\(")
_ITEM_START = ("-", "–", "+")


def _without_notes(lines: list[Para]) -> list[Para]:
    """Return the signature lines without notes in brackets ("(Đã ký)", "(Chữ ký, dấu)"),
    a note possibly wrapped over several lines, or led by a stray mark ("[ (Đã ký)")."""
    out, inside = [], False
    for para in lines:
        if not inside and _NOTE_START.match(para.text):
            inside = True
        if inside:
            inside = not para.text.rstrip().endswith(")")
            continue
        out.append(para)
    return out


def joined_items(paras: list[Para]) -> list[Para]:
    """Return the Nơi nhận items with wrapped lines joined to the item they continue.

    A line that does not start with a dash, right after an item that does and does not
    yet end with ";" or "." (and ends with "," or is followed by a lower-case word), is the
    rest of that item typed on a new line (the Government's own files do this): the item
    keeps its first paragraph and the whole text.
    """
    out: list[Para] = []
    for para in paras:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not para.text.startswith(_ITEM_START)
            and prev.text.startswith(_ITEM_START)
            and not prev.text.endswith((";", "."))
            and (para.text[:1].islower() or prev.text.endswith(","))
        ):
            out[-1] = prev.with_text(f"{prev.text} {para.text}")
            continue
        out.append(para)
    return out


def _without_addressees(body: list[Para]) -> list[Para]:
    """Return ``body`` without a leading "Kính gửi:" ("Kính trình:") line and its
    "- …" items: they are box 9a (công văn, tờ trình), not body paragraphs."""
    if not body or not body[0].text.casefold().startswith(("kính gửi", "kính trình")):
        return body
    rest = body[1:]
    items = _dash_run(rest) if body[0].text.rstrip().endswith(":") else []
    return rest[len(items) :]


def _dash_run(paras: list[Para]) -> list[Para]:
    out: list[Para] = []
    for para in paras:
        if not para.text:
            continue
        wrapped = (
            bool(out)
            and not out[-1].text.endswith((";", "."))
            and (para.text[:1].islower() or out[-1].text.endswith(","))
        )
        if not para.text.startswith(_ITEM_START) and not wrapped:
            break
        out.append(para)
    return joined_items(out)


def _is_type_name(text: str) -> bool:
    lower = text.casefold()
    if len(text) > 80 or lower.startswith(("kính gửi", "v/v", "về ", "căn cứ")):
        return False
    if any(lower == name or lower.startswith(name + " ") for name in type_names()):
        return True
    return text.isupper() and len(text.split()) <= 8 and not lower.startswith("nơi nhận")


def any_bold(resolver: StyleResolver, para: Para) -> bool:
    """Return True when some printed run of ``para`` is bold."""
    return any(resolver.run_format(para.el, r).bold for r in text_runs(para.el))


def detect(paras: list[Para], resolver: StyleResolver) -> Layout:
    """Return the elements of the document whose paragraphs are ``paras``."""
    return _Finder(paras, resolver).run()
