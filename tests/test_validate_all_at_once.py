"""Issue 15, item 5: one run of ``vanban validate`` lists every problem of a record, each
with its line and the field's Vietnamese label, in Vietnamese, without Python names;
text typed in an old font encoding (TCVN3, VNI) is found and read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.loading.encoding import tcvn3_text, vni_text

DATA = Path(__file__).resolve().parent / "data" / "validate"

#: The line of each of the twenty mistakes of ``hai-muoi-loi.yaml``, with a word of its
#: message (mistakes 7 and 8 are both on ``ghi_chu_them``, the key written twice).
EXPECTED = [
    (4, "không được để trống"),
    (7, "“thua” không có"),
    (8, "“Kế hoạc” không có"),
    (9, "chỉ ghi con số"),
    (10, "không có thật"),
    (11, "Không được để trống"),
    (13, "bị lặp lại"),
    (13, "“ghi_chu_them” không có"),
    (16, "phải là một số"),
    (17, "bị trùng"),
    (25, "tháng 13"),
    (28, "Không được để trống"),
    (32, "TCVN3"),
    (35, "Không được để trống"),
    (39, "Không khớp dạng nào"),
    (42, "DVC-9"),
    (45, "“sai”"),
    (47, "Thiếu Họ tên người ký"),
    (48, "“T/M”"),
    (56, "“ban-khong-co”"),
]

#: What a user must never read: Python's and Pydantic's names of types.
PYTHON_WORDS = re.compile(
    r"literal\[|tuple\[|list\[|dict\b|\bstr\b|\bint\b|NoneType|function-(after|before)|"
    r"Input should|Errno|Error\b|Traceback"
)


def test_a_record_with_twenty_mistakes_gets_twenty_problems_in_one_run(tmp_path: Path) -> None:
    for name in ("hai-muoi-loi.yaml", "noi-nhan-xa.yaml"):
        shutil.copy(DATA / name, tmp_path / name)

    result = CliRunner().invoke(main, ["validate", str(tmp_path / "hai-muoi-loi.yaml")])

    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert "Có 20 vấn đề cần sửa" in result.output
    assert len(problems) == 20
    for (line, words), problem in zip(EXPECTED, problems, strict=True):
        assert f"dòng {line}:" in problem and words in problem, problem
        assert "[" in problem  # the field, by its label
    assert not PYTHON_WORDS.search(result.output), PYTHON_WORDS.search(result.output)


def test_the_old_encoding_problem_names_the_field_and_what_it_says(tmp_path: Path) -> None:
    shutil.copy(DATA / "hai-muoi-loi.yaml", tmp_path / "a.yaml")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "a.yaml")])
    (line,) = [row for row in result.output.splitlines() if "TCVN3" in row]
    assert "[Đơn vị (phan_cong.0.don_vi)]" in line
    assert "có thể là: “Uỷ ban nhân dân xã Phú Đình”" in line


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Uû ban nh©n d©n", "Uỷ ban nhân dân"),
        ("§¶ng uû x· §Þnh Ho¸", "Đảng uỷ xã Định Hoá"),
        ("Tr­êng TiÓu häc", "Trường Tiểu học"),
    ],
)
def test_tcvn3_text_is_read(text: str, says: str) -> None:
    assert tcvn3_text(text) == says
    assert vni_text(text) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("UÛy ban nhaân daân", "Ủy ban nhân dân"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ],
)
def test_vni_text_is_read(text: str, says: str) -> None:
    assert vni_text(text) == says
    assert tcvn3_text(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban nhân dân xã Phú Đình",
        "Hoàng Xuân Sơn; tiêu chuẩn, thuế, hoá đơn; khuyến nông",
        "Tỷ lệ hồ sơ đạt 80% © 2026",
        "ĐẢNG UỶ XÃ ĐỊNH HOÁ",
        "Nguyễn Thị Ánh Tuyết, Phòng Kinh tế - Hạ tầng và Đô thị",
    ],
)
def test_unicode_vietnamese_is_never_taken_for_an_old_encoding(text: str) -> None:
    assert tcvn3_text(text) is None and vni_text(text) is None
