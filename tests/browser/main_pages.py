"""The main pages of the application, each as the demo role that uses it, for the phone, the
accessibility and the screenshot tests.

A page that needs an id (a plan, an evaluation record) is reached the way a person reaches it:
by the first matching link on the page that lists it, so the tests follow the demo's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from evaluation.core.clock import local_today
from tests.browser.conftest import sign_in

DEMO_PASSWORD = "Danhgia@2026"
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@dataclass(frozen=True)
class MainPage:
    name: str
    user: str | None  # None: seen before signing in
    path: str
    follow: tuple[str, ...] = ()  # then, in turn, the first link in <main> matching each

    def __str__(self) -> str:
        return self.name


def _year() -> int:
    return local_today().year


_UNIT, _PERSON = r"^/organisation/units/\d+$", r"^/organisation/people/\d+$"
MAIN_PAGES = [
    MainPage("login", None, "/login"),
    MainPage("todo", "truongphong", "/"),
    MainPage("plans", "nhanvien", "/plans"),
    MainPage("plan", "nhanvien", "/plans", (r"^/plans/\d+$",)),
    MainPage("unit", "truongphong", "/unit"),
    MainPage("assign", "truongphong", "/unit/assign"),
    MainPage("scoring", "truongphong", "/scoring"),
    MainPage("score-form", "truongphong", "/scoring", (r"^/scoring/[^/]+/people/\d+$",)),
    MainPage("evaluations", "tccb", "/evaluations"),
    MainPage("evaluation", "truongphong", "/evaluations", (r"^/evaluations/\d+/people/\d+$",)),
    MainPage("ranking", "tccb", "/rankings"),
    MainPage("ranking-unit", "tccb", "/rankings", (r"^/rankings/[^/]+/units/\d+$",)),
    MainPage("emulation", "tccb", f"/emulation/{_year()}"),
    MainPage("dashboard", "tccb", "/dashboard"),
    MainPage("audit", "tccb", "/audit"),
    MainPage("imports", "tccb", "/imports/staff"),
    MainPage("organisation", "tccb", "/organisation/"),
    MainPage("person", "tccb", "/organisation/", (_UNIT, _PERSON)),
    MainPage("records", "tccb", "/organisation/", (_UNIT, _PERSON, r"^/people/\d+/records$")),
    MainPage("password", "nhanvien", "/account/password"),
    MainPage("notifications", "truongphong", "/notifications"),
    MainPage("accounts", "tccb", "/admin/accounts"),
    MainPage("account", "tccb", "/admin/accounts", (r"^/admin/accounts/\d+$",)),
    MainPage("delegations", "tccb", "/admin/delegations"),
    MainPage("rulesets", "tccb", "/rulesets"),
    MainPage("year-close", "tccb", f"/year-end/{_year()}"),
    MainPage("api-tokens", "admin", "/admin/api-tokens"),
]


class SignedIn:
    """One signed-in browser state per demo user and viewport, reused by every test."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.states: dict[tuple[str, str], dict] = {}

    def context(self, user: str | None, viewport: str) -> BrowserContext:
        options = {
            "viewport": VIEWPORTS[viewport],
            "is_mobile": viewport == "phone",
            "has_touch": viewport == "phone",
            "locale": "vi-VN",
        }
        if user is None:
            return self.browser.new_context(**options)
        key = (user, viewport)
        if key in self.states:
            context = self.browser.new_context(storage_state=self.states[key], **options)
            if self._signed_in(context):
                return context
            context.close()  # a journey signed this user out: every earlier session ended
        context = self.browser.new_context(**options)
        sign_in(context.new_page(), self.base_url, user, DEMO_PASSWORD)
        self.states[key] = context.storage_state()
        context.close()
        return self.browser.new_context(storage_state=self.states[key], **options)

    def _signed_in(self, context: BrowserContext) -> bool:
        """Whether the saved session still opens a page (the request shares its cookies)."""
        answer = context.request.get(f"{self.base_url}/account/password", max_redirects=0)
        return answer.status == 200


def _first_link(page: Page, pattern: str) -> str:
    hrefs = page.eval_on_selector_all(
        "main a[href]", "links => links.map(link => link.getAttribute('href'))"
    )
    found = next((href for href in hrefs if re.search(pattern, href)), None)
    if found is None:
        pytest.fail(f"{page.url} has no link matching {pattern}")
    return found


def open_main_page(context: BrowserContext, base_url: str, main_page: MainPage) -> Page:
    """The page, loaded, with its scripts run."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    response = page.goto(base_url + main_page.path)
    for pattern in main_page.follow:
        response = page.goto(base_url + _first_link(page, pattern))
    assert response is not None and response.ok, f"{main_page}: {response and response.status}"
    page.wait_for_load_state("load")
    return page


def screenshot_path(root: Path, main_page: MainPage, viewport: str) -> Path:
    return root / "tests" / "artifacts" / f"page-{main_page.name}-{viewport}.png"
