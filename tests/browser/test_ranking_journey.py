"""The personnel office opens the ranking, drills down to a unit and a person, and opens the
emulation proposals, in Chromium on the demo organisation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import follow_menu, sign_in

pytestmark = pytest.mark.browser


def test_ranking_drilldown_and_emulation(live_server: str, page: Page) -> None:
    sign_in(page, live_server, "tccb", "Danhgia@2026")
    follow_menu(page, "Xếp hạng")  # the main menu's link, not one of the to-do page's
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp hạng đơn vị")
    communes = page.locator("section.ranking-group").filter(has_text="Xã, phường")
    expect(communes.locator("svg[role=img]")).to_be_visible()  # the chart, with its title
    first = communes.locator("tbody tr").first
    expect(first.locator("td").first).to_have_text("1")

    # One level at a time: the commune's own divisions rank on the next level down.
    first.get_by_role("link", name=re.compile("đơn vị trực thuộc")).click()
    expect(page.locator("p.level-nav")).to_contain_text("Các đơn vị trực thuộc")
    expect(page.locator("section.ranking-group tbody tr").first.locator("td").first).to_have_text(
        "1"
    )
    page.go_back()

    first.locator("th > a").click()
    expect(page.locator("section.result")).to_contain_text("Điểm đơn vị")
    member = page.locator("table tbody th a").first
    name = member.inner_text()
    member.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("#rulebook-level")).to_be_visible()

    page.go_back()
    page.go_back()
    page.get_by_role("link", name=re.compile("Thi đua, khen thưởng năm")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thi đua, khen thưởng")
    page.locator("nav.agencies").get_by_role("link", name="Xã Tân Phong").click()
    expect(page.locator("td.titles").filter(has_text="Lao động tiên tiến").first).to_be_visible()
    expect(page.locator("article.decision").first).to_contain_text("Lao động tiên tiến")
