"""Per-commune batch: one plan per roster row, bad rows isolated, re-runs incremental."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from pipeline import __version__, api
from pipeline.batch import BatchOptions
from pipeline.batch.slugs import slugify
from pipeline.cli import main
from pipeline.compliance import StyleResolver, check_docx, iter_paragraphs, problems
from pipeline.errors import InputError
from pipeline.templates import find_template
from tests.batch_helpers import (
    AFTER,
    BATCH,
    BEFORE,
    CODE,
    DAY,
    ISSUER,
    KIND,
    NAME,
    NUMBER,
    QUOTA,
    REDUCTION,
    SIGNER,
    TITLE,
    UPPER,
    example_rows,
    make_batch,
    plans,
    texts,
    write_roster,
)
from tests.conftest import INPUTS

FAST = BatchOptions(jobs=1, check=False)


def slug_of(row: list[str]) -> str:
    return slugify(f"{row[KIND]} {row[NAME]}")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> api.BuildReport:
    """``vanban build`` of the repository's inputs/ (what ``make build`` runs)."""
    return api.build(INPUTS, tmp_path_factory.mktemp("build"))


# -- failure isolation ------------------------------------------------------------------


def test_two_bad_rows_fail_alone_and_fixing_them_renders_exactly_those(tmp_path: Path) -> None:
    rows = example_rows()[:13]  # header + 12 communes
    fixed_name, fixed_figure = rows[3][NAME], rows[7][BEFORE]
    rows[3][NAME] = ""  # row 4 in Excel: missing name
    rows[7][BEFORE] = "mười bảy"  # row 8: non-numeric figure
    spec = make_batch(tmp_path / "in", rows)
    out = tmp_path / "build"

    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(out), "-j", "2"])

    assert result.exit_code == 1, result.output
    assert "tạo mới 10, giữ nguyên (không đổi) 0, lỗi 2" in result.output
    assert gc.get_freeze_count() == 0  # the command froze the heap, and thawed it
    report = re.sub(r"\s+", " ", result.output)
    assert "hàng 4: [Tên xã] Ô “Tên xã” đang trống" in report
    assert "hàng 8: [Số thôn trước sắp xếp] “mười bảy” không phải số nguyên" in report
    made = plans(out / BATCH)
    assert len(made) == 10
    assert slug_of(rows[7]) + ".docx" not in {p.name for p in made}
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in made}

    rows[3][NAME], rows[7][BEFORE] = fixed_name, fixed_figure
    write_roster(spec.parent, rows)
    report_after = api.build_batch(spec, out, options=BatchOptions(jobs=2))

    assert (report_after.rendered, report_after.skipped, report_after.failures) == (2, 10, [])
    assert gc.get_freeze_count() == 0  # so did the pool of workers
    after = {p.name: p for p in plans(out / BATCH)}
    assert set(after) == set(before) | {f"{slug_of(rows[3])}.docx", f"{slug_of(rows[7])}.docx"}
    for name, (data, mtime) in before.items():
        assert (after[name].read_bytes(), after[name].stat().st_mtime_ns) == (data, mtime)
    assert "Phú Đình" in " ".join(texts(after[f"{slug_of(rows[1])}.docx"]))


def test_duplicate_code_and_unknown_kind_fail_only_their_rows(tmp_path: Path) -> None:
    rows = example_rows()[:7]
    rows[4][CODE] = rows[2][CODE]
    rows[6][KIND] = "huyện"
    report = api.build_batch(make_batch(tmp_path / "in", rows), tmp_path / "b", options=FAST)
    assert report.rendered == 4
    assert [(f.row, f.problems[0].field) for f in report.failures] == [
        (5, "Mã xã"),
        (7, "Loại"),
    ]
    assert "trùng với mã ở hàng 3" in report.failures[0].problems[0].message


