"""Nơi nhận and the stand-alone distribution list come from one registry and agree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document

from pipeline import api
from pipeline.cli import main
from pipeline.compliance import StyleResolver
from pipeline.errors import InputError
from pipeline.loading import load_document
from tests.conftest import EXAMPLES, INPUTS, seed_lines


def _closing_cell_lines(document: Document) -> list[str]:
    """Return the Nơi nhận lines of a document: the left cell of its last table."""
    cell = document.tables[-1].rows[0].cells[0]
    return [" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()]


def _list_rows(data: bytes) -> list[list[str]]:
    table = docx.Document(io.BytesIO(data)).tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    return rows[1:-1]  # without the header row and the total row


def test_seed_noi_nhan_comes_from_the_registry_and_matches_the_seed(
    documents: dict[str, Document],
) -> None:
    record = load_document(INPUTS / "chuong-trinh-hanh-dong-nq18.yaml")
    assert record.noi_nhan.cac_noi and all(r.thanh_vien for r in record.noi_nhan.recipients())
    lines = seed_lines()
    expected = lines[lines.index("Nơi nhận:") : lines.index("T/M BAN THƯỜNG VỤ")]
    assert _closing_cell_lines(documents["chuong-trinh-hanh-dong-nq18"]) == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_block_and_list_agree_and_copies_add_up(documents: dict[str, Document], name: str) -> None:
    record = load_document(INPUTS / f"{name}.yaml")
    list_docx, list_csv = api.render_list_bytes(record)
    rows = _list_rows(list_docx)
    block = _closing_cell_lines(documents[name])[1:]  # without the label
    collapsed: list[str] = []
    for row in rows:
        group = row[5].removeprefix("Nhóm: ") if row[5].startswith("Nhóm: ") else ""
        label = group or row[1]
        if not collapsed or not group or collapsed[-1] != label:
            collapsed.append(label)
    names = [line.removeprefix("- ") for line in block]
    assert len(names) == len(collapsed)
    for line, label in zip(names[:-1], collapsed[:-1], strict=True):
        assert line.startswith(label), (line, label)
    assert names[-1].rstrip(".") == collapsed[-1]
    total_row = docx.Document(io.BytesIO(list_docx)).tables[-1].rows[-1]
    assert int(total_row.cells[-2].text) == sum(int(r[4]) for r in rows)
    csv_rows = list(csv.reader(io.StringIO(list_csv.decode("utf-8-sig"))))
    assert csv_rows[0][:2] == ["STT", "Nơi nhận"]
    assert [r[1] for r in csv_rows[1:]] == [r[1] for r in rows]


def test_group_shows_one_label_in_the_block_and_its_members_in_the_list() -> None:
    record = load_document(INPUTS / "chuong-trinh-hanh-dong-nq18.yaml")
    rows = _list_rows(api.render_list_bytes(record)[0])
    members = [r[1] for r in rows if r[5] == "Nhóm: Các tổ chức cơ sở Đảng"]
    assert members == [
        "Đảng uỷ thị trấn Chợ Chu",
        "Đảng uỷ xã Phú Đình",
        "Đảng uỷ xã Định Biên",
        "Đảng uỷ xã Bảo Linh",
        "Chi bộ Cơ quan Huyện uỷ",
    ]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert rows[-1][1:5] == ["Lưu", "Lưu trữ", "Giấy", "1"]


REGISTRY = """\
noi_nhan:
  - {id: tt-tinh-uy, ten: Thường trực Tỉnh uỷ, muc_dich: bao_cao, so_ban: 2}
  - {id: ban-tc, ten: Ban Tổ chức Tỉnh uỷ, so_ban: 1, hinh_thuc: dien_tu}
nhom:
  - id: cac-xa
    ten: Đảng uỷ các xã, phường
    muc_dich: thuc_hien
    tat_ca_xa: {danh_sach: xa.csv, mau_ten: "Đảng uỷ {ten_day_du}", so_ban: 2}
"""
ROSTER = "Mã xã,Tên xã,Loại\n001,Phú Đình,xã\n002,Chợ Chu,phường\n003,Bảo Linh,xã\n"
RECORD = """\
khoi: dang
co_quan: {cap_tren: [ĐẢNG BỘ TỈNH THÁI NGUYÊN], ban_hanh: [TỈNH UỶ THÁI NGUYÊN],
          viet_tat: TU, dia_danh: Thái Nguyên}
