"""The web page's HTTP API (docs/web.md), against a real server over a copy of inputs/:
render, check, documents; located problems; saves that keep comments."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pdfplumber
import pytest

from tests.conftest import INPUTS, needs_libreoffice
from tests.web_helpers import running, work_folder

RECORD = "inputs/ke-hoach-ubnd-xa.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = work_folder(tmp_path_factory.mktemp("web"))
    with running(folder, max_upload=200_000) as url:
        yield url, folder


def test_render_a_record_gives_the_docx(server: tuple[str, Path]) -> None:
    url, folder = server
    data = (folder / RECORD).read_bytes()
    response = httpx.post(f"{url}/api/render", files={"file": ("ke-hoach-ubnd-xa.yaml", data)})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert "Triển khai chuyển đổi số trên địa bàn xã năm 2027" in texts
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Trần Thị Hoa" in c for c in cells)


def test_render_a_bad_record_gives_located_problems(server: tuple[str, Path]) -> None:
    url, folder = server
    text = (folder / RECORD).read_text(encoding="utf-8")
    bad = text.replace("ngay: 20/10/2026", "ngay: 30/02/2026").replace(
        "  ho_ten: Trần Thị Hoa", "  ho_ten: ''"
    )
    response = httpx.post(f"{url}/api/render", files={"file": ("sai.yaml", bad.encode())})
    assert response.status_code == 422
    problems = response.json()["problems"]
    by_field = {p["field"]: p for p in problems}
    date = by_field["Ngày ban hành (ngay)"]
    assert date["source"] == "inputs/sai.yaml" and date["location"] == "dòng 9"
    assert "tháng 2 năm 2026 không có ngày 30" in date["message"]
    name = by_field["Họ tên người ký (chu_ky.ho_ten)"]
    assert name["message"] == "Không được để trống." and name["location"].startswith("dòng ")


def test_render_refuses_other_kinds(server: tuple[str, Path]) -> None:
    url, _ = server  # workbooks: tests/test_web_workbooks.py
    wrong = httpx.post(f"{url}/api/render", files={"file": ("a.exe", b"MZ")})
    assert wrong.status_code == 415
    assert "chỉ nhận .yaml, .yml, .xlsx" in wrong.json()["problems"][0]["message"]


def test_uploads_over_the_limit_are_refused(server: tuple[str, Path]) -> None:
    url, _ = server
    big = b"# " + b"x" * 250_000 + b"\n"
    response = httpx.post(f"{url}/api/render", files={"file": ("lon.yaml", big)})
    assert response.status_code == 413
    assert "quá lớn" in response.json()["problems"][0]["message"]
    check = httpx.post(f"{url}/api/check", files={"file": ("lon.docx", b"PK" + big)})
    assert check.status_code == 413


def test_check_gives_the_findings(server: tuple[str, Path]) -> None:
    url, folder = server
    data = (folder / RECORD).read_bytes()
    made = httpx.post(f"{url}/api/render", files={"file": ("x.yaml", data)}).content
    response = httpx.post(f"{url}/api/check", files={"file": ("x.docx", made)})
    assert response.status_code == 200
    report = response.json()["documents"][0]
    assert report["profile"]["id"] == "state_nd30_2020" and report["ok"] is True
    # A document typed without the Quốc hiệu: the check says so, as a finding.
    plain = docx.Document()
    plain.add_paragraph("Kế hoạch gì đó")
    buffer = io.BytesIO()
    plain.save(buffer)
    response = httpx.post(
        f"{url}/api/check?profile=state_nd30_2020",
        files={"file": ("tron.docx", buffer.getvalue())},
    )
    document = response.json()["documents"][0]
    assert document["ok"] is False and document["summary"]["errors"] > 0
    not_docx = httpx.post(f"{url}/api/check", files={"file": ("x.docx", b"hello")})
    assert not_docx.status_code == 415


def test_documents_lists_records_batches_and_periods(server: tuple[str, Path]) -> None:
    url, folder = server
    listing = httpx.get(f"{url}/api/documents").json()["documents"]
    by_path = {d["path"]: d for d in listing}
    assert by_path[RECORD] == {
        "kind": "ho_so",
        "path": RECORD,
        "state": "hop_le",
        "problems": 0,
        "outputs": [],
    }
    assert by_path["inputs/examples/ke-hoach-sap-xep.batch.yaml"]["kind"] == "dot"
    assert by_path["inputs/periods/2027-H1"]["kind"] == "ky"
    (folder / "inputs" / "hong.yaml").write_text("khoi: dang\n", encoding="utf-8")
    listing = httpx.get(f"{url}/api/documents").json()["documents"]
    broken = next(d for d in listing if d["path"] == "inputs/hong.yaml")
    assert broken["state"] == "co_loi" and broken["problems"] >= 4
    (folder / "inputs" / "hong.yaml").unlink()


def test_form_data_is_checked_with_paths_and_saved_keeping_comments(
    server: tuple[str, Path],
) -> None:
    url, folder = server
    record = httpx.get(f"{url}/api/record", params={"path": RECORD}).json()
    data, version = record["data"], record["version"]
    data["chu_ky"]["ho_ten"] = ""
    checked = httpx.post(f"{url}/api/record/check", json={"path": RECORD, "data": data})
    problems = checked.json()["problems"]
    assert [p["path"] for p in problems] == [["chu_ky", "ho_ten"]]
    data["chu_ky"]["ho_ten"] = "Nguyễn Văn Bình"
    saved = httpx.put(f"{url}/api/record", json={"path": RECORD, "data": data, "version": version})
    assert saved.status_code == 200 and saved.json()["problems"] == []
    text = (folder / RECORD).read_text(encoding="utf-8")
    assert text.startswith("# Kế hoạch of a commune People's Committee")
    assert "  ho_ten: Nguyễn Văn Bình\n" in text
    assert "Ủy ban nhân dân xã ban\n      hành Kế hoạch" in text  # folded lines kept


def test_distribution_list_downloads(server: tuple[str, Path]) -> None:
    url, _ = server
    params = {"path": RECORD, "kind": "noi-nhan.csv"}
    response = httpx.get(f"{url}/api/record/download", params=params)
    assert response.status_code == 200
    assert "UBND tỉnh" in response.content.decode("utf-8-sig")


def test_a_period_filled_in_the_page_gives_its_report(server: tuple[str, Path]) -> None:
    url, folder = server
    made = httpx.post(f"{url}/api/period/new", json={"id": "2027-H2", "from": None})
    assert made.json() == {"path": "inputs/periods/2027-H2"}
    assert (folder / "inputs/periods/2027-H2/ky.yaml").is_file()
    period = "inputs/periods/2027-H1"
    table = httpx.get(f"{url}/api/period/results", params={"path": period}).json()
    assert table["header"][:3] == ["Mã xã", "Tên xã", "Thôn giảm"]  # Vietnamese headers
    table["rows"][0][table["header"].index("Ghi chú")] = "Đã rà soát lại"
    body = {"path": period, **table}
    assert httpx.put(f"{url}/api/period/results", json=body).status_code == 200
    assert httpx.put(f"{url}/api/period/results", json=body).status_code == 409  # stale
    saved = (folder / period / "ket-qua-xa.csv").read_text(encoding="utf-8-sig")
    assert "Đã rà soát lại" in saved.splitlines()[1]
    built = httpx.post(f"{url}/api/period/build", json={"path": period}, timeout=120)
    report = built.json()["outputs"][0]
    assert report == "build/periods/2027-H1/bao-cao-so-ket-2027-H1.docx"
    data = httpx.get(f"{url}/api/file", params={"path": report}).content
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert any("6 tháng đầu năm 2027" in t for t in texts)


def test_an_uploaded_record_is_kept_in_inputs_never_over_a_file(server: tuple[str, Path]) -> None:
    url, folder = server
    text = (folder / RECORD).read_text(encoding="utf-8").replace("so: 45", "so: 46")
    files = {"file": ("tai-len.yaml", text.encode())}
    response = httpx.post(f"{url}/api/record/upload", files=files)
    assert response.status_code == 200
    assert response.json()["path"] == "inputs/tai-len.yaml" and response.json()["problems"] == []
    assert (folder / "inputs/tai-len.yaml").read_text(encoding="utf-8") == text
    again = httpx.post(f"{url}/api/record/upload", files=files)
    assert again.status_code == 409
    assert "Đã có hồ sơ tên này" in again.json()["problems"][0]["message"]
    (folder / "inputs/tai-len.yaml").unlink()


def test_findings_of_the_form_name_their_paragraph(server: tuple[str, Path]) -> None:
    url, _ = server
    data = httpx.get(f"{url}/api/record", params={"path": RECORD}).json()["data"]
    last = data["noi_dung"][-1]["noi_dung"][-1]
    last["doan"] = "Ủy ban nhân dân huyện phối hợp theo dõi. " + last["doan"]
    response = httpx.post(f"{url}/api/record/findings", json={"path": RECORD, "data": data})
    document = response.json()["documents"][0]
    found = [f for rule in document["rules"] for f in rule["findings"]]
    assert [f["rule"] for f in found] == ["DISTRICT_BODY"]
    assert found[0]["location"]["excerpt"].startswith("Ủy ban nhân dân huyện phối hợp")


@needs_libreoffice
def test_previews_and_pdfs_are_made_once_per_content(server: tuple[str, Path]) -> None:
    url, folder = server
    data = httpx.get(f"{url}/api/record", params={"path": RECORD}).json()["data"]
    body = {"path": RECORD, "data": data, "page": 2}
    first = httpx.post(f"{url}/api/record/preview", json=body, timeout=120).json()
    assert first["page"] == 2 and first["pages"] == 2
    image = folder / ".vanban-web" / first["image"].rsplit("/", 1)[1]
    made = image.stat().st_mtime_ns
    second = httpx.post(f"{url}/api/record/preview", json=body, timeout=120).json()
    assert second == first and image.stat().st_mtime_ns == made
    png = httpx.get(f"{url}{first['image']}")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    params = {"path": RECORD, "kind": "pdf"}
    pdf = httpx.get(f"{url}/api/record/download", params=params, timeout=120)
    assert pdf.content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf.content)) as opened:
        assert len(opened.pages) == 2
        assert "KẾ HOẠCH" in (opened.pages[0].extract_text() or "")


def test_a_yaml_date_reaches_the_form_the_vietnamese_way(server: tuple[str, Path]) -> None:
    url, folder = server
    text = (folder / RECORD).read_text(encoding="utf-8").replace("20/10/2026", "2026-10-20")
    (folder / "inputs/ngay-iso.yaml").write_text(text, encoding="utf-8")
    record = httpx.get(f"{url}/api/record", params={"path": "inputs/ngay-iso.yaml"}).json()
    assert record["data"]["ngay"] == "20/10/2026"
    body = {"path": "inputs/ngay-iso.yaml", "data": record["data"], "version": record["version"]}
    saved = httpx.put(f"{url}/api/record", json=body).json()
    assert saved["problems"] == []
    assert "\nngay: 20/10/2026\n" in (folder / "inputs/ngay-iso.yaml").read_text(encoding="utf-8")
    (folder / "inputs/ngay-iso.yaml").unlink()


def test_a_deadline_before_the_issue_date_is_a_problem_of_its_field(tmp_path: Path) -> None:
    """The page checks a YAML record as `vanban validate` does: a deadline earlier than
    the document is a problem at that deadline's field."""
    from pipeline.loading.drafts import check_text

    text = (INPUTS / "ke-hoach-ubnd-xa.yaml").read_text(encoding="utf-8")
    text = text.replace("thoi_han: 31/01/2027", "thoi_han: 31/01/2026", 1)
    record, problems = check_text(text, tmp_path / "ke-hoach.yaml")
    assert record is None
    (located,) = problems
    assert located.path == ("nhiem_vu", 0, "nhiem_vu", 0, "thoi_han")
    assert "sớm hơn ngày ban hành 20/10/2026" in located.problem.message
