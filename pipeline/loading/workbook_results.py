"""What a period's results workbook holds: the communes of the period's roster and the
targets they report (the programme's targets the province does not report itself), each
headed by its Vietnamese short name (``cach_tinh``'s ``ten_ngan``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.loading.documents import load_document
from pipeline.loading.periods import REPORT_FILE, _validated
from pipeline.loading.tabular import load_roster
from pipeline.loading.yaml_source import read_yaml
from pipeline.models.execution import PeriodReport
from pipeline.models.roster import Commune


@dataclass(frozen=True)
class ResultsShape:
    """The rows and columns of a period's results table."""

    communes: tuple[Commune, ...]
    targets: tuple[tuple[str, str], ...]  # (id, column header)


def results_shape(folder: Path) -> ResultsShape:
    """Return the communes and target columns of the period ``folder``'s results.

    Raises:
        InputError: the period's report, programme or roster is invalid, or the report
            names no roster (``danh_sach_xa``).
    """
    problems: list[Problem] = []
    source = read_yaml(folder / REPORT_FILE)
    report = _validated(PeriodReport, source, problems)
    if report is None:
        raise InputError(problems)
    if report.danh_sach_xa is None:
        raise InputError(
            [
                Problem(
                    source.source,
                    "",
                    "Danh sách xã (danh_sach_xa)",
                    "Báo cáo của kỳ chưa ghi danh sách xã (danh_sach_xa): sổ kết quả có một "
                    "hàng cho mỗi xã của danh sách này.",
                )
            ]
        )
    base = Path(source.source).parent
    programme = load_document(base / report.chuong_trinh)
    roster = load_roster(base / report.danh_sach_xa)
    own = {result.id for result in report.ket_qua}
    names = {rule.id: rule.ten_ngan for rule in report.cach_tinh if rule.ten_ngan}
    targets = tuple((t.id, names.get(t.id) or t.id) for t in programme.chi_tieu if t.id not in own)
    return ResultsShape(tuple(roster), targets)
