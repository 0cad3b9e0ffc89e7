"""Headers every response carries, and the checks a production start must pass."""

from __future__ import annotations

from flask import Flask, Response

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
DEVELOPMENT_KEYS = {"dev", "t", "changeme", "secret", "browser-tests"}


class UnsafeConfiguration(RuntimeError):
    """Production refuses to start with a development secret key or with debug on."""


def check_production(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if app.debug:
        raise UnsafeConfiguration("DEBUG is on in production")
    if key in DEVELOPMENT_KEYS or len(key) < 32:
        raise UnsafeConfiguration("SECRET_KEY must be a strong, private key in production")
    if not app.config.get("SESSION_COOKIE_SECURE"):
        raise UnsafeConfiguration("production is served over HTTPS: set SESSION_COOKIE_SECURE=1")


def init_security(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
