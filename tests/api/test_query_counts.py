"""No N+1 in the API: a page of 100 rows runs as many statements as a page of 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy.orm import Session

from evaluation.api.models import TokenScope
from evaluation.organisation.models import Unit
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from tests.api.conftest import bearer
from tests.conftest import account_id
from tests.test_query_counts import counting

MARCH = Period(PeriodKind.MONTH, 2026, 3)
URLS = (
    "/api/v1/units?per_page=100",
    "/api/v1/people?per_page=100",
    "/api/v1/plans?per_page=100",
    "/api/v1/period-scores?year=2026&per_page=100",
    "/api/v1/evaluations?year=2026&per_page=100",
)


def _add_people(session: Session, make_person, make_unit, unit: Unit, head_id: int, count: int):
    for _ in range(count):
        person = make_person(make_unit(parent=unit))
        for day in (3, 10):
            data = plans.TaskInput("Việc", None, Decimal(1), "việc", Decimal(1), date(2026, 3, day))
            plans.assign_task(session, person, MARCH, data, actor_id=head_id)
    session.flush()


def _statements(app: Flask, secret: str) -> dict[str, int]:
    client = app.test_client()
    counts = {}
    for url in URLS:
        with counting(app) as statements:
            answer = client.get(url, headers=bearer(secret))
        assert answer.status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_reads_do_not_grow_with_the_rows_they_return(
    app: Flask, session: Session, agency, make_person, make_unit, make_token
) -> None:
    head = account_id(session, agency.head)
    secret = make_token(agency.agency, TokenScope.READ)
    _add_people(session, make_person, make_unit, agency.agency, head, 3)
    _statements(app, secret)  # what a process loads once is not counted
    few = _statements(app, secret)
    _add_people(session, make_person, make_unit, agency.agency, head, 40)
    many = _statements(app, secret)
    assert many == few
