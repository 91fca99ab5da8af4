"""The format profiles as data: what the rules allow and what vanban chooses.

``rules.yaml`` is a verbatim copy of the project's format-rules spec (legal ranges,
patterns, sources); ``rules.json`` is the same data, read at run time (parsing the
YAML took ~30 ms at every start; ``python -m pipeline.profiles`` writes it again, a test
holds the two equal). ``choices.yaml`` holds the concrete values our templates use inside
those ranges. :func:`get_profile` merges both into one frozen :class:`Profile`.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from pipeline.formatting import Family, NumberingStyle

#: libyaml's safe loader when PyYAML has it (same data, parsed in C), else PyYAML's own.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PROFILE_IDS = ("state_nd30_2020", "party_hd36_2018", "party_hd05_2026")
ProfileId = Literal["state_nd30_2020", "party_hd36_2018", "party_hd05_2026"]

#: HD 05-HD/VPTW takes effect on this day; earlier Party documents follow HD 36.
HD05_EFFECTIVE = date(2026, 5, 27)
#: District-level bodies ceased to exist on this day (Nghị quyết 203/2025/QH15).
DISTRICT_LEVEL_ENDED = date(2025, 7, 1)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineSpacing(_Frozen):
    """How body lines are spaced: a multiple of single spacing, or exactly N points."""

    rule: Literal["multiple", "exact"]
    value: float


class BodyChoice(_Frozen):
    """Body paragraph layout chosen for the templates."""

    first_line_indent_mm: float
    space_after_pt: float
    line_spacing: LineSpacing
    end_marker: str


class Separators(_Frozen):
    """What separates the issuing body from Số, and the summary from the body."""

    organ: Literal["line", "asterisk"]
    summary: Literal["line", "hyphens"]


class NoiNhanChoice(_Frozen):
    """How the Nơi nhận block is written."""

    label: str
    item_end: str
    last_end: str
    archive_prefix: str
    archive_default: str


class Margins(_Frozen):
    """Page margins in millimetres."""

    top: float
    bottom: float
    left: float
    right: float


class Profile(_Frozen):
    """One format profile: the rules of ``rules.yaml`` plus vanban's choices."""

    id: str
    family: Family
    label: str
    title: str
    in_force: bool
    numbering: NumberingStyle
    margins_mm: Margins
    margin_ranges_mm: dict[str, tuple[float, float]]
    header_distance_mm: float
    sizes_pt: dict[str, float]
    body: BodyChoice
    separators: Separators
    authority_prefixes: tuple[str, ...]
    noi_nhan: NoiNhanChoice
    column_widths_mm: dict[str, tuple[float, float]]
    doc_types: dict[str, str]
    letter_summary_prefix: str = ""
    elements: dict[str, dict[str, Any]]
    headings: dict[str, dict[str, Any]]
    page_number: dict[str, Any]
    sources: dict[str, dict[str, str]]

    def type_abbreviation(self, type_name: str) -> str | None:
        """Return the abbreviation of a document type ("Kế hoạch" → "KH"), or None."""
        return self.doc_types.get(type_key(type_name))

    def is_letter(self, type_name: str) -> bool:
        """Return True for a công văn: no type name; its summary goes under the number."""
        return type_key(type_name) == "công văn"

    def size(self, element: str) -> float:
        """Return the font size in points the templates use for ``element``."""
        return self.sizes_pt[element]


def type_key(name: str) -> str:
    """Return the lookup key of a document type name: NFC, lower case, aliases resolved."""
    key = unicodedata.normalize("NFC", name).strip().lower()
    aliases = {k.lower(): v.lower() for k, v in _choices()["type_aliases"].items()}
    return str(aliases.get(key, key))


