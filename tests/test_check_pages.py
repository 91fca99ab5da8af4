"""What only the page shows (``vanban check --trang``, ``build --pdf``): documents broken
where the .docx looks right but the laid-out page does not, and correct documents made
by other means, all laid out by one LibreOffice (issue 21)."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import main
from pipeline.compliance import CheckReport
from pipeline.pdf import PdfConverter, find_libreoffice
from pipeline.pdf.page_check import check_laid_out
from tests.check_helpers import (
    Parts,
    mutate,
    paragraph,
    paragraph_property,
    q,
    rendered,
    run_property,
    section,
)
from tests.conftest import EXAMPLES, INPUTS, needs_libreoffice

pytestmark = needs_libreoffice

STATE, PARTY = "ke-hoach-ubnd-xa", "ke-hoach-dang-uy-xa"


def _squeeze(text: str, mm: int) -> Callable[[Parts], None]:
    """Indent the paragraph ``text`` on both sides: its line no longer fits."""

    def change(parts: Parts) -> None:
        twips = str(round(mm * 56.7))
        paragraph_property(paragraph(parts.document, text), "ind", left=twips, right=twips)

    return change


def _noi_nhan_below(parts: Parts) -> None:
    """Move Nơi nhận out of the signature table, under the signature."""
    label = paragraph(parts.document, "Nơi nhận:")
    cell = label.getparent()
    table = cell.getparent().getparent()
    moved = [p for p in cell.findall(q("p"))]
    anchor = table
    for p in moved:
        anchor.addnext(p)
        anchor = p
    cell.append(copy.deepcopy(moved[-1]))  # a cell keeps one (empty) paragraph
    for t in cell.findall(f"{q('p')}/{q('r')}/{q('t')}"):
        t.text = ""


def _no_line_under(text: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        line = paragraph(parts.document, text).getnext()
        ppr = line.find(q("pPr"))
        ppr.remove(ppr.find(q("pBdr")))

    return change


def _no_party_title_line(parts: Parts) -> None:
    _no_line_under("ĐẢNG CỘNG SẢN VIỆT NAM")(parts)


#: name → (example, change, the page rule that must fail with an error)
BROKEN: dict[str, tuple[str, Callable[[Parts], None], str]] = {
    "quoc-hieu-hai-dong": (
        STATE,
        _squeeze("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12),
        "PAGE_TITLE_ONE_LINE",
    ),
    "tieu-de-dang-hai-dong": (PARTY, _squeeze("ĐẢNG CỘNG SẢN VIỆT NAM", 20), "PAGE_TITLE_ONE_LINE"),
    "noi-nhan-duoi-chu-ky-nha-nuoc": (STATE, _noi_nhan_below, "PAGE_NOI_NHAN_BESIDE"),
    "noi-nhan-duoi-chu-ky-dang": (PARTY, _noi_nhan_below, "PAGE_NOI_NHAN_BESIDE"),
    "thieu-duong-ke-tieu-ngu": (STATE, _no_line_under("Độc lập - Tự do - Hạnh phúc"), "PAGE_LINES"),
    "thieu-duong-ke-co-quan": (STATE, _no_line_under("XÃ PHÚ ĐÌNH"), "PAGE_LINES"),
    "thieu-duong-ke-tieu-de-dang": (PARTY, _no_party_title_line, "PAGE_LINES"),
}


def _state_margins(parts: Parts) -> None:
    margins = section(parts).find(q("pgMar"))
    for side, mm in (("top", 25), ("bottom", 25), ("left", 35), ("right", 20)):
        margins.set(q(side), str(round(mm * 56.7)))


def _sizes_12_13_13(parts: Parts) -> None:
    for text, half_points in (
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "24"),
        ("Độc lập - Tự do - Hạnh phúc", "26"),
        ("Phú Đình, ngày 20 tháng 10 năm 2026", "26"),
    ):
        run_property(paragraph(parts.document, text), "sz", val=half_points)


def _styles_to_direct(parts: Parts) -> None:
    """Copy every paragraph style's properties (through basedOn) into the paragraphs and
    runs as direct formatting, then drop the style references."""
    styles = {s.get(q("styleId")): s for s in parts.styles.iter(q("style"))}

    def chain(style_id: str | None) -> list[Any]:
        out = []
        while style_id in styles:
            style = styles[style_id]
            out.append(style)
            based = style.find(q("basedOn"))
            style_id = based.get(q("val")) if based is not None else None
        return out

    for p in parts.document.iter(q("p")):
        ppr = p.find(q("pPr"))
        ref = ppr.find(q("pStyle")) if ppr is not None else None
        if ref is None:
            continue
        for style in chain(ref.get(q("val"))):
            for source, targets in (
                (style.find(q("pPr")), [ppr]),
                (style.find(q("rPr")), [_rpr(r) for r in p.iter(q("r"))]),
            ):
                if source is None:
                    continue
                for target in targets:
                    for prop in source:
                        if target.find(prop.tag) is None:
                            target.append(copy.deepcopy(prop))
        ppr.remove(ref)


def _rpr(run: Any) -> Any:
    rpr = run.find(q("rPr"))
    if rpr is None:
        rpr = run.makeelement(q("rPr"), {})
        run.insert(0, rpr)
    return rpr


#: name → (example, change): correct documents made by other means.
CORRECT: dict[str, tuple[str, Callable[[Parts], None] | None]] = {
    "nha-nuoc": (STATE, None),
    "dang": (PARTY, None),
    "chuong-trinh-2018": ("chuong-trinh-hanh-dong-nq18", None),
    "le-25-25-35-20": (STATE, _state_margins),
    "co-chu-12-13-13": (STATE, _sizes_12_13_13),
    "kieu-thanh-dinh-dang-truc-tiep": (STATE, _styles_to_direct),
    "kieu-thanh-dinh-dang-truc-tiep-dang": (PARTY, _styles_to_direct),
}


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CheckReport]:
    """Every document of both corpora, laid out by one LibreOffice and checked."""
    folder = tmp_path_factory.mktemp("trang")
    sources: dict[str, Path] = {}
    made = {name: (entry[0], entry[1]) for name, entry in BROKEN.items()} | CORRECT
    for name, (example, change) in made.items():
        data = rendered(example) if change is None else mutate(rendered(example), change)
        sources[name] = folder / f"{name}.docx"
        sources[name].write_bytes(data)
    # Correct documents saved again by LibreOffice (its own Word writer).
    resaved = folder / "luu-lai"
    originals = [sources["nha-nuoc"], sources["dang"]]
    soffice = str(find_libreoffice().soffice)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(resaved),
            *map(str, originals),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for original in originals:
        sources[f"luu-lai-{original.stem}"] = resaved / original.name
    with PdfConverter() as converter:
        results = converter.convert_all(list(sources.values()), folder)
    pdfs = {r.source: r.output for r in results}
    out = {}
    for name, path in sources.items():
        pdf = pdfs[path]
        assert pdf is not None, name
        out[name] = check_laid_out(path, pdf)
    return out


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_page_break_is_an_error(laid_out: dict[str, CheckReport], name: str) -> None:
    report = laid_out[name]
    rule = BROKEN[name][2]
    assert rule in report.failing("error"), [
        (f.rule_id, f.severity, f.found) for f in report.findings
    ]
    finding = next(f for f in report.findings if f.rule_id == rule and f.severity == "error")
    assert finding.location is not None and finding.location.where.startswith("trang ")


def test_a_title_on_two_lines_names_both_lines(laid_out: dict[str, CheckReport]) -> None:
    finding = next(
        f for f in laid_out["quoc-hieu-hai-dong"].findings if f.rule_id == "PAGE_TITLE_ONE_LINE"
    )
    assert finding.found.startswith("2 dòng: CỘNG HÒA")


def test_noi_nhan_below_the_signature_says_so(laid_out: dict[str, CheckReport]) -> None:
    finding = next(
        f
        for f in laid_out["noi-nhan-duoi-chu-ky-nha-nuoc"].findings
        if f.rule_id == "PAGE_NOI_NHAN_BESIDE"
    )
    assert finding.found.startswith("nơi nhận thấp hơn dòng đầu khối chữ ký")


@pytest.mark.parametrize("name", [*sorted(CORRECT), "luu-lai-nha-nuoc", "luu-lai-dang"])
def test_correct_documents_get_no_error_on_the_page(
    laid_out: dict[str, CheckReport], name: str
) -> None:
    report = laid_out[name]
    assert report.ok, [(f.rule_id, f.severity, f.expected, f.found) for f in report.findings]
    page_rules = [r for r in report.results if r.rule_id.startswith("PAGE_") and "_" in r.rule_id]
    passed = {r.rule_id for r in page_rules if r.status == "PASS"}
    assert {"PAGE_TITLE_ONE_LINE", "PAGE_NOI_NHAN_BESIDE", "PAGE_LINES"} <= passed


def test_check_trang_exits_1_on_a_page_error(tmp_path: Path) -> None:
    name = "quoc-hieu-hai-dong"
    example, change, _rule = BROKEN[name]
    path = tmp_path / f"{name}.docx"
    path.write_bytes(mutate(rendered(example), change))
    plain = CliRunner().invoke(main, ["check", str(path)])
    assert plain.exit_code == 0, plain.output  # the .docx alone looks right
    result = CliRunner().invoke(main, ["check", "--trang", str(path)])
    assert result.exit_code == 1, result.output
    assert "trang 1 (bản in)" in result.output
    verbose = CliRunner().invoke(main, ["check", "--trang", "-v", str(path)])
    assert "PAGE_TITLE_ONE_LINE" in verbose.output  # rule ids shown with -v


def test_build_pdf_runs_the_page_checks_on_every_document(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in EXAMPLES:  # the three plans (no batch, no period: kept quick)
        (inputs / f"{name}.yaml").write_bytes((INPUTS / f"{name}.yaml").read_bytes())
    shutil.copytree(INPUTS / "noi-nhan", inputs / "noi-nhan")
    report = api.build(inputs, tmp_path / "build", pdf=True, lists=False)
    assert sorted(Path(r.file).stem for r in report.pages) == sorted(EXAMPLES)
    for page in report.pages:
        assert page.ok, [(f.rule_id, f.found) for f in page.findings]
        assert {r.rule_id for r in page.results} == {
            "PAGE_TITLE_ONE_LINE",
            "PAGE_NUMBER_DATE_LEVEL",
            "PAGE_NOI_NHAN_BESIDE",
            "PAGE_LINES",
            "PAGE_NUMBERS",
        }
        assert {r.status for r in page.results} == {"PASS"}


def test_the_governments_files_have_no_page_error(tmp_path: Path) -> None:
    from tests.real_docx import real_docx

    sources = [real_docx("30_2020_ND_CP.docx"), real_docx("nd30-phuluc3-mau-1.4.docx")]
    with PdfConverter() as converter:
        results = converter.convert_all(sources, tmp_path)
    for source, result in zip(sources, results, strict=True):
        assert result.output is not None, source.name
        report = check_laid_out(source, result.output)
        page = [r for r in report.results if r.rule_id in _PAGE_IDS]
        assert [f for r in page for f in r.findings] == [], source.name
        passed = {r.rule_id for r in page if r.status == "PASS"}
        assert {"PAGE_TITLE_ONE_LINE", "PAGE_NOI_NHAN_BESIDE", "PAGE_LINES"} <= passed


_PAGE_IDS = {
    "PAGE_TITLE_ONE_LINE",
    "PAGE_NUMBER_DATE_LEVEL",
    "PAGE_NOI_NHAN_BESIDE",
    "PAGE_LINES",
    "PAGE_NUMBERS",
}
