"""A live server on its own database with the demo organisation, and Debian's Chromium.

The server commits for real, so it gets a database of its own: a temporary SQLite file, or,
when the suite runs on PostgreSQL, a schema of its own in the test database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from alembic import command
from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from evaluation import create_app
from evaluation.cli import alembic_config
from evaluation.core.db import db, make_engine
from evaluation.demo.loader import load_demo
from tests.conftest import private_database

if TYPE_CHECKING:
    from tests.browser.main_pages import SignedIn

BROWSER_SCHEMA = "browser_e2e"


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database: migrated, with the demo organisation loaded."""
    url = private_database(tmp_path_factory.mktemp("browser"), BROWSER_SCHEMA)
    command.upgrade(alembic_config(url), "head")
    with live_session(url) as session:
        load_demo(session)
        session.commit()
    return url


@contextmanager
def live_session(url: str) -> Iterator[Session]:
    """A session on the live server's database, for tests that set the scene."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_database: str) -> Iterator[str]:
    url = live_database
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-tests"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    db.engine_of(app).dispose()


@pytest.fixture(scope="session")
def signed_in(browser: Browser, live_server: str) -> SignedIn:
    """Browser contexts already signed in as a demo user, at a laptop's or a phone's size."""
    from tests.browser.main_pages import SignedIn

    return SignedIn(browser, live_server)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def open_menu(page: Page) -> None:
    """On a phone the main menu is folded behind its button: unfold it (a no-op elsewhere)."""
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def follow_menu(page: Page, name: str) -> None:
    """Follow a link of the main menu, at any screen size."""
    open_menu(page)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True
    ).click()


def sign_out(page: Page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")
