"""The cheaper paths of a batch keep their guarantees: filling shares what it does not
change and never mutates the recipe, atomic writes leave no temporary file."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from pipeline.batch.fill import FillFailure, fill
from pipeline.batch.run import remove_temp_files
from pipeline.context.commune import commune_fields
from pipeline.models.roster import Commune
from pipeline.rendering import output
from pipeline.rendering.output import write_atomic

COMMUNE = Commune(ma="01", ten="Phú Đình", loai="xã", so=7, thon_truoc=12, thon_sau=9)


def test_fill_copies_only_the_way_to_placeholders_and_leaves_the_data_alone() -> None:
    untouched = {"cac_noi": ["A", {"ten": "B"}], "luu": "VP"}
    data = {
        "so": "{{ xa.so }}",
        "noi_nhan": untouched,
        "chi_tieu": [{"id": "T", "noi_dung": "Giảm {{ xa.thon_giam }} thôn"}, {"id": "U"}],
    }
    before = copy.deepcopy(data)
    filled = fill(data, commune_fields(COMMUNE))
    assert filled == {
        "so": 7,
        "noi_nhan": untouched,
        "chi_tieu": [{"id": "T", "noi_dung": "Giảm 3 thôn"}, {"id": "U"}],
    }
    assert data == before
    assert filled["noi_nhan"] is untouched  # shared, not copied
    assert filled["chi_tieu"][1] is data["chi_tieu"][1]
    assert filled["chi_tieu"] is not data["chi_tieu"]


def test_fill_reports_the_first_broken_placeholder_in_data_order() -> None:
    data = {"a": ["ok", "{{ xa.tne }}"], "b": "{{ xa.bi_thu }}"}
    with pytest.raises(FillFailure) as caught:
        fill(data, commune_fields(COMMUNE))
    assert caught.value.path == ("a", 1)
    assert caught.value.error.name == "tne"


def test_atomic_writes_use_temporary_names_the_batch_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "new" / "a.docx"
    write_atomic(target, b"one", durable=False)  # makes the folder
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.stat(target).st_mode & 0o777 == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.docx"]
    name = output.temp_name("a.docx")
    assert name.startswith(".a.docx.") and name.endswith(".tmp")
    (target.parent / name).write_bytes(b"left by a killed run")
    remove_temp_files(target.parent)
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.docx"]


def test_an_atomic_write_skips_a_leftover_name_and_cleans_up_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.docx"
    names = iter([".a.docx.1-0.tmp", ".a.docx.1-1.tmp", ".a.docx.1-2.tmp"])
    monkeypatch.setattr(output, "temp_name", lambda _name: next(names))
    (tmp_path / ".a.docx.1-0.tmp").write_bytes(b"leftover")
    write_atomic(target, b"data", durable=False)
    assert target.read_bytes() == b"data"

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"other", durable=False)
    assert target.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.docx.1-0.tmp", "a.docx"]
