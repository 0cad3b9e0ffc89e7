"""A demo employee plans a week and submits it; their manager approves it, in Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from evaluation.core.clock import local_today
from evaluation.plans.periods import Period, PeriodKind
from tests.browser.conftest import follow_menu, sign_in, sign_out

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "Danhgia@2026"


def test_weekly_plan_from_draft_to_approval(live_server: str, page: Page) -> None:
    # The demo has plans up to the current week: plan the next one.
    next_week = Period.containing(PeriodKind.WEEK, local_today() + timedelta(days=7))
    sign_in(page, live_server, "nhanvien", DEMO_PASSWORD)
    # signing in lands on the to-do page; the plans are one menu link away
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    follow_menu(page, "Kế hoạch của tôi")
    expect(page.get_by_role("heading", name="Kế hoạch công tác của tôi")).to_be_visible()

    page.get_by_label("Loại kế hoạch").select_option("week")
    page.get_by_label("Một ngày bất kỳ trong kỳ").fill(next_week.starts_on.isoformat())
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Tuần {next_week.number}\\b"))
    ).to_be_visible()

    tasks = [
        ("Tiếp nhận hồ sơ đăng ký đất đai", "15", "hồ sơ", next_week.starts_on + timedelta(2)),
        ("Báo cáo tình hình giải quyết hồ sơ tuần", "1", "báo cáo", next_week.ends_on),
    ]
    for title, quantity, unit, deadline in tasks:
        page.get_by_role("link", name="Thêm nhiệm vụ").click()
        page.get_by_label("Tên nhiệm vụ").fill(title)
        page.get_by_label("Số lượng sản phẩm").fill(quantity)
        page.get_by_label("Đơn vị tính").fill(unit)
        page.get_by_label("Hạn hoàn thành").fill(deadline.isoformat())
        page.get_by_role("button", name="Lưu").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thêm nhiệm vụ.")
    rows = page.locator("table.tasks tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("15 hồ sơ")

    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi kế hoạch")
    expect(page.locator("h1 .badge")).to_have_text("Chờ duyệt")
    plan_url = page.url
    sign_out(page)

    sign_in(page, live_server, "truongphong", DEMO_PASSWORD)
    follow_menu(page, "Đơn vị")
    waiting = page.locator("#awaiting + ul").get_by_role(
        "link", name=re.compile(f"Tuần {next_week.number}\\b")
    )
    expect(waiting).to_be_visible()
    waiting.click()
    assert page.url == plan_url
    page.get_by_role("button", name="Duyệt kế hoạch").click()
    expect(page.get_by_role("status")).to_contain_text("Đã duyệt kế hoạch.")
    expect(page.locator("h1 .badge")).to_have_text("Đã duyệt")


def test_pages_fit_a_phone(live_server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, "nhanvien", DEMO_PASSWORD)
    # the to-do page signing in lands on, then the plans page behind the folded menu
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    assert_fits(page, 375)
    follow_menu(page, "Kế hoạch của tôi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch công tác của tôi")
    assert_fits(page, 375)
    context.close()


def assert_fits(page: Page, viewport_width: int) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport_width, f"{page.url} scrolls sideways on a phone ({width}px)"
