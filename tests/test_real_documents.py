"""Real document shapes (issue 14, part A): the signature stack, numbers as text, the
Party "-----", numbering levels, Kính gửi, công văn, Điều, Nơi nhận as written.

Each test reads the rendered .docx back and asserts what it says and how it looks.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.table import _Cell

from pipeline import api
from pipeline.cli import main
from pipeline.compliance import StyleResolver, check_docx, iter_paragraphs
from pipeline.errors import InputError
from pipeline.loading import load_document
from tests.conftest import INPUTS

EXAMPLES = INPUTS / "examples" / "van-ban"
PLAN = EXAMPLES / "ke-hoach-ubnd-0129.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The record examples of inputs/examples/van-ban, built as ``make build`` does."""
    out = tmp_path_factory.mktemp("van-ban")
    report = api.build(EXAMPLES, out)
    return {item.output.stem: item.output for item in report.documents}


def _open(built: dict[str, Path], name: str) -> Document:
    return docx.Document(str(built[name]))


def _texts(document: Document) -> list[str]:
    return [p.text for p in iter_paragraphs(document) if p.text.strip()]


def _signature_cell(document: Document) -> _Cell:
    closing = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    return closing.rows[0].cells[1]


def _lines(document: Document, cell: _Cell) -> list[tuple[str, bool, bool]]:
    """Return (text, bold, italic) of each printed line of ``cell``, as Word shows it."""
    resolver = StyleResolver(document)
    out = []
    for paragraph in cell.paragraphs:
        runs = [r for r in paragraph.runs if r.text.strip()]
        if not runs:
            continue
        formats = [resolver.run_format(paragraph._p, r._r) for r in runs]
        out.append(
            (
                paragraph.text,
                all(bool(f.bold) for f in formats),
                all(bool(f.italic) for f in formats),
            )
        )
    return out


def _write(tmp_path: Path, text: str, name: str = "ho-so.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the signature block ----------------------------------------------------------------


def test_vice_chair_signs_for_the_committee_four_lines_in_order(built: dict[str, Path]) -> None:
    document = _open(built, "ke-hoach-ubnd-0129")
    assert _lines(document, _signature_cell(document)) == [
        ("TM. ỦY BAN NHÂN DÂN", True, False),
        ("KT. CHỦ TỊCH", True, False),
        ("PHÓ CHỦ TỊCH", True, False),
        ("Lê Văn Bình", True, False),
    ]


def test_party_position_line_is_not_bold(built: dict[str, Path]) -> None:
    document = _open(built, "ket-luan-dang-2025")
    assert _lines(document, _signature_cell(document)) == [
        ("T/M BAN THƯỜNG VỤ", True, False),
        ("PHÓ BÍ THƯ", False, False),
        ("Hà Văn Dũng", True, False),
    ]


def test_three_field_form_with_a_second_authority_is_no_longer_merged(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "  dong:\n    - TM. ỦY BAN NHÂN DÂN\n    - KT. CHỦ TỊCH\n    - PHÓ CHỦ TỊCH\n",
        "  quyen_han: TM.\n  thay_mat: ỦY BAN NHÂN DÂN KT. CHỦ TỊCH\n  chuc_vu: PHÓ CHỦ TỊCH\n",
    )
    record = load_document(_write(tmp_path, text))
    lines = api.build_document_context(record).chu_ky.dong
    assert [line.runs[0].text for line in lines] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def test_three_field_form_typed_on_several_yaml_lines_prints_each_line(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "  dong:\n    - TM. ỦY BAN NHÂN DÂN\n    - KT. CHỦ TỊCH\n    - PHÓ CHỦ TỊCH\n",
        "  quyen_han: TM.\n  thay_mat: ỦY BAN NHÂN DÂN\n"
        "  chuc_vu: |\n    KT. CHỦ TỊCH\n    PHÓ CHỦ TỊCH\n",
    )
    out = tmp_path / "ra.docx"
    api.render_document(_write(tmp_path, text), out)
    document = docx.Document(str(out))
    assert [line[0] for line in _lines(document, _signature_cell(document))] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Văn Bình",
    ]


