"""Bad input: every problem at once, with file, YAML line and Vietnamese field label."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.loading import load_document

BAD = """\
khoi: nha_nuoc
co_quan:
  ban_hanh: [ỦY BAN NHÂN DÂN, XÃ PHÚ ĐÌNH]
  viet_tat: UBND
  dia_danh: Phú Đình
loai: Kế hoạch bí mật
so: 12a
ngay: 30/02/2026
trich_yeu: Thử nghiệm
noi_dung:
  - doan: Nội dung.
chu_ky:
  quyen_han: TM.
  thay_mat: ỦY BAN NHÂN DÂN
  chuc_vu: CHỦ TỊCH
"""


def _problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    path = tmp_path / "ho-so.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_document(path)
    for p in caught.value.problems:
        assert p.source == str(path)
    return [(p.location, p.field, p.message) for p in caught.value.problems]


def test_every_mistake_is_listed_with_its_line_and_label(tmp_path: Path) -> None:
    problems = _problems(tmp_path, BAD)
    by_line = {loc: (field, message) for loc, field, message in problems}
    assert len(problems) == 4
    assert by_line["dòng 6"][0].startswith("Loại văn bản")
    assert "Kế hoạch bí mật" in by_line["dòng 6"][1]
    assert by_line["dòng 7"][0].startswith("Số văn bản")
    assert "12a" in by_line["dòng 7"][1]
    assert by_line["dòng 8"][0].startswith("Ngày ban hành")
    assert "không có thật" in by_line["dòng 8"][1]
    assert by_line["dòng 12"][0] == "Họ tên người ký (chu_ky.ho_ten)"
    assert by_line["dòng 12"][1].startswith("Thiếu Họ tên người ký")


GOOD = (
    BAD.replace("loai: Kế hoạch bí mật", "loai: Kế hoạch")
    .replace("so: 12a", "so: 12")
    .replace("ngay: 30/02/2026", "ngay: 28/02/2026")
    + "  ho_ten: Trần Thị Hoa\n"
)


def test_the_corrected_record_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_document(path).so == "12"


@pytest.mark.parametrize(
    ("replace", "by", "line", "label", "words"),
    [
        ("khoi: nha_nuoc", "khoi: dang_uy", 1, "Khối", "không hợp lệ"),
        ("  viet_tat: UBND", "  viet_tat: UBND/VX", 4, "Ký hiệu cơ quan", "không đúng dạng"),
        ("loai: Kế hoạch", "loai: Kế hoạch\ntrich_yeuu: x", 7, "trich_yeuu", "trich_yeu"),
        ("  quyen_han: TM.", "  quyen_han: T/M", 13, "Quyền hạn ký", "T/M"),
        ("ngay: 28/02/2026", "ngay: 2026-13-01", 8, "Ngày ban hành", "tháng 13"),
        ("ngay: 28/02/2026", "ngay: hôm qua", 8, "Ngày ban hành", "ngày/tháng/năm"),
        ("ngay: 28/02/2026", "ngay: 29/02/2026", 8, "Ngày ban hành", "không có thật"),
        ("so: 12", "so: 0", 7, "Số văn bản", "bắt đầu từ 1"),
        ("  - doan: Nội dung.", "  - doan: A\n    gach: B", 11, "Nội dung", "đúng một"),
        # The unknown reference at the line of the block that makes it (not of noi_dung).
        ("  - doan: Nội dung.", "  - nhiem_vu: khong-co", 11, "Nhiệm vụ", "khong-co"),
    ],
)
def test_bad_input_table(
    tmp_path: Path, replace: str, by: str, line: int, label: str, words: str
) -> None:
    assert replace in GOOD
    problems = _problems(tmp_path, GOOD.replace(replace, by, 1))
    assert len(problems) == 1, problems
    location, field, message = problems[0]
    assert location == f"dòng {line}"
    assert field.startswith(label)
    assert words in message


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "khoi: dang\nkhoi: nha_nuoc\n")
    # With the rest of the record's problems (its missing fields), in one run.
    assert next(p for p in problems if "lặp" in p[2])[0] == "dòng 2"
    assert len(problems) > 1


def test_validate_command_lists_all_problems_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Có 4 vấn đề cần sửa" in result.output
    for fragment in ("dòng 6", "dòng 7", "dòng 8", "dòng 12", "Họ tên người ký"):
        assert fragment in result.output
    assert "Traceback" not in result.output


def test_render_writes_nothing_on_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.yaml"
    path.write_text(BAD, encoding="utf-8")
    out = tmp_path / "ra.docx"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ho-so.yaml"]


def test_decomposed_input_is_stored_composed(tmp_path: Path) -> None:
    import unicodedata

    text = BAD.replace("so: 12a", "so: 12").replace("ngay: 30/02/2026", "ngay: 28/02/2026")
    text = text.replace("loai: Kế hoạch bí mật", "loai: Kế hoạch") + "  ho_ten: Trần Thị Hoa\n"
    path = tmp_path / "ho-so.yaml"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    doc = load_document(path)
    assert doc.chu_ky.ho_ten == "Trần Thị Hoa"
    assert doc.co_quan.dia_danh == "Phú Đình"
