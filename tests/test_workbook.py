"""Workbooks (.xlsx) as records: generated from the models, read back to the same record.

The round trip runs over every example found under inputs/ (whatever examples exist
when the suite runs), the typed workbook is filled the way a person types in Excel,
and the same workbook re-saved by LibreOffice Calc must render the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.loading import load_document
from pipeline.loading.kinds import kind_of
from pipeline.loading.registry import load_registry
from pipeline.loading.workbook import read_workbook
from pipeline.loading.workbook_layout import GENERAL_SHEET, layout_of
from pipeline.models import OfficialDocument
from pipeline.workbook import export_record, new_workbook
from tests.conftest import INPUTS

RECORDS = sorted(
    p for p in INPUTS.rglob("*.yaml") if kind_of(p) == "record" and not p.name.endswith(".goc.yaml")
)
REGISTRIES = sorted(p for p in INPUTS.rglob("*.yaml") if kind_of(p) == "registry")
BATCHES = sorted(INPUTS.rglob("*.batch.yaml"))


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_examples_are_found() -> None:
    # The round trip below must not pass by finding nothing.
    names = {p.name for p in RECORDS}
    assert {"ke-hoach-ubnd-xa.yaml", "chuong-trinh-hanh-dong-nq18.yaml"} <= names
    assert REGISTRIES and BATCHES


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.name)
def test_round_trip_renders_byte_identical(record: Path, tmp_path: Path) -> None:
    # The workbook sits elsewhere than the record: a registry it names must still resolve.
    book = export_record(record, tmp_path / "so" / f"{record.stem}.xlsx")
    from_yaml = api.render_document(record, tmp_path / "yaml.docx", check=False)
    from_book = api.render_document(book, tmp_path / "xlsx.docx", check=False)
    data = from_book.output.read_bytes()
    assert data == from_yaml.output.read_bytes()
    doc = load_document(record)
    assert doc.trich_yeu[0] in _text(from_book.output)


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda p: p.name)
def test_registry_round_trip(registry: Path, tmp_path: Path) -> None:
    book = export_record(registry, tmp_path / f"{registry.stem}.xlsx")
    assert load_registry(book)[0] == load_registry(registry)[0]


@pytest.mark.parametrize("spec", BATCHES, ids=lambda p: p.name)
def test_batch_base_record_as_workbook(spec: Path, tmp_path: Path) -> None:
    """A batch whose base record (with its {{ xa.… }} fields) is a workbook makes the
    same plans as with the YAML base record."""
    folder = tmp_path / "in"
    shutil.copytree(spec.parent, folder)
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    base = folder / data["ho_so"]
    export_record(base, base.with_suffix(".xlsx"))
    data["ho_so"] = base.with_suffix(".xlsx").name
    other = folder / "tu-so-tinh.batch.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plain = api.build_batch(folder / spec.name, tmp_path / "a", lists=False)
    from_book = api.build_batch(other, tmp_path / "b", lists=False)
    assert plain.rendered == from_book.rendered > 0
    for made in sorted(plain.out_dir.glob("*.docx"))[:3]:
        assert (from_book.out_dir / made.name).read_bytes() == made.read_bytes()


# -- a workbook typed by a person -----------------------------------------------------


def _general_rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    return {str(row[1].value): row[1].row for row in sheet.iter_rows(min_row=2) if row[1].value}


def _fill(path: Path) -> None:
    """Fill a new plan workbook as a clerk types: numbers as numbers, a date as a date
    cell and others as text, codes with leading zeros."""
    book = openpyxl.load_workbook(path)
    general = book[GENERAL_SHEET]
    rows = _general_rows(general)

    def put(key: str, *values: object) -> None:
        for offset, value in enumerate(values):
            general.cell(row=rows[key], column=3 + offset, value=value)

    put("khoi", "Nhà nước")
    put("co_quan.ban_hanh", "ỦY BAN NHÂN DÂN", "XÃ PHÚ ĐÌNH")
    put("co_quan.viet_tat", "UBND")
    put("co_quan.dia_danh", "Phú Đình")
    put("so", 7)  # a number typed as a number
    put("ngay", datetime(2026, 6, 19))  # Excel turned "19/06/2026" into a date cell
    put("trich_yeu", "Sắp xếp thôn, tổ dân phố năm 2026")
    put("chu_ky.quyen_han", "TM.")
    put("chu_ky.thay_mat", "ỦY BAN NHÂN DÂN")
    put("chu_ky.chuc_vu", "CHỦ TỊCH")
    put("chu_ky.ho_ten", "Hoàng Xuân Sơn")
    put("noi_nhan.luu", "VT, VP")
    targets = book["Chỉ tiêu"]
    headers = [c.value for c in targets[1]]
    row = {
        "Mã": "005",  # a code with zeros (the column is text)
        "Nội dung": "Giảm 6 thôn, tổ dân phố",
        "Thời hạn": "31/10/2026",  # a date typed as text, day first
        "Giá trị": 6,
        "Đơn vị tính": "thôn",
    }
    for key, value in row.items():
        targets.cell(row=2, column=headers.index(key) + 1, value=value)
    body = book["Nội dung"]
    lines = [
        (1, "Đoạn văn", "Ủy ban nhân dân xã ban hành Kế hoạch sắp xếp thôn như sau:"),
        (1, "Mục", "MỤC ĐÍCH, YÊU CẦU"),
        (2, "Ý", "Hoàn thành sắp xếp thôn trước ngày 31/10/2026."),
        (1, "Mục", "CHỈ TIÊU"),
        (2, "Chỉ tiêu (chèn)", "tất cả"),
        (1, "Đoạn văn", "Các cơ quan, đơn vị tổ chức thực hiện./."),
    ]
    for r, (level, kind, text) in enumerate(lines, start=2):
        body.cell(row=r, column=1, value=level)
        body.cell(row=r, column=2, value=kind)
        body.cell(row=r, column=3, value=text)
    recipients = book["Các nơi nhận"]
    recipients.cell(row=2, column=1, value="Tên nơi nhận")
    recipients.cell(row=2, column=2, value="UBND huyện")
    recipients.cell(row=3, column=2, value="Các thôn, tổ dân phố")  # kind left empty
    book.save(path)


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("typed") / "ke-hoach.xlsx"
    new_workbook("ke-hoach", path)
    _fill(path)
    return path


def test_a_typed_workbook_renders(typed: Path, tmp_path: Path) -> None:
    doc = load_document(typed)
    assert doc.so == "7"  # numbers are text (leading zeros kept)
    assert doc.ngay is not None and f"{doc.ngay:%d/%m/%Y}" == "19/06/2026"
    assert doc.chi_tieu[0].id == "005"
    assert doc.chi_tieu[0].thoi_han is not None and doc.chi_tieu[0].thoi_han.month == 10
    out = api.render_document(typed, tmp_path / "typed.docx").output
    text = _text(out)
    assert "Số: 07/KH-UBND" in text or "Số: 7/KH-UBND" in text
    assert "Phú Đình, ngày 19 tháng 6 năm 2026" in text
    assert "MỤC ĐÍCH, YÊU CẦU" in text
    assert "Giảm 6 thôn, tổ dân phố" in text
    assert "UBND huyện" in text and "Các thôn, tổ dân phố" in text


def _calc_resave(source: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice Calc không có trên máy này")
    folder.mkdir()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = folder / source.name
    if not resaved.is_file():
        pytest.fail("LibreOffice Calc không ghi được tệp (thiếu gói libreoffice-calc-nogui?)")
    return resaved


def test_a_workbook_resaved_by_calc_renders_the_same(typed: Path, tmp_path: Path) -> None:
    resaved = _calc_resave(typed, tmp_path / "calc")
    assert resaved.read_bytes() != typed.read_bytes()  # Calc really wrote its own file
    first = api.render_document(typed, tmp_path / "a.docx").output.read_bytes()
    again = api.render_document(resaved, tmp_path / "b.docx").output.read_bytes()
    assert first == again


# -- problems name the sheet, the cell and the field's label ---------------------------


def test_a_problem_names_sheet_cell_and_label(typed: Path, tmp_path: Path) -> None:
    broken = tmp_path / "sai.xlsx"
    book = openpyxl.load_workbook(typed)
    book["Chỉ tiêu"]["D2"] = "31/02/2026"  # Thời hạn: a day that does not exist
    book["Nội dung"]["B4"] = "Khoản"  # a kind that does not exist
    book.save(broken)
    with pytest.raises(InputError) as caught:
        load_document(broken)
    found = {(p.location, p.field) for p in caught.value.problems}
    assert ("Nội dung!B4", "Loại") in found
    date_problem = [p for p in caught.value.problems if p.location == "Chỉ tiêu!D2"]
    assert date_problem and date_problem[0].field.startswith("Thời hạn")
    assert "tháng 2" in date_problem[0].message


def test_validate_and_render_take_a_workbook_from_the_command_line(
    typed: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(typed)])
    assert result.exit_code == 0, result.output
    assert "Hợp lệ" in result.output
    out = tmp_path / "cli.docx"
    result = runner.invoke(main, ["render", str(typed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sắp xếp thôn" in _text(out)


def test_cli_new_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    made = tmp_path / "moi.xlsx"
    result = runner.invoke(main, ["workbook", "new", "chuong-trinh", "-o", str(made)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(made)
    assert book.sheetnames[:2] == ["Hướng dẫn", GENERAL_SHEET]
    exported = tmp_path / "ubnd.xlsx"
    source = INPUTS / "ke-hoach-ubnd-xa.yaml"
    result = runner.invoke(main, ["workbook", "export", str(source), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert read_workbook(exported).data["co_quan"]["viet_tat"] == "UBND"


def test_sheets_follow_the_model() -> None:
    """Every field of the record model has a place in the workbook: a new field of the
    model shows up without anyone listing it."""
    layout = layout_of(OfficialDocument)
    placed = {c.path[0] for c in layout.general} | {s.path[0] for s in layout.lists}
    assert placed == set(OfficialDocument.model_fields)
    body = next(s for s in layout.lists if s.path == ("noi_dung",))
    assert body.recursive and {v.tag for v in body.variants} >= {"doan", "muc", "bang"}


# -- dates: day first, and the month-first trap ---------------------------------------


def test_a_month_first_date_cell_that_makes_a_plan_due_before_it_is_issued(
    typed: Path, tmp_path: Path
) -> None:
    """The clerk typed 05/07/2026 (5 July) in a Calc set to English (US): Calc stored
    7 May, before the plan's date (19/06/2026). The cell is named, with the likely cause."""
    trapped = tmp_path / "en-us.xlsx"
    book = openpyxl.load_workbook(typed)
    book["Chỉ tiêu"]["D2"] = datetime(2026, 5, 7)
    book.save(trapped)
    with pytest.raises(InputError) as caught:
        load_document(trapped)
    [problem] = caught.value.problems
    assert problem.location == "Chỉ tiêu!D2"
    assert problem.field.startswith("Thời hạn")
    assert "07/05/2026 sớm hơn ngày ban hành 19/06/2026" in problem.message
    assert "tháng/ngày" in problem.message and "05/07/2026" in problem.message


