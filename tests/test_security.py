"""Security headers on every response, and a production start that refuses unsafe settings."""

from __future__ import annotations

import pytest

from evaluation import create_app
from evaluation.core.db import db
from evaluation.core.security import UnsafeConfiguration


@pytest.mark.parametrize("url", ["/login", "/static/style.css", "/does-not-exist"])
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        policy = response.headers["Content-Security-Policy"]
        headers = response.headers
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_page_needs_inline_script_or_style(client, login_as, make_unit, make_person):
    login_as(make_person(make_unit()))
    for url in ("/plans", "/evaluations/2026", "/account/password"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        ({"SECRET_KEY": "dev"}, True),
        ({"SECRET_KEY": "x" * 40, "DEBUG": True}, True),
        ({"SECRET_KEY": "x" * 40}, True),  # not over HTTPS
        ({"SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": True}, False),
    ],
)
def test_production_refuses_unsafe_settings(database_url, overrides, refused):
    settings = {"DATABASE_URL": database_url, "ENV_NAME": "production", **overrides}
    if refused:
        with pytest.raises(UnsafeConfiguration):
            create_app(settings)
    else:
        app = create_app(settings)
        assert app.config["ENV_NAME"] == "production"
        db.engine_of(app).dispose()


def test_error_pages_are_friendly_and_show_no_trace(client):
    response = client.get("/plans/999999")
    assert response.status_code in (302, 404)
    page = client.get("/organisation/people/abc").get_data(as_text=True)
    assert "Traceback" not in page
    assert "Không tìm thấy trang hoặc hồ sơ này." in page
