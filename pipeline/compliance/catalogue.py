"""The rules a profile is checked against: ids and severities from profiles/rules.yaml
``checks:``, plus the checker's own additions, titles and sources (catalogue.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from pipeline.compliance.report import Severity, Source
from pipeline.profiles import PROFILE_IDS, checks_catalogue, get_profile


@dataclass(frozen=True)
class RuleSpec:
    """One rule as it applies to one profile."""

    id: str
    severity: Severity
    test: str
    title: str
    source: Source


@cache
def _meta() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("catalogue.yaml").read_text(encoding="utf-8")
    # An internal file: libyaml when PyYAML has it (the same data, parsed in C).
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


def _applies(entry: dict[str, Any], profile_id: str) -> bool:
    scope = entry.get("profile", "all")
    return scope in ("all", profile_id) or (isinstance(scope, list) and profile_id in scope)


#: The words a source uses when its rule is carried over from HD 05 (tests look for them).
CARRIED = "quy tắc lấy theo HD 05"


def _source(rule_id: str, profile_id: str) -> Source:
    meta = _meta()
    entry = meta["rules"].get(rule_id, {})
    own = entry.get(profile_id)
    if isinstance(own, dict) and "document" in own:
        return Source(str(own["document"]), str(own["section"]), str(own["refs"]))
    if isinstance(own, dict):  # carried over from HD 05, and why
        section = f"{CARRIED}, {own['carried']}: {own['why']}"
        return Source(meta["documents"][profile_id], section, str(own["refs"]))
    family = get_profile(profile_id).family
    section, refs = own if isinstance(own, list) else entry.get(family, ["", ""])
    document = meta["documents"][profile_id] if section else ""
    return Source(document, section, refs)


def has_own_source(rule_id: str, profile_id: str) -> bool:
    """Return True when the catalogue gives ``rule_id`` a source of ``profile_id``'s own
    (not the family's shared one)."""
    return profile_id in _meta()["rules"].get(rule_id, {})


@cache
def rules_for(profile_id: str) -> tuple[RuleSpec, ...]:
    """Return the rules that apply to ``profile_id``, in catalogue order.

    Raises:
        KeyError: for an unknown profile id.
    """
    if profile_id not in PROFILE_IDS:
        raise KeyError(profile_id)
    meta = _meta()
    overrides = meta.get("severity_overrides", {}).get(profile_id, {})
    out = []
    for entry in [*checks_catalogue(), *meta["extra_checks"]]:
        if not _applies(entry, profile_id):
            continue
        rule_id = str(entry["id"])
        severity = cast(Severity, overrides.get(rule_id, entry["severity"]))
        title = str(meta["rules"].get(rule_id, {}).get("title", rule_id))
        out.append(
            RuleSpec(rule_id, severity, str(entry["test"]), title, _source(rule_id, profile_id))
        )
    return tuple(out)


def all_rules() -> list[tuple[str, str, str, str]]:
    """Return (id, title, profiles, severity) of every rule, for help texts and docs."""
    meta = _meta()
    out = []
    extra = [
        {**meta["list_check"], "profile": "danh sách nơi nhận"},
        *({**e, "profile": "--trang"} for e in meta["page_checks"]),
    ]
    for entry in [*checks_catalogue(), *meta["extra_checks"], *extra]:
        scope = entry.get("profile", "all")
        scope_text = (
            "tất cả" if scope == "all" else ", ".join(scope if isinstance(scope, list) else [scope])
        )
        title = str(meta["rules"].get(entry["id"], {}).get("title", entry["id"]))
        out.append((str(entry["id"]), title, scope_text, str(entry["severity"])))
    return out


def help_text() -> str:
    """Return the Vietnamese explanation of the profiles and rules (``vanban check -h``)."""
    lines = ["\b", "Thể thức (--profile):"]
    for pid in PROFILE_IDS:
        profile = get_profile(pid)
        lines.append(f"  {pid:<17} {profile.label}")
    lines += [
        "\b",
        "Quy tắc (mã dùng trong --json, mức, tên; áp dụng cho):",
    ]
    levels = {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"}
    for rule_id, title, scope, severity in all_rules():
        lines.append(f"  {rule_id:<22} [{levels.get(severity, severity)}] {title} ({scope})")
    return "\n".join(lines)


@cache
def list_rules_for(profile_id: str) -> tuple[RuleSpec, ...]:
    """Return the rules a distribution list of a ``profile_id`` document is checked against."""
    meta = _meta()
    keep = set(meta["list_rules"])
    specs = [spec for spec in rules_for(profile_id) if spec.id in keep]
    entry = meta["list_check"]
    rule_id = str(entry["id"])
    title = str(meta["rules"][rule_id]["title"])
    severity = cast(Severity, entry["severity"])
    specs.append(
        RuleSpec(rule_id, severity, str(entry["test"]), title, _source(rule_id, profile_id))
    )
    return tuple(specs)


@cache
def page_rules_for(profile_id: str) -> tuple[RuleSpec, ...]:
    """Return the page checks (``vanban check --trang``) of ``profile_id``."""
    meta = _meta()
    out = []
    for entry in meta["page_checks"]:
        rule_id = str(entry["id"])
        title = str(meta["rules"][rule_id]["title"])
        severity = cast(Severity, entry["severity"])
        source = _source(rule_id, profile_id)
        out.append(RuleSpec(rule_id, severity, str(entry["test"]), title, source))
    return tuple(out)