def test_a_line_s_emphasis_can_be_overridden(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "    - PHÓ CHỦ TỊCH\n", "    - {dong: PHÓ CHỦ TỊCH, dam: false, nghieng: true}\n"
    )
    out = tmp_path / "ra.docx"
    api.render_document(_write(tmp_path, text), out, check=False)
    document = docx.Document(str(out))
    assert _lines(document, _signature_cell(document))[2] == ("PHÓ CHỦ TỊCH", False, True)


# -- header -------------------------------------------------------------------------------


def test_number_keeps_its_leading_zero(built: dict[str, Path]) -> None:
    assert "Số: 0129/KH-UBND" in _texts(_open(built, "ke-hoach-ubnd-0129"))
    assert "Số 07-KL/ĐU" in _texts(_open(built, "ket-luan-dang-2025"))


@pytest.mark.parametrize(("typed", "printed"), [("0204", "0204"), ("45", "45"), ("5", "05")])
def test_unquoted_number_is_read_as_typed(tmp_path: Path, typed: str, printed: str) -> None:
    text = PLAN.read_text(encoding="utf-8").replace('so: "0129"', f"so: {typed}")
    record = load_document(_write(tmp_path, text))
    assert api.build_document_context(record).so_ky_hieu == f"Số: {printed}/KH-UBND"


def test_party_summary_dated_2025_has_hyphens(built: dict[str, Path]) -> None:
    texts = _texts(_open(built, "ket-luan-dang-2025"))
    summary = texts.index("của Ban Thường vụ Đảng uỷ về công tác bảo đảm nước sạch nông thôn")
    assert texts[summary - 1] == "KẾT LUẬN"
    assert texts[summary + 1] == "-----"
    report = check_docx(built["ket-luan-dang-2025"].read_bytes())
    assert report.profile_id == "party_hd36_2018"
    assert "SUMMARY_SEPARATOR" not in report.failing("error")


# -- numbering ------------------------------------------------------------------------------


def test_six_levels_with_points_directly_under_a_numbered_item(built: dict[str, Path]) -> None:
    texts = _texts(_open(built, "ke-hoach-ubnd-0129"))
    expected = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Đánh giá chất lượng nước của các công trình cấp nước tập trung trên địa bàn.",
        "b) Phát hiện sớm nguồn nước không bảo đảm để có biện pháp xử lý kịp thời.",
        "2. Yêu cầu",
        "2.1. Lấy mẫu đúng quy trình, bảo đảm tính khách quan, trung thực.",
        "II. NỘI DUNG THỰC HIỆN",
        "1. Điểm quan trắc",
        "1.1. Công trình cấp nước tập trung",
        "a) Thôn Đồng Tâm",
        "- Giếng khoan số 1",
        "+ lấy mẫu mỗi quý một lần;",
        "+ đo tại chỗ: độ đục, pH, clo dư.",
    ]
    start = texts.index(expected[0])
    assert texts[start : start + len(expected)] == expected
    assert "III. TỔ CHỨC THỰC HIỆN" in texts  # a label stated by hand


def test_party_numbering_style_chosen_per_document(built: dict[str, Path]) -> None:
    texts = _texts(_open(built, "ket-luan-dang-2025"))
    assert "I. ĐÁNH GIÁ CHUNG" in texts and "II. NHIỆM VỤ THỜI GIAN TỚI" in texts
    assert any(t.startswith("1. Đảng uỷ Uỷ ban nhân dân xã") for t in texts)


def test_parenthesised_list_bold_number_and_name_only_collective(
    built: dict[str, Path],
) -> None:
    document = _open(built, "thong-bao-dang-2026")
    texts = _texts(document)
    start = texts.index("2. Các cấp uỷ, chi bộ tập trung:")
    assert texts[start - 1].startswith("1. Ghi nhận kết quả")
    assert texts[start + 1].startswith("(1) hoàn thành số hoá")
    assert texts[start + 2].startswith("(2) duy trì sinh hoạt")
    resolver = StyleResolver(document)
    first = next(p for p in document.paragraphs if p.text.startswith("1. Ghi nhận"))
    runs = [(r.text, bool(resolver.run_format(first._p, r._r).bold)) for r in first.runs if r.text]
    assert runs[0] == ("1.", True) and not runs[1][1]
    assert _lines(document, _signature_cell(document)) == [
        ("T/M BAN THƯỜNG VỤ", True, False),
        ("Nguyễn Văn Thành", True, False),
    ]


