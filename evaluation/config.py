"""Configuration from environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/.

    Not in production: a generated key differs from server to server, so production takes
    the environment's or none, and core.security refuses to start without one."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if os.environ.get("DANHGIA_ENV") == "production":
        return ""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _count(name: str, default: int) -> int:
    """A whole number from the environment; a wrong one stops the start, naming the variable."""
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _link_claim() -> str:
    """Which claim of a sign-on identity names its account; another stops the start."""
    value = os.environ.get("OIDC_LINK_CLAIM", "").strip() or "preferred_username"
    if value not in ("preferred_username", "email"):
        raise ValueError(f"OIDC_LINK_CLAIM must be preferred_username or email, not {value!r}")
    return value


def load_config(instance_path: Path) -> dict[str, Any]:
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'danhgia.sqlite3'}"
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "SECRET_KEY": _secret_key(instance_path),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "AGENCY_NAME": os.environ.get("AGENCY_NAME", "UBND tỉnh Sơn Lâm"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "danhgia:signin"),
        # How many proxies (nginx, a load balancer) stand before the app and add to
        # X-Forwarded-For; 0 believes no such header. See core.security.
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES", 0),
        # Processes that serve: gunicorn.conf.py sets DANHGIA_WORKERS; DANHGIA_SERVERS is the
        # number of application servers. Production refuses memory:// when more than one serves.
        "WORKERS": _count("DANHGIA_WORKERS", 1),
        "SERVERS": _count("DANHGIA_SERVERS", 1),
        # A page that finds a closed period's sums not stored yet asks a background thread to
        # store them (rankings.stored); 0 leaves that to `flask db fill-stored-sums` (cron).
        "STORED_SUMS_FILL_IN_BACKGROUND": os.environ.get("STORED_SUMS_FILL_IN_BACKGROUND", "1")
        == "1",
        # Rendered fragments of pages (the ranking of a closed period): memory:// per process,
        # or redis://… shared by every worker and server (core.page_cache).
        "PAGE_CACHE_URL": os.environ.get("PAGE_CACHE_URL", "memory://"),
        # Seconds a page that sums the whole province (ranking, dashboard, emulation) may show
        # figures older than the latest write: one rendering per page, reach and lag, however
        # many read it while people write (core.page_cache). 0: every write shows at once.
        "PAGE_CACHE_MAX_LAG": _count("PAGE_CACHE_MAX_LAG", 20),
        # Background jobs (core.jobs): "inprocess", a thread of the app process (nothing more
        # to run), or "rq", a queue on Redis served by `flask --app app jobs worker`.
        "JOB_RUNNER": os.environ.get("JOB_RUNNER", "inprocess"),
        "JOB_REDIS_URL": os.environ.get("JOB_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "JOB_QUEUE": os.environ.get("JOB_QUEUE", "danhgia"),
        # A running job whose worker is gone, or silent this many seconds, is run again, up to
        # JOB_MAX_ATTEMPTS times, then marked failed.
        "JOB_STALE_AFTER": _count("JOB_STALE_AFTER", 600),
        "JOB_MAX_ATTEMPTS": _count("JOB_MAX_ATTEMPTS", 3),
        "JOB_TIMEOUT": _count("JOB_TIMEOUT", 3600),
        # An export of more rows than this (the classification summary) is built by a job and
        # downloaded when ready (reports.exports).
        "EXPORT_JOB_ROWS": _count("EXPORT_JOB_ROWS", 5000),
        # Where those jobs write the workbooks: instance/exports/ when empty.
        "EXPORT_DIRECTORY": os.environ.get("EXPORT_DIRECTORY", "").strip(),
        # Tests only: seconds the year-end close waits after each step, so it can be killed
        # in the middle (tests/yearend/test_close_kill.py). Leave unset.
        "YEAR_CLOSE_STEP_DELAY": _count("YEAR_CLOSE_STEP_DELAY", 0),
        # Single sign-on with OpenID Connect (accounts.sso): the sign-in page offers it when
        # the issuer, client id and secret are all set. An identity is linked to the account
        # whose username (preferred_username) or person's email (email) its claim names;
        # OIDC_CREATE_ACCOUNTS=1 makes an account for a person on file who has none.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_PROVIDER_NAME": os.environ.get("OIDC_PROVIDER_NAME", "").strip(),
        "OIDC_LINK_CLAIM": _link_claim(),
        "OIDC_CREATE_ACCOUNTS": os.environ.get("OIDC_CREATE_ACCOUNTS", "") == "1",
        # Email of notifications (notifications.mail): none sent without MAIL_SERVER. A send
        # refused or unreachable is tried MAIL_MAX_ATTEMPTS times, MAIL_RETRY_DELAY seconds
        # apart (times the attempt), then kept as failed. BASE_URL begins the emails' links.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": _count("MAIL_PORT", 25),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "danhgia@localhost"),
        "MAIL_TIMEOUT": _count("MAIL_TIMEOUT", 20),
        "MAIL_MAX_ATTEMPTS": _count("MAIL_MAX_ATTEMPTS", 3),
        "MAIL_RETRY_DELAY": _count("MAIL_RETRY_DELAY", 30),
        "BASE_URL": os.environ.get("BASE_URL", "http://localhost:5000").rstrip("/"),
        # DANHGIA_ENV=production turns on the start-up checks of core.security.
        "ENV_NAME": os.environ.get("DANHGIA_ENV", "development"),
    }
