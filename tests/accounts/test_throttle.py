"""Failed sign-ins: a growing delay per (account, address) pair, a ceiling per address, the
client's address from trusted proxies only, and one count shared by every server through Redis.

Each test replays a finding of issue 11: a stranger could lock out a chosen person; behind
the proxy one address held everybody; several processes each counted failures alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from evaluation import create_app
from evaluation.core import throttle
from evaluation.core.db import db
from tests.conftest import PASSWORD

REDIS_URI = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
STRANGER = "203.0.113.7"
OWNER = "198.51.100.9"


def _redis_or_skip() -> str:
    """Redis for the shared-store tests; missing, they skip, except under CI=true."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URI}: CI requires it ({error})")
        pytest.skip(f"Redis is not reachable at {REDIS_URI}")
    return REDIS_URI


@pytest.fixture
def make_app(database_url, session) -> Iterator[Callable[..., Flask]]:
    """Another application on the test's own connection (so it sees the test's people), with
    its own settings and its own throttle store; counters under a prefix of this test."""
    made: list[Flask] = []
    prefix = f"test-{uuid.uuid4().hex}:signin"

    def make(**overrides: object) -> Flask:
        app = create_app(
            {
                "DATABASE_URL": database_url,
                "TESTING": True,
                "SECRET_KEY": "t",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_KEY_PREFIX": prefix,
                **overrides,
            }
        )
        db.bind_to(app, session.get_bind())
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["sign_in_throttle"].clear()
        db.engine_of(app).dispose()


@pytest.fixture(params=["memory", "redis"])
def store_uri(request) -> str:
    return "memory://" if request.param == "memory" else _redis_or_skip()


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The throttle's time, moved forward by the test: `clock[0] += 61`."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    return now


def sign_in(client: FlaskClient, username: str, password: str, address: str, **headers: str):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


@pytest.fixture(autouse=True)
def _cheap_unknown_names(monkeypatch) -> None:
    """Unknown names are checked against a dummy scrypt hash; tests hash cheaply."""
    from evaluation.accounts import services

    monkeypatch.setattr(
        services, "_DUMMY_HASH", generate_password_hash("x", method="pbkdf2:sha256:1000")
    )


@pytest.fixture
def owner(make_unit, make_person):
    return make_person(make_unit(), name="Đỗ Minh Châu").code.lower()


def test_a_strangers_failures_do_not_lock_the_owner_out(make_app, store_uri, owner, clock):
    client = make_app(RATELIMIT_STORAGE_URI=store_uri).test_client()
    for _ in range(5):
        assert sign_in(client, owner, "doan-sai-1", STRANGER).status_code == 200
    blocked = sign_in(client, owner, PASSWORD, STRANGER)
    assert blocked.status_code == 429  # the stranger's pair waits, even with the right password
    assert "Vui lòng thử lại sau 1 phút." in blocked.get_data(as_text=True)
    assert blocked.headers["Retry-After"] == "60"
    assert client.get("/plans").status_code == 302  # not signed in
    owners_browser = make_app(RATELIMIT_STORAGE_URI=store_uri).test_client()
    assert sign_in(owners_browser, owner, PASSWORD, OWNER).status_code == 302


def test_the_same_pair_waits_longer_after_each_failure(make_app, store_uri, owner, clock):
    client = make_app(RATELIMIT_STORAGE_URI=store_uri).test_client()
    for _ in range(5):
        sign_in(client, owner, "doan-sai-1", STRANGER)
    for wait in (60, 120, 240, 480):
        clock[0] += wait - 1
        assert sign_in(client, owner, "doan-sai-1", STRANGER).status_code == 429
        clock[0] += 1
        assert sign_in(client, owner, "doan-sai-1", STRANGER).status_code == 200  # a failure
    assert "sau 16 phút" in sign_in(client, owner, PASSWORD, STRANGER).get_data(as_text=True)
    clock[0] += 960
    assert sign_in(client, owner, PASSWORD, STRANGER).status_code == 302
    assert throttle.wait_after(40) == throttle.LONGEST_WAIT  # an hour at most