def test_point_letters_go_d_then_dd(tmp_path: Path) -> None:
    items = "".join(f"          - y: Ý {n}.\n" for n in range(1, 7))
    lines = PLAN.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if "- y: Đánh giá chất lượng" in line)
    text = "".join([*lines[:first], items, *lines[first + 2 :]])
    record = load_document(_write(tmp_path, text))
    lines = [
        "".join(r.text for r in line.runs) for line in api.build_document_context(record).noi_dung
    ]
    assert [line[:3] for line in lines if line.startswith(tuple("abcdđe"))][:6] == [
        "a) ",
        "b) ",
        "c) ",
        "d) ",
        "đ) ",
        "e) ",
    ]


# -- Kính gửi, notes, ./., công văn, Quyết định --------------------------------------------


def test_cong_van_has_vv_under_the_number_and_kinh_gui(built: dict[str, Path]) -> None:
    document = _open(built, "cong-van-ubnd")
    header = document.tables[0]
    number_cell = [p.text for p in header.rows[1].cells[0].paragraphs if p.text]
    assert number_cell == [
        "Số: 0045/UBND-VP",
        "V/v đôn đốc rà soát hộ nghèo, hộ cận nghèo năm 2026",
    ]
    texts = _texts(document)
    assert "CÔNG VĂN" not in texts
    start = texts.index("Kính gửi:")
    assert texts[start + 1 : start + 3] == [
        "- Ban Chỉ đạo giảm nghèo xã;",
        "- Trưởng các thôn trên địa bàn xã.",
    ]
    assert texts[start + 3].startswith("Thực hiện Kế hoạch số 0129/KH-UBND")
    assert not check_docx(built["cong-van-ubnd"].read_bytes()).failing("error")


def test_single_addressee_is_on_the_label_s_line(tmp_path: Path) -> None:
    text = (EXAMPLES / "cong-van-ubnd.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "kinh_gui:\n  - Ban Chỉ đạo giảm nghèo xã\n  - Trưởng các thôn trên địa bàn xã\n",
        "kinh_gui: Ủy ban nhân dân tỉnh Thái Nguyên\n",
    )
    record = load_document(_write(tmp_path, text))
    (line,) = api.build_document_context(record).kinh_gui
    assert "".join(r.text for r in line.runs) == "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên"


def test_note_before_noi_nhan_and_the_state_closing_mark(built: dict[str, Path]) -> None:
    texts = _texts(_open(built, "ke-hoach-ubnd-0129"))
    note = next(t for t in texts if t.startswith("Kế hoạch này thay thế"))
    assert note.endswith("của Ủy ban nhân dân xã./.")
    assert texts[texts.index(note) + 1] == "Nơi nhận:"


def test_quyet_dinh_articles_are_numbered_and_bold(built: dict[str, Path]) -> None:
    document = _open(built, "quyet-dinh-ubnd")
    resolver = StyleResolver(document)
    articles = [p for p in document.paragraphs if p.text.startswith("Điều ")]
    assert [p.text for p in articles] == [
        "Điều 1. Thành lập Tổ quan trắc chất lượng nước sinh hoạt năm 2026",
        "Điều 2. Nhiệm vụ của Tổ quan trắc",
        "Điều 3. Hiệu lực và trách nhiệm thi hành",
    ]
    for paragraph in articles:
        runs = [r for r in paragraph.runs if r.text]
        assert runs and all(resolver.run_format(paragraph._p, r._r).bold for r in runs)
    texts = _texts(document)
    assert "QUYẾT ĐỊNH:" in texts
    assert texts[texts.index(articles[0].text) + 2] == (
        "1. Ông Nguyễn Văn An, Trưởng Phòng Kinh tế - Tổ trưởng;"
    )


# -- Nơi nhận as written ------------------------------------------------------------------


