"""The personnel office closes the year for its province in Chromium and watches the progress
bar to the end: the bar moves with the job's real steps, then the page shows the result."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from evaluation import create_app
from evaluation.core.db import db
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_close_server(live_database: str) -> Iterator[str]:
    """The live server's database served by an application whose close waits a second after
    each step, so the bar is seen moving (a close of the demo takes well under a second)."""
    app = create_app(
        {"DATABASE_URL": live_database, "SECRET_KEY": "browser-tests", "YEAR_CLOSE_STEP_DELAY": 1}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    db.engine_of(app).dispose()


def test_the_office_closes_the_year_and_watches_the_progress_bar(
    slow_close_server: str, page: Page
) -> None:
    base = slow_close_server
    sign_in(page, base, "tccb", "Danhgia@2026")
    page.goto(f"{base}/year-end/2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chốt kết quả năm 2026")

    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation the form asks
    page.get_by_label("Tôi xác nhận chốt kết quả năm").check()
    page.get_by_role("button", name="Chốt kết quả năm").click()

    bar = page.locator("#close-bar")
    expect(bar).to_be_visible()
    seen: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if page.locator("#close-result").count():
            break
        value = page.evaluate("() => document.getElementById('close-bar')?.value")
        if value is not None:
            seen.append(int(value))
        page.wait_for_timeout(100)
    expect(page.locator("#close-result")).to_contain_text("Kết quả chốt")
    assert seen == sorted(seen), seen  # it only moves forward
    assert any(0 < value < 100 for value in seen), seen  # real steps, not a jump
    assert seen[-1] == 100, seen  # it reached the end before the result replaced it
    expect(page.locator("#close-progress")).to_have_count(0)
    expect(page.locator("#close-history")).to_contain_text("đang dùng")
