"""The batch's fast path: same check verdicts as check_docx, same documents as docxtpl.

A batch prepares each template once, checks each plan from its rendered XML with a
TemplateCheck (template rules once per template, per-document rules on every plan), and
zips untouched parts as stored. These tests hold that path to the slow references.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Length
from docxtpl import DocxTemplate
from lxml import etree  # type: ignore[import-untyped]

from pipeline import api
from pipeline.batch import plan_batch
from pipeline.batch.fill import RowPlace, commune_document
from pipeline.compliance import CheckReport, TemplateCheck, check_docx, iter_paragraphs
from pipeline.compliance.package import W_NS
from pipeline.compliance.paras import flatten, paragraph_text
from pipeline.compliance.words import Reread
from pipeline.compliance.words import read as read_words
from pipeline.context import build_document_context
from pipeline.models import OfficialDocument
from pipeline.rendering import PreparedTemplate, zip_bytes
from pipeline.rendering.environment import environment
from pipeline.rendering.zipfile_raw import Member
from tests.batch_helpers import EXAMPLES as BATCH_EXAMPLES
from tests.batch_helpers import SPEC
from tests.conftest import EXAMPLES, INPUTS

DOCUMENT = "word/document.xml"


def _records() -> Iterator[tuple[str, OfficialDocument]]:
    """Yield every example record: inputs/*.yaml, then each commune of the batch."""
    for name in EXAMPLES:
        ((_, record),) = api.load_all([INPUTS / f"{name}.yaml"])
        yield name, record
    plan = plan_batch(BATCH_EXAMPLES / SPEC)
    for job in plan.jobs:
        place = RowPlace(plan.roster.source, job.row, plan.roster.headers)
        yield job.slug, commune_document(plan.data, plan.uses, job.commune, place)


@pytest.fixture(scope="module")
def rendered() -> list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]]:
    """Every example with its prepared template and its template context."""
    templates: dict[str, PreparedTemplate] = {}
    out = []
    for name, record in _records():
        key = api.template_name(record)
        if key not in templates:
            templates[key] = PreparedTemplate.load(api.find_template(key, None))
        context = api.context_mapping(build_document_context(record))
        out.append((name, record, templates[key], context))
    return out


def _verdict(report: CheckReport) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return each rule's status and the severities of its findings."""
    return {
        r.rule_id: (r.status, tuple(sorted(f.severity for f in r.findings))) for r in report.results
    }


def _findings(report: CheckReport) -> list[tuple[str, str, str, str, str]]:
    """Return every finding as (rule, severity, location, expected, found)."""
    return [(f.rule_id, f.severity, str(f.location), f.expected, f.found) for f in report.findings]


def _errors(report: CheckReport) -> set[str]:
    return {f.rule_id for f in report.findings if f.severity == "error"}


def _failed(report: CheckReport) -> set[str]:
    return {f.rule_id for f in report.findings}


def _checker(template: PreparedTemplate) -> TemplateCheck:
    return TemplateCheck(template.name, template.read_part, template.rendered_part_names)


def test_fast_check_equals_the_full_check_on_every_example(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
) -> None:
    checkers: dict[str, TemplateCheck] = {}
    for name, record, template, context in rendered:
        checker = checkers.setdefault(template.name, _checker(template))
        parts = template.render_parts(context)
        fast = checker.check(parts, record.profile.id, name)
        full = check_docx(zip_bytes(template.members_with(parts)), record.profile.id, name)
        assert _findings(fast) == _findings(full), name
    # The 43 plans share one template and, rule by rule, what each declared rule reads:
    # each passes once and is reused (a commune's own case or heading would run it again).
    batch = checkers[str(api.find_template("dang-ke-hoach", None))]
    assert batch.evaluations and max(batch.evaluations.values()) <= 2, batch.evaluations


_BROKEN = [
    # (example, replace this, with this, the rule that must fail: error or warning)
    ("xa-phu-dinh", "ngày 19 tháng 6 năm 2026", "ngày 19 tháng 06 năm 2026", "DATE_FORMAT"),
    ("xa-phu-dinh", ">Số 31-KH/ĐU<", ">Số: 31-KH/ĐU<", "NUMBER_FORMAT"),
    ("xa-phu-dinh", "Văn phòng Đảng uỷ.<", "Văn phòng Đảng uỷ<", "NOI_NHAN"),
    ("ke-hoach-ubnd-xa", ">TM. ", ">T/M ", "SIGN_PREFIX"),
    ("ke-hoach-ubnd-xa", "./.<", ".<", "BODY_END"),
    ("ke-hoach-dang-uy-xa", "Đảng uỷ xã", "Huyện uỷ Định Hoá", "DISTRICT_BODY"),
    # Words only, with the formatting untouched, can break a rule decided once per
    # template (the case of an element): the reused verdict must not hide it.
    ("xa-phu-dinh", ">KẾ HOẠCH<", ">Kế hoạch<", "ELEMENT_STYLE"),
]


@pytest.mark.parametrize(("name", "old", "new", "rule"), _BROKEN, ids=[b[3] for b in _BROKEN])
def test_fast_check_finds_what_a_commune_s_own_data_breaks(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
    name: str,
    old: str,
    new: str,
    rule: str,
) -> None:
    (record, template, context) = next((r, t, c) for n, r, t, c in rendered if n == name)
    checker = _checker(template)
    parts = template.render_parts(context)
    assert rule not in _failed(checker.check(parts, record.profile.id, name))  # cache warm
    xml = parts[DOCUMENT].decode("utf-8")
    assert old in xml, f"{old!r} not in {name}"
    broken = {**parts, DOCUMENT: xml.replace(old, new).encode("utf-8")}
    fast = checker.check(broken, record.profile.id, name)
    full = check_docx(zip_bytes(template.members_with(broken)), record.profile.id, name)
    assert rule in _failed(fast)
    assert _verdict(fast) == _verdict(full)
    assert _findings(fast) == _findings(full)


def test_what_the_check_read_of_a_plan_s_elements_goes_with_its_tree(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
) -> None:
    # Each plan below differs from the last in more than words (its margins), so it is
    # parsed anew: what the shared resolver read of the last tree must not pile up.
    record, template, context = next((r, t, c) for n, r, t, c in rendered if n == "xa-phu-dinh")
    checker = _checker(template)
    parts = template.render_parts(context)
    xml = parts[DOCUMENT].decode("utf-8")
    assert 'w:left="1701"' in xml
    sizes = []
    for left in range(1701, 1711):
        plan = {**parts, DOCUMENT: xml.replace('w:left="1701"', f'w:left="{left}"').encode()}
        checker.check(plan, record.profile.id, "x")
        resolvers = list(checker._resolvers.values())
        assert len(resolvers) == 1
        sizes.append(len(resolvers[0].facts))
    assert sizes[0] > 0
    assert max(sizes) == sizes[0]


def test_a_broken_template_fails_every_plan_and_what_passes_is_evaluated_once(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
    tmp_path: Path,
) -> None:
    plans = [(r, t, c) for n, r, t, c in rendered if n.startswith(("xa-", "phuong-"))][:5]
    template = plans[0][1]
    members = []
    for member in template.members:
        if member.name == DOCUMENT:
            xml = member.content().decode("utf-8")
            assert 'w:left="1701"' in xml
            narrow = xml.replace('w:left="1701"', 'w:left="567"').encode()
            members.append(Member.deflated(DOCUMENT, narrow))
        else:
            members.append(member)
    target = tmp_path / Path(template.name).name
    target.write_bytes(zip_bytes(members))
    broken = PreparedTemplate.load(target)
    checker = _checker(broken)
    for record, _template, context in plans:
        parts = broken.render_parts(context)
        fast = checker.check(parts, record.profile.id, "x")
        full = check_docx(zip_bytes(broken.members_with(parts)), record.profile.id, "x")
        assert "MARGINS" in _errors(fast)
        assert _findings(fast) == _findings(full)
    # A failure is never reused (its findings may quote the words): MARGINS runs on
    # each plan; a pass is, when what the rule reads is unchanged.
    assert checker.evaluations["MARGINS"] == len(plans)
    assert checker.evaluations["PAGE_A4"] == 1


def _length(value: Length | None) -> int | None:
    return int(value) if value is not None else None


def _look(data: bytes) -> list[Any]:
    """Return the text and formatting of a .docx: page set-up, then each paragraph's
    style, alignment, indents and spacing, and each run's text and direct formatting."""
    document = docx.Document(io.BytesIO(data))
    out: list[Any] = []
    for section in document.sections:
        out.append(
            (
                section.page_width,
                section.page_height,
                section.left_margin,
                section.right_margin,
                section.top_margin,
                section.bottom_margin,
                section.different_first_page_header_footer,
                [p.text for p in section.header.paragraphs],
            )
        )
    for para in iter_paragraphs(document):
        fmt = para.paragraph_format
        out.append(
            (
                para.style.name if para.style is not None else None,
                fmt.alignment,
                _length(fmt.first_line_indent),
                _length(fmt.left_indent),
                _length(fmt.space_before),
                _length(fmt.space_after),
                fmt.line_spacing,
                [
                    (r.text, r.bold, r.italic, r.underline, r.font.size, r.font.name)
                    for r in para.runs
                ],
            )
        )
    return out


def test_outputs_have_the_same_text_and_formatting_as_plain_docxtpl(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
    tmp_path: Path,
) -> None:
    for name, _record, template, context in rendered:
        ours = zip_bytes(template.render_members(context))
        reference = DocxTemplate(template.name)
        reference.render(context, jinja_env=environment(), autoescape=True)
        target = tmp_path / f"{name}.docx"
        reference.save(target)
        assert _look(ours) == _look(target.read_bytes()), name


def test_paragraph_text_reads_tabs_breaks_hyphens_but_not_a_text_box_s_words() -> None:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    plain = etree.fromstring(
        f'<w:p xmlns:w="{ns}"><w:r><w:t>Số 12</w:t><w:tab/><w:t>KH</w:t><w:br/></w:r>'
        "<w:r><w:noBreakHyphen/><w:t>ĐU</w:t></w:r></w:p>"
    )
    assert paragraph_text(plain) == "Số 12 KH -ĐU"
    boxed = etree.fromstring(
        f'<w:p xmlns:w="{ns}"><w:r><w:t>Nơi nhận:</w:t></w:r><w:r><w:pict><w:txbxContent>'
        "<w:p><w:r><w:t>trong hộp</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"
        "<w:r><w:tab/><w:t>x</w:t></w:r></w:p>"
    )
    assert paragraph_text(boxed) == "Nơi nhận: x"


def _para_view(paras: list[Any]) -> list[tuple[Any, ...]]:
    return [(p.text, p.index, p.table, p.row, p.col, round(p.width_mm, 3)) for p in paras]


def test_a_part_updated_word_by_word_reads_as_the_same_part_parsed_anew(
    rendered: list[tuple[str, OfficialDocument, PreparedTemplate, dict[str, Any]]],
) -> None:
    plans = [(n, t, c) for n, r, t, c in rendered if n.startswith(("xa-", "phuong-"))]
    (_, template, context), others = plans[0], plans[1:]
    first = template.render_parts(context)[DOCUMENT]
    root = etree.fromstring(first)
    state = Reread.of(first, root, flatten(root.find(f"{{{W_NS}}}body")))
    assert state is not None
    for name, _template, other in others:
        data = template.render_parts(other)[DOCUMENT]
        # Words with entities the parser expands (an ampersand, a character reference).
        assert "Đảng uỷ".encode() in data
        data = data.replace("Đảng uỷ".encode(), "Đảng uỷ &amp; M&#7863;t trận".encode(), 1)
        paras = state.update(read_words(data))
        assert paras is not None, name
        fresh = etree.fromstring(data)
        assert etree.tostring(state.root) == etree.tostring(fresh), name
        assert _para_view(paras) == _para_view(flatten(fresh.find(f"{{{W_NS}}}body"))), name


def test_a_part_that_differs_in_more_than_words_is_parsed_anew() -> None:
    def part(body: str) -> bytes:
        return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()

    one = part("<w:p><w:r><w:t>Số 1</w:t></w:r></w:p>")
    root = etree.fromstring(one)
    state = Reread.of(one, root, flatten(root.find(f"{{{W_NS}}}body")))
    assert state is not None
    bold = part("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Số 2</w:t></w:r></w:p>")
    assert state.update(read_words(bold)) is None
    commented = part("<w:p><!-- x --><w:r><w:t>Số 1</w:t></w:r></w:p>")
    assert Reread.of(commented, etree.fromstring(commented), []) is None


def test_a_paragraph_s_text_is_rebuilt_from_its_pieces_or_read_anew_with_a_text_box() -> None:
    def part(first: str, second: str, boxed: str) -> bytes:
        box = (
            "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>"
            f"{boxed}</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"
        )
        body = (
            f"<w:p><w:r><w:t>{first}</w:t><w:tab/><w:t>{second}</w:t>"
            '<w:noBreakHyphen/><w:t xml:space="preserve"> b </w:t></w:r></w:p>'
            f"<w:p><w:r><w:t>{first}</w:t></w:r>{box}<w:r><w:t>{second}</w:t></w:r></w:p>"
        )
        return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()

    one = part("Số 1", "ngày 2", "hộp")
    root = etree.fromstring(one)
    state = Reread.of(one, root, flatten(root.find(f"{{{W_NS}}}body")))
    assert state is not None
    for first, second, boxed in [("Số 10", "ngày 20", "hộp"), ("Số 3", "ngày 20", "chữ khác")]:
        data = part(first, second, boxed)
        paras = state.update(read_words(data))
        assert paras is not None
        fresh = flatten(etree.fromstring(data).find(f"{{{W_NS}}}body"))
        assert _para_view(paras) == _para_view(fresh)
        assert paras[0].text == f"{first} {second}- b"
        assert paras[1].text == f"{first}{second}"
