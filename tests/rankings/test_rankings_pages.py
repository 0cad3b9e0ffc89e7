"""The ranking, emulation and dashboard pages: what they show, and statements that do not
grow with the number of units."""

from __future__ import annotations

from datetime import date

import pytest

from criteria import Level
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring.models import AnnualEvaluation
from tests.rankings.test_unit_results import score, unit_plan
from tests.test_query_counts import counting

MARCH = Period(PeriodKind.MONTH, 2026, 3)


@pytest.fixture
def province(session, make_unit, make_person):
    agency = make_unit("Sở", UnitKind.AGENCY)
    office = make_unit("Phòng Tổ chức", parent=agency)
    director = make_person(agency, role=LeadershipRole.HEAD)
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=agency)
    counter = iter(range(1, 100))

    def add_divisions(count: int) -> None:
        for _ in range(count):
            division = make_unit(f"Phòng {next(counter)}", parent=agency)
            unit_plan(session, division, MARCH, [TaskOutcome.DONE_ON_TIME])
            member = make_person(division)
            score(session, member, division, MARCH, 80)
            session.add(
                AnnualEvaluation(
                    person=member, year=2026, unit_id=division.id, unit=division,
                    category=member.category, rulebook="nd90@1", computed_level=Level.TOT,
                    final_level=Level.TOT, decided_at=utcnow(),
                )
            )  # fmt: skip
        session.flush()

    return director, personnel, add_divisions


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("personnel", "/rankings/2026-03"),
        ("director", "/rankings/2026-Q1"),
        ("personnel", "/emulation/2026"),
        ("personnel", "/dashboard"),
        ("director", "/dashboard"),
    ],
)
def test_statements_do_not_grow_with_units(app, client, login_as, province, who, url, monkeypatch):
    monkeypatch.setattr("evaluation.rankings.routes.local_today", lambda: date(2026, 4, 10))
    director, personnel, add_divisions = province
    login_as(director if who == "director" else personnel)

    def statements_for(extra: int) -> int:
        add_divisions(extra)
        with counting(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = statements_for(3)
    many = statements_for(6)
    assert many == few, f"{url}: {few} statements with 3 divisions, {many} with 9"


def test_dashboards_show_their_charts(client, login_as, province, monkeypatch):
    monkeypatch.setattr("evaluation.rankings.routes.local_today", lambda: date(2026, 4, 10))
    director, personnel, add_divisions = province
    add_divisions(3)
    login_as(director)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Điểm bình quân theo tháng" in page
    assert "3: 80" in page  # March's mean points, in the chart's text alternative
    assert "3 Hoàn thành tốt nhiệm vụ" in page  # the level distribution's description
    login_as(personnel)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="quota-line"' in page
    assert "Đơn vị chưa hoàn thành xếp loại" in page
