"""On the demo province (every step of the procedure, scores, rankings, emulation): each read
answers a full page that conforms to the contract, for the administrator and for a head."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, tzinfo

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from evaluation import create_app
from evaluation.core import clock as clock_module
from evaluation.core.db import db
from tests.conftest import DEMO_DAY

PASSWORD = "Danhgia@2026"
READS = (
    "/api/v1/units?per_page=100",
    "/api/v1/people?per_page=100",
    "/api/v1/plans?year=2026&per_page=100",
    "/api/v1/period-scores?year=2026&per_page=100",
    "/api/v1/evaluations?year=2025&per_page=100",
    "/api/v1/evaluations?year=2026&per_page=100",
    "/api/v1/unit-results?period=2026&per_page=100",
    "/api/v1/rankings?period=2026-10",
    "/api/v1/emulation-proposals?year=2026&per_page=100",
)


@pytest.fixture(scope="module")
def demo_app(demo_database: str) -> Iterator[Flask]:
    noon = datetime.combine(DEMO_DAY, time(12), clock_module.AGENCY_TIMEZONE)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return noon.astimezone(tz) if tz else noon.replace(tzinfo=None)

    settings = {"DATABASE_URL": demo_database, "TESTING": True, "SECRET_KEY": "t"}
    application = create_app(settings | {"WTF_CSRF_ENABLED": False})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock_module, "datetime", Frozen)
        yield application
    db.engine_of(application).dispose()


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


@pytest.mark.parametrize("username", ["admin", "vietnc"])
def test_every_read_conforms_on_the_demo(demo_app: Flask, username: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)
    client = _signed_in(demo_app, username)
    filled = set()
    for url in READS:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.get_data(as_text=True)[:300])
        path = url.partition("?")[0]
        operation = schema[path]["GET"]
        operation.validate_response(answer)  # raises when the answer breaks the contract
        body = answer.get_json()
        if body.get("items") or body.get("groups"):
            filled.add(path)
    if username == "admin":  # the province's whole data: every read has rows
        assert len(filled) == len({url.partition("?")[0] for url in READS})
        # emulation: the agency of someone evaluated in 2026 (the first agency may have none)
        units = {u["id"]: u for u in client.get("/api/v1/units?per_page=100").get_json()["items"]}
        unit = units[client.get("/api/v1/evaluations?year=2026").get_json()["items"][0]["unit_id"]]
        while unit["kind"] == "phong":
            unit = units[unit["parent_id"]]
        found = client.get(f"/api/v1/emulation-proposals?year=2026&agency_id={unit['id']}")
        schema["/api/v1/emulation-proposals"]["GET"].validate_response(found)
        assert found.get_json()["items"]
