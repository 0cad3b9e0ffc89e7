"""Security headers on every response, and a production start that refuses unsafe settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation import PROJECT_ROOT, create_app
from evaluation.core.db import db
from evaluation.core.security import UnsafeConfiguration, key_weakness


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


STRONG_KEY = "9f3c2a7e51d84b06c1e9a47d2f5b8e30a6d17c49e2b5f803"


def production_app(database_url, **overrides):
    return create_app(
        {
            "DATABASE_URL": database_url,
            "ENV_NAME": "production",
            "SECRET_KEY": STRONG_KEY,
            "SESSION_COOKIE_SECURE": True,
            **overrides,
        }
    )


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        ({"SECRET_KEY": "dev"}, "SECRET_KEY"),
        ({"DEBUG": True}, "DEBUG"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({}, None),
    ],
)
def test_production_refuses_unsafe_settings(database_url, overrides, refused):
    if refused:
        with pytest.raises(UnsafeConfiguration, match=refused):
            production_app(database_url, **overrides)
    else:
        app = production_app(database_url, **overrides)
        assert app.config["ENV_NAME"] == "production"
        db.engine_of(app).dispose()


@pytest.mark.parametrize(
    "key",
    [
        "a" * 40,  # the finding: accepted until now
        "ab" * 20,
        "0123456789" * 4,
        "Matkhau2026" * 3,
        "Kx9#mQ2$vL7!",  # varied but short
    ],
)
def test_production_refuses_a_low_entropy_secret_key(database_url, key):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY must be a strong"):
        production_app(database_url, SECRET_KEY=key)


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_hex(32),
        lambda: secrets.token_hex(16),
        lambda: secrets.token_urlsafe(32),
    ],
)
def test_production_accepts_a_random_secret_key(database_url, make_key):
    for _ in range(20):
        assert key_weakness(make_key()) is None
    db.engine_of(production_app(database_url, SECRET_KEY=make_key())).dispose()


def test_production_refuses_to_start_without_a_secret_key_in_the_environment(
    app, database_url, monkeypatch
):
    """Not even the key generated into instance/ on an earlier start: each server has its own."""
    monkeypatch.setenv("DANHGIA_ENV", "production")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key_file = PROJECT_ROOT / "instance" / "secret_key"
    assert key_file.exists()  # written by the development start of `app`
    before = key_file.read_text()
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is not set"):
        create_app({"DATABASE_URL": database_url})
    assert key_file.read_text() == before
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["SECRET_KEY"] == STRONG_KEY
    db.engine_of(app).dispose()


@pytest.mark.parametrize(
    ("processes", "store", "refused"),
    [
        ({"WORKERS": 3}, "memory://", True),  # the finding: 15 failures before the first 429
        ({"SERVERS": 2}, "memory://", True),
        ({"WORKERS": 3, "SERVERS": 2}, "redis://127.0.0.1:6379/0", False),
        ({}, "memory://", False),  # one process: its own count is the only count
    ],
)
def test_production_refuses_a_per_process_throttle_when_several_processes_serve(
    database_url, processes, store, refused
):
    settings = {"RATELIMIT_STORAGE_URI": store, **processes}
    if refused:
        with pytest.raises(UnsafeConfiguration, match="RATELIMIT_STORAGE_URI"):
            production_app(database_url, **settings)
    else:
        db.engine_of(production_app(database_url, **settings)).dispose()


def test_gunicorn_with_several_workers_and_memory_store_refuses_to_start(tmp_path):
    """The documented start (gunicorn.conf.py), in production, three workers, memory://."""
    env = {
        **os.environ,
        "DANHGIA_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "SESSION_COOKIE_SECURE": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'refused.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "GUNICORN_WORKERS": "3",
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_ACCESSLOG": "",
    }
    env.pop("DANHGIA_WORKERS", None)
    gunicorn = PROJECT_ROOT / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "-c", "gunicorn.conf.py", "app:app"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI is memory:// but 3 processes serve" in result.stderr


def test_production_sends_strict_transport_security(database_url, client):
    app = production_app(database_url)
    for url in ("/healthz", "/login"):
        header = app.test_client().get(url).headers["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", header).group(1))
        assert max_age >= 365 * 24 * 3600
        assert "includeSubDomains" in header
    db.engine_of(app).dispose()
    # Development is served over plain HTTP on a laptop: no HSTS there.
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_error_pages_are_friendly_and_show_no_trace(client):
    response = client.get("/plans/999999")
    assert response.status_code in (302, 404)
    page = client.get("/organisation/people/abc").get_data(as_text=True)
    assert "Traceback" not in page
    assert "Không tìm thấy trang hoặc hồ sơ này." in page
