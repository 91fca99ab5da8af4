"""Load a period folder (``inputs/periods/<ID>/``) with everything its report needs.

A period folder holds ``ky.yaml`` (the period), ``bao-cao.yaml`` (the report record),
the communes' results file the report names, and optionally ``xa/<mã xã>.yaml`` (a
commune's own narrative sections). The report names the programme record and the
commune roster by paths relative to itself. The previous period (``ky_truoc``) is a
sibling folder, loaded too for the change against it.

Every problem of every file is collected and raised together; nothing is partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import InputError, Problem
from pipeline.formatting import number_text
from pipeline.loading.dates import earlier_than_parent
from pipeline.loading.documents import load_document
from pipeline.loading.execution import load_commune_results
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.registry import resolve_distribution, roster_addressees
from pipeline.loading.tabular import Roster, load_roster
from pipeline.loading.yaml_source import YamlDocument, read_yaml
from pipeline.models import OfficialDocument
from pipeline.models.execution import (
    NARRATIVE_SECTIONS,
    CommuneResults,
    Narratives,
    PeriodRecords,
    PeriodReport,
    Status,
)
from pipeline.models.period import Period
from pipeline.models.programme import Target, figure_problem, fill_plan_slot

PERIOD_FILE = "ky.yaml"
REPORT_FILE = "bao-cao.yaml"
COMMUNE_FOLDER = "xa"

#: Header fields of a report record that make up its official-document record.
HEADER_FIELDS = (
    "khoi",
    "the_thuc",
    "mau",
    "co_quan",
    "loai",
    "ten_loai",
    "so",
    "ngay",
    "nam",
    "chu_ky",
    "noi_nhan",
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class PeriodInputs:
    """A validated period: its records, the files they came from, and warnings."""

    folder: Path
    period: Period
    report: PeriodReport
    document: OfficialDocument
    programme: OfficialDocument
    roster: Roster | None
    results: CommuneResults | None
    narratives: dict[str, Narratives]
    previous: PeriodInputs | None
    report_yaml: YamlDocument
    sources: tuple[Path, ...]
    warnings: tuple[Problem, ...] = field(default=())

    def records(self) -> PeriodRecords:
        """Return the records the reports are computed from (the previous ones too)."""
        return PeriodRecords(
            period=self.period,
            report=self.report,
            programme=self.programme,
            communes=tuple(self.roster) if self.roster is not None else (),
            results=self.results,
            narratives=self.narratives,
            previous=self.previous.records() if self.previous is not None else None,
        )


def is_period_folder(path: Path) -> bool:
    """Return whether ``path`` is a period folder (it holds ``ky.yaml``)."""
    return (path / PERIOD_FILE).is_file()


def period_folders(periods_dir: Path) -> list[Path]:
    """Return the period folders of ``periods_dir``, in name order."""
    if not periods_dir.is_dir():
        return []
    return sorted(p for p in periods_dir.iterdir() if p.is_dir() and is_period_folder(p))


def _validated(model: type[M], doc: YamlDocument, problems: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(
                doc.source,
                "dòng 1",
                "",
                "Tệp phải là một khối các trường, không phải danh sách hay một giá trị đơn.",
            )
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, doc.source, doc.data, doc.line_of, model))
        return None


def _read(path: Path, problems: list[Problem]) -> YamlDocument | None:
    try:
        return read_yaml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


T = TypeVar("T")


def _collect(problems: list[Problem], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except InputError as exc:
        problems.extend(exc.problems)
        return None


#: How many earlier periods a period's history may reach back (a guard against loops).
MAX_HISTORY = 60


def load_period(
    folder: Path, *, with_previous: bool = True, _later: tuple[str, ...] = ()
) -> PeriodInputs:
    """Read and validate the period folder ``folder`` and the periods before it.

    The whole chain of previous periods (``ky_truoc``) is loaded, so that task statuses
    follow the real history; ``with_previous=False`` loads this period alone.

    Raises:
        InputError: every problem of the period's files at once.
    """
    problems: list[Problem] = []
    period_yaml = _read(folder / PERIOD_FILE, problems)
    report_yaml = _read(folder / REPORT_FILE, problems)
    period = _validated(Period, period_yaml, problems) if period_yaml else None
    report = _validated(PeriodReport, report_yaml, problems) if report_yaml else None
    if period is None or report is None or period_yaml is None or report_yaml is None:
        raise InputError(problems)
    if period.id != folder.name:
        problems.append(
            Problem(
                period_yaml.source,
                f"dòng {period_yaml.line_of(('id',))}",
                "Mã (id)",
                f"Mã kỳ “{period.id}” khác tên thư mục “{folder.name}”: đổi một trong "
                "hai cho giống nhau.",
            )
        )
    base = report_yaml.source
    programme = _collect(problems, lambda: load_document(_near(base, report.chuong_trinh)))
    roster = None
    if report.danh_sach_xa is not None:
        roster = _collect(problems, lambda: load_roster(_near(base, report.danh_sach_xa or "")))
    document = _collect(problems, lambda: header_document(report, report_yaml))
    results = None
    if programme is not None:
        problems.extend(reference_problems(report, report_yaml, programme))
        parent = f"{programme.loai.lower()} được báo cáo ({report.chuong_trinh})"
        problems.extend(
            earlier_than_parent(report.ngay, programme.ngay, report_yaml, ("ngay",), parent)
        )
        if report.ket_qua_xa is not None and roster is not None:
            ids = [t.id for t in programme.chi_tieu]
            path = _near(base, report.ket_qua_xa)
            names = {c.id: c.ten_ngan for c in report.cach_tinh if c.ten_ngan}
            results = _collect(problems, lambda: load_commune_results(path, ids, roster, names))
    narratives = _commune_narratives(folder, roster, problems)
    previous = None
    if with_previous and period.ky_truoc is not None:
        previous = _previous(folder, period, period_yaml, problems, (*_later, period.id))
    if problems or programme is None or document is None:
        raise InputError(problems)
    if results is not None:
        problems.extend(_unreported(report, report_yaml, programme, results))
        problems.extend(_out_of_bounds(results, programme))
    problems.extend(_own_out_of_bounds(report, report_yaml, programme))
    if problems:
        raise InputError(problems)
    sources = _sources(folder, report)
    warnings = _warnings(report, report_yaml, programme, previous)
    warnings += _province_wording(report, report_yaml, programme, results)
    return PeriodInputs(
        folder,
        period,
        report,
        document,
        programme,
        roster,
        results,
        narratives,
        previous,
        report_yaml,
        sources,
        tuple(warnings),
    )


def _near(source: str, relative: str) -> Path:
    return Path(source).parent / relative


def header_document(report: PeriodReport, source: YamlDocument) -> OfficialDocument:
    """Return the report's own official-document record (its type: "Báo cáo" by default).

    Its summary and body are stand-ins until the context fills them; the header,
    signature and Nơi nhận (resolved against the registry if it names one) are final.

    Raises:
        InputError: a header field breaks a rule of official documents (e.g. an
            authority prefix of the other family), or the Nơi nhận names an unknown id.
    """
    data: dict[str, Any] = {k: source.data[k] for k in HEADER_FIELDS if k in source.data}
    data.update(
        loai=report.loai,
        trich_yeu=list(report.trich_yeu) or ["báo cáo"],
        noi_dung=[{"doan": report.mo_dau or "báo cáo"}],
    )
    try:
        doc = OfficialDocument.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(exc, source.source, source.data, source.line_of, PeriodReport)
        ) from None
    return resolve_distribution(doc, source, roster_addressees)


def reference_problems(
    report: PeriodReport, source: YamlDocument, programme: OfficialDocument
) -> list[Problem]:
    """Return a problem for each id the report names that the programme does not have."""
    targets = {t.id for t in programme.chi_tieu}
    tasks = {task.id for group in programme.nhiem_vu for task in group.nhiem_vu}
    problems = []

    def check(ident: str, known: set[str], path: tuple[str | int, ...], what: str) -> None:
        if ident not in known:
            listed = ", ".join(sorted(known)) or "không có"
            problems.append(
                Problem(
                    source.source,
                    f"dòng {source.line_of(path)}",
                    f"Mã {what} ({'.'.join(str(p) for p in path)})",
                    f"Chương trình {Path(report.chuong_trinh).name} không có {what} mã "
                    f"“{ident}” (các mã có: {listed}). Sửa mã cho đúng.",
                )
            )

    for i, group in enumerate(report.nhom_chi_tieu):
        for k, ident in enumerate(group.chi_tieu):
            check(ident, targets, ("nhom_chi_tieu", i, "chi_tieu", k), "chỉ tiêu")
    for i, rule in enumerate(report.cach_tinh):
        check(rule.id, targets, ("cach_tinh", i, "id"), "chỉ tiêu")
    for i, result in enumerate(report.ket_qua):
        check(result.id, targets, ("ket_qua", i, "id"), "chỉ tiêu")
    for i, task in enumerate(report.nhiem_vu):
        check(task.id, tasks, ("nhiem_vu", i, "id"), "nhiệm vụ")
    problems.extend(_duplicates(report, source))
    return problems


def _duplicates(report: PeriodReport, source: YamlDocument) -> list[Problem]:
    lists: dict[str, list[str]] = {
        "ket_qua": [r.id for r in report.ket_qua],
        "nhiem_vu": [t.id for t in report.nhiem_vu],
        "cach_tinh": [r.id for r in report.cach_tinh],
        "nhom_chi_tieu": [i for g in report.nhom_chi_tieu for i in g.chi_tieu],
    }
    problems = []
    for name, ids in lists.items():
        seen: set[str] = set()
        for index, ident in enumerate(ids):
            if ident in seen:
                path: tuple[str | int, ...] = (name, index, "id")
                if name == "nhom_chi_tieu":
                    path = (name,)
                problems.append(
                    Problem(
                        source.source,
                        f"dòng {source.line_of(path)}",
                        f"Mã ({name})",
                        f"Mã “{ident}” có hai lần trong {name}: mỗi mã chỉ ghi một lần.",
                    )
                )
            seen.add(ident)
    return problems


def _unreported(
    report: PeriodReport,
    source: YamlDocument,
    programme: OfficialDocument,
    results: CommuneResults,
) -> list[Problem]:
    """A target the report prints must have a result: its own, or the communes'."""
    own = {r.id for r in report.ket_qua}
    problems = []
    for target in programme.chi_tieu:
        if target.id not in own and target.id not in results.targets:
            problems.append(
                Problem(
                    source.source,
                    f"dòng {source.line_of(('ket_qua',))}",
                    "Kết quả chỉ tiêu (ket_qua)",
                    f"Chỉ tiêu “{target.id}” chưa có kết quả: thêm {{id: {target.id}, "
                    f"dat: …}} vào ket_qua, hoặc cột “{target.id}” vào tệp kết quả của "
                    "các xã.",
                )
            )
    return problems


