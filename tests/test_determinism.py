"""The same inputs give byte-identical files; committed templates equal the builder's."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.authoring import BUILTIN, build_template
from pipeline.cli import main
from pipeline.templates import builtin_dir
from tests.conftest import EXAMPLES, INPUTS


@pytest.mark.parametrize("name", EXAMPLES)
def test_rendering_twice_gives_identical_bytes(tmp_path: Path, name: str) -> None:
    source = INPUTS / f"{name}.yaml"
    first = api.render_document(source, tmp_path / "a.docx")
    second = api.render_document(source, tmp_path / "b.docx")
    assert first.output.read_bytes() == second.output.read_bytes()
    assert first.sha256 == hashlib.sha256(second.output.read_bytes()).hexdigest()
    assert zipfile.ZipFile(first.output).testzip() is None


@pytest.mark.parametrize("spec", BUILTIN, ids=lambda s: s.stem)
def test_committed_template_equals_what_the_builder_makes(spec: object) -> None:
    committed = (builtin_dir() / f"{spec.stem}.docx").read_bytes()  # type: ignore[attr-defined]
    assert committed == build_template(spec), (  # type: ignore[arg-type]
        "templates/docx is out of date: run `make templates` and commit the result"
    )


def test_templates_open_as_word_files() -> None:
    for spec in BUILTIN:
        with zipfile.ZipFile(io.BytesIO(build_template(spec))) as archive:
            assert archive.namelist()[0] == "[Content_Types].xml"
            assert "word/document.xml" in archive.namelist()


def test_build_command_writes_every_example_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", str(INPUTS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    documents = sorted(p.stem for p in out.glob("*.docx") if ".noi-nhan" not in p.name)
    every = tuple(EXAMPLES)
    assert documents == sorted(every)
    assert sorted(p.name for p in out.glob("*.noi-nhan.*")) == sorted(
        f"{name}.noi-nhan.{ext}" for name in every for ext in ("csv", "docx")
    )
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    for name in every:
        digest = hashlib.sha256((out / f"{name}.docx").read_bytes()).hexdigest()
        assert digest in manifest
