"""An office's house conventions: warnings it accepts, recorded in a small YAML file
next to its inputs (``quy-uoc.yaml``), which the report then shows as notes.

    # quy-uoc.yaml
    chap_nhan:
      - quy_tac: ELEMENT_STYLE
        ly_do: "UBND xã gõ trích yếu bằng chữ in hoa"

Only warnings become notes: an error stays an error whatever the file says.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from pipeline.compliance.catalogue import all_rules
from pipeline.compliance.report import CheckReport, RuleResult
from pipeline.errors import InputError, Problem

#: The file name looked for in an inputs folder (build) or beside a record (render).
FILE_NAME = "quy-uoc.yaml"

Conventions = tuple[tuple[str, str], ...]


def load_conventions(path: Path) -> Conventions:
    """Return the (rule id, reason) pairs of the conventions file ``path``.

    Raises:
        InputError: the file is not valid YAML, or names an unknown rule or no reason.
    """
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError([Problem(name, "", "", f"Không đọc được tệp quy ước ({exc}).")]) from None
    entries = data.get("chap_nhan") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(
            [Problem(name, "", "chap_nhan", "Cần danh sách “chap_nhan:” (quy_tac, ly_do).")]
        )
    known = {rule_id for rule_id, *_ in all_rules()}
    out, problems = [], []
    for number, entry in enumerate(entries, start=1):
        rule = entry.get("quy_tac") if isinstance(entry, dict) else None
        why = entry.get("ly_do") if isinstance(entry, dict) else None
        where = f"mục thứ {number}"
        if rule not in known:
            choices = ", ".join(sorted(known))
            message = f"Không có quy tắc “{rule}”. Chọn một mã trong: {choices}."
            problems.append(Problem(name, where, "quy_tac", message))
        elif not isinstance(why, str) or not why.strip():
            problems.append(Problem(name, where, "ly_do", "Ghi lý do cơ quan chấp nhận (ly_do)."))
        else:
            out.append((str(rule), why.strip()))
    if problems:
        raise InputError(problems)
    return tuple(out)


def find_conventions(folder: Path) -> Conventions:
    """Return the conventions of ``folder`` (empty when it has no ``quy-uoc.yaml``)."""
    path = folder / FILE_NAME
    return load_conventions(path) if path.is_file() else ()


def apply_conventions(report: CheckReport, conventions: Conventions) -> CheckReport:
    """Return ``report`` with the warnings of the accepted rules turned into notes."""
    accepted = dict(conventions)
    if not accepted:
        return report
    results: list[RuleResult] = []
    used: list[tuple[str, str]] = []
    for result in report.results:
        if result.rule_id in accepted and any(f.severity == "warning" for f in result.findings):
            used.append((result.rule_id, accepted[result.rule_id]))
            findings = tuple(
                replace(f, severity="info") if f.severity == "warning" else f
                for f in result.findings
            )
            results.append(replace(result, findings=findings))
            continue
        results.append(result)
    return replace(report, results=tuple(results), conventions=tuple(used))