def test_a_right_password_clears_the_pairs_failures(make_app, store_uri, owner, clock):
    client = make_app(RATELIMIT_STORAGE_URI=store_uri).test_client()
    for _ in range(4):
        sign_in(client, owner, "doan-sai-1", OWNER)
    assert sign_in(client, owner, PASSWORD, OWNER).status_code == 302
    client.post("/logout")
    for _ in range(4):  # four more from zero, not a ninth failure
        assert sign_in(client, owner, "doan-sai-1", OWNER).status_code == 200
    assert sign_in(client, owner, PASSWORD, OWNER).status_code == 302


def test_one_address_has_a_ceiling_that_other_addresses_do_not_share(
    make_app, store_uri, owner, clock
):
    client = make_app(RATELIMIT_STORAGE_URI=store_uri).test_client()
    for number in range(throttle.ADDRESS_CEILING):  # credential stuffing: many accounts
        assert sign_in(client, f"ten-{number}", "doan-sai-1", STRANGER).status_code == 200
    assert sign_in(client, owner, PASSWORD, STRANGER).status_code == 429
    assert sign_in(client, owner, PASSWORD, OWNER).status_code == 302
    clock[0] += throttle.ADDRESS_WINDOW
    client.post("/logout")
    assert sign_in(client, owner, PASSWORD, STRANGER).status_code == 302


def test_behind_a_trusted_proxy_each_client_is_throttled_alone(make_app, owner, clock):
    """Every request comes from the proxy at 127.0.0.1; X-Forwarded-For names the client."""
    client = make_app(TRUSTED_PROXIES=1).test_client()
    for number in range(throttle.ADDRESS_CEILING):
        sign_in(client, f"ten-{number}", "doan-sai-1", "127.0.0.1", **{"X-Forwarded-For": STRANGER})
    assert (
        sign_in(client, owner, PASSWORD, "127.0.0.1", **{"X-Forwarded-For": STRANGER}).status_code
        == 429
    )
    # The stranger cannot pose as another client: the proxy appends the real address last.
    spoofed = f"{OWNER}, {STRANGER}"
    assert (
        sign_in(client, owner, PASSWORD, "127.0.0.1", **{"X-Forwarded-For": spoofed}).status_code
        == 429
    )
    assert (
        sign_in(client, owner, PASSWORD, "127.0.0.1", **{"X-Forwarded-For": OWNER}).status_code
        == 302
    )


def test_without_trusted_proxies_the_forwarded_header_is_not_believed(make_app, owner, clock):
    client = make_app().test_client()  # TRUSTED_PROXIES defaults to 0
    for _ in range(5):
        sign_in(client, owner, "doan-sai-1", STRANGER, **{"X-Forwarded-For": "192.0.2.1"})
    forged = sign_in(client, owner, PASSWORD, STRANGER, **{"X-Forwarded-For": "192.0.2.2"})
    assert forged.status_code == 429


def test_two_servers_sharing_redis_count_the_same_failures(make_app, owner, clock):
    uri = _redis_or_skip()
    first, second = (make_app(RATELIMIT_STORAGE_URI=uri).test_client() for _ in range(2))
    for client in (first, second, first, second, first):
        assert sign_in(client, owner, "doan-sai-1", STRANGER).status_code == 200
    assert sign_in(second, owner, PASSWORD, STRANGER).status_code == 429  # 5 in all, not 10
    assert sign_in(first, owner, PASSWORD, STRANGER).status_code == 429


def test_processes_counting_in_memory_each_count_alone(make_app, owner, clock):
    """Why production refuses memory:// with several processes (tests/test_security.py)."""
    first, second = (make_app(RATELIMIT_STORAGE_URI="memory://").test_client() for _ in range(2))
    for client in (first, second, first, second, first):
        sign_in(client, owner, "doan-sai-1", STRANGER)
    assert sign_in(second, owner, PASSWORD, STRANGER).status_code == 302
