"""Rendering is strict and safe: literal special characters, undefined names, the sandbox."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from pipeline import api
from pipeline.errors import TemplateProblem
from pipeline.loading import load_document
from pipeline.rendering import PreparedTemplate, render_to_bytes
from tests.conftest import INPUTS

NASTY = "Phòng A&B <Tổ 1> \"trích\" 'dẫn' & > < ; &amp;"


def _template(tmp_path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "mau-thu.docx"
    document.save(str(path))
    return path


def _texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_special_characters_appear_literally_and_nothing_is_lost(tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        "Trước {{ x }} sau",
        "{%p for i in items %}",
        "- {{ i }}",
        "{%p endfor %}",
        "Đoạn cuối",
    )
    data = render_to_bytes(PreparedTemplate.load(path), {"x": NASTY, "items": [NASTY, "b&c"]})
    assert _texts(data) == [f"Trước {NASTY} sau", f"- {NASTY}", "- b&c", "Đoạn cuối"]


def test_special_characters_through_the_whole_pipeline(tmp_path: Path) -> None:
    record = (INPUTS / "ke-hoach-ubnd-xa.yaml").read_text(encoding="utf-8")
    record = record.replace(
        "trich_yeu: Triển khai chuyển đổi số trên địa bàn xã năm 2027",
        f"trich_yeu: '{NASTY.replace(chr(39), chr(39) * 2)}'",
    )
    source = tmp_path / "ho-so.yaml"
    source.write_text(record, encoding="utf-8")
    data, _ = api.render_bytes(load_document(source))
    texts = [" ".join(p.text.split()) for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert NASTY in texts
    after = texts[texts.index(NASTY) + 1 :]
    assert any(t.startswith("Căn cứ Kế hoạch của Ủy ban nhân dân tỉnh") for t in after)
    assert "I. MỤC ĐÍCH, YÊU CẦU" in after


def test_undefined_variable_names_the_template_and_the_variable(tmp_path: Path) -> None:
    path = _template(tmp_path, "Kính gửi {{ noi_gui }}")
    template = PreparedTemplate.load(path)
    with pytest.raises(TemplateProblem) as caught:
        render_to_bytes(template, {"x": 1})
    problem = caught.value.problems[0]
    assert problem.source.endswith("mau-thu.docx")
    assert "“noi_gui”" in problem.message
    assert "Kính gửi" in problem.location


def test_missing_attribute_is_an_error_not_a_blank(tmp_path: Path) -> None:
    path = _template(tmp_path, "{{ chu_ky.ho_ten_sai }}")
    with pytest.raises(TemplateProblem, match="ho_ten_sai"):
        render_to_bytes(PreparedTemplate.load(path), {"chu_ky": {"ho_ten": "A"}})


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_python_internals_are_refused(tmp_path: Path, tag: str) -> None:
    path = _template(tmp_path, tag)
    with pytest.raises(TemplateProblem) as caught:
        render_to_bytes(PreparedTemplate.load(path), {"x": NASTY})
    text = str(caught.value)
    assert "mau-thu.docx" in text
    assert "<class" not in text


def test_templates_cannot_change_their_data(tmp_path: Path) -> None:
    path = _template(tmp_path, "{{ items.append('x') }}{{ items }}")
    with pytest.raises(TemplateProblem):
        render_to_bytes(PreparedTemplate.load(path), {"items": ["a"]})


def test_the_sandbox_refuses_as_often_as_it_is_asked(tmp_path: Path) -> None:
    # The environment remembers its verdict per (type, attribute): a safe read of one
    # attribute must not open another of the same type, and a refusal stays a refusal.
    # Methods of the data are refused too (a template reads fields; filters do the rest).
    safe = PreparedTemplate.load(_template(tmp_path, "{{ x|upper }} {{ d.ten }} {{ d['keys'] }}"))
    unsafe = [
        PreparedTemplate.load(_template(tmp_path, source))
        for source in ("{{ items.index('a') }}", "{{ d.items }}", "{{ x.__class__ }}")
    ]
    data = {"x": NASTY, "items": ["a"], "d": {"ten": "Phú Đình", "keys": "k"}}
    for _ in range(3):
        assert _texts(render_to_bytes(safe, data))[0] == f"{NASTY.upper()} Phú Đình k"
        for template in unsafe:
            with pytest.raises(TemplateProblem, match="không an toàn"):
                render_to_bytes(template, data)


def test_syntax_error_is_reported_when_the_template_is_loaded(tmp_path: Path) -> None:
    path = _template(tmp_path, "Xin chào", "{% for x in %}")
    with pytest.raises(TemplateProblem, match="cú pháp"):
        PreparedTemplate.load(path)


def test_a_template_edited_in_place_is_prepared_again(tmp_path: Path) -> None:
    # Templates are prepared once per process and content: the same file, edited
    # between two loads (a clerk fixes the template and runs again), is read anew.
    path = _template(tmp_path, "Xin chào {{ x }}")
    first = PreparedTemplate.load(path)
    assert PreparedTemplate.load(path) is first
    assert _texts(render_to_bytes(first, {"x": "xã"})) == ["Xin chào xã"]
    _template(tmp_path, "Kính gửi {{ x }}")
    assert _texts(render_to_bytes(PreparedTemplate.load(path), {"x": "xã"})) == ["Kính gửi xã"]
    _template(tmp_path, "Xin chào", "{% for x in %}")
    with pytest.raises(TemplateProblem, match="cú pháp"):
        PreparedTemplate.load(path)