def test_a_text_date_is_read_day_first_and_an_early_one_is_still_a_problem(
    typed: Path, tmp_path: Path
) -> None:
    early = tmp_path / "som.xlsx"
    book = openpyxl.load_workbook(typed)
    book["Chỉ tiêu"]["D2"] = "05/06/2026"  # text: 5 June, before 19 June
    book.save(early)
    with pytest.raises(InputError) as caught:
        load_document(early)
    [problem] = caught.value.problems
    assert problem.location == "Chỉ tiêu!D2"
    assert "05/06/2026 sớm hơn ngày ban hành" in problem.message
    assert "tháng/ngày" not in problem.message  # typed as text: no locale to blame


def test_a_period_reports_on_a_programme_kept_as_a_workbook(tmp_path: Path) -> None:
    root = tmp_path / "inputs"
    shutil.copytree(INPUTS / "periods", root / "periods")
    shutil.copytree(INPUTS / "examples", root / "examples")
    plan = root / "periods" / "ke-hoach-45-tu.yaml"
    export_record(plan, plan.with_suffix(".xlsx"))
    report = root / "periods" / "2026-H2" / "bao-cao.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("ke-hoach-45-tu.yaml", "ke-hoach-45-tu.xlsx"), encoding="utf-8")
    from_book = api.build_period(report.parent, tmp_path / "a")
    plain = api.build_period(INPUTS / "periods" / "2026-H2", tmp_path / "b")
    assert len(from_book) == len(plain) > 1
    assert from_book[0].output.read_bytes() == plain[0].output.read_bytes()


