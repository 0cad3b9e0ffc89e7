"""Throttling of failed sign-ins, per account and per address.

Counters live in memory for one process, or in Redis when RATELIMIT_STORAGE_URI points to
it, so several servers behind a proxy share them. Only failures count: a sign-in that
succeeds (a redirect) costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

PER_ACCOUNT = "5 per 15 minutes"
PER_ADDRESS = "30 per 15 minutes"


def _account() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()[:80]


def _failed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 302


View = Callable[..., Any]


def sign_in_limits() -> Callable[[View], View]:
    """Both limits, for the sign-in view."""

    def decorate(view: View) -> View:
        view = limiter.limit(PER_ACCOUNT, key_func=_account, methods=["POST"], deduct_when=_failed)(
            view
        )
        return limiter.limit(PER_ADDRESS, methods=["POST"], deduct_when=_failed)(view)

    return decorate


def init_throttle(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
