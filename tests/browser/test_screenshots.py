"""Screenshots of the main pages at a laptop's and a phone's size, kept in tests/artifacts/ so a
person can look at them (issue 16). They are written only when asked for:

    SCREENSHOTS=1 .venv/bin/pytest -q tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os

import pytest

from tests.browser.main_pages import (
    MAIN_PAGES,
    VIEWPORTS,
    MainPage,
    SignedIn,
    open_main_page,
    screenshot_path,
)
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="SCREENSHOTS=1 writes them"),
]
# The top of a long list is enough to judge it, and keeps each file small enough to commit.
MAX_HEIGHT = 5000


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_screenshot(
    signed_in: SignedIn, live_server: str, main_page: MainPage, viewport: str
) -> None:
    context = signed_in.context(main_page.user, viewport)
    try:
        page = open_main_page(context, live_server, main_page)
        path = screenshot_path(ROOT, main_page, viewport)
        path.parent.mkdir(parents=True, exist_ok=True)
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        clip = {"x": 0, "y": 0, "width": VIEWPORTS[viewport]["width"], "height": height}
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        assert path.stat().st_size > 0
    finally:
        context.close()