def test_an_empty_new_workbook_names_the_cells_to_fill(tmp_path: Path) -> None:
    empty = new_workbook("ke-hoach", tmp_path / "trong.xlsx")
    with pytest.raises(InputError) as caught:
        load_document(empty)
    where = {p.field.split(" (")[0]: p.location for p in caught.value.problems}
    rows = _general_rows(openpyxl.load_workbook(empty)[GENERAL_SHEET])
    assert where["Ký hiệu cơ quan"] == f"{GENERAL_SHEET}!C{rows['co_quan.viet_tat']}"
    assert where["Trích yếu"] == f"{GENERAL_SHEET}!C{rows['trich_yeu']}"
    assert where["Nội dung"] == "Nội dung!A2"


def test_fields_added_to_a_model_get_their_place_and_round_trip(tmp_path: Path) -> None:
    """What issue 14 adds to the records (Kính gửi, an urgency, signature stacks, tables
    of richer cells) shows up in the workbook without a line of workbook code."""
    from typing import Literal

    from pipeline.models.common import Record, Text
    from pipeline.models.document import Signature
    from pipeline.workbook.writer import _Writer

    class Cell(Record):
        chu: Text
        gop_cot: int = 1

    class Newer(OfficialDocument):
        kinh_gui: tuple[Text, ...] = ()
        do_khan: Literal["khan", "thuong_khan", "hoa_toc"] | None = None
        ky_cung: tuple[Signature, ...] = ()
        bang_gop: tuple[tuple[Cell, ...], ...] = ()

    layout = layout_of(Newer)
    kinds = {c.key: c.kind for c in layout.general}
    assert kinds["kinh_gui"] == "lines" and kinds["do_khan"] == "choice"
    assert kinds["bang_gop"] == "yaml"
    assert ("ky_cung",) in {s.path for s in layout.lists}
    record = load_document(INPUTS / "ke-hoach-ubnd-xa.yaml").model_dump(exclude_defaults=True)
    record["noi_nhan"].pop("danh_ba", None)
    data = {
        **record,
        "kinh_gui": ["Ủy ban nhân dân các xã", "Các phòng chuyên môn"],
        "do_khan": "hoa_toc",
        "ky_cung": [{"chuc_vu": "BÍ THƯ", "ho_ten": "A"}, {"chuc_vu": "CHỦ TỊCH", "ho_ten": "B"}],
        "bang_gop": [[{"chu": "Tổng", "gop_cot": 2}], [{"chu": "1"}, {"chu": "2"}]],
    }
    expected = Newer.model_validate(data)
    path = tmp_path / "moi.xlsx"
    path.write_bytes(
        _Writer(layout, "van-ban", "x").write(expected.model_dump(exclude_defaults=True))
    )
    assert Newer.model_validate(read_workbook(path, Newer).data) == expected


