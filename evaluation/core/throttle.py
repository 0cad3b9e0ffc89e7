"""Throttling of failed sign-ins: a growing delay per (account, address) pair, and a ceiling
per address.

A stranger guessing someone's password slows only their own address: the account's owner,
signing in from theirs, is not held back (a plain per-account lockout let anyone lock out a
chosen person). The per-address ceiling stops one address from trying many accounts
(credential stuffing) and touches no other address. Behind a proxy the address is the
client's only when TRUSTED_PROXIES says how many proxies to believe (core.security).

Counters live in Redis when RATELIMIT_STORAGE_URI is `redis://…`, so every worker and every
server counts the same failures; `memory://` counts in one process, which production refuses
when more than one process serves (core.security). Only failures count.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Protocol

from flask import Flask, current_app, request

log = logging.getLogger(__name__)

FREE_FAILURES = 5  # failures of one pair before the first wait
FIRST_WAIT = 60  # seconds after the fifth failure; doubled after each further one
LONGEST_WAIT = 60 * 60
PAIR_MEMORY = 24 * 60 * 60  # a pair's failures are forgotten a day after its last one
ADDRESS_CEILING = 30  # failures from one address, across all accounts, per window
ADDRESS_WINDOW = 15 * 60
MEMORY_ENTRIES = 100_000  # memory:// keeps at most this many counters, the newest

# Seconds since the epoch; tests replace it to let minutes pass.
clock: Callable[[], float] = time.time


def wait_after(failures: int) -> int:
    """Seconds a pair waits after its n-th failure: none before the fifth, then 1, 2, 4 …
    minutes, at most an hour."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 12), LONGEST_WAIT)


class Store(Protocol):
    def add_failure(self, pair: str, address: str, now: float) -> None: ...

    def read(self, pair: str, address: str) -> tuple[int, float, int]:
        """The pair's failures, the time of its last failure, the address's failures."""
        ...

    def forget(self, pair: str) -> None: ...

    def remember_pair(self, account: str, pair: str) -> None:
        """Note that `pair` counts failures of `account`, so the account can be unlocked."""
        ...

    def forget_account(self, account: str) -> None:
        """Forget the failures of every pair of this account, from whatever address."""
        ...

    def clear(self) -> None: ...


