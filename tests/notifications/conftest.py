"""The notification tests send through a real SMTP server (tests/smtp_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.smtp_server import SmtpServer, free_port, smtp_server  # noqa: F401  (fixture)

BASE_URL = "https://danhgia.sonlam.gov.vn"


@pytest.fixture
def mail(app: Flask, smtp_server: SmtpServer) -> Iterator[SmtpServer]:  # noqa: F811
    """Mail on, to the test's SMTP server, for one test; the settings restored after."""
    settings = {
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": smtp_server.port,
        "MAIL_FROM": "danhgia@sonlam.gov.vn",
        "MAIL_MAX_ATTEMPTS": 3,
        "MAIL_RETRY_DELAY": 0,
        "MAIL_TIMEOUT": 5,
        "BASE_URL": BASE_URL,
    }
    before = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    smtp_server.reset()
    yield smtp_server
    app.config.update(before)
    smtp_server.reset()


@pytest.fixture
def unreachable_mail(mail: SmtpServer, app: Flask) -> int:
    """A port where nothing listens: every send is refused at connection."""
    port = free_port()
    app.config["MAIL_PORT"] = port
    return port