def test_an_empty_cell_the_plan_needs_fails_that_commune_with_its_column(tmp_path: Path) -> None:
    rows = example_rows()[:4]
    rows[2][SIGNER] = ""
    report = api.build_batch(make_batch(tmp_path / "in", rows), tmp_path / "b", options=FAST)
    assert report.rendered == 2
    (failure,) = report.failures
    (problem,) = failure.problems
    assert (problem.location, problem.field) == ("hàng 3", "Người ký")
    assert "chu_ky.ho_ten" in problem.message


def test_a_misspelt_placeholder_stops_the_batch_with_the_spec_line(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:3])
    text = spec.read_text(encoding="utf-8").replace("{{ xa.nguoi_ky }}", "{{ xa.nguoi_kyy }}")
    spec.write_text(text, encoding="utf-8")
    line = 1 + text.splitlines().index('    ho_ten: "{{ xa.nguoi_kyy }}"')

    with pytest.raises(InputError) as caught:
        api.build_batch(spec, tmp_path / "b")
    (problem,) = caught.value.problems
    assert (problem.source, problem.location) == (str(spec), f"dòng {line}")
    assert "xa.nguoi_kyy" in problem.message and "nguoi_ky" in problem.message

    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert not (tmp_path / "b").exists()


def test_a_missing_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "khong-co.batch.yaml")])
    assert result.exit_code == 2
    assert "Không tìm thấy tệp đợt" in result.output


# -- what each plan says ------------------------------------------------------------------


def _rows_by_slug() -> dict[str, list[str]]:
    return {slug_of(row): row for row in example_rows()[1:]}


def test_make_build_renders_the_example_batch_of_forty_communes(
    example_build: api.BuildReport,
) -> None:
    (report,) = example_build.batches
    assert report.ok and report.total >= 40
    assert len(plans(report.out_dir)) == report.total
    assert report.combined is not None and report.combined.is_file()


@pytest.mark.parametrize("index", [1, 2, 17, 36, -1])
def test_each_plan_carries_its_own_communes_name_leaders_and_figures(
    example_build: api.BuildReport, index: int
) -> None:
    row = example_rows()[index]
    out_dir = example_build.batches[0].out_dir
    document = docx.Document(str(out_dir / f"{slug_of(row)}.docx"))
    header = [" ".join(c.text.split()) for r in document.tables[0].rows for c in r.cells]
    day, month, year = (int(p) for p in row[DAY].split("/"))
    place = row[NAME] if " " in row[NAME] else f"{row[KIND].capitalize()} {row[NAME]}"
    assert header == [
        f"{row[UPPER]} {row[ISSUER]} *",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"Số {int(row[NUMBER]):02d}-KH/ĐU",
        f"{place}, ngày {day:02d} tháng {month} năm {year}",
    ]

    body = texts(out_dir / f"{slug_of(row)}.docx")
    full = f"{row[KIND]} {row[NAME]}"
    assert body[-3:] == ["T/M ĐẢNG UỶ", row[TITLE], row[SIGNER]]
    assert f"Sắp xếp {row[BEFORE]} thôn, tổ dân phố thành {row[AFTER]} thôn" in " ".join(body)
    assert f"Tinh giản {row[REDUCTION]} trong tổng số {row[QUOTA]} biên chế" in " ".join(body)
    assert f"- Uỷ ban nhân dân {full};" in body
    assert f"Ban Thường vụ Đảng uỷ {full} xây dựng Kế hoạch" in " ".join(body)

    listed = (out_dir / f"{slug_of(row)}.noi-nhan.csv").read_text(encoding="utf-8-sig")
    assert f"Uỷ ban nhân dân {full},,Để thực hiện,Giấy,2" in listed


def test_plans_pass_the_format_checks_of_a_single_document(
    example_build: api.BuildReport,
) -> None:
    out_dir = example_build.batches[0].out_dir
    single = docx.Document(
        str(
            next(
                d.output for d in example_build.documents if d.output.stem == "ke-hoach-dang-uy-xa"
            )
        )
    )
    for path in plans(out_dir)[::10]:
        assert problems(check_docx(path, "party_hd05_2026", name=str(path))) == []
        document = docx.Document(str(path))
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            assert getattr(document.sections[0], side) == getattr(single.sections[0], side)
        resolver = StyleResolver(document)
        body = [p for p in iter_paragraphs(document) if p.style and p.style.name == "VB Noi dung"]
        assert body
        for paragraph in body:
            fmt = resolver.run_format(paragraph._p, paragraph.runs[0]._r)
            assert fmt.fonts[0] == "Times New Roman" and fmt.size == 14


