"""Period records → the report's template context, in the office's outline.

The outline (``dan_y``) is data: numbered parts, each a list of built-in pieces
(leadership, targets, communes, tasks, the assessment sections, directions,
recommendations) and the part's own prose. The default is the conventional one:
I. situation and results; II. assessment; III. directions (with the unfinished tasks
and unmet targets carried over); IV. recommendations. Headings are numbered by the
profile ("I-"/"1-" Party, "I."/"1." State); pieces with nothing to say are left out.
The header, signature and Nơi nhận come from the official-document context, so they
are made exactly as for a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from pipeline.context.document import (
    BodyLine,
    DocumentContext,
    SignatureLines,
    TableData,
    build_document_context,
)
from pipeline.context.inline import Run, parse_inline
from pipeline.context.report import Figures, is_overdue, task_state
from pipeline.context.report_figures import body_figures, commune_figures, commune_rows, grouped
from pipeline.context.report_prose import assessment, case_of, overview, shortfall
from pipeline.context.report_text import (
    TargetRow,
    deadline_note,
    default_leadership,
    opening,
    review_kind,
    short_name,
    summary_lines,
    target_columns,
    target_row,
    value_text,
    without_end,
)
from pipeline.context.targets import target_wording
from pipeline.formatting import NumberingStyle, section_label, short_date
from pipeline.models.document import Bullet, Clause, OfficialDocument, Paragraph
from pipeline.models.execution import (
    DEFAULT_OUTLINE,
    PIECES,
    Narratives,
    OutlinePart,
    OutlinePiece,
    PeriodRecords,
)
from pipeline.models.programme import Task
from pipeline.models.roster import Commune


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One paragraph or table of a report body.

    ``kieu``: "doan", "doan_cuoi", "muc1".."muc4" (as in plans), "bang" (a table made
    by the ``bang`` filter), "bang_chi_tieu" (a target table: rows in ``hang``) or
    "bang_chi_tieu_ky_dau" (the same without the change column: no previous figures).
    """

    kieu: str
    runs: tuple[Run, ...] = ()
    bang: TableData | None = None
    hang: tuple[TargetRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything a report template places: the plan's header fields, the body lines."""

    the_thuc: str
    khoi: str
    co_quan_cap_tren: tuple[str, ...]
    co_quan_ban_hanh: tuple[str, ...]
    so_ky_hieu: str
    dia_danh_ngay: str
    ten_loai: str
    trich_yeu: tuple[str, ...]
    phan_cach_trich_yeu: str
    noi_dung: tuple[ReportLine, ...]
    noi_nhan_nhan: str
    noi_nhan: tuple[str, ...]
    chu_ky: SignatureLines
    minh_hoa: tuple[str, ...]
    noi_nhan_dong: tuple[tuple[Run, ...], ...] = ()
    kinh_gui: tuple[BodyLine, ...] = ()
    lien_tich: tuple[SignatureLines, ...] = ()


def _context(header: DocumentContext, lines: list[ReportLine]) -> ReportContext:
    # A report places the plan's header fields it has (no appendices, no footnotes).
    values = {f.name: getattr(header, f.name) for f in fields(ReportContext)}
    values["noi_dung"] = _finish(lines, header.khoi)
    return ReportContext(**values)


def _finish(lines: list[ReportLine], khoi: str) -> tuple[ReportLine, ...]:
    """End the body as the profile wants ("./." State, "." Party); keep it with the signature."""
    end = "./." if khoi == "nha_nuoc" else "."
    if lines and lines[-1].kieu == "doan" and lines[-1].runs:
        runs = list(lines[-1].runs)
        last = runs[-1]
        text = last.text if last.text.endswith("./.") else without_end(last.text) + end
        runs[-1] = Run(text, last.bold, last.italic)
        lines[-1] = ReportLine("doan_cuoi", tuple(runs))
    return tuple(lines)


class Outline:
    """Numbered headings and body lines, numbered as the profile says."""

    def __init__(self, numbering: NumberingStyle) -> None:
        self.numbering = numbering
        self.counters: list[int] = []
        self.lines: list[ReportLine] = []

    def heading(self, level: int, title: str) -> None:
        self.counters = self.counters[:level] + [0] * (level - len(self.counters))
        self.counters[level - 1] += 1
        label = section_label(self.numbering, tuple(self.counters))
        self.lines.append(ReportLine(f"muc{level}", parse_inline(label + title)))
        self.counters.append(0)  # clauses under this heading start at 1

    def para(self, text: str) -> None:
        self.lines.append(ReportLine("doan", parse_inline(text)))

    def runs(self, runs: tuple[Run, ...]) -> None:
        self.lines.append(ReportLine("doan", runs))

    def bullet(self, text: str) -> None:
        self.para(f"- {text}")

    def narrative(self, items: Sequence[Paragraph | Bullet | Clause]) -> None:
        depth = len(self.counters) - 1
        clause = 0
        for item in items:
            if isinstance(item, Clause):
                clause += 1
                label = section_label(self.numbering, (*self.counters[:depth], clause))
                self.lines.append(ReportLine("doan", (Run(label), *parse_inline(item.y))))
            elif isinstance(item, Bullet):
                self.bullet(item.gach)
            else:
                self.para(item.doan)


def _header_doc(doc: OfficialDocument, summary: Sequence[str], first: str) -> DocumentContext:
    updated = doc.model_copy(
        update={"trich_yeu": tuple(summary), "noi_dung": (Paragraph(doan=first),)}
    )
    return build_document_context(updated)


class _Pieces:
    """What each built-in piece of the outline (``phan``) writes in one report.

    ``communes``: the aggregation table and the tasks belong to the issuing body's
    report; a commune's report has its own figures and narratives instead.
    """

    def __init__(
        self,
        records: PeriodRecords,
        narratives: Narratives,
        figures: list[Figures],
        *,
        body: bool,
    ) -> None:
        self.records = records
        self.narratives = narratives
        self.figures = figures
        self.body = body
        self.auto = (
            not body
            and not any(getattr(narratives, n) for n in _ASSESSMENT)
            and any(case_of(f) in {"met", "missed"} for f in figures)
        )

    def has(self, name: str) -> bool:
        """Return whether piece ``name`` has anything to write (empty ones are left out)."""
        if name == "chi_tieu":
            return bool(self.figures)
        if name == "xa":
            return self.body and self.records.results is not None and bool(self.records.communes)
        if name == "nhiem_vu":
            return self.body and bool(_reported_tasks(self.records))
        if name == "phuong_huong":
            return bool(self.narratives.phuong_huong or self._carried() or self._unmet())
        if self.auto and name in {"uu_diem", "han_che"}:
            wanted = "met" if name == "uu_diem" else "missed"
            return any(case_of(f) == wanted for f in self.figures)
        return bool(getattr(self.narratives, name, ()))

    def write(self, out: Outline, name: str, sub: int) -> None:
        """Write piece ``name``; its own sub-headings are of level ``sub``."""
        if name == "chi_tieu":
            _targets(out, self.records, self.figures, sub)
        elif name == "xa":
            _communes(out, self.records)
        elif name == "nhiem_vu":
            _tasks(out, self.records)
        elif name == "phuong_huong":
            _directions(out, self.narratives, self._carried(), self._unmet())
        elif self.auto and name in {"uu_diem", "han_che"}:
            wanted = "met" if name == "uu_diem" else "missed"
            out.bullet(assessment([f for f in self.figures if case_of(f) == wanted]))
        else:
            out.narrative(getattr(self.narratives, name))

    def _carried(self) -> list[tuple[Task, bool]]:
        return _unfinished(self.records) if self.body else []

    def _unmet(self) -> list[Figures]:
        return [f for f in self.figures if case_of(f) == "missed"]


_ASSESSMENT = ("uu_diem", "han_che", "nguyen_nhan", "bai_hoc")


def write_outline(out: Outline, outline: Sequence[OutlinePart], pieces: _Pieces) -> None:
    """Write the report's parts in order; a part with nothing to say is left out.

    In a part of several items each piece gets its heading (level 2); a part that is
    one piece alone is written under the part's heading directly.
    """
    for part in outline:
        items = [i for i in part.noi_dung if not isinstance(i, OutlinePiece) or pieces.has(i.phan)]
        if not items:
            continue
        out.heading(1, part.muc)
        headed = len(items) > 1
        prose: list[Paragraph | Bullet | Clause] = []
        for item in items:
            if not isinstance(item, OutlinePiece):
                prose.append(item)
                continue
            out.narrative(prose)
            prose = []
            if headed:
                out.heading(2, item.tieu_de or PIECES[item.phan])
                pieces.write(out, item.phan, 3)
            else:
                pieces.write(out, item.phan, 2)
        out.narrative(prose)


def build_report_context(doc: OfficialDocument, records: PeriodRecords) -> ReportContext:
    """Return the context of the issuing body's report on ``records``' period."""
    report = records.report
    issuer = report.chu_the
    kind = review_kind(report.loai)
    summary = report.trich_yeu or summary_lines(records.period, records.programme, issuer, kind)
    first = report.mo_dau or opening(records.period, records.programme, issuer, issuer, kind)
    header = _header_doc(doc, summary, first)
    out = Outline(doc.profile.numbering)
    out.para(first)
    figures = list(body_figures(records).values())
    pieces = _Pieces(records, report, figures, body=True)
    write_outline(out, report.dan_y or DEFAULT_OUTLINE, pieces)
    return _context(header, out.lines)


def _targets(out: Outline, records: PeriodRecords, figures: list[Figures], sub: int) -> None:
    end = short_date(records.period.end)
    summary = overview(figures)
    out.para(f"Tính đến ngày {end}, {summary}, cụ thể như sau:")
    groups = [g for g in grouped(records, {f.target.id: f for f in figures}) if g.figures]
    columns = target_columns(figures)
    for group in groups:
        if len(groups) > 1:
            out.heading(sub, group.title)
        sentence = assessment(group.figures)
        if len(groups) > 1 and sentence:
            out.para(sentence)
        rows = tuple(target_row(i, f) for i, f in enumerate(group.figures, start=1))
        out.lines.append(ReportLine(columns, hang=rows))


def _communes(out: Outline, records: PeriodRecords) -> None:
    rows = list(commune_rows(records))
    out.para(
        f"Tổng hợp kết quả của {len(rows)} xã, phường (mỗi xã, phường có báo cáo riêng kèm theo):"
    )
    out.lines.append(ReportLine("bang", bang=commune_table(records)))
    missed = []
    for index, figures in enumerate(rows[0].figures if rows else ()):
        names = [row.commune.full_name for row in rows if case_of(row.figures[index]) == "missed"]
        if names:
            due = figures.target.thoi_han
            when = (
                f", chỉ tiêu có thời hạn đến {short_date(due)}"
                if due and due > records.period.end
                else ""
            )
            missed.append(
                f"{short_name(figures)} ({len(names)}/{len(rows)} đơn vị{when}): {', '.join(names)}"
            )
    if missed:
        out.para("Các xã, phường chưa đạt kế hoạch:")
        for index, text in enumerate(missed):
            out.bullet(text + ("." if index == len(missed) - 1 else ";"))
    else:
        out.para("Tất cả các xã, phường đều đạt kế hoạch các chỉ tiêu.")


def commune_table(records: PeriodRecords) -> TableData:
    """Return the aggregation table: one row per commune, then "Tổng cộng"."""
    rows = list(commune_rows(records))
    totals = body_figures(records)
    targets = [f for f in rows[0].figures] if rows else []
    head = ("TT", "Xã, phường", *(_column(f) for f in targets))
    body = [
        (str(i), row.commune.ten, *(value_text(f.achieved) for f in row.figures))
        for i, row in enumerate(rows, start=1)
    ]
    total_cells = tuple(_total(totals[f.target.id]) for f in targets)
    body.append(("", "Tổng cộng", *total_cells))
    widths = (1.0, 3.2, *(2.4 for _ in targets))
    total = sum(widths)
    return TableData(head, tuple(body), tuple(w / total for w in widths))


def _column(figures: Figures) -> str:
    unit = figures.target.don_vi_tinh
    return f"{short_name(figures)} ({unit})" if unit else short_name(figures)


def _total(figures: Figures) -> str:
    if figures.count is not None:
        return f"{figures.count.done}/{figures.count.total} hoàn thành"
    text = value_text(figures.achieved)
    return f"{text} (bình quân)" if figures.rule.tong_hop == "binh_quan" else text


def _reported_tasks(records: PeriodRecords) -> list[Task]:
    statuses = {t.id for t in records.report.nhiem_vu}
    return [task for g in records.programme.nhiem_vu for task in g.nhiem_vu if task.id in statuses]


def _tasks(out: Outline, records: PeriodRecords) -> None:
    statuses = {t.id: t for t in records.report.nhiem_vu}
    tasks = _reported_tasks(records)
    end = records.period.end
    states = [task_state(statuses[t.id].tinh_trang, t.thoi_han, end) for t in tasks]
    counts = {
        s: states.count(s) for s in ("hoàn thành", "đang thực hiện", "chưa thực hiện", "quá hạn")
    }
    shown = "; ".join(f"{s} {n}" for s, n in counts.items() if n)
    out.para(f"Trong {len(tasks)} nhiệm vụ được báo cáo kỳ này: {shown}.")
    for index, (task, state) in enumerate(zip(tasks, states, strict=True)):
        result = statuses[task.id]
        note = f"; {without_end(result.ghi_chu)}" if result.ghi_chu else ""
        proof = f" (minh chứng: {without_end(result.minh_chung)})" if result.minh_chung else ""
        if state == "quá hạn":
            due = short_date(task.thoi_han) if task.thoi_han else ""
            state_text = f"quá hạn (thời hạn {due}, {result.tinh_trang})"
        else:
            state_text = state
        end_mark = "." if index == len(tasks) - 1 else ";"
        out.runs(
            (
                Run("- "),
                *parse_inline(without_end(task.noi_dung)),
                Run(": "),
                Run(state_text, bold=True),
                Run(f"{note}{proof}{end_mark}"),
            )
        )


def _unfinished(records: PeriodRecords) -> list[tuple[Task, bool]]:
    statuses = {t.id: t.tinh_trang for t in records.report.nhiem_vu}
    out = []
    for group in records.programme.nhiem_vu:
        for task in group.nhiem_vu:
            status = statuses.get(task.id)
            if status is not None and status != "hoàn thành":
                out.append((task, is_overdue(status, task.thoi_han, records.period.end)))
    return out


def _directions(
    out: Outline, narratives: Narratives, tasks: list[tuple[Task, bool]], unmet: list[Figures]
) -> None:
    out.narrative(narratives.phuong_huong)
    if tasks:
        out.para("Tiếp tục thực hiện các nhiệm vụ chưa hoàn thành:")
        for index, (task, overdue) in enumerate(tasks):
            due = short_date(task.thoi_han) if task.thoi_han else None
            meta = "; ".join(
                p
                for p in (
                    f"chủ trì: {task.chu_tri}" if task.chu_tri else "",
                    deadline_note(due, overdue),
                )
                if p
            )
            tail = f" ({meta})" if meta else ""
            out.bullet(
                f"{without_end(task.noi_dung)}{tail}{'.' if index == len(tasks) - 1 else ';'}"
            )
    if unmet:
        out.para("Tập trung thực hiện các chỉ tiêu chưa đạt:")
        for index, figures in enumerate(unmet):
            end = "." if index == len(unmet) - 1 else ";"
            wording = target_wording(figures.target, figures.planned, short_name(figures))
            out.bullet(f"{without_end(wording)} ({shortfall(figures)}){end}")


def build_commune_context(
    doc: OfficialDocument,
    records: PeriodRecords,
    commune: Commune,
    subject: str,
    leadership: Narratives | None = None,
) -> ReportContext:
    """Return the context of ``commune``'s own report (``doc``: its filled header).

    ``leadership``: the report's ``bao_cao_xa.lanh_dao`` filled for this commune; the
    commune's own narratives (``xa/<mã>.yaml``) come first, then it, then a sentence
    made from the programme, so that every commune report has its leadership section.
    """
    report = records.report
    kind = review_kind(report.loai)
    summary = summary_lines(records.period, records.programme, report.chu_the, kind)
    first = opening(records.period, records.programme, report.chu_the, subject, kind)
    header = _header_doc(doc, summary, first)
    own = records.narratives.get(commune.ma, Narratives())
    if not own.lanh_dao:
        lead = leadership.lanh_dao if leadership is not None else ()
        own = own.model_copy(
            update={"lanh_dao": lead or (Paragraph(doan=default_leadership(records, subject)),)}
        )
    figures = list(commune_figures(records, commune))
    out = Outline(doc.profile.numbering)
    out.para(first)
    row = records.results.by_code().get(commune.ma) if records.results else None
    pieces = _Pieces(records, own, figures, body=False)
    spec = report.bao_cao_xa
    outline = (spec.dan_y if spec is not None and spec.dan_y else None) or report.dan_y
    write_outline(out, outline or DEFAULT_OUTLINE, pieces)
    if row is not None and row.ghi_chu:
        _note_after_targets(out, f"Ghi chú: {row.ghi_chu}")
    return _context(header, out.lines)


def _note_after_targets(out: Outline, text: str) -> None:
    """Put the commune's note just after its last target table."""
    last = max(
        (i for i, line in enumerate(out.lines) if line.kieu.startswith("bang_chi_tieu")),
        default=None,
    )
    line = ReportLine("doan", parse_inline(text))
    if last is None:
        out.lines.append(line)
    else:
        out.lines.insert(last + 1, line)


__all__ = [
    "Outline",
    "ReportContext",
    "ReportLine",
    "build_commune_context",
    "build_report_context",
    "commune_table",
    "write_outline",
]
