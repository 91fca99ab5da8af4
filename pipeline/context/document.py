"""Official-document record → template context: every string ready to place.

Numbering, dates, the number line, Nơi nhận punctuation and the signature lines are
all decided here, from the record and its profile; templates only place them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from pipeline.context.appendix import AppendixHead, appendix_heads
from pipeline.context.distribution import distribution_lines
from pipeline.context.inline import Run, parse_inline
from pipeline.context.notes import Footnote, FootnoteNumbers
from pipeline.context.tables import GridTable, grid_table, text_width_twips
from pipeline.formatting import date_line, number_line, section_label, short_date
from pipeline.models.document import (
    AssignmentsBlock,
    Block,
    Bullet,
    Clause,
    OfficialDocument,
    Paragraph,
    Section,
    Signature,
    TableBlock,
    TargetsBlock,
    TasksBlock,
)
from pipeline.models.programme import Assignment, Target, Task, TaskGroup
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
    with the signature), "muc1".."muc4" (headings by level), "bang" (a table).
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
class SignatureLines:
    """The signature block's lines: authority line (may be empty), title, name."""

    quyen_han: str
    chuc_vu: str
    ho_ten: str


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
    phu_luc: tuple[AppendixContext, ...] = field(default=())
    trang_cuoi: str = ""
    chu_thich: tuple[Footnote, ...] = field(default=())


def build_document_context(doc: OfficialDocument) -> DocumentContext:
    """Return the template context of ``doc`` under its profile."""
    profile = doc.profile
    organ = doc.co_quan
    type_abbr = profile.type_abbreviation(doc.loai) or ""
    notes = FootnoteNumbers()
    body = _mark_last(tuple(_Body(doc, profile).lines(doc.noi_dung, ())))
    body = tuple(notes.line(line) for line in body)
    heads, last = appendix_heads(doc)
    appendices = tuple(
        AppendixContext(
            replace(head, ten=notes.runs(head.ten)),
            tuple(
                notes.line(line)
                for line in _Body(doc, profile, landscape=appendix.ngang).lines(
                    appendix.noi_dung, ()
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
        trich_yeu=doc.trich_yeu,
        phan_cach_trich_yeu="-----" if profile.separators.summary == "hyphens" else "",
        noi_dung=body,
        noi_nhan_nhan=profile.noi_nhan.label,
        noi_nhan=distribution_lines(doc.noi_nhan, profile),
        chu_ky=signature_lines(doc.chu_ky),
        minh_hoa=doc.minh_hoa,
        phu_luc=appendices,
        trang_cuoi=last,
        chu_thich=tuple(notes.notes),
    )


def _mark_last(lines: tuple[BodyLine, ...]) -> tuple[BodyLine, ...]:
    """Mark the last body paragraph "doan_cuoi": it is kept on the page of the signature."""
    if lines and lines[-1].kieu == "doan":
        return (*lines[:-1], BodyLine("doan_cuoi", lines[-1].runs))
    return lines


def signature_lines(sig: Signature) -> SignatureLines:
    """Return the lines of a signature block ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", name)."""
    authority = " ".join(part for part in (sig.quyen_han, sig.thay_mat) if part)
    return SignatureLines(authority, sig.chuc_vu, sig.ho_ten)


class _Body:
    """Walks the body blocks, numbering sections and expanding programme blocks."""

    def __init__(self, doc: OfficialDocument, profile: Profile, *, landscape: bool = False) -> None:
        self.doc = doc
        self.profile = profile
        page = 297 if landscape else 210
        margins = profile.margins_mm
        self.width = text_width_twips(page, (margins.left, margins.right))
        self.groups = {group.id: group for group in doc.nhiem_vu}

    def lines(self, blocks: Sequence[Block], path: tuple[int, ...]) -> Iterator[BodyLine]:
        counter = 0
        for block in blocks:
            group = self.groups.get(block.nhiem_vu) if isinstance(block, TasksBlock) else None
            if group is not None and group.ten:
                # A titled task group is a sub-section of its own: heading, then bullets.
                counter += 1
                label = section_label(self.profile.numbering, (*path, counter))
                yield BodyLine(f"muc{len(path) + 1}", parse_inline(label + group.ten))
                yield from self._tasks(group)
            elif isinstance(block, Section | Clause):
                counter += 1
                yield from self._numbered(block, (*path, counter))
            elif isinstance(block, AssignmentsBlock):
                for assignment in self.doc.phan_cong:
                    counter += 1
                    label = section_label(self.profile.numbering, (*path, counter))
                    yield BodyLine("doan", (Run(label), *_assignment_runs(assignment)))
            else:
                yield from self._plain(block)

    def _numbered(self, block: Section | Clause, path: tuple[int, ...]) -> Iterator[BodyLine]:
        if isinstance(block, Clause):
            label = section_label(self.profile.numbering, path)
            yield BodyLine("doan", (Run(label), *parse_inline(block.y)))
            return
        label = f"{block.so} " if block.so else section_label(self.profile.numbering, path)
        yield BodyLine(f"muc{len(path)}", parse_inline(label + block.muc))
        yield from self.lines(block.noi_dung, path)

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
                    yield BodyLine("doan", parse_inline("- " + _ended(target.noi_dung, end)))
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
        text = _ended(target.noi_dung, "." if last else ";")
        runs.append(Run(f"{label or f'({number})'} "))
        runs.extend(parse_inline(text))
        if not last:
            runs.append(Run(" "))
    return tuple(runs)


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