def test_every_column_and_kind_has_a_vietnamese_label() -> None:
    """A field added to a record without a label in pipeline/models/labels.py would show
    its code name as a column header: this names it."""
    from pipeline.loading.workbook import MODELS

    unlabelled = []
    for model in MODELS.values():
        layout = layout_of(model)
        columns = list(layout.general)
        for sheet in layout.lists:
            columns += [*sheet.columns, *sheet.inner_columns, *sheet.union_columns]
            unlabelled += [v.tag for v in sheet.variants if v.label == v.tag]
        unlabelled += [c.key for c in columns if c.label == c.path[-1]]
    assert unlabelled == []


def test_a_column_left_empty_is_one_problem(typed: Path, tmp_path: Path) -> None:
    half = tmp_path / "thieu.xlsx"
    book = openpyxl.load_workbook(typed)
    sheet = book["Chỉ tiêu"]
    for r in range(3, 8):  # five more targets, each with its code and no Nội dung
        sheet.cell(row=r, column=1, value=f"01{r}")  # codes of their own (005 is taken)
    book.save(half)
    with pytest.raises(InputError) as caught:
        load_document(half)
    [problem] = caught.value.problems
    assert (problem.location, problem.field) == ("Chỉ tiêu!B3:B7", "Nội dung")
    assert problem.message.startswith("Chưa điền 5 ô của cột Nội dung")


def test_every_exported_example_resaved_by_calc_renders_the_same(tmp_path: Path) -> None:
    """The examples' workbooks (grids, multi-line cells, dropdowns) after one LibreOffice
    Calc re-save, all in one start: each renders the bytes its YAML renders."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice Calc không có trên máy này")
    made, resaved = tmp_path / "vanban", tmp_path / "calc"  # siblings: a registry's
    books = [export_record(r, made / f"{r.stem}.xlsx") for r in RECORDS]  # path still fits
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            *map(str, books),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for record, book in zip(RECORDS, books, strict=True):
        again = resaved / book.name
        assert again.is_file(), f"Calc không ghi được {book.name}"
        expected = api.render_document(record, tmp_path / f"{record.stem}.yaml.docx", check=False)
        got = api.render_document(again, tmp_path / f"{record.stem}.calc.docx", check=False)
        assert got.output.read_bytes() == expected.output.read_bytes(), record.name


def test_a_roster_workbook_keeps_codes_and_dates_as_typed(tmp_path: Path) -> None:
    from pipeline.loading.tabular import load_roster
    from pipeline.models.roster import COLUMNS, Commune

    path = new_workbook("danh-sach-xa", tmp_path / "xa.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]  # the sheet a batch reads
    headers = [str(c.value).removesuffix(" *") for c in sheet[1]]
    assert headers == [COLUMNS[name].header for name in Commune.model_fields]
    row = {"Mã xã": "04378", "Tên xã": "Phú Đình", "Loại": "xã", "Số văn bản": 7}
    row |= {"Ngày ban hành": "05/07/2026", "Tỷ lệ hồ sơ trực tuyến (%)": 85.5}
    for key, value in row.items():
        sheet.cell(row=2, column=headers.index(key) + 1, value=value)
    book.save(path)
    [commune] = [r.commune for r in load_roster(path).rows]
    assert commune is not None and commune.ma == "04378" and commune.so == 7
    assert commune.ngay is not None and (commune.ngay.day, commune.ngay.month) == (5, 7)
    resaved = _calc_resave(path, tmp_path / "calc")
    [again] = [r.commune for r in load_roster(resaved).rows]
    assert again == commune  # Calc kept the code's zero and the text date
