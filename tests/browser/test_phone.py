"""Issue 16 §4: every main page works on a phone (390 × 844), and axe-core finds no serious or
critical violation on it at a laptop's or a phone's size.

axe-core comes with the axe-playwright-python package (a dev dependency that bundles
axe.min.js): nothing is downloaded when the tests run.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.main_pages import MAIN_PAGES, VIEWPORTS, MainPage, SignedIn, open_main_page

pytestmark = pytest.mark.browser

PHONE_WIDTH = VIEWPORTS["phone"]["width"]
TAP = 44  # px: WCAG 2.5.5's target size
# What a finger taps: the header's links and buttons, every button of the page, the links of its
# navigation (periods, pages, agencies) and of a table's action column, and what unfolds a
# <details>. Links in running text are exempt (WCAG 2.5.5).
TAP_TARGETS = (
    "header.site a, header.site button, main button, main .button, main input[type=submit], "
    "main .row-actions a, main nav a, main summary"
)


def small_targets(page: Page) -> list[str]:
    """The visible tap targets smaller than 44 × 44 px, described for the failure message."""
    return page.eval_on_selector_all(
        TAP_TARGETS,
        """(targets, tap) => targets
            .filter(target => target.checkVisibility())
            .map(target => [target, target.getBoundingClientRect()])
            .filter(([, box]) => box.height < tap - 0.5 || box.width < tap - 0.5)
            .map(([target, box]) =>
                `${target.textContent.trim() || target.outerHTML.slice(0, 60)}` +
                ` (${Math.round(box.width)}×${Math.round(box.height)})`)""",
        TAP,
    )


def small_chart_text(page: Page) -> list[str]:
    """Chart text drawn under 12 px: an SVG's font size times the scale it is drawn at."""
    return page.eval_on_selector_all(
        "svg text",
        """texts => texts
            .filter(text => text.checkVisibility() && text.textContent.trim())
            .map(text => [text, parseFloat(getComputedStyle(text).fontSize)
                                * text.ownerSVGElement.getScreenCTM().a])
            .filter(([, size]) => size < 12)
            .map(([text, size]) => `${text.textContent.trim()} (${size.toFixed(1)} px)`)""",
    )


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["html"][:120] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_page_works_on_a_phone(signed_in: SignedIn, live_server: str, main_page: MainPage) -> None:
    context = signed_in.context(main_page.user, "phone")
    try:
        page = open_main_page(context, live_server, main_page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{main_page} scrolls sideways on a phone ({width} px)"
        assert small_chart_text(page) == [], f"{main_page}: chart text too small to read"

        if main_page.user is not None:
            toggle = page.locator("button.menu-toggle")
            navigation = page.get_by_role("navigation", name="Điều hướng chính")
            expect(toggle).to_be_visible()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            expect(navigation).to_be_hidden()
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            expect(navigation).to_be_visible()
            expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, f"the open menu scrolls sideways ({width} px)"

        # With the menu open, every target of the page is on screen to be measured.
        assert small_targets(page) == [], f"{main_page}: tap targets under {TAP} px"

        if main_page.user is not None:
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            expect(navigation).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_no_serious_accessibility_violation(
    signed_in: SignedIn, live_server: str, main_page: MainPage, viewport: str
) -> None:
    context = signed_in.context(main_page.user, viewport)
    try:
        page = open_main_page(context, live_server, main_page)
        assert serious_violations(page) == [], f"axe-core on {main_page} at {viewport}"
    finally:
        context.close()


def test_menu_is_open_on_a_laptop(signed_in: SignedIn, live_server: str) -> None:
    """At 1280 px the menu fits on one line: no button, every link in sight."""
    context = signed_in.context("tccb", "laptop")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/evaluations")
        expect(page.locator("button.menu-toggle")).to_be_hidden()
        navigation = page.get_by_role("navigation", name="Điều hướng chính")
        for link in navigation.get_by_role("link").all():
            expect(link).to_be_visible()
        header = page.locator("header.site").bounding_box()
        assert header is not None and header["height"] < 2 * TAP, "the header wraps"
        # The menu marks where the reader is: the section of the year's evaluations.
        current = navigation.locator("a[aria-current]")
        expect(current).to_have_count(1)
        expect(current).to_have_text("Đánh giá năm")
    finally:
        context.close()


def test_menu_works_without_javascript(signed_in: SignedIn, live_server: str) -> None:
    """Without the script the menu is simply open, and its button (useless then) is hidden."""
    state = signed_in.context("nhanvien", "phone")
    cookies = state.cookies()
    state.close()
    context = signed_in.browser.new_context(
        viewport=VIEWPORTS["phone"], is_mobile=True, java_script_enabled=False
    )
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(f"{live_server}/plans")
        expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
        expect(page.locator("button.menu-toggle")).to_be_hidden()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH
    finally:
        context.close()


def test_a_wide_table_becomes_cards_on_a_phone(signed_in: SignedIn, live_server: str) -> None:
    """The plan's tasks: a table on a laptop; on a phone one card per task, each value named."""
    plan = next(main_page for main_page in MAIN_PAGES if main_page.name == "plan")
    for viewport, stacked in (("laptop", False), ("phone", True)):
        context = signed_in.context(plan.user, viewport)
        try:
            page = open_main_page(context, live_server, plan)
            table = page.locator("table.tasks")
            assert ("stacked" in (table.get_attribute("class") or "")) is stacked, viewport
            if stacked:
                deadline = table.locator("tbody tr").first.locator("td").nth(2)
                assert deadline.get_attribute("data-label") == "Hạn"
                before = deadline.evaluate("cell => getComputedStyle(cell, '::before').content")
                assert before == '"Hạn: "'
                assert table.locator("tbody tr").first.get_attribute("role") == "row"
        finally:
            context.close()