def _commune_narratives(
    folder: Path, roster: Roster | None, problems: list[Problem]
) -> dict[str, Narratives]:
    out: dict[str, Narratives] = {}
    own = folder / COMMUNE_FOLDER
    if not own.is_dir():
        return out
    codes = {c.ma for c in roster} if roster is not None else set()
    for path in sorted(own.glob("*.yaml")):
        doc = _read(path, problems)
        if doc is None:
            continue
        if path.stem not in codes:
            problems.append(
                Problem(
                    str(path),
                    "",
                    "",
                    f"Tên tệp “{path.stem}” phải là mã một xã của danh sách xã (ví dụ 05449.yaml).",
                )
            )
            continue
        narratives = _validated(Narratives, doc, problems) if doc.data else Narratives()
        if narratives is not None:
            out[path.stem] = narratives
    return out


def _previous(
    folder: Path,
    period: Period,
    period_yaml: YamlDocument,
    problems: list[Problem],
    later: tuple[str, ...],
) -> PeriodInputs | None:
    assert period.ky_truoc is not None
    where = f"dòng {period_yaml.line_of(('ky_truoc',))}"
    if period.ky_truoc in later or len(later) > MAX_HISTORY:
        chain = " → ".join((*later, period.ky_truoc))
        problems.append(
            Problem(
                period_yaml.source,
                where,
                "Kỳ trước (ky_truoc)",
                f"Các kỳ trước nối vòng hoặc quá dài ({chain}): sửa ky_truoc để mỗi kỳ chỉ "
                "trỏ về kỳ ngay trước nó.",
            )
        )
        return None
    prev_folder = folder.parent / period.ky_truoc
    if not is_period_folder(prev_folder):
        problems.append(
            Problem(
                period_yaml.source,
                where,
                "Kỳ trước (ky_truoc)",
                f"Không có kỳ trước “{period.ky_truoc}” (thư mục {prev_folder} với tệp "
                f"{PERIOD_FILE}): sửa mã kỳ trước, hoặc bỏ trống nếu đây là kỳ đầu tiên.",
            )
        )
        return None
    previous = _collect(problems, lambda: load_period(prev_folder, _later=later))
    if previous is not None and previous.period.end >= period.start:
        key = "tu_ngay" if period.tu_ngay is not None else "id"
        problems.append(
            Problem(
                period_yaml.source,
                f"dòng {period_yaml.line_of((key,))}",
                "Từ ngày (tu_ngay)",
                f"Kỳ {period.id} bắt đầu ngày {period.start:%d/%m/%Y} nhưng kỳ trước "
                f"{previous.period.id} đến ngày {previous.period.end:%d/%m/%Y}: hai kỳ "
                "chồng lên nhau. Kỳ này phải bắt đầu sau ngày cuối của kỳ trước.",
            )
        )
    return previous


