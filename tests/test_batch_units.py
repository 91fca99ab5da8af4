"""The pieces of a batch: slugs, placeholders, a commune's fields, joining documents."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.batch import manifest
from pipeline.batch.fill import fill, merge, placeholder_names
from pipeline.batch.slugs import slugify, unique_slugs
from pipeline.context.commune import commune_fields, place_name
from pipeline.models.roster import Commune
from pipeline.rendering.combine import combine_documents, restart_numbering
from pipeline.rendering.text import TextTemplateError, render_text


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("xã Phú Đình", "xa-phu-dinh"),
        ("phường Đống Đa", "phuong-dong-da"),
        ("thị trấn Chợ Chu", "thi-tran-cho-chu"),
        ("đặc khu Phú Quý", "dac-khu-phu-quy"),
        ("xã Nậm Nhừ (cũ)", "xa-nam-nhu-cu"),
        ("phường 3", "phuong-3"),
        ("\u0078\u0061\u0303 Ye\u0302\u0301n", "xa-yen"),  # decomposed (NFD) input
    ],
)
def test_slugs_are_ascii_words_joined_by_hyphens(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(st.text(max_size=40))
def test_any_name_gives_a_safe_file_name(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug)
    assert slugify(slug) == slug


@given(st.lists(st.tuples(st.sampled_from(["xã A", "xã Á", "phường A", "", "?"]),
                          st.sampled_from(["1", "2", "", "1"])), max_size=12))  # fmt: skip
def test_slugs_of_a_roster_are_always_distinct(names: list[tuple[str, str]]) -> None:
    slugs = unique_slugs(names)
    assert len(set(slugs)) == len(slugs) == len(names)


def test_a_shared_name_takes_the_code_whatever_the_order() -> None:
    names = [("xã Tân Lập", "04378"), ("xã Bình Yên", "04381"), ("xã Tân Lập", "04390")]
    assert unique_slugs(names) == ["xa-tan-lap-04378", "xa-binh-yen", "xa-tan-lap-04390"]
    assert unique_slugs(names[::-1]) == ["xa-tan-lap-04390", "xa-binh-yen", "xa-tan-lap-04378"]


COMMUNE = Commune(
    ma="04378", ten="Phú Đình", loai="xã", bi_thu="Nguyễn Văn A", thon_truoc=1520,
    thon_sau=12, bien_che=30, tinh_gian=3, ty_le_truc_tuyen=Decimal("85.5"),
    han_hoan_thanh=date(2026, 12, 31), so=7,
)  # fmt: skip


def test_commune_fields_are_ready_strings_with_typed_values_behind() -> None:
    fields = commune_fields(COMMUNE)
    assert fields.text["ten_day_du"] == "xã Phú Đình"
    assert fields.text["ten_day_du_in_hoa"] == "XÃ PHÚ ĐÌNH"
    assert fields.text["ten_day_du_hoa_dau"] == "Xã Phú Đình"
    assert fields.text["thon_truoc"] == "1.520"
    assert (fields.text["thon_giam"], fields.values["thon_giam"]) == ("1.508", 1508)
    assert (fields.text["ty_le_tinh_gian"], fields.values["ty_le_tinh_gian"]) == (
        "10,0%",
        Decimal("10.0"),
    )
    assert fields.text["ty_le_truc_tuyen"] == "85,5"
    assert fields.text["han_hoan_thanh"] == "31/12/2026"
    assert "chu_tich" not in fields.text  # an empty cell is absent, not blank


@pytest.mark.parametrize(
    ("name", "place"), [("Phú Đình", "Phú Đình"), ("Ea", "Xã Ea"), ("3", "Xã 3")]
)
def test_place_name_adds_the_unit_word_only_where_needed(name: str, place: str) -> None:
    assert place_name(COMMUNE.model_copy(update={"ten": name})) == place


def test_placeholders_fill_text_and_whole_fields_take_typed_values() -> None:
    data = {
        "so": "{{ xa.so }}",
        "chi_tieu": [{"noi_dung": "Giảm {{ xa.thon_giam }} thôn", "gia_tri": "{{xa.thon_giam}}"}],
        "ghi_chu": "Không có chỗ trống",
    }
    filled = fill(data, commune_fields(COMMUNE))
    assert filled == {
        "so": 7,
        "chi_tieu": [{"noi_dung": "Giảm 1.508 thôn", "gia_tri": 1508}],
        "ghi_chu": "Không có chỗ trống",
    }
    assert placeholder_names(data) == {
        ("so",): ("so",),
        ("chi_tieu", 0, "noi_dung"): ("thon_giam",),
        ("chi_tieu", 0, "gia_tri"): ("thon_giam",),
    }


def test_text_placeholders_are_strict_sandboxed_and_not_xml_escaped() -> None:
    assert render_text("A & {{ xa.b }}", {"xa": {"b": "<B & C>"}}) == "A & <B & C>"
    with pytest.raises(TextTemplateError) as caught:
        render_text("{{ xa.tne }}", {"xa": {"ten": "A"}})
    assert (caught.value.kind, caught.value.name) == ("undefined", "tne")
    with pytest.raises(TextTemplateError) as unsafe:
        render_text("{{ xa.ten.__class__.__mro__ }}", {"xa": {"ten": "A"}})
    assert unsafe.value.kind == "security"


def test_merge_replaces_lists_and_merges_mappings() -> None:
    base = {"co_quan": {"viet_tat": "ĐU", "ban_hanh": ["A"]}, "noi_nhan": {"luu": "VP"}}
    over = {"co_quan": {"ban_hanh": ["B", "C"]}, "so": 3}
    assert merge(base, over) == {
        "co_quan": {"viet_tat": "ĐU", "ban_hanh": ["B", "C"]},
        "noi_nhan": {"luu": "VP"},
        "so": 3,
    }


@pytest.mark.parametrize(
    ("sect", "expected"),
    [
        ("<w:sectPr><w:pgMar/><w:cols/></w:sectPr>",
         '<w:sectPr><w:pgMar/><w:pgNumType w:start="1"/><w:cols/></w:sectPr>'),
        ('<w:sectPr><w:pgNumType w:fmt="decimal" w:start="5"/></w:sectPr>',
         '<w:sectPr><w:pgNumType w:start="1" w:fmt="decimal"/></w:sectPr>'),
        ("<w:sectPr><w:pgSz/></w:sectPr>",
         '<w:sectPr><w:pgSz/><w:pgNumType w:start="1"/></w:sectPr>'),
    ],
)  # fmt: skip
def test_each_section_restarts_page_numbers_at_one(sect: str, expected: str) -> None:
    assert restart_numbering(sect) == expected


def _docx(body: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="w"><w:body>'
            f'{body}<w:sectPr><w:pgMar w:top="1"/></w:sectPr></w:body></w:document>',
        )
    return out.getvalue()


def test_joining_keeps_order_moves_section_ends_and_renumbers_bookmarks(tmp_path: Path) -> None:
    paths = []
    for index, text in enumerate(["một", "hai", "ba"]):
        body = f'<w:p><w:bookmarkStart w:id="0" w:name="b"/><w:t>{text}</w:t></w:p>'
        paths.append(tmp_path / f"{index}.docx")
        paths[-1].write_bytes(_docx(body))
    joined = zipfile.ZipFile(io.BytesIO(combine_documents(paths)))
    xml = joined.read("word/document.xml").decode()
    assert [m for m in re.findall(r"<w:t>(\w+)</w:t>", xml)] == ["một", "hai", "ba"]
    assert xml.count("<w:sectPr>") == 3 and xml.count('w:start="1"') == 3
    assert xml.count("<w:pPr><w:spacing") == 2  # section breaks after the first two
    assert re.findall(r'w:id="(\d+)"', xml) == ["0", "100000", "200000"]
    assert xml.endswith("</w:sectPr></w:body></w:document>")


def test_a_placeholder_filling_to_nothing_leaves_the_field_out() -> None:
    draft = COMMUNE.model_copy(update={"so": None})
    filled = fill({"so": "{{ xa.so | default('') }}", "nam": 2026}, commune_fields(draft))
    assert filled == {"so": None, "nam": 2026}


def test_the_journal_writes_lines_in_bursts_and_everything_at_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([100.0, 100.01, 100.02, 100.2, 100.21])  # seconds, as time.monotonic gives them
    monkeypatch.setattr(manifest.time, "monotonic", lambda: next(clock))
    journal = manifest.Journal(tmp_path)

    def entry(code: str) -> manifest.Entry:
        return manifest.Entry(code, f"xã {code}", 2, "i" * 64, "t" * 64, f"{code}.docx", "o" * 64)

    def written() -> list[str]:
        text = journal.path.read_text(encoding="utf-8")
        return [json.loads(line)["commune"]["code"] for line in text.splitlines()]

    journal.record(entry("1"))  # the first line is written at once: the run has begun
    assert written() == ["1"]
    journal.record(entry("2"))  # 0.01 s later: waits
    journal.record(entry("3"))
    assert written() == ["1"]
    journal.record(entry("4"))  # 0.2 s after the last write: all that waited
    assert written() == ["1", "2", "3", "4"]
    journal.record(entry("5"))
    journal.close()
    assert written() == ["1", "2", "3", "4", "5"]
    entries, _ = manifest.read_previous(tmp_path)
    assert sorted(entries) == ["1", "2", "3", "4", "5"]
