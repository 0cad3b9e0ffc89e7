"""The personnel office downloads a classification summary and an individual sheet from the
pages, in Chromium on the demo organisation, and opens what the browser saved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Download, Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

YEAR = 2026


@pytest.fixture
def downloading_page(browser: Browser) -> Page:
    """A page whose downloads are kept, so the saved workbooks can be opened."""
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def saved(download: Download, folder: Path) -> Path:
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def all_text(path: Path) -> list[str]:
    sheet = load_workbook(path).active
    return [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value]


def test_personnel_downloads_summary_and_sheet(
    live_server: str, downloading_page: Page, tmp_path: Path
) -> None:
    page = downloading_page
    sign_in(page, live_server, "tccb", "Danhgia@2026")
    page.goto(f"{live_server}/evaluations/{YEAR}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # the summary of the whole reach, with one of the people the page lists
    person_link = page.locator("table tbody th a").first
    name = person_link.inner_text().strip()
    with page.expect_download() as summary_download:
        page.get_by_role("link", name=re.compile("Tải bảng tổng hợp xếp loại")).first.click()
    summary = saved(summary_download.value, tmp_path)
    assert summary.name.startswith(f"Xếp loại {YEAR} - ")  # the Vietnamese name (RFC 6266)
    texts = all_text(summary)
    assert any(
        f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {YEAR}" == text for text in texts
    )
    assert name in texts

    # the individual sheet from that person's evaluation page
    person_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    with page.expect_download() as sheet_download:
        page.get_by_role("link", name="Tải phiếu đánh giá (Excel)").click()
    sheet = saved(sheet_download.value, tmp_path)
    assert sheet.name == f"Phiếu đánh giá {YEAR} - {name}.xlsx"
    texts = all_text(sheet)
    assert any(text.startswith("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG") for text in texts)
    assert name in texts
