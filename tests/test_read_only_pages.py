"""The main pages work on a read-only replica: no GET writes, stored sums or not.

The demo is loaded into a database of its own; one application signs people in (signing in
writes), another, with the same secret, reads through a connection the database itself keeps
read-only (SQLite `mode=ro`, PostgreSQL `default_transaction_read_only`), as a reports replica
would. Every main page must answer, before the closed periods' sums are stored (computed on
the fly) and after (`flask db fill-stored-sums`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, tzinfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from evaluation import create_app
from evaluation.core import clock as clock_module
from evaluation.core.db import db
from evaluation.core.throttle import limiter
from tests.conftest import DEMO_DAY

TODAY = DEMO_DAY
PASSWORD = "Danhgia@2026"
PAGES = [
    ("truongphong", "/"),
    ("nhanvien", "/plans"),
    ("truongphong", "/unit"),
    ("truongphong", "/scoring"),
    ("tccb", "/evaluations"),
    ("tccb", f"/evaluations/{TODAY.year}"),
    ("tccb", "/rankings"),
    ("tccb", f"/rankings/{TODAY.year - 1}"),
    ("tccb", f"/rankings/{TODAY.year}-Q3"),
    ("tccb", f"/emulation/{TODAY.year - 1}"),
    ("tccb", "/dashboard"),
    ("tccb", "/audit"),
    ("tccb", "/organisation/"),
]


def read_only(url: str) -> str:
    """The same database, through a connection that refuses every write."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    parsed = make_url(url)
    options = " ".join(
        filter(None, (parsed.query.get("options"), "-c default_transaction_read_only=on"))
    )
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def apps(demo_database: str) -> Iterator[tuple[Flask, Flask]]:
    url = demo_database
    noon = datetime.combine(TODAY, time(12), clock_module.AGENCY_TIMEZONE)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return noon.astimezone(tz) if tz else noon.replace(tzinfo=None)

    settings = {"TESTING": True, "SECRET_KEY": "replica", "WTF_CSRF_ENABLED": False}
    primary = create_app({"DATABASE_URL": url, **settings})
    replica_url = read_only(url)
    replica = create_app(
        {"DATABASE_URL": replica_url, "STORED_SUMS_FILL_IN_BACKGROUND": True, **settings}
    )  # even asked to, the replica cannot store: its pages compute instead
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock_module, "datetime", Frozen)
        yield primary, replica
        primary.test_cli_runner().invoke(args=["db", "forget-stored-sums"])  # as it was
    db.engine_of(primary).dispose()
    db.engine_of(replica).dispose()


def signed_in(primary: Flask, replica: Flask, username: str) -> FlaskClient:
    """Sign in on the primary (it writes), then carry the session cookie to the replica."""
    limiter.reset()
    writer = primary.test_client()
    response = writer.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    reader = replica.test_client()
    cookie = writer.get_cookie("session")
    assert cookie is not None
    reader.set_cookie("session", cookie.value)
    return reader


def visit_all(primary: Flask, replica: Flask) -> dict[str, int]:
    statuses = {}
    clients: dict[str, FlaskClient] = {}
    for username, path in PAGES:
        client = clients.get(username) or signed_in(primary, replica, username)
        clients[username] = client
        response = client.get(path, follow_redirects=True)
        statuses[f"{username} {path}"] = response.status_code
        if response.status_code == 200:
            assert "<main" in response.get_data(as_text=True), path
    return statuses


def test_the_replica_refuses_writes(apps: tuple[Flask, Flask]) -> None:
    """The check below means something: a write through the replica's connection fails."""
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    _primary, replica = apps
    refused = pytest.raises(DBAPIError, match=r"read-?only")  # refused for that, not another
    with replica.app_context(), refused, db.transaction() as session:
        session.execute(sa.text("DELETE FROM audit_record"))


def test_main_pages_answer_on_a_read_only_replica(apps: tuple[Flask, Flask]) -> None:
    primary, replica = apps
    before = visit_all(primary, replica)  # closed periods not stored: computed
    assert before == {page: 200 for page in before}
    result = primary.test_cli_runner().invoke(args=["db", "fill-stored-sums"])
    assert result.exit_code == 0, result.output
    assert "Stored the unit sums of" in result.output
    after = visit_all(primary, replica)  # now read from the stored rows
    assert after == {page: 200 for page in after}
