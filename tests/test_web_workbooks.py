"""Workbook records (.xlsx) in the web page's API: rendered, refused with problems named
by sheet and cell, uploaded and listed, opened in the form, saved back, downloaded."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest

from pipeline import api
from pipeline.loading.documents import load_document
from pipeline.loading.workbook_layout import GENERAL_SHEET
from tests.web_helpers import running, work_folder
from tests.workbook_helpers import SIGNER, fill_results, general_rows, typed_plan

RECORD = "inputs/ke-hoach-ubnd-xa.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = work_folder(tmp_path_factory.mktemp("web-xlsx"))
    with running(folder) as url:
        yield url, folder


def _texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_render_an_exported_record_workbook(server: tuple[str, Path], tmp_path: Path) -> None:
    url, folder = server
    workbook = api.export_workbook(folder / RECORD, tmp_path / "ke-hoach.xlsx")
    response = httpx.post(
        f"{url}/api/render", files={"file": ("ke-hoach.xlsx", workbook.read_bytes())}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith("ke-hoach.docx")
    from_yaml = httpx.post(
        f"{url}/api/render", files={"file": ("k.yaml", (folder / RECORD).read_bytes())}
    )
    assert _texts(response.content) == _texts(from_yaml.content)
    assert "Triển khai chuyển đổi số trên địa bàn xã năm 2027" in _texts(response.content)


def test_a_bad_workbook_answers_422_with_sheet_and_cell(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = server
    path = typed_plan(tmp_path / "thieu.xlsx", signer=None)
    book = openpyxl.load_workbook(path)
    rows = general_rows(path)
    book[GENERAL_SHEET].cell(row=rows["ngay"], column=3, value="30/02/2026")
    book.save(path)
    response = httpx.post(f"{url}/api/render", files={"file": ("thieu.xlsx", path.read_bytes())})
    assert response.status_code == 422
    by_field = {p["field"]: p for p in response.json()["problems"]}
    name = by_field["Họ tên người ký (chu_ky.ho_ten)"]
    assert name["location"] == f"{GENERAL_SHEET}!C{rows['chu_ky.ho_ten']}"
    assert name["source"] == "inputs/thieu.xlsx"
    date = by_field["Ngày ban hành (ngay)"]
    assert date["location"] == f"{GENERAL_SHEET}!C{rows['ngay']}"
    assert "không có ngày 30" in date["message"]
    broken = httpx.post(f"{url}/api/render", files={"file": ("hong.xlsx", b"PK\x03\x04")})
    assert broken.status_code == 422
    assert "Không đọc được sổ tính" in broken.json()["problems"][0]["message"]


def test_a_workbook_uploaded_is_listed_opened_saved_and_downloaded(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = server
    path = typed_plan(tmp_path / "so-tinh.xlsx", signer=None)
    up = httpx.post(f"{url}/api/record/upload", files={"file": ("so-tinh.xlsx", path.read_bytes())})
    assert up.status_code == 200, up.text
    answer = up.json()
    assert answer["path"] == "inputs/so-tinh.xlsx"
    row = general_rows(path)["chu_ky.ho_ten"]
    [problem] = answer["problems"]
    assert problem["location"] == f"{GENERAL_SHEET}!C{row}"
    assert problem["path"] == ["chu_ky", "ho_ten"]
    assert (folder / "inputs/so-tinh.xlsx").read_bytes() == path.read_bytes()
    again = httpx.post(
        f"{url}/api/record/upload", files={"file": ("so-tinh.xlsx", path.read_bytes())}
    )
    assert again.status_code == 409

    listed = httpx.get(f"{url}/api/documents").json()["documents"]
    entry = next(d for d in listed if d["path"] == "inputs/so-tinh.xlsx")
    assert (entry["kind"], entry["state"], entry["problems"]) == ("bang_tinh", "co_loi", 1)

    opened = httpx.get(f"{url}/api/record", params={"path": "inputs/so-tinh.xlsx"}).json()
    data = opened["data"]
    assert data["ngay"] == "19/06/2026" and data["so"] == "7"
    assert "ho_ten" not in data["chu_ky"]
    data["chu_ky"]["ho_ten"] = SIGNER
    checked = httpx.post(
        f"{url}/api/record/check", json={"path": "inputs/so-tinh.xlsx", "data": data}
    )
    assert checked.json()["problems"] == []
    saved = httpx.put(
        f"{url}/api/record",
        json={"path": "inputs/so-tinh.xlsx", "data": data, "version": opened["version"]},
    )
    assert saved.status_code == 200 and saved.json()["problems"] == []
    assert load_document(folder / "inputs/so-tinh.xlsx").chu_ky.ho_ten == SIGNER
    stale = httpx.put(
        f"{url}/api/record",
        json={"path": "inputs/so-tinh.xlsx", "data": data, "version": opened["version"]},
    )
    assert stale.status_code == 409

    word = httpx.get(
        f"{url}/api/record/download", params={"path": "inputs/so-tinh.xlsx", "kind": "docx"}
    )
    assert word.status_code == 200
    assert SIGNER in "".join(docx.Document(io.BytesIO(word.content)).element.body.itertext())
    listed = httpx.get(f"{url}/api/documents").json()["documents"]
    entry = next(d for d in listed if d["path"] == "inputs/so-tinh.xlsx")
    assert entry["state"] == "hop_le"


def test_a_yaml_record_downloads_as_a_workbook(server: tuple[str, Path], tmp_path: Path) -> None:
    url, folder = server
    response = httpx.get(f"{url}/api/record/download", params={"path": RECORD, "kind": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith("ke-hoach-ubnd-xa.xlsx")
    target = folder / "inputs" / "tai-ve.xlsx"  # beside the record: its registry resolves
    target.write_bytes(response.content)
    try:
        assert load_document(target) == load_document(folder / RECORD)
    finally:
        target.unlink()


def test_a_period_takes_its_results_as_an_uploaded_workbook(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = server
    period = "inputs/periods/2026-H2"
    blank = httpx.get(f"{url}/api/period/results/workbook", params={"path": period})
    assert blank.status_code == 200
    workbook = tmp_path / "ket-qua.xlsx"
    workbook.write_bytes(blank.content)
    fill_results(folder / period / "ket-qua-xa.csv", workbook)
    book = openpyxl.load_workbook(workbook)
    book.worksheets[0]["C5"] = "mười"
    book.save(workbook)
    upload = f"{url}/api/period/results/upload"
    sent = httpx.post(
        upload, params={"path": period}, files={"file": ("kq.xlsx", workbook.read_bytes())}
    )
    assert sent.status_code == 200
    assert sent.json()["file"] == f"{period}/ket-qua-xa.xlsx"
    [problem] = sent.json()["problems"]
    assert (problem["location"], problem["field"]) == ("Kết quả các xã!C5", "Thôn giảm")
    report = (folder / period / "bao-cao.yaml").read_text(encoding="utf-8")
    assert "\nket_qua_xa: ket-qua-xa.xlsx\n" in report and report.startswith("# Báo cáo sơ kết")

    table = httpx.get(f"{url}/api/period/results", params={"path": period}).json()
    assert table["workbook"] is True and table["rows"][3][:3] == ["05470", "Trung Hội", "mười"]
    edit = httpx.put(f"{url}/api/period/results", json={"path": period, **table})
    assert edit.status_code == 400

    book[book.sheetnames[0]]["C5"] = 4
    book.save(workbook)
    sent = httpx.post(
        upload, params={"path": period}, files={"file": ("kq.xlsx", workbook.read_bytes())}
    )
    assert sent.json()["problems"] == []
    built = httpx.post(f"{url}/api/period/build", json={"path": period}, timeout=120)
    assert built.status_code == 200 and len(built.json()["outputs"]) == 44
