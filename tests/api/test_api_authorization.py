"""The API's access table (tests/api/access.py): scope × subtree × action, and sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from evaluation.api.models import ApiToken, TokenScope
from evaluation.core.db import utcnow
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from tests.api.access import CALLERS, LIST_ROW, LISTS, ON
from tests.api.conftest import Agency, bearer
from tests.conftest import account_id
from tests.test_authorization import parse

MARCH = Period(PeriodKind.MONTH, 2026, 3)


def _body(key: str, owner: dict[str, int], caller: str) -> dict[str, Any] | None:
    """What the caller sends; each caller its own source system, so no push meets another's."""
    if key == "api.push_task":
        return {"source_system": caller, "external_ref": f"1/{owner['person']}",
                "person_id": owner["person"], "period": "2026-03", "title": "Việc",
                "target_quantity": 1, "unit_of_measure": "việc",
                "deadline": "2026-03-20"}  # fmt: skip
    if key == "api.push_rating":
        return {"source_system": caller, "unit_id": owner["unit"], "period": "2026-03",
                "responses": 5, "satisfied": 4}  # fmt: skip
    return None


@pytest.fixture
def world(session: Session, agency: Agency, make_token, login_as, app: Flask):
    owners = {}
    for name in ("staff", "colleague", "stranger"):
        person = getattr(agency, name)
        plan = plans.create_plan(session, person, MARCH, actor_id=account_id(session, person))
        owners[name] = {"person": person.id, "plan": plan.id, "unit": person.unit_id}
    secrets = {
        "read@agency": make_token(agency.agency, TokenScope.READ),
        "write@agency": make_token(agency.agency),
        "write@div": make_token(agency.division),
        "revoked": make_token(agency.agency),
    }
    revoked = session.scalars(sa.select(ApiToken).order_by(ApiToken.id.desc())).first()
    revoked.revoked_at = utcnow()
    session.flush()

    def call(caller: str, method: str, url: str, json: dict[str, Any] | None) -> int:
        if caller in ("staff", "head"):
            client = login_as(getattr(agency, caller))
            return client.open(url, method=method, json=json).status_code
        client = app.test_client()
        headers = bearer(secrets[caller]) if caller in secrets else {}
        return client.open(url, method=method, json=json, headers=headers).status_code

    return owners, call


@pytest.mark.parametrize("key", ON)
def test_objects(world: tuple[dict, Callable[..., int]], key: str) -> None:
    owners, call = world
    method, url, grid = ON[key]
    expected = parse(grid)
    assert list(expected) == list(CALLERS)
    got = {
        caller: {
            owner: str(
                call(caller, method, url.format(o=owners[owner]), _body(key, owners[owner], caller))
            ).replace("200", "ok")
            for owner in row
        }
        for caller, row in expected.items()
    }
    assert got == expected


@pytest.mark.parametrize("key", LISTS)
def test_lists(world: tuple[dict, Callable[..., int]], key: str) -> None:
    _owners, call = world
    got = {caller: call(caller, "GET", LISTS[key], None) for caller in CALLERS}
    assert got == LIST_ROW


def test_every_api_endpoint_is_in_the_table(app: Flask) -> None:
    from tests.api.access import COVERED

    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    ours = {e for e in routed if e.startswith(("api.", "api_tokens."))}
    assert ours == set(COVERED)