def bound_problem(target: Target, value: object) -> str | None:
    """Return why ``value`` cannot be a figure of ``target`` (Vietnamese), or None."""
    if not isinstance(value, Decimal):
        return None
    why = figure_problem(target.figure_kind, value)
    if why is None:
        return None
    return (
        f"Số “{number_text(value)}” của chỉ tiêu “{target.id}” không hợp lệ: chỉ tiêu này "
        f"{why}. Sửa số cho đúng (hoặc sửa kieu_so của chỉ tiêu trong chương trình)."
    )


def _out_of_bounds(results: CommuneResults, programme: OfficialDocument) -> list[Problem]:
    """Every figure a commune reports within its target's bounds (plans taken from the
    roster are checked where they are computed, in :mod:`pipeline.reporting`)."""
    targets = {t.id: t for t in programme.chi_tieu}
    problems = []
    for row in results.rows:
        for ident, value in row.values.items():
            if ident in targets and (why := bound_problem(targets[ident], value)):
                problems.append(Problem(results.source, f"hàng {row.row}", f"Cột {ident}", why))
    return problems


def _own_out_of_bounds(
    report: PeriodReport, source: YamlDocument, programme: OfficialDocument
) -> list[Problem]:
    """The issuing body's own results and plans within their targets' bounds."""
    targets = {t.id: t for t in programme.chi_tieu}
    problems = []
    for index, result in enumerate(report.ket_qua):
        if result.id in targets and (why := bound_problem(targets[result.id], result.dat)):
            line = source.line_of(("ket_qua", index, "dat"))
            problems.append(Problem(source.source, f"dòng {line}", "Kết quả (dat)", why))
    for index, rule in enumerate(report.cach_tinh):
        for name in ("ke_hoach", "ke_hoach_xa"):
            value = getattr(rule, name)
            if rule.id in targets and (why := bound_problem(targets[rule.id], value)):
                line = source.line_of(("cach_tinh", index, name))
                problems.append(Problem(source.source, f"dòng {line}", f"Kế hoạch ({name})", why))
    return problems


