"""An agency with two divisions, and integration tokens scoped to it or to one division."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from evaluation.api import services
from evaluation.api.models import TokenScope
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind


@dataclass
class Agency:
    agency: Unit
    division: Unit  # a front desk, among others
    other: Unit  # another division of the agency
    outside: Unit  # another agency
    head: Person
    staff: Person
    colleague: Person
    stranger: Person  # in the other agency


@pytest.fixture
def agency(session: Session, make_unit, make_person) -> Agency:
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Bộ phận một cửa", parent=agency)
    other = make_unit("Phòng Tổ chức", parent=agency)
    outside = make_unit("Sở Tài chính", UnitKind.AGENCY)
    head = make_person(division, LeadershipRole.HEAD, name="Trần Thị Hoa")
    staff = make_person(division, name="Lê Văn Minh")
    staff.front_desk = True
    colleague = make_person(other, name="Phạm Thu Hà")
    stranger = make_person(make_unit("Phòng Ngân sách", parent=outside), name="Đỗ Văn Nam")
    session.flush()
    return Agency(agency, division, other, outside, head, staff, colleague, stranger)


MakeToken = Callable[..., str]


@pytest.fixture
def make_token(session: Session) -> MakeToken:
    """A token's secret, for a unit's subtree and a scope."""
    counter = iter(range(1, 1000))

    def make(unit: Unit, scope: TokenScope = TokenScope.WRITE, name: str | None = None) -> str:
        _token, secret = services.create_token(
            session,
            name=name or f"Hệ thống {next(counter)}",
            unit=unit,
            scope=scope,
            actor_id=None,
        )
        session.flush()
        return secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client: FlaskClient) -> Callable[..., object]:
    """client.open with a token: api("GET", url, secret, json=…)."""

    def call(method: str, url: str, secret: str | None = None, **kwargs: object):
        headers = bearer(secret) if secret else {}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call
