"""The lag a busy province allows the pages that sum it (`core.page_cache`).

While people write, every write gives the ranking and the dashboard a new version. A family's
newest rendering is served for PAGE_CACHE_MAX_LAG seconds; past that one process renders the
new version while the others keep serving the previous one; without a lag every version is
rendered before it is shown. In memory and in Redis (the server on 127.0.0.1:6379)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from flask import Flask

from evaluation.core import page_cache
from evaluation.core.page_cache import MemoryFragments, RedisFragments

REDIS_URI = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FAMILY = ("ranking", "2026", True, (), None, "vi")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(page_cache.time, "time", ticking.time)
    return ticking


def _redis_store() -> RedisFragments:
    import redis

    try:
        redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URI}: {error}")
    return RedisFragments(REDIS_URI, f"danhgia-test:{secrets.token_hex(4)}")


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> page_cache.Store:
    return MemoryFragments() if request.param == "memory" else _redis_store()


@pytest.fixture
def with_store(app: Flask, store: page_cache.Store, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setitem(app.extensions, "page_cache", store)
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_LAG", 20)
    with app.test_request_context():
        yield store


class Renderer:
    """Counts its renderings; each shows the version it was asked for."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, version: str):
        def render() -> str:
            self.calls.append(version)
            return f"<p>{version}</p>"

        return render


def show(version: str | None, renderer: Renderer, shown: str | None = None) -> str:
    key = (version, *FAMILY) if version is not None else None
    return str(page_cache.fragment(key, renderer(shown or version or "live"), family=FAMILY))


def test_a_new_version_within_the_lag_serves_the_previous_rendering(with_store, clock):
    renderer = Renderer()
    assert show("v1", renderer) == "<p>v1</p>"
    clock.now += 5
    assert show("v2", renderer) == "<p>v1</p>"  # written 5 s ago: still the previous
    assert show("v3", renderer) == "<p>v1</p>"
    assert renderer.calls == ["v1"]


def test_past_the_lag_the_newest_version_is_rendered_once(with_store, clock):
    renderer = Renderer()
    show("v1", renderer)
    clock.now += 21
    assert show("v2", renderer) == "<p>v2</p>"
    assert show("v2", renderer) == "<p>v2</p>"
    clock.now += 1
    assert show("v3", renderer) == "<p>v2</p>"
    assert renderer.calls == ["v1", "v2"]


def test_while_another_process_renders_the_previous_rendering_is_served(with_store, clock):
    renderer = Renderer()
    show("v1", renderer)
    clock.now += 60
    kin = page_cache._digest(("family", *FAMILY))
    assert with_store.claim(kin)  # another worker is rendering v2
    assert show("v2", renderer) == "<p>v1</p>"
    with_store.release(kin)
    assert show("v2", renderer) == "<p>v2</p>"
    assert renderer.calls == ["v1", "v2"]


def test_with_nothing_rendered_yet_a_claimed_family_is_rendered_anyway(with_store, clock):
    renderer = Renderer()
    kin = page_cache._digest(("family", *FAMILY))
    assert with_store.claim(kin)
    assert show("v1", renderer) == "<p>v1</p>"  # nothing older to serve: no waiting
    assert renderer.calls == ["v1"]


def test_a_fragment_without_a_version_is_kept_for_the_lag(with_store, clock):
    renderer = Renderer()
    assert show(None, renderer, "first") == "<p>first</p>"
    clock.now += 19
    assert show(None, renderer, "second") == "<p>first</p>"
    clock.now += 2
    assert show(None, renderer, "third") == "<p>third</p>"
    assert renderer.calls == ["first", "third"]


def test_without_a_lag_every_version_is_rendered_before_it_is_shown(
    app: Flask, with_store, clock, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_LAG", 0)
    renderer = Renderer()
    assert show("v1", renderer) == "<p>v1</p>"
    assert show("v2", renderer) == "<p>v2</p>"
    assert show("v1", renderer) == "<p>v1</p>"  # kept by its key
    assert show(None, renderer, "live") == "<p>live</p>"
    assert show(None, renderer, "again") == "<p>again</p>"
    assert renderer.calls == ["v1", "v2", "live", "again"]


def test_two_servers_sharing_redis_render_a_version_once(app: Flask, clock, monkeypatch):
    first, second = _redis_store(), _redis_store()
    second._prefix = first._prefix  # the same Redis database and prefix: one province
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_LAG", 20)
    renderer = Renderer()
    for store in (first, second):
        monkeypatch.setitem(app.extensions, "page_cache", store)
        with app.test_request_context():
            assert show("v1", renderer) == "<p>v1</p>"
    clock.now += 30
    monkeypatch.setitem(app.extensions, "page_cache", first)
    kin = page_cache._digest(("family", *FAMILY))
    assert first.claim(kin)  # the first server is rendering v2 …
    monkeypatch.setitem(app.extensions, "page_cache", second)
    with app.test_request_context():
        assert show("v2", renderer) == "<p>v1</p>"  # … so the second serves v1 meanwhile
    assert renderer.calls == ["v1"]


def test_within_the_lag_no_version_is_read(with_store, clock):
    """A key given as a function is not called while the family's rendering is young: a
    busy page reads no stored version at all; past the lag it reads it once, and a version
    found unchanged keeps that rendering for another lag."""
    renderer = Renderer()
    reads: list[str] = []

    def key_of(version: str):
        def key() -> tuple:
            reads.append(version)
            return (version, *FAMILY)

        return key

    def shown(version: str) -> str:
        return str(page_cache.fragment(key_of(version), renderer(version), family=FAMILY))

    assert shown("v1") == "<p>v1</p>"
    clock.now += 10
    assert shown("v1") == "<p>v1</p>"
    assert reads == ["v1"]  # the second request read nothing
    clock.now += 15
    assert shown("v1") == "<p>v1</p>"  # past the lag: read, unchanged, served
    clock.now += 15
    assert shown("v2") == "<p>v1</p>"  # confirmed 15 s ago: still within the lag
    assert reads == ["v1", "v1"]
    clock.now += 6
    assert shown("v2") == "<p>v2</p>"
    assert renderer.calls == ["v1", "v2"]


def test_a_kept_form_carries_each_readers_own_csrf_token(app: Flask, with_store, clock):
    """A fragment kept with a form in it: each session gets its own token in the form, one
    that its next POST passes, never the token of the session that rendered it."""
    from flask_wtf.csrf import generate_csrf, validate_csrf

    renderer_calls: list[str] = []

    def render() -> str:
        renderer_calls.append("form")
        return f'<form><input name="csrf_token" value="{generate_csrf()}"></form>'

    served = []
    for _reader in range(2):
        with app.app_context(), app.test_request_context():  # a new request and session
            html = str(page_cache.fragment(("v1", *FAMILY), render, family=FAMILY))
            token = html.split('value="')[1].split('"')[0]
            validate_csrf(token)  # raises if the token is not this session's
            served.append(token)
    assert renderer_calls == ["form"]
    assert served[0] != served[1]
    assert page_cache.CSRF_PLACEHOLDER not in "".join(served)