_DIGITS = re.compile(r"\d[\d.,]*%?")


def _province_wording(
    report: PeriodReport,
    source: YamlDocument,
    programme: OfficialDocument,
    results: CommuneResults | None,
) -> list[Problem]:
    """A commune report would print a province figure as if it were the commune's."""
    if report.bao_cao_xa is None or results is None:
        return []
    rules = {rule.id: rule for rule in report.cach_tinh}
    out = []
    for target in programme.chi_tieu:
        rule = rules.get(target.id)
        if target.id not in results.targets or (rule is not None and rule.noi_dung_xa):
            continue
        numbers = _DIGITS.findall(fill_plan_slot(target.noi_dung, ""))
        if numbers:
            out.append(
                Problem(
                    source.source,
                    f"dòng {source.line_of(('cach_tinh',))}",
                    "Nội dung chỉ tiêu cho xã (noi_dung_xa)",
                    f"Nội dung chỉ tiêu “{target.id}” có số “{numbers[0]}” của cả chương trình; "
                    "báo cáo của từng xã sẽ in nguyên văn số này. Ghi {ke_hoach} vào chỗ số "
                    "kế hoạch trong nội dung chỉ tiêu, hoặc thêm noi_dung_xa vào cach_tinh "
                    "của chỉ tiêu này.",
                )
            )
    return out