def test_noi_nhan_as_written(built: dict[str, Path]) -> None:
    document = _open(built, "ke-hoach-ubnd-0129")
    closing = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    lines = _lines(document, closing.rows[0].cells[0])
    assert [text for text, _b, _i in lines] == [
        "Nơi nhận:",
        "- Sở Nông nghiệp và Môi trường (để b/c);",
        "- Thường trực: Đảng ủy, HĐND xã (để b/c);",
        "- Chủ tịch, các Phó Chủ tịch UBND xã;",
        "- Trung tâm Kiểm soát bệnh tật tỉnh (qua Khoa Sức khỏe môi trường);",
        "- Các thôn tại mục 1 phần II;",
        "- Lưu: VT, KT (KH03).",
        "09 KH",
    ]
    resolver = StyleResolver(document)
    first = closing.rows[0].cells[0].paragraphs[1]
    italic = [r.text for r in first.runs if resolver.run_format(first._p, r._r).italic]
    assert italic == ["(để b/c)"]


def test_archive_line_as_written_and_kinh_trinh(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "  luu: VT, KT (KH03)\n", '  dong_luu: "- Lưu: VT, NC (TP, Vinh)."\n'
    )
    text = text.replace("loai: Kế hoạch\n", "loai: Tờ trình\nkinh_trinh: Ủy ban nhân dân tỉnh\n")
    record = load_document(_write(tmp_path, text))
    context = api.build_document_context(record)
    assert context.so_ky_hieu == "Số: 0129/TTr-UBND"
    assert context.noi_nhan[-2:] == ("- Lưu: VT, NC (TP, Vinh).", "09 KH")
    (line,) = context.kinh_gui
    assert "".join(r.text for r in line.runs) == "Kính trình: Ủy ban nhân dân tỉnh"


def test_party_items_end_with_commas_when_the_record_says(built: dict[str, Path]) -> None:
    texts = _texts(_open(built, "ket-luan-dang-2025"))
    assert "- Ban Thường vụ Tỉnh uỷ (để b/c)," in texts
    assert "- Lưu Văn phòng Đảng uỷ." in texts


# -- bad input: a Vietnamese problem with file, line and field; nothing written -----------


def _refused(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    out = tmp_path / "ra.docx"
    rendered = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert rendered.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    return " ".join(result.output.split())


def test_state_prefix_in_a_party_document_is_refused_with_the_rule(tmp_path: Path) -> None:
    text = (EXAMPLES / "ket-luan-dang-2025.yaml").read_text(encoding="utf-8")
    text = text.replace("dong: [T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ]", "dong: [KT. BÍ THƯ, PHÓ BÍ THƯ]")
    line = text.splitlines().index("  dong: [KT. BÍ THƯ, PHÓ BÍ THƯ]") + 1
    output = _refused(tmp_path, text)
    assert f"ho-so.yaml, dòng {line}:" in output
    assert "Các dòng chữ ký (trên họ tên) (chu_ky.dong)" in output
    assert "Dòng “KT. BÍ THƯ” dùng “KT.”" in output and "K/T TRƯỞNG BAN" in output


def test_party_collective_cannot_be_signed_for_by_a_deputy(tmp_path: Path) -> None:
    text = (EXAMPLES / "ket-luan-dang-2025.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "dong: [T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ]", "dong: [T/M BAN THƯỜNG VỤ, K/T BÍ THƯ, PHÓ BÍ THƯ]"
    )
    output = _refused(tmp_path, text)
    assert "tập thể (T/M) không ký thay (K/T)" in output


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ("[KT. CHỦ TỊCH, TM. ỦY BAN NHÂN DÂN, PHÓ CHỦ TỊCH]", "Không ghép được"),
        ("[PHÓ CHỦ TỊCH, KT. CHỦ TỊCH]", "phải đứng trên các dòng chức vụ"),
        ("[TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]", "phải có dòng chức vụ"),
        ("[TM.]", "phải ghi thay mặt"),
    ],
)
def test_state_combinations_that_break_the_rules(tmp_path: Path, lines: str, words: str) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "  dong:\n    - TM. ỦY BAN NHÂN DÂN\n    - KT. CHỦ TỊCH\n    - PHÓ CHỦ TỊCH\n",
        f"  dong: {lines}\n",
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_document(path)
    (problem,) = caught.value.problems
    assert problem.field == "Các dòng chữ ký (trên họ tên) (chu_ky.dong)"
    assert words in problem.message


