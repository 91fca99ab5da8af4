"""Official-document record → template context: every string ready to place.

Numbering, dates, the number line, Nơi nhận punctuation and the signature lines are
all decided here, from the record and its profile; templates only place them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from pipeline.context.appendix import AppendixHead, appendix_heads
from pipeline.context.distribution import distribution_lines, distribution_runs, plain_lines
from pipeline.context.inline import Run, parse_inline
from pipeline.context.notes import Footnote, FootnoteNumbers
from pipeline.context.tables import GridTable, grid_table, text_width_twips
from pipeline.context.targets import target_wording
from pipeline.formatting import (
    NumberingStyle,
    date_line,
    kind_below,
    level_label,
    number_line,
    short_date,
)
from pipeline.models.document import (
    Article,
    AssignmentsBlock,
    Block,
    Bullet,
    CentredLine,
    Clause,
    OfficialDocument,
    Paragraph,
    Section,
    TableBlock,
    TargetsBlock,
    TasksBlock,
)
from pipeline.models.programme import Assignment, Target, Task, TaskGroup
from pipeline.models.signature import Signature, authority_prefix
from pipeline.profiles import Profile

_LABEL = re.compile(r"^\((\d+)\)$")
_END_PUNCT = ".;:,"


@dataclass(frozen=True, slots=True)
class TableData:
    """A body table: header cells, body rows, column widths as fractions of the width."""

    tieu_de: tuple[str, ...]
    hang: tuple[tuple[str, ...], ...]
    do_rong: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class BodyLine:
    """One paragraph of the body (or one table), with the style it takes.

    ``kieu`` is one of: "doan" (body text), "doan_cuoi" (the last body paragraph, kept
    with the signature), "muc1".."muc4" (headings by level), "bang" (a table), "giua"
    (a bold centred line: "QUYẾT ĐỊNH:").
    """

    kieu: str
    runs: tuple[Run, ...] = ()
    bang: TableData | GridTable | None = None


@dataclass(frozen=True, slots=True)
class AppendixContext:
    """An appendix: its head (title, name, caption, page start) and its body lines."""

    dau: AppendixHead
    noi_dung: tuple[BodyLine, ...]


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One line of the signature block above the name, its emphasis decided.

    ``kieu`` is "quyen_han" for the first line when it is an authority line (it takes
    the space above the block), else "chuc_vu"; the run carries the line's bold and
    italic, set explicitly (``runs_exact``) so that the profile's choice or the
    record's override holds whatever the paragraph style says.
    """

    kieu: str
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class SignatureLines:
    """The signature block: its lines above the name (``dong``), and the name.

    ``quyen_han`` (authority lines joined) and ``chuc_vu`` (position lines joined)
    keep templates made for the three-line block working.
    """

    quyen_han: str
    chuc_vu: str
    ho_ten: str
    dong: tuple[SignatureLine, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """Everything a plan template places, as ready strings and rows."""

    the_thuc: str
    khoi: str
    co_quan_cap_tren: tuple[str, ...]
    co_quan_ban_hanh: tuple[str, ...]
    so_ky_hieu: str
    dia_danh_ngay: str
    ten_loai: str
    trich_yeu: tuple[str, ...]
    phan_cach_trich_yeu: str
    noi_dung: tuple[BodyLine, ...]
    noi_nhan_nhan: str
    noi_nhan: tuple[str, ...]
    chu_ky: SignatureLines
    minh_hoa: tuple[str, ...] = field(default=())
    #: Nơi nhận lines as runs (inline emphasis); ``noi_nhan`` is their plain text.
    noi_nhan_dong: tuple[tuple[Run, ...], ...] = ()
    #: "Kính gửi:" lines: kieu "kinh_gui" (centred) then "kinh_gui_muc" (one per recipient).
    kinh_gui: tuple[BodyLine, ...] = ()
    #: A joint document's signature blocks, side by side, left to right (the co-signers,
    #: then ``chu_ky``, the lead body, on the right); empty for one signer.
    lien_tich: tuple[SignatureLines, ...] = ()
    phu_luc: tuple[AppendixContext, ...] = field(default=())
    trang_cuoi: str = ""
    chu_thich: tuple[Footnote, ...] = field(default=())


def build_document_context(doc: OfficialDocument) -> DocumentContext:
    """Return the template context of ``doc`` under its profile."""
    profile = doc.profile
    organ = doc.co_quan
    type_abbr = profile.type_abbreviation(doc.loai) or ""
    distribution = distribution_lines(doc.noi_nhan, profile)
    notes = FootnoteNumbers()
    body = _mark_last(
        (
            *_Body(doc, profile).lines(doc.noi_dung, _Level(doc.cap_dau or "I.")),
            *(BodyLine("doan", parse_inline(note)) for note in doc.ghi_chu_cuoi),
        ),
        profile.body.end_marker,
    )
    body = tuple(notes.line(line) for line in body)
    heads, last = appendix_heads(doc)
    appendices = tuple(
        AppendixContext(
            replace(head, ten=notes.runs(head.ten)),
            tuple(
                notes.line(line)
                for line in _Body(doc, profile, landscape=appendix.ngang).lines(
                    appendix.noi_dung, _Level(doc.cap_dau or "I.")
                )
            ),
        )
        for head, appendix in zip(heads, doc.phu_luc, strict=True)
    )
    return DocumentContext(
        the_thuc=profile.id,
        khoi=doc.khoi,
        co_quan_cap_tren=organ.cap_tren,
        co_quan_ban_hanh=organ.ban_hanh,
        so_ky_hieu=number_line(profile.family, doc.so, type_abbr, organ.viet_tat),
        dia_danh_ngay=date_line(organ.dia_danh, doc.ngay, doc.issued_year),
        ten_loai=doc.ten_loai or doc.loai.upper(),
        trich_yeu=_letter_summary(doc.trich_yeu, profile.letter_summary_prefix)
        if profile.is_letter(doc.loai)
        else doc.trich_yeu,
        phan_cach_trich_yeu="-----" if profile.separators.summary == "hyphens" else "",
        noi_dung=body,
        noi_nhan_nhan=profile.noi_nhan.label,
        noi_nhan=plain_lines(distribution),
        noi_nhan_dong=distribution_runs(distribution),
        kinh_gui=addressee_lines(doc.kinh_gui, profile)
        or addressee_lines(doc.kinh_trinh, profile, "Kính trình:"),
        chu_ky=signature_lines(doc.chu_ky, profile),
        lien_tich=_side_by_side(
            tuple(signature_lines(s, profile) for s in (*doc.lien_tich, doc.chu_ky))
        )
        if doc.lien_tich
        else (),
        minh_hoa=doc.minh_hoa,
        phu_luc=appendices,
        trang_cuoi=last,
        chu_thich=tuple(notes.notes),
    )


def _mark_last(lines: tuple[BodyLine, ...], end_marker: str = "") -> tuple[BodyLine, ...]:
    """Mark the last body paragraph "doan_cuoi": it is kept on the page of the signature.

    With ``end_marker`` "./." (State documents) the paragraph ends with it: added after
    the text, or in place of its final full stop.
    """
    if not lines or lines[-1].kieu != "doan":
        return lines
    runs = lines[-1].runs
    if end_marker == "./." and runs and not runs[-1].text.endswith("./."):
        last = runs[-1]
        text = last.text[:-1] if last.text.endswith(".") else last.text.rstrip(";:,")
        runs = (*runs[:-1], Run(text + end_marker, last.bold, last.italic))
    return (*lines[:-1], BodyLine("doan_cuoi", runs))


def _side_by_side(blocks: tuple[SignatureLines, ...]) -> tuple[SignatureLines, ...]:
    """Return the blocks with empty lines added under the shorter ones, so that the
    names of a joint document stand on one level."""
    most = max(len(block.dong) for block in blocks)
    return tuple(
        replace(
            block, dong=(*block.dong, *[SignatureLine("chuc_vu", ())] * (most - len(block.dong)))
        )
        for block in blocks
    )


def _letter_summary(lines: tuple[str, ...], prefix: str) -> tuple[str, ...]:
    """Return a công văn's summary with the profile's prefix ("V/v ") unless typed."""
    if not prefix or not lines or lines[0].lower().startswith(prefix.lower()):
        return lines
    return (prefix + lines[0], *lines[1:])


def addressee_lines(
    addressees: tuple[str, ...], profile: Profile, label_text: str = "Kính gửi:"
) -> tuple[BodyLine, ...]:
    """Return the "Kính gửi:" (or "Kính trình:") lines: one line for one addressee, else
    the label, then one "- …;" line each, the last ending with "." (the label italic in
    Party documents)."""
    if not addressees:
        return ()
    label = Run(label_text, italic=profile.family == "party")
    if len(addressees) == 1:
        return (BodyLine("kinh_gui", (label, Run(" "), *parse_inline(addressees[0]))),)
    items = [
        BodyLine(
            "kinh_gui_muc",
            parse_inline("- " + _ended(name, "." if i == len(addressees) - 1 else ";")),
        )
        for i, name in enumerate(addressees)
    ]
    return (BodyLine("kinh_gui", (label,)), *items)


def signature_lines(sig: Signature, profile: Profile) -> SignatureLines:
    """Return the lines of a signature block, each with the profile's emphasis
    (authority lines bold; the position line bold in State documents, not in Party
    ones) unless the record overrides it."""
    lines = sig.lines()
    authority_bold = bool(profile.elements.get("quyen_han", {}).get("bold", True))
    position_bold = bool(profile.elements.get("chuc_vu", {}).get("bold", True))
    out: list[SignatureLine] = []
    authorities: list[str] = []
    positions: list[str] = []
    for index, line in enumerate(lines):
        is_authority = authority_prefix(line.dong) is not None and not positions
        (authorities if is_authority else positions).append(line.dong)
        bold = authority_bold if is_authority else position_bold
        if line.dam is not None:
            bold = line.dam
        italic = bool(line.nghieng)
        kieu = "quyen_han" if is_authority and index == 0 else "chuc_vu"
        out.append(SignatureLine(kieu, (Run(line.dong, bold, italic),)))
    return SignatureLines(" ".join(authorities), " ".join(positions), sig.ho_ten, tuple(out))


_HEADING_STYLES = {"I.": "muc1", "1.": "muc2", "1.1.": "muc3", "a)": "muc4"}


def numbering_style(doc: OfficialDocument, profile: Profile) -> NumberingStyle:
    """Return the numbering style: the record's ``danh_so`` ("I-" / "I."), else the profile's."""
    if doc.danh_so == "I-":
        return "party"
    if doc.danh_so == "I." and profile.family == "party":
        return "party_dot"
    return profile.numbering


@dataclass(frozen=True, slots=True)
class _Level:
    """Where numbered items stand: their kind and the number of the item above them."""

    kind: str
    parent: int | None = None


class _Body:
    """Walks the body blocks, numbering sections and expanding programme blocks.

    Levels follow I. / 1. / 1.1. / a) / - / + (the record's validation has made sure
    every numbered item has one); a section may choose the kind of its items
    (``cap_duoi``) and any item may state its label by hand (``so``).
    """

    def __init__(self, doc: OfficialDocument, profile: Profile, *, landscape: bool = False) -> None:
        self.doc = doc
        self.profile = profile
        self.style = numbering_style(doc, profile)
        page = 297 if landscape else 210
        margins = profile.margins_mm
        self.width = text_width_twips(page, (margins.left, margins.right))
        self.groups = {group.id: group for group in doc.nhiem_vu}
        self.articles = 0

    def label(self, level: _Level, number: int) -> str:
        return level_label(self.style, level.kind, number, level.parent)

    def lines(self, blocks: Sequence[Block], level: _Level) -> Iterator[BodyLine]:
        counter = 0
        for block in blocks:
            group = self.groups.get(block.nhiem_vu) if isinstance(block, TasksBlock) else None
            if group is not None and group.ten:
                # A titled task group is a sub-section of its own: heading, then bullets.
                counter += 1
                kieu = _HEADING_STYLES.get(level.kind, "doan")
                yield BodyLine(kieu, parse_inline(self.label(level, counter) + group.ten))
                yield from self._tasks(group)
            elif isinstance(block, Section | Clause):
                counter += 1
                yield from self._numbered(block, level, counter)
            elif isinstance(block, Article):
                self.articles += 1
                label = f"{block.so} " if block.so else f"Điều {self.articles}. "
                # NĐ 30: "Điều", its number and its title are bold.
                runs = (Run(label, bold=True), *parse_inline(block.dieu, bold=True))
                yield BodyLine("doan", runs)
                yield from self.lines(block.noi_dung, _Level("1."))
            elif isinstance(block, CentredLine):
                yield BodyLine("giua", parse_inline(block.giua))
            elif isinstance(block, AssignmentsBlock):
                for assignment in self.doc.phan_cong:
                    counter += 1
                    label = self.label(level, counter)
                    yield BodyLine("doan", (Run(label), *_assignment_runs(assignment)))
            else:
                yield from self._plain(block)

    def _numbered(self, block: Section | Clause, level: _Level, number: int) -> Iterator[BodyLine]:
        label = f"{block.so} " if block.so else self.label(level, number)
        if isinstance(block, Clause):
            yield BodyLine("doan", (Run(label), *parse_inline(block.y)))
            return
        yield BodyLine(_HEADING_STYLES.get(level.kind, "doan"), parse_inline(label + block.muc))
        below = block.cap_duoi or kind_below(level.kind)
        if below is None:  # past the sixth level: validation refuses such a record
            raise ValueError(f"no level under {level.kind!r}")
        parent = number if level.kind in {"1.", "1.1."} else level.parent
        yield from self.lines(block.noi_dung, _Level(below, parent))

    def _plain(self, block: Block) -> Iterator[BodyLine]:
        if isinstance(block, Paragraph):
            yield BodyLine("doan", parse_inline(block.doan))
        elif isinstance(block, Bullet):
            yield BodyLine("doan", parse_inline("- " + block.gach))
        elif isinstance(block, TableBlock):
            yield BodyLine("bang", bang=grid_table(block.bang, self.width))
        elif isinstance(block, TargetsBlock):
            yield from self._targets(block)
        elif isinstance(block, TasksBlock):
            yield from self._tasks(self.groups[block.nhiem_vu])

    def _tasks(self, group: TaskGroup) -> Iterator[BodyLine]:
        for task in group.nhiem_vu:
            yield BodyLine("doan", (Run("- "), *_task_runs(task)))

    def _targets(self, block: TargetsBlock) -> Iterator[BodyLine]:
        chosen = [
            t for t in self.doc.chi_tieu if block.chi_tieu == "tat_ca" or t.id in block.chi_tieu
        ]
        horizons: dict[str | None, list[Target]] = {}
        for target in chosen:
            horizons.setdefault(target.moc, []).append(target)
        for horizon, targets in horizons.items():
            if horizon is None:
                for index, target in enumerate(targets):
                    end = "." if index == len(targets) - 1 else ";"
                    yield BodyLine("doan", parse_inline("- " + _ended(_wording(target), end)))
                continue
            yield BodyLine(
                "doan", (Run("- "), Run(f"{horizon}:", bold=True), Run(" "), *_joined(targets))
            )


def _joined(targets: Sequence[Target]) -> tuple[Run, ...]:
    """Return "(1) a; (2) b." with labels continuing from any label override."""
    runs: list[Run] = []
    number = 0
    for index, target in enumerate(targets):
        label = target.nhan
        match = _LABEL.match(label) if label else None
        number = int(match.group(1)) if match else number + 1
        last = index == len(targets) - 1
        text = _ended(_wording(target), "." if last else ";")
        runs.append(Run(f"{label or f'({number})'} "))
        runs.extend(parse_inline(text))
        if not last:
            runs.append(Run(" "))
    return tuple(runs)


def _wording(target: Target) -> str:
    """Return the target's wording as the plan prints it (its own planned value)."""
    return target_wording(target, target.gia_tri)


def _ended(text: str, end: str) -> str:
    """Return ``text`` ending with ``end`` unless it already ends with punctuation."""
    return text if text[-1] in _END_PUNCT else text + end


def _meta(chu_tri: str | None, phoi_hop: Sequence[str], deadline: str | None) -> str:
    parts = []
    if chu_tri:
        parts.append(f"Chủ trì: {chu_tri}")
    if phoi_hop:
        parts.append(f"phối hợp: {', '.join(phoi_hop)}")
    if deadline:
        parts.append(f"thời hạn: {deadline}")
    return "; ".join(parts)


def _with_meta(text: str, meta: str) -> tuple[Run, ...]:
    """Return the runs of ``text`` with "(*meta*)" put before its final punctuation."""
    if not meta:
        return parse_inline(text)
    end = text[-1] if text[-1] in _END_PUNCT else ""
    body = text[:-1] if end else text
    return (*parse_inline(body), Run(" ("), Run(meta, italic=True), Run(f"){end}"))


def _task_runs(task: Task) -> tuple[Run, ...]:
    deadline = short_date(task.thoi_han) if task.thoi_han else None
    return _with_meta(task.noi_dung, _meta(task.chu_tri, task.phoi_hop, deadline))


def _assignment_runs(assignment: Assignment) -> tuple[Run, ...]:
    duty = assignment.nhiem_vu
    sep = "" if duty[0] in _END_PUNCT else " "
    deadline = short_date(assignment.thoi_han) if assignment.thoi_han else None
    meta = f"thời hạn: {deadline}" if deadline else ""
    return _with_meta(f"{assignment.don_vi}{sep}{duty}", meta)