loai: Kế hoạch
so: 3
ngay: 01/09/2026
trich_yeu: thử nghiệm danh bạ
noi_dung: [Nội dung.]
chu_ky: {quyen_han: T/M, thay_mat: BAN THƯỜNG VỤ, chuc_vu: BÍ THƯ, ho_ten: Lê Văn A}
noi_nhan:
  danh_ba: danh-ba.yaml
  cac_noi:
    - {nhom: cac-xa}
    - tt-tinh-uy
    - ban-tc
  luu: Văn phòng Tỉnh uỷ
  thu_tu: the_thuc
"""


def _write(tmp_path: Path, record: str = RECORD, registry: str = REGISTRY) -> Path:
    (tmp_path / "danh-ba.yaml").write_text(registry, encoding="utf-8")
    (tmp_path / "xa.csv").write_text("\ufeff" + ROSTER, encoding="utf-8")
    path = tmp_path / "ho-so.yaml"
    path.write_text(record, encoding="utf-8")
    return path


def test_group_of_every_commune_of_the_roster(tmp_path: Path) -> None:
    record = load_document(_write(tmp_path))
    context_lines = api.build_document_context(record).noi_nhan
    assert context_lines == (
        "- Thường trực Tỉnh uỷ;",  # thu_tu: the_thuc puts upward first
        "- Đảng uỷ các xã, phường;",
        "- Ban Tổ chức Tỉnh uỷ;",
        "- Lưu Văn phòng Tỉnh uỷ.",
    )
    rows = _list_rows(api.render_list_bytes(record)[0])
    assert [r[1] for r in rows] == [
        "Thường trực Tỉnh uỷ",
        "Đảng uỷ xã Phú Đình",
        "Đảng uỷ phường Chợ Chu",
        "Đảng uỷ xã Bảo Linh",
        "Ban Tổ chức Tỉnh uỷ",
        "Lưu Văn phòng Tỉnh uỷ",
    ]
    assert [r[4] for r in rows] == ["2", "2", "2", "2", "0", "1"]


@pytest.mark.parametrize(
    ("registry", "record", "where", "words"),
    [
        (
            REGISTRY,
            RECORD.replace("    - ban-tc", "    - ban-tcc"),
            ("ho-so.yaml", "dòng 15"),
            ["“ban-tcc”", "ban-tc"],
        ),
        (
            REGISTRY.replace("id: ban-tc,", "id: tt-tinh-uy,"),
            RECORD,
            ("danh-ba.yaml", "dòng 3"),
            ["“tt-tinh-uy”", "một lần"],
        ),
        (
            REGISTRY.replace("so_ban: 1,", "so_ban: -1,"),
            RECORD,
            ("danh-ba.yaml", "dòng 3"),
            ["lớn hơn hoặc bằng 0"],
        ),
        (
            REGISTRY.replace(
                '    tat_ca_xa: {danh_sach: xa.csv, mau_ten: "Đảng uỷ {ten_day_du}", so_ban: 2}\n',
                "",
            ),
            RECORD,
            ("danh-ba.yaml", "dòng 5"),
            ["không có thành viên"],
        ),
    ],
    ids=["unknown-id", "defined-twice", "negative-copies", "empty-group"],
)
def test_bad_registry_input(
    tmp_path: Path, registry: str, record: str, where: tuple[str, str], words: list[str]
) -> None:
    path = _write(tmp_path, record, registry)
    with pytest.raises(InputError) as caught:
        load_document(path)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    assert problems[0].source.endswith(where[0])
    assert problems[0].location == where[1]
    for word in words:
        assert word in problems[0].message
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out / "x.docx")])
    assert result.exit_code == 2
    assert not out.exists()


def _block_look(document: Document) -> list[tuple[str, float | None, bool, bool, bool]]:
    cell = document.tables[-1].rows[0].cells[0]
    resolver = StyleResolver(document)
    out = []
    for p in cell.paragraphs:
        if p.text.strip():
            f = resolver.run_format(p._p, p.runs[0]._r)
            out.append((p.text, f.size, f.bold, f.italic, f.underline))
    return out


def test_block_format_party(documents: dict[str, Document]) -> None:
    look = _block_look(documents["ke-hoach-dang-uy-xa"])
    assert look[0] == ("Nơi nhận:", 14, False, False, True)
    assert all(size == 12 and not (b or i or u) for _, size, b, i, u in look[1:])
    assert all(text.endswith(";") for text, *_ in look[1:-1])
    assert look[-1][0] == "- Lưu Văn phòng Đảng uỷ."


def test_block_format_state(documents: dict[str, Document]) -> None:
    look = _block_look(documents["ke-hoach-ubnd-xa"])
    assert look[0] == ("Nơi nhận:", 12, True, True, False)
    assert all(size == 11 and not (b or i or u) for _, size, b, i, u in look[1:])
    assert look[1][0] == "- UBND tỉnh (để báo cáo);"
    assert look[-1][0] == "- Lưu: VT, VP."
