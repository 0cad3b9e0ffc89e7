"""Rendered fragments of pages, kept by the version of the stored data they show.

A key names everything the fragment was rendered from (the stored rows' version, the unit
tree's revision, the reader's reach, the language), so an entry is never stale, only unused:
nothing is ever invalidated, new versions simply ask for new keys. In memory per process by
default; in Redis when PAGE_CACHE_URL is `redis://…`, so every worker and server shares one
rendering per version (entries expire after a day, unused versions with them).

In December people write all day, and each write gives the pages that sum a whole province a
new version. So a caller may also name the fragment's *family* (the same page for the same
reach and language, whatever the version): a family's newest rendering is served for up to
PAGE_CACHE_MAX_LAG seconds after the data moved on, and past that one process renders the new
version while the others keep serving the previous one (a claim: a lock in memory, `SET NX`
in Redis). Readers never wait in a queue of renderings: a write costs one rendering per family
and lag, whatever the number of readers. A fragment without a version (computed live) is kept
the same way, for the lag. With PAGE_CACHE_MAX_LAG = 0 every version is rendered before it is
shown, as the tests expect.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from evaluation.core.memo import Recent

log = logging.getLogger(__name__)
ONE_DAY = 24 * 3600
CLAIM_SECONDS = 60  # a claim outlives a rendering that died with its process
# Stands, in a kept rendering, for the CSRF token of the request that rendered it: each reader
# gets their own session's token in its place, so a fragment may hold forms.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


class MemoryFragments:
    def __init__(self, size: int = 64) -> None:
        self._items: Recent[str, str] = Recent(size)
        self._newest: Recent[str, tuple[str, float]] = Recent(size)
        self._claims: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def put(self, key: str, html: str) -> None:
        self._items.put(key, html)

    def newest(self, family: str) -> tuple[str, float] | None:
        return self._newest.get(family)

    def set_newest(self, family: str, key: str, at: float) -> None:
        self._newest.put(family, (key, at))

    def claim(self, family: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._claims.get(family, 0.0) > now:
                return False
            self._claims[family] = now + CLAIM_SECONDS
            return True

    def release(self, family: str) -> None:
        with self._lock:
            self._claims.pop(family, None)


class RedisFragments:
    def __init__(self, uri: str, prefix: str) -> None:
        import redis  # only deployments that use Redis need the package

        self._redis = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        value = self._call(lambda: self._redis.get(f"{self._prefix}:{key}"))
        return value.decode() if value is not None else None

    def put(self, key: str, html: str) -> None:
        self._call(lambda: self._redis.set(f"{self._prefix}:{key}", html.encode(), ex=ONE_DAY))

    def newest(self, family: str) -> tuple[str, float] | None:
        value = self._call(lambda: self._redis.get(f"{self._prefix}:newest:{family}"))
        if value is None:
            return None
        key, _, at = value.decode().partition(" ")
        return key, float(at)

    def set_newest(self, family: str, key: str, at: float) -> None:
        self._call(
            lambda: self._redis.set(f"{self._prefix}:newest:{family}", f"{key} {at}", ex=ONE_DAY)
        )

    def claim(self, family: str) -> bool:
        claimed = self._call(
            lambda: self._redis.set(
                f"{self._prefix}:claim:{family}", b"1", nx=True, ex=CLAIM_SECONDS
            ),
            failed=True,  # Redis down: render, as without a cache
        )
        return bool(claimed)

    def release(self, family: str) -> None:
        self._call(lambda: self._redis.delete(f"{self._prefix}:claim:{family}"))

    @staticmethod
    def _call(action: Callable[[], Any], failed: Any = None) -> Any:
        try:
            return action()
        except Exception:  # a cache that is down costs a rendering, never a page
            log.warning("page cache unreachable", exc_info=True)
            return failed


Store = MemoryFragments | RedisFragments


def init_app(app: Flask) -> None:
    uri = app.config.get("PAGE_CACHE_URL", "memory://")
    if uri.startswith(("redis://", "rediss://", "unix://")):
        store: Store = RedisFragments(uri, app.config.get("PAGE_CACHE_PREFIX", "danhgia:page"))
    elif uri == "memory://":
        store = MemoryFragments()
    else:
        raise ValueError(f"PAGE_CACHE_URL must be memory:// or redis://…, not {uri!r}")
    app.extensions["page_cache"] = store


Key = tuple[Hashable, ...]


def _digest(key: tuple[Hashable, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def fragment(
    key: Key | Callable[[], Key] | None,
    render: Callable[[], str],
    *,
    family: tuple[Hashable, ...] | None = None,
) -> Markup:
    """The fragment rendered for `key`, rendering it on the first request for that key (every
    time when there is neither a key nor a family: nothing to name the rendering by).

    With a `family`, a rendering of another version of it (or, without a key, any rendering)
    younger than PAGE_CACHE_MAX_LAG seconds is served as it is; an older one is served while
    another process renders the new one. `key` may be a function: within the lag it is not
    called, so a busy page reads no version at all; a version found unchanged past the lag
    keeps its rendering current for another lag."""
    store: Store = current_app.extensions["page_cache"]
    lag = float(current_app.config.get("PAGE_CACHE_MAX_LAG", 0) or 0)
    lagging = family is not None and lag > 0
    kin = _digest(("family", *family)) if family is not None else ""
    newest = store.newest(kin) if lagging else None
    young = newest is not None and time.time() - newest[1] < lag
    if young and newest and (within := store.get(newest[0])) is not None:
        return _markup(within)  # within the lag: no version read, no rendering
    if callable(key):
        key = key()
    digest = _digest(key) if key is not None else None
    if digest is not None and (cached := store.get(digest)) is not None:
        if lagging:
            store.set_newest(kin, digest, time.time())
        return _markup(cached)
    if not lagging:
        html = _rendered(render)
        if digest is not None:
            store.put(digest, html)
        return _markup(html)

    previous = store.get(newest[0]) if newest is not None else None
    if not store.claim(kin):
        if previous is not None:
            return _markup(previous)  # another process is rendering the new version
        return _markup(_rendered(render))  # nothing to serve meanwhile: as without a cache
    try:
        html = _rendered(render)
        digest = digest or _digest(("live", *(family or ()), time.time()))
        store.put(digest, html)
        store.set_newest(kin, digest, time.time())
    finally:
        store.release(kin)
    return _markup(html)


def _rendered(render: Callable[[], str]) -> str:
    """The rendering as it is kept: the request's CSRF token, if it printed one, replaced."""
    html = render()
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return html.replace(token, CSRF_PLACEHOLDER) if token else html


def _markup(html: str) -> Markup:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, generate_csrf())
    # Our own template's output, escaped when it was rendered: not user input.
    return Markup(html)  # noqa: S704  # nosec B704


def cache_key(versions: tuple[Any, ...], *parts: Hashable) -> tuple[Hashable, ...] | None:
    """A key from the versions of the stored data shown and the other parts, or None when a
    version is unknown (nothing stored: nothing to name the rendering by)."""
    if any(version is None for version in versions):
        return None
    return (*versions, *parts)
