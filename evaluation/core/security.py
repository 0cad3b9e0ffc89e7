"""Headers every response carries, and the checks a production start must pass."""

from __future__ import annotations

import math
from collections import Counter

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: pages load one stylesheet and one script of our own.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# Production only: browsers keep to HTTPS for a year, on every subdomain too.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
DEVELOPMENT_KEYS = {"dev", "t", "changeme", "secret", "browser-tests"}
KEY_MIN_LENGTH = 32
KEY_MIN_DISTINCT = 10
# Shannon entropy of the key's characters × its length; 32 random hex digits measure ≥ 90.
KEY_MIN_BITS = 80


class UnsafeConfiguration(RuntimeError):
    """Production refuses to start with settings that would weaken it (see check_production)."""


def key_weakness(key: str) -> str | None:
    """Why a secret key is too weak to sign sessions, or None for a strong one."""
    if key in DEVELOPMENT_KEYS or len(key) < KEY_MIN_LENGTH:
        return f"it is shorter than {KEY_MIN_LENGTH} characters"
    if len(set(key)) < KEY_MIN_DISTINCT:
        return f"it has fewer than {KEY_MIN_DISTINCT} distinct characters"
    counts = Counter(key).values()
    bits = -sum(n * math.log2(n / len(key)) for n in counts)
    if bits < KEY_MIN_BITS:
        return f"its characters carry about {bits:.0f} bits, fewer than {KEY_MIN_BITS}"
    if any(key[period:] == key[:-period] for period in range(1, len(key) // 2 + 1)):
        return "it repeats a shorter pattern"
    return None


def check_production(app: Flask) -> None:
    """Refuse to start production with a setting that would weaken it, naming the setting."""
    if app.config.get("ENV_NAME") != "production":
        return
    config = app.config
    key = config.get("SECRET_KEY") or ""
    if app.debug:
        raise UnsafeConfiguration("DEBUG is on in production")
    if not key:
        # A key generated into instance/ differs from server to server: sessions and CSRF
        # tokens signed by one would be refused by the next.
        raise UnsafeConfiguration(
            "SECRET_KEY is not set: production needs it in the environment, the same on every "
            "server (python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if weakness := key_weakness(key):
        raise UnsafeConfiguration(f"SECRET_KEY must be a strong, private key: {weakness}")
    if not config.get("SESSION_COOKIE_SECURE"):
        raise UnsafeConfiguration("production is served over HTTPS: set SESSION_COOKIE_SECURE=1")
    processes = int(config.get("WORKERS", 1)) * int(config.get("SERVERS", 1))
    if processes > 1 and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        raise UnsafeConfiguration(
            f"RATELIMIT_STORAGE_URI is memory:// but {processes} processes serve "
            f"(workers {config.get('WORKERS', 1)} × servers {config.get('SERVERS', 1)}): each "
            "would count failed sign-ins alone; set RATELIMIT_STORAGE_URI=redis://…"
        )


def init_security(app: Flask) -> None:
    """Security headers on every response; the client's address from trusted proxies only."""
    if proxies := int(app.config.get("TRUSTED_PROXIES", 0)):
        # Each trusted proxy appends one address to X-Forwarded-For: believe that many, no more,
        # so a client cannot choose the address the sign-in throttle counts.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("ENV_NAME") == "production":
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        return response
