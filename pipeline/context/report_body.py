"""Period records → the report's template context, in the conventional outline.

Opening sentence; I. situation and results (leadership, a table per target group, the
communes' table and who missed what, the tasks); II. assessment; III. directions
(with the unfinished tasks and unmet targets carried over); IV. recommendations.
Headings are numbered by the profile ("I-"/"1-" Party, "I."/"1." State); empty
narrative sections are left out. The header, signature and Nơi nhận come from the
official-document context, so they are made exactly as for a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from pipeline.context.document import (
    DocumentContext,
    SignatureLines,
    TableData,
    build_document_context,
)
from pipeline.context.inline import Run, parse_inline
from pipeline.context.report import Figures, is_overdue, task_state
from pipeline.context.report_figures import body_figures, commune_figures, commune_rows, grouped
from pipeline.context.report_text import (
    TargetRow,
    count_summary,
    deadline_note,
    opening,
    result_phrase,
    short_name,
    summary_lines,
    target_row,
    value_text,
    without_end,
)
from pipeline.formatting import NumberingStyle, section_label, short_date
from pipeline.models.document import Bullet, Clause, OfficialDocument, Paragraph
from pipeline.models.execution import NARRATIVE_SECTIONS, Narratives, PeriodRecords
from pipeline.models.programme import Task
from pipeline.models.roster import Commune


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One paragraph or table of a report body.

    ``kieu``: "doan", "doan_cuoi", "muc1".."muc4" (as in plans), "bang" (a table made
    by the ``bang`` filter) or "bang_chi_tieu" (a target table: rows in ``hang``).
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


def build_report_context(doc: OfficialDocument, records: PeriodRecords) -> ReportContext:
    """Return the context of the issuing body's report on ``records``' period."""
    report = records.report
    party = doc.profile.family == "party"
    issuer = report.chu_the
    summary = report.trich_yeu or summary_lines(records.period, records.programme, issuer, party)
    first = report.mo_dau or opening(records.period, records.programme, issuer, issuer)
    header = _header_doc(doc, summary, first)
    out = Outline(doc.profile.numbering)
    out.para(first)
    figures = body_figures(records)
    out.heading(1, "TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN")
    if report.lanh_dao:
        out.heading(2, NARRATIVE_SECTIONS["lanh_dao"])
        out.narrative(report.lanh_dao)
    _targets(out, records, list(figures.values()))
    if records.results is not None and records.communes:
        _communes(out, records)
    _tasks(out, records)
    _assessment(out, report)
    _directions(out, report, _unfinished(records), [f for f in figures.values() if f.met is False])
    _recommendations(out, report)
    return _context(header, out.lines)


def _targets(out: Outline, records: PeriodRecords, figures: list[Figures]) -> None:
    out.heading(2, "Kết quả thực hiện các chỉ tiêu")
    end = short_date(records.period.end)
    out.para(f"Tính đến ngày {end}, {count_summary(figures)}, cụ thể như sau:")
    groups = [g for g in grouped(records, {f.target.id: f for f in figures}) if g.figures]
    for group in groups:
        if len(groups) > 1:
            out.heading(3, group.title)
        rows = tuple(target_row(i, f) for i, f in enumerate(group.figures, start=1))
        out.lines.append(ReportLine("bang_chi_tieu", hang=rows))


def _communes(out: Outline, records: PeriodRecords) -> None:
    rows = list(commune_rows(records))
    out.heading(2, "Kết quả của các xã, phường")
    out.para(
        f"Tổng hợp kết quả của {len(rows)} xã, phường (mỗi xã, phường có báo cáo riêng kèm theo):"
    )
    out.lines.append(ReportLine("bang", bang=commune_table(records)))
    missed = []
    for index, figures in enumerate(rows[0].figures if rows else ()):
        names = [row.commune.full_name for row in rows if row.figures[index].met is False]
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


def _tasks(out: Outline, records: PeriodRecords) -> None:
    statuses = {t.id: t for t in records.report.nhiem_vu}
    tasks = [task for g in records.programme.nhiem_vu for task in g.nhiem_vu if task.id in statuses]
    if not tasks:
        return
    end = records.period.end
    states = [task_state(statuses[t.id].tinh_trang, t.thoi_han, end) for t in tasks]
    out.heading(2, "Kết quả thực hiện các nhiệm vụ")
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


def _assessment(out: Outline, narratives: Narratives) -> None:
    parts = [n for n in ("uu_diem", "han_che", "nguyen_nhan", "bai_hoc") if getattr(narratives, n)]
    if not parts:
        return
    out.heading(1, "ĐÁNH GIÁ CHUNG")
    for name in parts:
        out.heading(2, NARRATIVE_SECTIONS[name])
        out.narrative(getattr(narratives, name))


def _directions(
    out: Outline, narratives: Narratives, tasks: list[tuple[Task, bool]], unmet: list[Figures]
) -> None:
    if not (narratives.phuong_huong or tasks or unmet):
        return
    out.heading(1, "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
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
            out.bullet(
                f"{without_end(figures.target.noi_dung)} (mới {result_phrase(figures)}){end}"
            )


def _recommendations(out: Outline, narratives: Narratives) -> None:
    if narratives.kien_nghi:
        out.heading(1, "ĐỀ XUẤT, KIẾN NGHỊ")
        out.narrative(narratives.kien_nghi)


def build_commune_context(
    doc: OfficialDocument, records: PeriodRecords, commune: Commune, subject: str
) -> ReportContext:
    """Return the context of ``commune``'s own report (``doc``: its filled header)."""
    report = records.report
    party = doc.profile.family == "party"
    summary = summary_lines(records.period, records.programme, report.chu_the, party)
    first = opening(records.period, records.programme, report.chu_the, subject)
    header = _header_doc(doc, summary, first)
    own = records.narratives.get(commune.ma, Narratives())
    figures = list(commune_figures(records, commune))
    out = Outline(doc.profile.numbering)
    out.para(first)
    out.heading(1, "TÌNH HÌNH TRIỂN KHAI, KẾT QUẢ THỰC HIỆN")
    if own.lanh_dao:
        out.heading(2, NARRATIVE_SECTIONS["lanh_dao"])
        out.narrative(own.lanh_dao)
    _targets(out, records, figures)
    row = records.results.by_code().get(commune.ma) if records.results else None
    if row is not None and row.ghi_chu:
        out.para(f"Ghi chú: {row.ghi_chu}")
    _commune_assessment(out, own, figures)
    _directions(out, own, [], [f for f in figures if f.met is False])
    _recommendations(out, own)
    return _context(header, out.lines)


def _commune_assessment(out: Outline, own: Narratives, figures: list[Figures]) -> None:
    if any(getattr(own, n) for n in ("uu_diem", "han_che", "nguyen_nhan", "bai_hoc")):
        _assessment(out, own)
        return
    met = [f for f in figures if f.met is True]
    missed = [f for f in figures if f.met is False]
    if not (met or missed):
        return
    out.heading(1, "ĐÁNH GIÁ CHUNG")
    if met:
        out.heading(2, "Ưu điểm")
        names = ", ".join(f"{short_name(f)} ({result_phrase(f)})" for f in met)
        out.bullet(f"Đạt và vượt kế hoạch {len(met)}/{len(figures)} chỉ tiêu: {names}.")
    if missed:
        out.heading(2, "Hạn chế")
        names = ", ".join(f"{short_name(f)} ({result_phrase(f)})" for f in missed)
        out.bullet(f"Còn {len(missed)}/{len(figures)} chỉ tiêu chưa đạt kế hoạch: {names}.")


__all__ = [
    "Outline",
    "ReportContext",
    "ReportLine",
    "build_commune_context",
    "build_report_context",
    "commune_table",
]
