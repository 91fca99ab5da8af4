"""Template lint: what a user breaks when editing a template in Word, found with its place."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.templates import builtin_dir

SOURCE = builtin_dir() / "nha-nuoc-ke-hoach.docx"


def _edit(tmp_path: Path, name: str, part: str, old: str, new: str) -> Path:
    """Write a copy of the State plan template with ``old`` replaced in ``part``."""
    with zipfile.ZipFile(SOURCE) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    xml = members[part].decode("utf-8")
    assert old in xml, old
    members[part] = xml.replace(old, new, 1).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    path = tmp_path / f"{name}.docx"
    path.write_bytes(out.getvalue())
    return path


def _lint(path: Path) -> list[api.LintFinding]:
    kind, found = api.lint_templates([path])[path]
    assert kind == "văn bản"
    return found


def test_builtin_templates_are_clean() -> None:
    results = api.lint_templates([])
    assert len(results) >= 4
    for path, (_kind, found) in results.items():
        assert found == [], (path, [str(f) for f in found])


def test_an_undefined_variable_is_found_with_its_place(tmp_path: Path) -> None:
    path = _edit(tmp_path, "bien", "word/document.xml", "{{ ten_loai }}", "{{ ten_loaii }}")
    (finding,) = _lint(path)
    assert (finding.severity, finding.kind, finding.part) == (
        "error",
        "undefined",
        "word/document.xml",
    )
    assert "“ten_loaii”" in finding.message and "ten_loai," in finding.message
    assert "ten_loaii" in finding.where


def test_an_undefined_attribute_is_found(tmp_path: Path) -> None:
    path = _edit(tmp_path, "thuoc-tinh", "word/document.xml", "chu_ky.ho_ten", "chu_ky.ho_tenn")
    (finding,) = _lint(path)
    assert finding.kind == "undefined" and "“chu_ky.ho_tenn”" in finding.message


def test_an_undefined_variable_in_the_header_is_found(tmp_path: Path) -> None:
    path = _edit(
        tmp_path, "dau-trang", "word/header2.xml", "<w:t>2</w:t>", "<w:t>{{ so_trang }}</w:t>"
    )
    (finding,) = _lint(path)
    assert (finding.kind, finding.part) == ("undefined", "word/header2.xml")
    assert "so_trang" in finding.message and "so_trang" in finding.where


def test_a_syntax_error_is_found_with_its_place(tmp_path: Path) -> None:
    path = _edit(tmp_path, "cu-phap", "word/document.xml", "{{ so_ky_hieu }}", "{{ so_ky_hieu }")
    found = _lint(path)
    syntax = [f for f in found if f.kind == "syntax"]
    assert len(syntax) == 1 and syntax[0].severity == "error"
    assert syntax[0].part == "word/document.xml" and "so_ky_hieu" in syntax[0].where
    assert any(f.kind == "split_paragraphs" for f in found)  # "{{" left open in its paragraph


def test_a_tag_split_across_runs_is_reported_with_its_location(tmp_path: Path) -> None:
    split = '{{ dia_danh</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">_ngay }}'
    path = _edit(tmp_path, "tach-the", "word/document.xml", "{{ dia_danh_ngay }}", split)
    (finding,) = _lint(path)
    assert (finding.severity, finding.kind) == ("warning", "split_tag")
    assert finding.where.startswith("bảng 1, hàng 2, cột 2")
    assert "{{ dia_danh_ngay }}" in finding.where and "2 đoạn chữ" in finding.message


def test_smart_quotes_in_a_tag_are_reported(tmp_path: Path) -> None:
    path = _edit(tmp_path, "nhay-cong", "word/document.xml", "'muc1'", "‘muc1’")
    (finding,) = _lint(path)
    assert (finding.severity, finding.kind) == ("warning", "smart_quotes")
    assert "‘muc1’" in finding.where


def test_cli_export_then_lint_a_users_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "mau"
    result = runner.invoke(main, ["templates", "export", "nha-nuoc-ke-hoach", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "nha-nuoc-ke-hoach.docx").read_bytes() == SOURCE.read_bytes()
    again = runner.invoke(main, ["templates", "export", "nha-nuoc-ke-hoach", str(folder)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(main, ["templates", "lint", "--templates", str(folder)]).exit_code == 0
    _edit(folder, "hong", "word/document.xml", "{{ ten_loai }}", "{{ ten_loaii }}")
    result = runner.invoke(main, ["templates", "lint", str(folder), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    broken = payload[str(folder / "hong.docx")]
    assert broken["data"] == "văn bản"
    assert [f["kind"] for f in broken["findings"]] == ["undefined"]


@pytest.mark.parametrize("name", ["dang-danh-sach-noi-nhan", "nha-nuoc-danh-sach-noi-nhan"])
def test_list_templates_are_checked_against_the_list_data(name: str) -> None:
    path = builtin_dir() / name
    kind, found = api.lint_templates([path.with_suffix(".docx")])[path.with_suffix(".docx")]
    assert kind == "danh sách nơi nhận" and found == []


@pytest.mark.parametrize(
    ("new", "kind", "words"),
    [
        ("{{ ten_loai.upper() }}", "unsafe", "“upper” không phải trường dữ liệu"),
        ("{{ ten_loai.__class__ }}", "unsafe", "“__class__”"),
        ("{{ so_ky_hieu|length }}{{ chu_ky.items }}", "unsafe", "“items”"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
         "limit", "lượt"),
        ("{% for i in range(so_ky_hieu|length) %}{% endfor %}", "limit", "không cố định"),
        ("{{ 'ab' * 3000000000 }}", "limit", "Phép nhân chuỗi"),
        ("{{ lipsum(100) }}", "unsafe", "lipsum"),
    ],
)  # fmt: skip
def test_lint_flags_what_the_sandbox_refuses(
    tmp_path: Path, new: str, kind: str, words: str
) -> None:
    # Issue 15: these used to pass lint ("đạt") and then hang or fail at rendering.
    path = _edit(tmp_path, "hop", "word/document.xml", "{{ ten_loai }}", new)
    found = [f for f in _lint(path) if f.kind == kind]
    assert found and all(f.severity == "error" for f in found)
    assert any(words in f.message for f in found), [f.message for f in found]