class MemoryStore:
    """Counters of one process: enough on a laptop or with a single worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, float, float]] = {}  # key → (n, last, expires)
        self._pairs: dict[str, set[str]] = {}  # account key → its pairs' keys

    def _get(self, key: str, now: float) -> tuple[float, float]:
        count, last, expires = self._values.get(key, (0, 0.0, 0.0))
        return (count, last) if expires > now else (0, 0.0)

    def add_failure(self, pair: str, address: str, now: float) -> None:
        with self._lock:
            if len(self._values) > MEMORY_ENTRIES:  # many made-up names: keep it bounded
                live = sorted(
                    ((k, v) for k, v in self._values.items() if v[2] > now),
                    key=lambda item: item[1][1],
                )
                self._values = dict(live[-MEMORY_ENTRIES // 2 :])
                self._pairs = {
                    account: kept
                    for account, pairs in self._pairs.items()
                    if (kept := {pair for pair in pairs if pair in self._values})
                }
            failures, _ = self._get(pair, now)
            self._values[pair] = (failures + 1, now, now + PAIR_MEMORY)
            count, _ = self._get(address, now)
            self._values[address] = (count + 1, now, now + ADDRESS_WINDOW)

    def read(self, pair: str, address: str) -> tuple[int, float, int]:
        now = clock()
        with self._lock:
            failures, last = self._get(pair, now)
            count, _ = self._get(address, now)
        return int(failures), last, int(count)

    def forget(self, pair: str) -> None:
        with self._lock:
            self._values.pop(pair, None)

    def remember_pair(self, account: str, pair: str) -> None:
        with self._lock:
            self._pairs.setdefault(account, set()).add(pair)

    def forget_account(self, account: str) -> None:
        with self._lock:
            for pair in self._pairs.pop(account, set()):
                self._values.pop(pair, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pairs.clear()


class RedisStore:
    """Counters shared by every worker and server; each update is one MULTI transaction."""

    def __init__(self, uri: str, prefix: str) -> None:
        import redis  # only deployments that use Redis need the package

        self.prefix = prefix
        self._redis = redis.Redis.from_url(uri, socket_timeout=2, socket_connect_timeout=2)

    def add_failure(self, pair: str, address: str, now: float) -> None:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(pair, "failures", 1)
            pipe.hset(pair, "last", repr(now))
            pipe.expire(pair, PAIR_MEMORY)
            pipe.incr(address)
            pipe.expire(address, ADDRESS_WINDOW)
            pipe.execute()

    def read(self, pair: str, address: str) -> tuple[int, float, int]:
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(pair, "failures", "last")
            pipe.get(address)
            (failures, last), count = pipe.execute()
        return int(failures or 0), float(last or 0), int(count or 0)

    def forget(self, pair: str) -> None:
        self._redis.delete(pair)

    def remember_pair(self, account: str, pair: str) -> None:
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(account, pair)
            pipe.expire(account, PAIR_MEMORY)
            pipe.execute()

    def forget_account(self, account: str) -> None:
        pairs = self._redis.smembers(account)
        self._redis.delete(account, *pairs)

    def clear(self) -> None:
        for key in self._redis.scan_iter(match=f"{self.prefix}:*", count=1000):
            self._redis.delete(key)


class SignInThrottle:
    """The sign-in view asks `wait_for` before checking a password, and reports the outcome."""

    def __init__(self) -> None:
        self._stores: weakref.WeakSet[MemoryStore | RedisStore] = weakref.WeakSet()

    def init_app(self, app: Flask) -> None:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
        app.config.setdefault("RATELIMIT_KEY_PREFIX", "danhgia:signin")
        uri = app.config["RATELIMIT_STORAGE_URI"]
        prefix = app.config["RATELIMIT_KEY_PREFIX"]
        store: MemoryStore | RedisStore
        if uri.startswith(("redis://", "rediss://", "unix://")):
            store = RedisStore(uri, prefix)
        elif uri.startswith("memory://"):
            store = MemoryStore()
        else:
            raise ValueError(f"RATELIMIT_STORAGE_URI must be memory:// or redis://…, not {uri!r}")
        app.extensions["sign_in_throttle"] = store
        self._stores.add(store)

    @staticmethod
    def _keys(username: str) -> tuple[str, str]:
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        account = (username or "").strip().lower()[:200]
        address = (request.remote_addr or "unknown")[:64]
        pair = hashlib.sha256(f"{account}\0{address}".encode()).hexdigest()[:40]
        now = clock()
        window = int(now // ADDRESS_WINDOW)
        return f"{prefix}:pair:{pair}", f"{prefix}:address:{address}:{window}"

    @staticmethod
    def _account_key(username: str) -> str:
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        account = (username or "").strip().lower()[:200]
        return f"{prefix}:account:{hashlib.sha256(account.encode()).hexdigest()[:40]}"

    @staticmethod
    def _store() -> MemoryStore | RedisStore:
        return current_app.extensions["sign_in_throttle"]

    def wait_for(self, username: str) -> int:
        """Seconds this account and address must wait before a password is checked (0: none)."""
        pair, address = self._keys(username)
        try:
            failures, last, address_failures = self._store().read(pair, address)
        except Exception:  # the shared store is down: sign-in goes on, scrypt still slows guessing
            log.exception("sign-in throttle: the store cannot be read")
            return 0
        now = clock()
        waits = [last + wait_after(failures) - now]
        if address_failures >= ADDRESS_CEILING:
            waits.append(ADDRESS_WINDOW - now % ADDRESS_WINDOW)
        return max(0, int(max(waits) + 0.999))

    def failed(self, username: str) -> None:
        pair, address = self._keys(username)
        try:
            self._store().add_failure(pair, address, clock())
            self._store().remember_pair(self._account_key(username), pair)
        except Exception:
            log.exception("sign-in throttle: a failure could not be counted")

    def succeeded(self, username: str) -> None:
        """A right password from this address: its earlier failures no longer count."""
        pair, _ = self._keys(username)
        try:
            self._store().forget(pair)
        except Exception:
            log.exception("sign-in throttle: a pair could not be forgotten")

    def unlock(self, username: str) -> None:
        """An administrator unlocks an account: its failures from every address are forgotten
        (the per-address ceiling stays, it guards other accounts too). Raises when the shared
        store cannot be reached, so the page says it was not done."""
        self._store().forget_account(self._account_key(username))

    def reset(self) -> None:
        """Tests: forget every counter of every application in this process."""
        for store in list(self._stores):
            store.clear()


limiter = SignInThrottle()


def init_throttle(app: Flask) -> None:
    limiter.init_app(app)
