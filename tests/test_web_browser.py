"""End to end, in a real headless browser (Debian's chromium and chromium-driver, driven
by selenium): a clerk creates a State plan through the form, sees a problem next to the
empty field, fixes it, previews page 1, downloads the .docx; runs the example batch and
downloads its .zip. Screenshots for docs/ are written with VANBAN_SCREENSHOTS=DIR."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.conftest import needs_libreoffice
from tests.web_helpers import running, work_folder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or DRIVER is None) and not os.environ.get("CI"),
    reason="chromium và chromium-driver không có trên máy này",
)

INTRO = "Ủy ban nhân dân xã ban hành Kế hoạch như sau:"

REGISTRY = """\
# Nơi nhận of a commune People's Committee (for the web test).
noi_nhan:
  - {id: ubnd-tinh, ten: UBND tỉnh, muc_dich: bao_cao}
  - {id: tt-dang-uy, ten: Thường trực Đảng uỷ xã, muc_dich: bao_cao}
  - {id: cac-phong, ten: Các phòng chuyên môn thuộc UBND xã, muc_dich: thuc_hien, so_ban: 5}
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1366,768")  # an office screen
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.implicitly_wait(0)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _wait(predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # the element is not there yet (or was just redrawn)
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("the page did not reach the expected state in time")
        time.sleep(0.1)


def _field(driver: Any, path: str, tag: str = "input") -> Any:
    from selenium.webdriver.common.by import By

    return _wait(lambda: driver.find_element(By.CSS_SELECTOR, f'[data-path="{path}"] {tag}'))


def _type(driver: Any, path: str, text: str, tag: str = "input") -> None:
    element = _field(driver, path, tag)
    element.clear()
    element.send_keys(text)


def _button(driver: Any, within: str, text: str) -> Any:
    from selenium.webdriver.common.by import By

    box = _wait(lambda: driver.find_element(By.CSS_SELECTOR, f'[data-path="{within}"]'))
    buttons = box.find_elements(By.XPATH, f'./div[@class="item-bar"]/button[text()="{text}"]')
    return buttons[0] if buttons else box.find_element(By.XPATH, f'.//button[text()="{text}"]')


def _select(element: Any, text: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(element).select_by_visible_text(text)


def _pick(driver: Any, recipient: str) -> None:
    """Add a recipient of the chosen registry with the picker beside the list."""
    from selenium.webdriver.common.by import By

    label = "Chọn nơi nhận trong danh bạ"
    _select(driver.find_element(By.CSS_SELECTOR, f'select[aria-label="{label}"]'), recipient)
    driver.find_element(By.XPATH, '//button[text()="Thêm từ danh bạ"]').click()


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("VANBAN_SCREENSHOTS")
    if folder:
        driver.save_screenshot(str(Path(folder) / name))


def _download(driver: Any, name: str) -> Path:
    target = Path(driver.downloads) / name
    return _wait(lambda: target if target.is_file() and target.stat().st_size else None)


def _fill_state_plan(browser: Any, url: str) -> None:
    """Create a State plan through the form: header, summary, a paragraph and a table,
    a signature with KT. (the signer's name left empty), two recipients of a registry."""
    from selenium.webdriver.common.by import By

    browser.get(f"{url}/#/moi")
    _wait(lambda: browser.find_element(By.ID, "new-name")).send_keys("ke-hoach-thu")
    _select(browser.find_element(By.ID, "new-khoi"), "Nhà nước (NĐ 30/2020)")
    browser.find_element(By.ID, "new-go").click()

    _button(browser, "co_quan.ban_hanh", "Thêm tên cơ quan ban hành").click()
    _type(browser, "co_quan.ban_hanh.0", "ỦY BAN NHÂN DÂN")
    _button(browser, "co_quan.ban_hanh", "Thêm tên cơ quan ban hành").click()
    _type(browser, "co_quan.ban_hanh.1", "XÃ PHÚ ĐÌNH")
    _type(browser, "co_quan.viet_tat", "UBND")
    _type(browser, "co_quan.dia_danh", "Phú Đình")
    _type(browser, "nam", "2027")
    _button(browser, "trich_yeu", "Thêm trích yếu").click()
    _type(browser, "trich_yeu.0", "Triển khai sổ tay điện tử của xã")
    # Body: a paragraph, then a table (its kind chosen in the item's "kind" list).
    _button(browser, "noi_dung", "Thêm nội dung").click()
    _type(browser, "noi_dung.0.doan", INTRO, "textarea")
    _button(browser, "noi_dung", "Thêm nội dung").click()
    kind = browser.find_elements(By.CSS_SELECTOR, '[data-path="noi_dung"] select.kind')[1]
    _select(kind, "Bảng")
    # The header and the rows are grids (a row is the list of its cells).
    _button(browser, "noi_dung.1.bang.tieu_de", "Thêm hàng").click()
    head = browser.find_elements(By.CSS_SELECTOR, '[data-path="noi_dung.1.bang.tieu_de"] input')
    head[0].send_keys("STT")
    head[1].send_keys("Việc cần làm")
    _button(browser, "noi_dung.1.bang.hang", "Thêm hàng").click()
    cells = browser.find_elements(By.CSS_SELECTOR, '[data-path="noi_dung.1.bang.hang"] input')
    cells[0].send_keys("1")
    cells[1].send_keys("Cập nhật danh bạ điện tử")
    # Signature with KT. (the deputy signs for the chairman); the name left empty.
    _type(browser, "chu_ky.quyen_han", "KT.")
    _type(browser, "chu_ky.thay_mat", "CHỦ TỊCH")
    _type(browser, "chu_ky.chuc_vu", "PHÓ CHỦ TỊCH")
    # Nơi nhận: the registry, then two of its recipients picked from it.
    _select(_field(browser, "noi_nhan.danh_ba", "select"), "noi-nhan/ubnd-xa.yaml")
    _pick(browser, "UBND tỉnh (ubnd-tinh)")
    _pick(browser, "Các phòng chuyên môn thuộc UBND xã (cac-phong)")


@needs_libreoffice
def test_a_state_plan_made_through_the_form(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    folder = work_folder(tmp_path)
    (folder / "inputs" / "noi-nhan" / "ubnd-xa.yaml").write_text(REGISTRY, encoding="utf-8")
    with running(folder) as url:
        browser.get(f"{url}/")
        _wait(lambda: browser.find_element(By.XPATH, '//td[text()="inputs/ke-hoach-ubnd-xa.yaml"]'))
        _shot(browser, "web-documents.png")

        _fill_state_plan(browser, url)

        # The empty signer's name: a problem appears next to that field as the form is
        # checked while typing (no button pressed).
        note = _wait(
            lambda: browser.find_element(By.CSS_SELECTOR, '[data-path="chu_ky.ho_ten"] .problem')
        )
        assert "Không được để trống" in note.text
        name = _field(browser, "chu_ky.ho_ten")
        assert name.get_attribute("aria-invalid") == "true"
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", name)
        _shot(browser, "web-form-problem.png")

        name.send_keys("Lê Văn Nam")
        browser.find_element(By.ID, "save").click()
        _wait(lambda: browser.find_element(By.ID, "status").text == "Đã lưu.")
        assert not browser.find_elements(By.CSS_SELECTOR, ".problem")
        saved = (folder / "inputs" / "ke-hoach-thu.yaml").read_text(encoding="utf-8")
        assert "quyen_han: KT." in saved and "- ubnd-tinh" in saved and "- cac-phong" in saved

        # The format check of the result: its finding (the body's last paragraph does not
        # end with "./.") is a link to the field that holds that paragraph.
        browser.find_element(By.ID, "format-check").click()
        finding = _wait(lambda: browser.find_element(By.CSS_SELECTOR, "#findings li a"))
        assert finding.text.startswith("Dấu kết thúc nội dung — “" + INTRO)
        finding.click()
        focused = browser.switch_to.active_element
        assert focused == _field(browser, "noi_dung.0.doan", "textarea")

        browser.find_element(By.ID, "preview").click()
        image = _wait(lambda: browser.find_element(By.ID, "preview-image"), timeout=90)
        _wait(lambda: browser.execute_script("return arguments[0].naturalWidth", image) > 100)
        browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", image)
        _shot(browser, "web-preview.png")

        browser.find_element(By.XPATH, '//a[text()="Word .docx"]').click()
        document = docx.Document(str(_download(browser, "ke-hoach-thu.docx")))
    texts = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert INTRO in texts
    assert "Việc cần làm" in cells and "Cập nhật danh bạ điện tử" in cells
    closing = " ".join(cells)
    assert "KT. CHỦ TỊCH" in closing and "PHÓ CHỦ TỊCH" in closing and "Lê Văn Nam" in closing
    assert "UBND tỉnh" in closing and "Các phòng chuyên môn thuộc UBND xã" in closing


def test_the_example_batch_runs_with_progress_and_zips(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    folder = work_folder(tmp_path)
    with running(folder) as url:
        spec = "inputs%2Fexamples%2Fke-hoach-sap-xep.batch.yaml"
        browser.get(f"{url}/#/dot/{spec}")
        _wait(lambda: browser.find_element(By.ID, "run-batch")).click()
        link = _wait(lambda: browser.find_element(By.ID, "batch-zip"), timeout=120)
        summary = browser.find_element(By.ID, "batch-summary").text
        assert "43 văn bản tạo mới" in summary
        progress = browser.find_element(By.ID, "batch-progress")
        assert progress.get_attribute("value") == progress.get_attribute("max") == "43"
        link.click()
        archive = _download(browser, "ke-hoach-sap-xep.zip")
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        assert "xa-phu-dinh.docx" in names and "manifest.json" in names
        plan = docx.Document(zipped.open("xa-phu-dinh.docx"))
    assert any("Phú Đình" in p.text for p in plan.paragraphs)


def test_a_workbook_uploaded_fixed_in_the_form_and_downloaded(browser: Any, tmp_path: Path) -> None:
    """A workbook made by ``vanban workbook new`` and filled through openpyxl, the
    signer's name left empty: uploaded, its problem shown by sheet and cell next to the
    field, fixed in the form, saved back into the workbook, the .docx downloaded."""
    from selenium.webdriver.common.by import By

    from tests.workbook_helpers import SIGNER, general_rows, typed_plan

    workbook = typed_plan(tmp_path / "so-tinh-xa.xlsx", signer=None)
    cell = f"Thông tin chung!C{general_rows(workbook)['chu_ky.ho_ten']}"
    folder = work_folder(tmp_path)
    with running(folder) as url:
        browser.get(f"{url}/#/moi")
        _wait(lambda: browser.find_element(By.ID, "upload-file")).send_keys(str(workbook))
        browser.find_element(By.ID, "upload-go").click()
        note = _wait(
            lambda: browser.find_element(By.CSS_SELECTOR, '[data-path="chu_ky.ho_ten"] .problem')
        )
        assert note.text == "Thiếu Họ tên người ký. Hãy thêm trường này."
        listed = browser.find_element(By.CSS_SELECTOR, "ul.problems li a").text
        assert listed.startswith(f"{cell} — Họ tên người ký")

        _field(browser, "chu_ky.ho_ten").send_keys(SIGNER)
        browser.find_element(By.ID, "save").click()
        _wait(lambda: browser.find_element(By.ID, "status").text == "Đã lưu.")
        browser.find_element(By.XPATH, '//a[text()="Word .docx"]').click()
        document = docx.Document(str(_download(browser, "so-tinh-xa.docx")))
        browser.get(f"{url}/")
        row = _wait(lambda: browser.find_element(By.XPATH, '//tr[td="inputs/so-tinh-xa.xlsx"]'))
        assert "Hồ sơ (sổ tính .xlsx)" in row.text and "Hợp lệ" in row.text
    assert "Sắp xếp thôn, tổ dân phố năm 2026" in [p.text for p in document.paragraphs]
    closing = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "TM. ỦY BAN NHÂN DÂN" in closing and SIGNER in closing