# -- incremental, determinism, manifest -----------------------------------------------------


def test_reruns_render_only_what_changed(tmp_path: Path) -> None:
    rows = example_rows()[:6]
    spec = make_batch(tmp_path / "in", rows)
    out = tmp_path / "b"
    assert api.build_batch(spec, out, options=FAST).rendered == 5
    assert (api.build_batch(spec, out, options=FAST).rendered, "unchanged") == (0, "unchanged")

    rows[2][SIGNER] = "Hà Thị Lan"
    write_roster(spec.parent, rows)
    again = api.build_batch(spec, out, options=FAST)
    assert (again.rendered, again.skipped) == (1, 4)
    assert texts(out / BATCH / f"{slug_of(rows[2])}.docx")[-1] == "Hà Thị Lan"

    (out / BATCH / f"{slug_of(rows[4])}.docx").unlink()
    (out / BATCH / f"{slug_of(rows[5])}.noi-nhan.csv").write_text("sửa tay", encoding="utf-8")
    assert api.build_batch(spec, out, options=FAST).rendered == 2

    record = spec.parent / "ke-hoach-sap-xep.goc.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("45-KH/TU", "46-KH/TU"), "utf-8")
    assert api.build_batch(spec, out, options=FAST).rendered == 5
    forced = api.build_batch(spec, out, options=BatchOptions(jobs=1, check=False, force=True))
    assert forced.rendered == 5


def test_a_changed_template_renders_every_commune_again(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:4])
    out = tmp_path / "b"
    api.build_batch(spec, out, options=FAST)
    mine = tmp_path / "mau"
    mine.mkdir()
    builtin = find_template("dang-ke-hoach")
    with zipfile.ZipFile(builtin) as source, zipfile.ZipFile(mine / builtin.name, "w") as copy:
        for item in source.infolist():
            copy.writestr(item, source.read(item.filename))
        copy.comment = b"edited in Word"
    report = api.build_batch(spec, out, mine, options=FAST)
    assert (report.rendered, report.skipped) == (3, 0)


def test_communes_dropped_from_the_roster_lose_their_files(tmp_path: Path) -> None:
    rows = example_rows()[:5]
    spec = make_batch(tmp_path / "in", rows)
    out = tmp_path / "b"
    api.build_batch(spec, out, options=FAST)
    gone = slug_of(rows.pop(2))
    write_roster(spec.parent, rows)
    api.build_batch(spec, out, options=FAST)
    assert not list((out / BATCH).glob(f"{gone}.*"))
    assert len(plans(out / BATCH)) == 3


def test_same_inputs_give_identical_bytes_across_runs_and_jobs(tmp_path: Path) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:9])
    one, two = tmp_path / "one", tmp_path / "two"
    api.build_batch(spec, one, options=BatchOptions(jobs=1, check=False))
    api.build_batch(spec, two, options=BatchOptions(jobs=2, check=False, combined=True))
    api.build_batch(spec, one, options=BatchOptions(jobs=2, check=False, force=True))
    files = sorted(p.name for p in (one / BATCH).iterdir())
    assert files == sorted(p.name for p in (two / BATCH).iterdir())
    assert len([f for f in files if f.endswith(".docx")]) == 8 * 2 + 1  # plans, lists, tat-ca
    for name in files:
        assert (one / BATCH / name).read_bytes() == (two / BATCH / name).read_bytes(), name


