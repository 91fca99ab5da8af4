"""A commune's texts filled by joining their pieces: the same as Jinja renders them.

``commune_document`` fills a text that only places fields ("Uỷ ban nhân dân
{{ xa.ten_day_du }}") without Jinja. These tests hold it to the plain way: every text
with placeholders rendered by Jinja, then the whole record validated.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pipeline.batch import plan_batch
from pipeline.batch.fill import FillFailure, RowPlace, commune_document, fill
from pipeline.batch.plan import Plan
from pipeline.context.commune import CommuneFields, commune_fields
from pipeline.models import OfficialDocument
from pipeline.rendering.text import TextTemplateError, has_placeholder, render_text
from tests.batch_helpers import EXAMPLES, SPEC

_WHOLE = re.compile(r"^\s*\{\{\s*xa\.(\w+)\s*\}\}\s*$")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_batch(EXAMPLES / SPEC)


def jinja_fill(data: Any, fields: CommuneFields) -> Any:
    """Return ``data`` filled the plain way: every text with placeholders through Jinja."""
    if isinstance(data, dict):
        return {key: jinja_fill(value, fields) for key, value in data.items()}
    if isinstance(data, list):
        return [jinja_fill(value, fields) for value in data]
    if not isinstance(data, str) or not has_placeholder(data):
        return data
    whole = _WHOLE.match(data)
    if whole and whole.group(1) in fields.values:
        return fields.values[whole.group(1)]
    text = render_text(data, {"xa": fields.text})
    return text if text.strip() else None


def test_every_example_commune_gets_the_document_of_the_plain_fill(plan: Plan) -> None:
    for job in plan.jobs:
        place = RowPlace(plan.roster.source, job.row, plan.roster.headers)
        got = commune_document(plan.data, plan.uses, job.commune, place)
        expected = OfficialDocument.model_validate(
            jinja_fill(plan.data, commune_fields(job.commune))
        )
        assert got == expected
        assert got.model_dump() == expected.model_dump()


@pytest.mark.parametrize(
    "source",
    [
        "Uỷ ban nhân dân {{ xa.ten_day_du }}",
        "Ban Thường vụ {{ xa.ten_day_du }} xây dựng Kế hoạch {{ xa.so }}/{{ xa.ngay }}.",
        "{{xa.ten}}{{  xa.loai  }} {x} }} {{ xa.ma }} }",
        "{{ xa.ten | upper }} và {{ xa.so }}",
        "dòng một\n{{ xa.ten }}\n",
        "  {{ xa.bi_thu | default('') }} ",
        "{{- xa.ten }} <b>&amp;</b>",
    ],
)
def test_simple_texts_fill_as_jinja_renders_them(plan: Plan, source: str) -> None:
    for commune in (plan.jobs[0].commune, plan.jobs[0].commune.model_copy(update={"bi_thu": None})):
        fields = commune_fields(commune)
        rendered = render_text(source, {"xa": fields.text})
        assert fill({"x": source}, fields) == {"x": rendered if rendered.strip() else None}


@pytest.mark.parametrize(
    "source", ["{{ xa.items }}", "Xã {{ xa.keys() }}", "{{ xa|attr('values') }}"]
)
def test_methods_of_the_data_are_refused_by_jinja_and_by_the_fast_fill_alike(
    plan: Plan, source: str
) -> None:
    fields = commune_fields(plan.jobs[0].commune)
    with pytest.raises(TextTemplateError) as by_jinja:
        render_text(source, {"xa": fields.text})
    with pytest.raises(FillFailure) as by_fill:
        fill({"x": source}, fields)
    assert by_jinja.value.kind == by_fill.value.error.kind == "security"
    assert "không phải là một trường dữ liệu" in by_fill.value.error.detail
    assert "built-in" not in by_fill.value.error.detail and "dict" not in by_fill.value.error.detail


def test_a_field_the_row_lacks_fails_with_the_path_of_its_text(plan: Plan) -> None:
    fields = commune_fields(plan.jobs[0].commune.model_copy(update={"so": None}))
    data = {"a": [{"b": "ok"}, {"b": "Số {{ xa.so }}"}]}
    with pytest.raises(FillFailure) as caught:
        fill(data, fields, ("goc",))
    assert caught.value.path == ("goc", "a", 1, "b")
    assert (caught.value.error.kind, caught.value.error.name) == ("undefined", "so")