def test_seventh_numbering_level_is_a_problem_with_its_line(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        '                      - y: "đo tại chỗ: độ đục, pH, clo dư."\n',
        '                      - y: "đo tại chỗ: độ đục, pH, clo dư."\n'
        "                      - muc: Giếng khoan số 2\n"
        "                        noi_dung:\n"
        "                          - y: lấy mẫu mỗi tháng một lần.\n",
    )
    lines = text.splitlines()
    deep = next(i for i, line in enumerate(lines) if "lấy mẫu mỗi tháng" in line) + 1
    output = _refused(tmp_path, text)
    assert f"ho-so.yaml, dòng {deep}" in output
    assert "cấp thứ bảy" in output and "sáu cấp" in output


def test_unquoted_number_that_yaml_changes_is_refused(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace("  ho_ten: Lê Văn Bình", "  ho_ten: 0204")
    text = text.replace("  sau_luu: [09 KH]", "  sau_luu: [09 KH]\n  so_ban_luu: 010")
    lines = text.splitlines()
    name_line = lines.index("  ho_ten: 0204") + 1
    copies_line = lines.index("  so_ban_luu: 010") + 1
    output = _refused(tmp_path, text)
    assert f"ho-so.yaml, dòng {name_line}: [Họ tên người ký (chu_ky.ho_ten)]" in output
    assert f"ho-so.yaml, dòng {copies_line}: [Số bản lưu (noi_nhan.so_ban_luu)]" in output
    assert "YAML đọc “0204” (không có dấu ngoặc kép) thành số 132" in output
    assert "YAML đọc “010” (không có dấu ngoặc kép) thành số 8" in output
    assert "dấu ngoặc kép" in output


def test_numbering_style_i_dash_is_refused_in_state_documents(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "loai: Kế hoạch\n", 'loai: Kế hoạch\ndanh_so: "I-"\n'
    )
    output = _refused(tmp_path, text)
    assert "Kiểu đánh số" in output and "chỉ dùng trong văn bản của Đảng" in output


# -- the examples pass the checker ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ke-hoach-ubnd-0129",
        "cong-van-ubnd",
        "quyet-dinh-ubnd",
        "ket-luan-dang-2025",
        "ke-hoach-lien-tich",
        "thong-bao-dang-2026",
    ],
)
def test_every_example_passes_the_check(built: dict[str, Path], name: str) -> None:
    assert not check_docx(built[name].read_bytes()).failing("error")


def test_joint_document_signers_side_by_side(built: dict[str, Path]) -> None:
    document = _open(built, "ke-hoach-lien-tich")
    table = next(t for t in document.tables if "Đinh Thị Lan" in t.rows[0].cells[0].text)
    left, right = table.rows[0].cells
    assert _lines(document, left) == [
        ("TM. BAN THƯỜNG TRỰC", True, False),
        ("CHỦ TỊCH", True, False),
        ("Đinh Thị Lan", True, False),
    ]
    assert _lines(document, right) == [
        ("TM. ỦY BAN NHÂN DÂN", True, False),
        ("KT. CHỦ TỊCH", True, False),
        ("PHÓ CHỦ TỊCH", True, False),
        ("Lê Văn Bình", True, False),
    ]
    # Blank lines under the shorter block: both names stand on the same line.
    assert len(left.paragraphs) == len(right.paragraphs)
    assert left.paragraphs[-1].text == "Đinh Thị Lan"
    # Nơi nhận follows, its signature cell left empty.
    assert not _signature_cell(document).text.strip()


def test_yaml_keeps_what_was_typed_for_numbers() -> None:
    from pipeline.loading.yaml_source import parse_yaml

    doc = parse_yaml("so: 0204\nmuc: {so: 1.}\nso_ban: 010\nnam: 2026\nten: '07'\n", "x.yaml")
    assert doc.data == {"so": "0204", "muc": {"so": "1."}, "so_ban": 8, "nam": 2026, "ten": "07"}
    assert doc.typed_numbers == {("so_ban",): "010", ("nam",): "2026"}