def task_history(inputs: PeriodInputs | None) -> dict[str, Status]:
    """Return each task's last reported status up to the end of ``inputs``' period,
    looking back through every earlier period (a task done two periods ago is done)."""
    out: dict[str, Status] = {}
    while inputs is not None:
        for result in inputs.report.nhiem_vu:
            out.setdefault(result.id, result.tinh_trang)
        inputs = inputs.previous
    return out


def _sources(folder: Path, report: PeriodReport) -> tuple[Path, ...]:
    base = folder / REPORT_FILE
    paths = [folder / PERIOD_FILE, base, _near(str(base), report.chuong_trinh)]
    paths += [_near(str(base), p) for p in (report.danh_sach_xa, report.ket_qua_xa) if p]
    paths += sorted((folder / COMMUNE_FOLDER).glob("*.yaml"))
    return tuple(paths)


def _warnings(
    report: PeriodReport,
    source: YamlDocument,
    programme: OfficialDocument,
    previous: PeriodInputs | None,
) -> list[Problem]:
    """Things a report can be made without, but that the secretariat likely forgot."""
    warnings = []
    for name, heading in NARRATIVE_SECTIONS.items():
        if name != "lanh_dao" and not getattr(report, name):
            warnings.append(
                Problem(
                    source.source,
                    f"dòng {source.line_of((name,))}",
                    f"{heading} ({name})",
                    "Mục này còn trống: báo cáo sẽ bỏ qua mục này.",
                )
            )
    listed = {t.id for t in report.nhiem_vu}
    history = task_history(previous)
    for group in programme.nhiem_vu:
        for task in group.nhiem_vu:
            if task.id not in listed and history.get(task.id) != "hoàn thành":
                warnings.append(
                    Problem(
                        source.source,
                        f"dòng {source.line_of(('nhiem_vu',))}",
                        "Nhiệm vụ (nhiem_vu)",
                        f"Nhiệm vụ “{task.id}” của chương trình không có trong báo cáo kỳ "
                        "này và chưa hoàn thành ở kỳ trước.",
                    )
                )
    return warnings


__all__ = [
    "COMMUNE_FOLDER",
    "PERIOD_FILE",
    "REPORT_FILE",
    "PeriodInputs",
    "bound_problem",
    "header_document",
    "is_period_folder",
    "load_period",
    "period_folders",
    "reference_problems",
    "task_history",
]