@cache
def _rules() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("rules.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def rules_from_yaml() -> dict[str, Any]:
    """Return the data of ``rules.yaml`` (what ``rules.json`` must hold)."""
    text = resources.files(__package__).joinpath("rules.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_SafeLoader)
    return data


@cache
def _choices() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("choices.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_SafeLoader)
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _standard(profile_id: str) -> dict[str, Any]:
    standards: dict[str, Any] = _rules()["standards"]
    std: dict[str, Any] = standards[profile_id]
    parent = std.get("inherits")
    if not parent:
        return std
    merged = _deep_merge(standards[parent], {k: v for k, v in std.items() if k != "overrides"})
    merged["elements"] = _deep_merge(merged["elements"], std.get("overrides", {}))
    return merged


def _choice(profile_id: str) -> dict[str, Any]:
    choices: dict[str, Any] = _choices()
    own: dict[str, Any] = choices[profile_id]
    parent = own.get("inherits")
    if not parent:
        return own
    return _deep_merge(choices[parent], {k: v for k, v in own.items() if k != "inherits"})


def _doc_types(std: dict[str, Any], family: str) -> dict[str, str]:
    table = std["abbreviations"]["doc_types"]
    if family == "party":
        pairs = {**table["by_rule"], **table["fixed"]}
    else:
        pairs = {k: v for k, v in table.items() if k not in {"verify", "sources"}}
    out: dict[str, str] = {}
    for name, abbr in pairs.items():
        clean = unicodedata.normalize("NFC", name.split(" (")[0]).lower()
        out[clean] = str(abbr)
    return out


@cache
def get_profile(profile_id: str) -> Profile:
    """Return the profile ``profile_id`` (one of :data:`PROFILE_IDS`).

    Raises:
        KeyError: for an unknown id.
    """
    if profile_id not in PROFILE_IDS:
        raise KeyError(profile_id)
    std = _standard(profile_id)
    ch = _choice(profile_id)
    margins = std["page"]["margins"]
    return Profile(
        id=profile_id,
        family=ch["family"],
        label=ch["label"],
        title=std["title"],
        in_force=bool(std.get("in_force", True)),
        numbering=ch["numbering"],
        margins_mm=Margins(**ch["margins_mm"]),
        margin_ranges_mm={k: (float(v[0]), float(v[1])) for k, v in margins.items()},
        header_distance_mm=ch["header_distance_mm"],
        sizes_pt=ch["sizes_pt"],
        body=BodyChoice(**ch["body"]),
        separators=Separators(**ch["separators"]),
        authority_prefixes=tuple(ch["authority_prefixes"]),
        noi_nhan=NoiNhanChoice(**ch["noi_nhan"]),
        column_widths_mm={k: (v[0], v[1]) for k, v in ch["column_widths_mm"].items()},
        doc_types={**_doc_types(std, ch["family"]), **ch.get("extra_doc_types", {})},
        letter_summary_prefix=ch.get("letter_summary_prefix", ""),
        elements=std["elements"],
        headings=std["headings"],
        page_number=std["page_number"],
        sources={k: dict(v) for k, v in _rules()["meta"]["sources"].items()},
    )


def profile_for(family: Family, issued: date | None) -> Profile:
    """Return the profile a document of ``family`` dated ``issued`` follows.

    Party documents dated before 27/5/2026 follow HD 36; later ones and undated
    drafts follow HD 05. State documents follow NĐ 30.
    """
    if family == "state":
        return get_profile("state_nd30_2020")
    if issued is not None and issued < HD05_EFFECTIVE:
        return get_profile("party_hd36_2018")
    return get_profile("party_hd05_2026")


def common_rules() -> dict[str, Any]:
    """Return the ``common`` section of the rules (paper, date patterns, widths)."""
    data: dict[str, Any] = _rules()["common"]
    return data


def standard_rules(profile_id: str) -> dict[str, Any]:
    """Return the ``standards`` entry of ``profile_id`` with inheritance applied.

    For rules that :class:`Profile` does not carry (e.g. ``size_consistency``).
    Callers must not modify the returned mapping.
    """
    if profile_id not in PROFILE_IDS:
        raise KeyError(profile_id)
    return _standard(profile_id)


def checks_catalogue() -> list[dict[str, Any]]:
    """Return the list of checks of the rules file (id, profile, severity, test)."""
    data: list[dict[str, Any]] = _rules()["checks"]
    return data
