"""The batch's incremental check gives the findings of the full check, whatever came before.

A :class:`~pipeline.compliance.TemplateCheck` reuses a rule's pass when everything the
rule declared it reads (``@reads`` above each rule, ``compliance/facts.py``) equals
what it read of a document it passed on. These tests hold that to ``check_docx``: on
the case that once failed (a heading made from a commune's field), on random edits to
the words of every example and every document of the checker's corpus, and on the
example batch written with one, two and three workers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from pipeline import api
from pipeline.batch import BatchOptions, plan_batch
from pipeline.batch.fill import RowPlace, commune_document
from pipeline.cli import main
from pipeline.compliance import CheckReport, TemplateCheck, check_docx
from pipeline.compliance.check import RULES
from pipeline.compliance.facts import declared
from pipeline.rendering import PreparedTemplate
from tests.batch_helpers import CODE, ISSUER, SPEC, example_rows, make_batch, plans
from tests.batch_helpers import EXAMPLES as BATCH_EXAMPLES
from tests.check_helpers import mutate, rendered
from tests.conftest import EXAMPLES, INPUTS
from tests.test_check_corpus import CASES

DOCUMENT = "word/document.xml"
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def _findings(report: CheckReport) -> list[tuple[str, str, str, str, str]]:
    """Return every finding as (rule, severity, location, expected, found)."""
    return [(f.rule_id, f.severity, str(f.location), f.expected, f.found) for f in report.findings]


# -- the case of issue 16 ---------------------------------------------------------------

BAD_ISSUER = "Đảng uỷ xã Bình Yên"


def _heading_batch(folder: Path, bad_at: int) -> Path:
    """Write a batch over inputs/ke-hoach-ubnd-xa.yaml whose last section heading holds
    each commune's issuing body; three communes, the ``bad_at``-th one's not in capitals.
    """
    folder.mkdir(parents=True)
    base = (INPUTS / "ke-hoach-ubnd-xa.yaml").read_text(encoding="utf-8")
    heading = "  - muc: TỔ CHỨC THỰC HIỆN\n"
    assert heading in base
    base = base.replace(heading, '  - muc: "TỔ CHỨC THỰC HIỆN TẠI {{ xa.ban_hanh }}"\n')
    (folder / "goc.yaml").write_text(base, encoding="utf-8")
    rows = example_rows()[:4]
    rows[1 + bad_at][ISSUER] = BAD_ISSUER
    with (folder / "xa.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    spec = folder / "dot.batch.yaml"
    spec.write_text("ten: dot\nho_so: goc.yaml\ndanh_sach: xa.csv\n", encoding="utf-8")
    return spec


@pytest.mark.parametrize(
    ("bad_at", "jobs"), [(0, 1), (2, 1), (0, 2), (1, 2)], ids=["first", "last", "first-j2", "j2"]
)
def test_a_heading_not_in_capitals_from_one_commune_fails_that_commune_alone(
    tmp_path: Path, bad_at: int, jobs: int
) -> None:
    spec = _heading_batch(tmp_path / "in", bad_at)
    bad_code = example_rows()[1 + bad_at][CODE]
    report = api.build_batch(spec, tmp_path / "out", options=BatchOptions(jobs=jobs))

    assert [f.code for f in report.failures] == [bad_code]
    (failure,) = report.failures
    messages = " ".join(str(p) for p in failure.problems)
    assert "ELEMENT_STYLE" in messages
    assert f"TỔ CHỨC THỰC HIỆN TẠI {BAD_ISSUER}" in messages  # its own text, no other's
    written = plans(tmp_path / "out" / "dot")
    assert len(written) == 2
    for path in written:
        full = check_docx(path)
        assert full.failing("error") == set(), (path.name, _findings(full))
        text = zipfile.ZipFile(path).read(DOCUMENT).decode("utf-8")
        assert BAD_ISSUER not in text
    result = CliRunner().invoke(main, ["check", *(str(p) for p in written)])
    assert result.exit_code == 0, result.output


# -- random edits to the words ----------------------------------------------------------


def _bases() -> list[tuple[str, bytes]]:
    """Every example (inputs/*.yaml and the first commune of the example batch), then
    every document of the checker's corpus."""
    out = [(name, rendered(name)) for name in EXAMPLES]
    plan = plan_batch(BATCH_EXAMPLES / SPEC)
    job = plan.jobs[0]
    place = RowPlace(plan.roster.source, job.row, plan.roster.headers)
    data, _template = api.render_bytes(commune_document(plan.data, plan.uses, job.commune, place))
    out.append((job.slug, data))
    out += [(case.id, mutate(rendered(case.example), case.change)) for case in CASES]
    return out


BASES = _bases()

#: Words that move the rules: headings, case, end markers, prefixes, dates, numbers.
_WORDS = [
    "I. MỤC ĐÍCH",
    "II. Nhiệm vụ",
    "1. Tổ chức",
    "a) thực hiện",
    "KẾ HOẠCH",
    "Kế hoạch",
    "kế hoạch",
    BAD_ISSUER,
    "ĐẢNG UỶ XÃ BÌNH YÊN",
    "./.",
    "Văn phòng Đảng uỷ.",
    "- Lưu: VT.",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
    "T/M ĐẢNG UỶ",
    "CHỦ TỊCH",
    "Số: 12/KH-UBND",
    "Số 31-KH/ĐU",
    "ngày 05 tháng 6 năm 2026",
    "ngày 5 tháng 06 năm 2026",
    "Huyện uỷ Định Hoá",
    "x",
    " ",
]
_TEXT = st.one_of(
    st.sampled_from(_WORDS),
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯỆỘ .,;:-/()0123456789", max_size=24),
)
#: An edit: which printing text of the main part (by its number, wrapped), and how.
_EDIT = st.tuples(
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["replace", "append", "prepend", "upper", "lower"]),
    _TEXT,
)


def _texts(root: Any) -> list[Any]:
    return [t for t in root.iter(W_T) if t.text and t.text.strip()]


def _edited(xml: bytes, edits: list[tuple[int, str, str]]) -> bytes:
    """Return the main part ``xml`` with ``edits`` made to the words of its runs."""
    root = etree.fromstring(xml)
    texts = _texts(root)
    for number, how, words in edits:
        node = texts[number % len(texts)]
        old = node.text or ""
        node.text = {
            "replace": words,
            "append": old + words,
            "prepend": words + old,
            "upper": old.upper(),
            "lower": old.lower(),
        }[how]
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _with_main(data: bytes, xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, xml if name == DOCUMENT else source.read(name))
    return out.getvalue()


def _checker(data: bytes) -> TemplateCheck:
    """Return the check of documents made from ``data`` by rendering its main part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = set(source.namelist())

    def read(part: str) -> bytes | None:
        return source.read(part) if part in names else None

    return TemplateCheck("base.docx", read, [DOCUMENT])


@settings(max_examples=120, deadline=None)
@given(
    base=st.sampled_from(BASES),
    plans=st.lists(st.lists(_EDIT, max_size=4), min_size=1, max_size=4),
    order=st.randoms(use_true_random=False),
)
def test_the_incremental_check_equals_the_full_check_on_random_edits_of_the_words(
    base: tuple[str, bytes], plans: list[list[tuple[int, str, str]]], order: Any
) -> None:
    name, data = base
    main = zipfile.ZipFile(io.BytesIO(data)).read(DOCUMENT)
    documents = [main, *(_edited(main, edits) for edits in plans)]
    full: dict[bytes, list[tuple[str, str, str, str, str]]] = {}
    checker = _checker(data)
    for _round in range(2):  # the plans in their order, then shuffled, the cache warm
        for xml in documents:
            if xml not in full:
                full[xml] = _findings(check_docx(_with_main(data, xml), None, name))
            fast = checker.check({DOCUMENT: xml}, None, name)
            assert _findings(fast) == full[xml], name
        order.shuffle(documents)


def test_the_rules_decided_once_per_template_declare_what_they_read() -> None:
    # The rules the batch used to decide once per template all declare their facts;
    # a rule that declares nothing runs on every document (safe, only slower).
    once = {
        "PAGE_A4",
        "MARGINS",
        "PAGE_NUM_FIRST_HIDDEN",
        "FONT_TNR",
        "FONT_BLACK",
        "BODY_PARAGRAPH",
        "ELEMENT_STYLE",
        "SIZE_CONSISTENCY",
        "PARTY_TITLE_NOT_BOLD",
    }
    assert {rule_id for rule_id, rule in RULES.items() if declared(rule)} >= once
    assert declared(RULES["BODY_END"]) is None  # reads the words


# -- the example batch under one, two and three workers ---------------------------------


def _folder(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_the_example_batch_is_the_same_under_one_two_and_three_workers(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in")
    folders = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"j{jobs}"
        report = api.build_batch(spec, out, options=BatchOptions(jobs=jobs))
        assert report.ok, report.failures
        folders.append(_folder(out))
    assert folders[0] == folders[1] == folders[2]
    assert any(name.endswith("manifest.json") for name in folders[0])

    # Each written plan: the incremental check, over the plans in their order, gives
    # the findings (errors and warnings) of `vanban check` on the written file.
    written = plans(tmp_path / "j1" / "ke-hoach-sap-xep")
    assert len(written) == len(example_rows()) - 1
    template = PreparedTemplate.load(api.find_template("dang-ke-hoach", None))
    checker = TemplateCheck(template.name, template.read_part, template.rendered_part_names)
    for path in written:
        full = check_docx(path)
        assert full.failing("error") == set(), path.name
        fast = checker.check(
            {DOCUMENT: zipfile.ZipFile(path).read(DOCUMENT)}, full.profile_id, path.name
        )
        assert _findings(fast) == _findings(full), path.name