def test_manifest_records_version_and_every_hash_sorted_by_code(tmp_path: Path) -> None:
    rows = example_rows()[:5]
    rows[1], rows[4] = rows[4], rows[1]  # codes out of order in the roster
    rows[3][NAME] = ""
    spec = make_batch(tmp_path / "in", rows)
    report = api.build_batch(spec, tmp_path / "b", options=FAST)
    manifest = json.loads((report.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["tool"], manifest["version"], manifest["complete"]) == (
        "vanban",
        __version__,
        True,
    )
    assert manifest["inputs"]["roster"]["sha256"] == sha(spec.parent / "xa-thai-nguyen.csv")
    template = find_template("dang-ke-hoach")
    assert manifest["template"] == {"path": template.name, "sha256": sha(template)}
    assert (manifest["manifest_version"], manifest["kind"]) == (1, "batch")
    codes = [entry["commune"]["code"] for entry in manifest["documents"]]
    assert codes == sorted(codes) and len(codes) == 3
    for entry in manifest["documents"]:
        assert entry["output"]["sha256"] == sha(report.out_dir / entry["output"]["path"])
        assert entry["template"] == {"path": template.name, "sha256": sha(template)}
        assert len(entry["input"]["sha256"]) == 64
        for item in entry["distribution_list"]:
            assert item["sha256"] == sha(report.out_dir / item["path"])
    assert [(f["row"], f["code"]) for f in manifest["failed"]] == [(4, rows[3][CODE])]
    assert not (report.out_dir / ".manifest.journal").exists()
    # One line per commune and per failure, in that order; the rest indented.
    lines = (report.out_dir / "manifest.json").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith("    {")]
    assert items == manifest["documents"] + manifest["failed"]
    assert lines[:2] == ["{", '  "manifest_version": 1,'] and lines[-1] == "}"


def test_communes_sharing_a_name_get_distinct_file_names(tmp_path: Path) -> None:
    rows = example_rows()[:4]
    rows[2][NAME] = rows[3][NAME] = "Tân Lập"
    report = api.build_batch(make_batch(tmp_path / "in", rows), tmp_path / "b", options=FAST)
    names = {p.name for p in plans(report.out_dir)}
    assert {f"xa-tan-lap-{rows[2][CODE]}.docx", f"xa-tan-lap-{rows[3][CODE]}.docx"} <= names


# -- combined output ------------------------------------------------------------------------


def test_combined_file_has_one_section_per_commune_numbered_from_one(
    example_build: api.BuildReport,
) -> None:
    report = example_build.batches[0]
    assert report.combined is not None
    document = docx.Document(str(report.combined))
    rows = example_rows()[1:]
    assert len(document.sections) == len(rows)
    starts = [
        s._sectPr.find(docx.oxml.ns.qn("w:pgNumType")).get(docx.oxml.ns.qn("w:start"))
        for s in document.sections
    ]
    assert starts == ["1"] * len(rows)
    assert all(s.different_first_page_header_footer for s in document.sections)
    issuers = [t.rows[0].cells[0].paragraphs[1].text for t in document.tables[::2]]
    assert issuers == [row[ISSUER] for row in rows]
    signers = [t.rows[0].cells[1].paragraphs[-1].text for t in document.tables[1::2]]
    assert signers == [row[SIGNER] for row in rows]


@pytest.mark.parametrize(
    ("edit", "where", "words"),
    [
        (("loai: Kế hoạch", "loai: Kế hoạch\nkhong_co: 1"), "goc", "khong_co"),
        (('so: "{{ xa.so }}"', "khoi: dang"), "batch", "chọn mẫu và thể thức"),
        (("{{ xa.thon_giam }})", "{{ xa.thon_giam )"), "batch", "sai cú pháp"),
    ],
    ids=["unknown-record-field", "fixed-field-in-dien", "broken-placeholder"],
)
def test_a_wrong_spec_or_base_record_names_its_file_and_line(
    tmp_path: Path, edit: tuple[str, str], where: str, words: str
) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:3])
    target = spec if where == "batch" else spec.parent / "ke-hoach-sap-xep.goc.yaml"
    text = target.read_text(encoding="utf-8")
    assert edit[0] in text
    target.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.build_batch(spec, tmp_path / "b")
    problem = caught.value.problems[0]
    assert problem.source == str(target)
    assert re.fullmatch(r"dòng \d+", problem.location)
    assert words in f"{problem.field} {problem.message}"
