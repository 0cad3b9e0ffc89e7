"""Rendered fragments of pages, kept by the version of the stored data they show.

A key names everything the fragment was rendered from (the stored rows' version, the unit
tree's revision, the reader's reach, the language), so an entry is never stale, only unused:
nothing is ever invalidated, new versions simply ask for new keys. In memory per process by
default; in Redis when PAGE_CACHE_URL is `redis://…`, so every worker and server shares one
rendering per version (entries expire after a day, unused versions with them).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from evaluation.core.memo import Recent

log = logging.getLogger(__name__)
ONE_DAY = 24 * 3600


class MemoryFragments:
    def __init__(self, size: int = 64) -> None:
        self._items: Recent[str, str] = Recent(size)

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def put(self, key: str, html: str) -> None:
        self._items.put(key, html)


class RedisFragments:
    def __init__(self, uri: str, prefix: str) -> None:
        import redis  # only deployments that use Redis need the package

        self._redis = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(f"{self._prefix}:{key}")
        except Exception:  # a cache that is down costs a rendering, never a page
            log.warning("page cache unreachable", exc_info=True)
            return None
        return value.decode() if value is not None else None

    def put(self, key: str, html: str) -> None:
        try:
            self._redis.set(f"{self._prefix}:{key}", html.encode(), ex=ONE_DAY)
        except Exception:
            log.warning("page cache unreachable", exc_info=True)


def init_app(app: Flask) -> None:
    uri = app.config.get("PAGE_CACHE_URL", "memory://")
    if uri.startswith(("redis://", "rediss://", "unix://")):
        store: MemoryFragments | RedisFragments = RedisFragments(
            uri, app.config.get("PAGE_CACHE_PREFIX", "danhgia:page")
        )
    elif uri == "memory://":
        store = MemoryFragments()
    else:
        raise ValueError(f"PAGE_CACHE_URL must be memory:// or redis://…, not {uri!r}")
    app.extensions["page_cache"] = store


def fragment(key: tuple[Hashable, ...] | None, render: Callable[[], str]) -> Markup:
    """The fragment rendered for `key`, rendering it on the first request for that key (every
    time when there is no key: nothing stored to name it by)."""
    if key is None:
        html = render()
    else:
        store: MemoryFragments | RedisFragments = current_app.extensions["page_cache"]
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        cached = store.get(digest)
        if cached is None:
            cached = render()
            store.put(digest, cached)
        html = cached
    # Our own template's output, escaped when it was rendered: not user input.
    return Markup(html)  # noqa: S704  # nosec B704


def cache_key(versions: tuple[Any, ...], *parts: Hashable) -> tuple[Hashable, ...] | None:
    """A key from the versions of the stored data shown and the other parts, or None when a
    version is unknown (nothing stored: nothing to name the rendering by)."""
    if any(version is None for version in versions):
        return None
    return (*versions, *parts)
