"""Safety of the web page: paths stay in the working folder, a password off the loopback
address, the Host header checked, stale saves refused with nothing lost."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.web_helpers import running, work_folder

RECORD = "inputs/ke-hoach-ubnd-xa.yaml"

BAD_PATHS = [
    "../inputs/ke-hoach-ubnd-xa.yaml",
    "inputs/../../etc/passwd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "inputs/..%2F..%2Fsecret.yaml",
    "C:/Windows/win.ini",
    "inputs\\..\\x.yaml",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    base = tmp_path_factory.mktemp("web-safety")
    folder = work_folder(base)
    (base / "secret.yaml").write_text("mat_khau: 1234\n", encoding="utf-8")
    with running(folder) as url:
        yield url, folder


@pytest.mark.parametrize("bad", BAD_PATHS)
def test_a_path_leaving_the_folder_is_refused_in_any_parameter(
    server: tuple[str, Path], bad: str
) -> None:
    url, folder = server
    before = (folder / RECORD).read_bytes()
    attempts = [
        httpx.get(f"{url}/api/record?path={bad}"),
        httpx.get(f"{url}/api/record/download?path={bad}&kind=docx"),
        httpx.get(f"{url}/api/file?path={bad}"),
        httpx.get(f"{url}/api/batch/zip?path={bad}"),
        httpx.get(f"{url}/api/period/results?path={bad}"),
        httpx.get(f"{url}/api/record/download?path={RECORD}&kind={bad}"),
        httpx.post(f"{url}/api/record/check", json={"path": bad, "data": {}}),
        httpx.put(f"{url}/api/record", json={"path": bad, "data": {"khoi": "dang"}, "version": ""}),
        httpx.post(f"{url}/api/batch/run", json={"path": bad}),
        httpx.put(
            f"{url}/api/period/results", json={"path": bad, "header": [], "rows": [], "version": ""}
        ),
        httpx.post(f"{url}/api/period/build", json={"path": bad}),
        httpx.post(f"{url}/api/period/new", json={"id": "2030-H1", "from": bad}),
    ]
    for response in attempts:
        assert response.status_code == 400, (response.request.url, response.text)
        assert "mat_khau" not in response.text
    assert (folder / RECORD).read_bytes() == before
    assert not (folder.parent / "x.yaml").exists()


def test_a_dotdot_in_the_url_path_is_refused(server: tuple[str, Path]) -> None:
    url, _ = server
    with httpx.Client() as client:
        request = client.build_request("GET", f"{url}/static/%2E%2E/%2E%2E/secret.yaml")
        response = client.send(request)
    assert response.status_code in {400, 404}
    assert "mat_khau" not in response.text


def test_upload_names_cannot_place_files(server: tuple[str, Path]) -> None:
    url, folder = server
    data = (folder / RECORD).read_bytes()
    response = httpx.post(f"{url}/api/render", files={"file": ("../../ra-ngoai.yaml", data)})
    assert response.status_code == 200  # only the base name is used, nothing written
    assert not list(folder.parent.glob("ra-ngoai*"))


def test_a_registry_outside_the_folder_is_not_read(server: tuple[str, Path]) -> None:
    url, folder = server
    data = (folder / RECORD).read_text(encoding="utf-8")
    data = data.replace("noi_nhan:\n", "noi_nhan:\n  danh_ba: ../../secret.yaml\n", 1)
    response = httpx.post(f"{url}/api/render", files={"file": ("x.yaml", data.encode())})
    assert response.status_code == 422
    assert "mat_khau" not in response.text
    assert "ngoài thư mục làm việc" in response.text


def test_the_second_of_two_stale_saves_is_refused_and_the_first_kept(
    server: tuple[str, Path],
) -> None:
    url, folder = server
    first = httpx.get(f"{url}/api/record", params={"path": RECORD}).json()
    second = httpx.get(f"{url}/api/record", params={"path": RECORD}).json()
    assert first["version"] == second["version"]
    first["data"]["chu_ky"]["ho_ten"] = "Người Thứ Nhất"
    second["data"]["chu_ky"]["ho_ten"] = "Người Thứ Hai"
    one = httpx.put(f"{url}/api/record", json={"path": RECORD, **first})
    two = httpx.put(f"{url}/api/record", json={"path": RECORD, **second})
    assert one.status_code == 200 and two.status_code == 409
    assert "đã được sửa ở nơi khác" in two.json()["problems"][0]["message"]
    text = (folder / RECORD).read_text(encoding="utf-8")
    assert "Người Thứ Nhất" in text and "Người Thứ Hai" not in text
    # A new file made meanwhile by someone else is not overwritten either.
    new = {"path": "inputs/moi.yaml", "data": {"khoi": "dang"}, "version": ""}
    assert httpx.put(f"{url}/api/record", json=new).status_code == 200
    assert httpx.put(f"{url}/api/record", json=new).status_code == 409


def test_another_host_name_is_refused_on_the_loopback_address(server: tuple[str, Path]) -> None:
    url, _ = server
    response = httpx.get(f"{url}/api/documents", headers={"Host": "attacker.example:8765"})
    assert response.status_code == 400


def test_host_0000_without_a_password_refuses_to_start(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--no-browser", str(tmp_path)], env={}
    )
    assert result.exit_code == 2
    assert "cần đặt mật khẩu" in result.output


def test_a_password_guards_every_request(tmp_path: Path) -> None:
    folder = work_folder(tmp_path)
    with running(folder, password="bi-mat-2026") as url:
        assert httpx.get(f"{url}/api/documents").status_code == 401
        assert httpx.get(f"{url}/").status_code == 401
        wrong = base64.b64encode(b"thu-ky:sai").decode()
        assert httpx.get(f"{url}/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode(b"thu-ky:bi-mat-2026").decode()
        response = httpx.get(f"{url}/api/documents", headers={"Authorization": f"Basic {right}"})
        assert response.status_code == 200
        bearer = {"Authorization": "Bearer bi-mat-2026"}
        assert httpx.get(f"{url}/api/documents", headers=bearer).status_code == 200


def test_requests_from_another_site_cannot_change_anything(server: tuple[str, Path]) -> None:
    url, folder = server
    body = '{"id": "2031-H1", "from": "2027-H1"}'
    other = {"Origin": "http://attacker.example", "Content-Type": "application/json"}
    response = httpx.post(f"{url}/api/period/new", content=body, headers=other)
    assert response.status_code == 403
    # A cross-site HTML form can only send text/plain, urlencoded or multipart bodies.
    plain = {"Content-Type": "text/plain"}
    response = httpx.post(f"{url}/api/period/new", content=body, headers=plain)
    assert response.status_code == 403
    assert not (folder / "inputs/periods/2031-H1").exists()
    same = {"Origin": url, "Content-Type": "application/json"}
    assert httpx.post(f"{url}/api/record/check", content="{}", headers=same).status_code == 400
