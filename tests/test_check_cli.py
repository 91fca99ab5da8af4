"""``vanban check``: Vietnamese text, stable JSON, documented exit codes, help."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.compliance import check_docx, rules_for
from pipeline.profiles import PROFILE_IDS
from tests.check_helpers import mutate, paragraph, rendered, set_text


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _broken_date(tmp_path: Path) -> Path:
    def change(parts: object) -> None:
        p = paragraph(parts.document, "Phú Đình, ngày 20 tháng 10 năm 2026")  # type: ignore[attr-defined]
        set_text(p, "Phú Đình, ngày 20 tháng 03 năm 2026")

    return _write(tmp_path, "sai.docx", mutate(rendered("ke-hoach-ubnd-xa"), change))


def test_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = _write(tmp_path, "dung.docx", rendered("ke-hoach-ubnd-xa"))
    bad = _broken_date(tmp_path)
    junk = _write(tmp_path, "hong.docx", b"not a zip")
    assert runner.invoke(main, ["check", str(good)]).exit_code == 0
    result = runner.invoke(main, ["check", str(good), str(bad)])
    assert result.exit_code == 1
    # Text output names the rule in Vietnamese; its id is for --json (and -v).
    assert "[LỖI] Địa danh và ngày, tháng, năm —" in result.output
    assert "DATE_FORMAT" not in result.output
    verbose = runner.invoke(main, ["check", "-v", str(bad)])
    assert "[LỖI] Địa danh và ngày, tháng, năm (mã DATE_FORMAT)" in verbose.output
    assert "tháng 3 đến tháng 12 viết không có số 0" in result.output.lower()
    assert "Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.4.b" in result.output
    unreadable = runner.invoke(main, ["check", str(good), str(junk)])
    assert unreadable.exit_code == 2
    assert "Không đọc được tệp này" in unreadable.output


def test_json_output_is_stable(tmp_path: Path) -> None:
    bad = _broken_date(tmp_path)
    junk = _write(tmp_path, "hong.docx", b"not a zip")
    result = CliRunner().invoke(main, ["check", "--json", str(bad), str(junk)])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["schema"] == "vanban.check/1"
    document, unreadable = payload["documents"]
    assert set(document) == {
        "file",
        "readable",
        "profile",
        "ok",
        "kind",
        "conventions",
        "summary",
        "rules",
    }
    assert document["profile"] == {
        "id": "state_nd30_2020",
        "guessed": True,
        "reason": "văn bản hành chính nhà nước, theo quốc hiệu/tiêu đề",
    }
    assert document["ok"] is False
    assert set(document["summary"]) == {
        "errors",
        "warnings",
        "info",
        "passed",
        "failed",
        "not_evaluated",
    }
    assert [r["id"] for r in document["rules"]] == [r.id for r in rules_for("state_nd30_2020")]
    date = next(r for r in document["rules"] if r["id"] == "DATE_FORMAT")
    assert date["status"] == "FAIL" and date["severity"] == "error"
    (finding,) = date["findings"]
    assert set(finding) == {
        "rule",
        "severity",
        "element",
        "location",
        "expected",
        "found",
        "message",
        "source",
    }
    assert finding["location"]["excerpt"] == "Phú Đình, ngày 20 tháng 03 năm 2026"
    assert finding["location"]["where"] == "bảng 1, hàng 2, cột 2"
    assert finding["source"]["section"] == "Phụ lục I, mục II.4.b"
    assert unreadable["readable"] is False and unreadable["file"].endswith("hong.docx")


def test_explicit_profile_is_used(tmp_path: Path) -> None:
    good = _write(tmp_path, "dung.docx", rendered("ke-hoach-ubnd-xa"))
    result = CliRunner().invoke(
        main, ["check", "--json", "--profile", "party_hd05_2026", str(good)]
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)["documents"][0]
    assert document["profile"]["id"] == "party_hd05_2026" and not document["profile"]["guessed"]
    failing = {r["id"] for r in document["rules"] if r["status"] == "FAIL"}
    assert {"HEADER_TITLE_TEXT", "NUMBER_FORMAT", "SIGN_PREFIX"} <= failing


def test_help_explains_rules_and_profiles() -> None:
    text = CliRunner().invoke(main, ["check", "--help"]).output
    for profile_id in PROFILE_IDS:
        assert profile_id in text
    for rule in rules_for("party_hd05_2026"):
        assert rule.id in text
    assert "Mã thoát: 0 không có lỗi; 1 có lỗi thể thức; 2 có tệp không đọc được." in text


def test_not_evaluated_is_never_a_pass() -> None:
    report = check_docx(rendered("ke-hoach-dang-uy-xa"))
    payload = report.to_json()
    statuses = [r["status"] for r in payload["rules"]]
    assert payload["summary"]["passed"] == statuses.count("PASS")
    assert payload["summary"]["not_evaluated"] == statuses.count("NOT_EVALUATED")
    for result in report.results:
        if result.status == "NOT_EVALUATED":
            assert result.reason and not result.findings
