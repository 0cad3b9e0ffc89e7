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
def test_statements_do_not_grow_with_units(app, client, login_as, province, who, url, clock):
    clock(date(2026, 4, 10))
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


def test_dashboards_show_their_charts(client, login_as, province, clock):
    clock(date(2026, 4, 10))
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


def test_the_ranking_shows_one_level_of_the_tree_at_a_time(
    client, login_as, make_unit, make_person
):
    """A province ranks its departments first; each department's divisions one level down."""
    root = make_unit("Tỉnh", UnitKind.AGENCY)
    first, second = (make_unit(f"Sở {n}", UnitKind.AGENCY, parent=root) for n in (1, 2))
    divisions = [make_unit(f"Phòng {n}.{m}", parent=s) for n, s in ((1, first), (2, second))
                 for m in (1, 2, 3)]  # fmt: skip
    office = make_unit("Văn phòng", parent=root)
    login_as(make_person(office, account_role=AccountRole.PERSONNEL, served_unit=root))

    top = client.get("/rankings/2026-03").get_data(as_text=True)
    assert "Sở 1" in top and "Sở 2" in top
    assert "Phòng 1.1" not in top
    assert f'href="/rankings/2026-03?under={first.id}"' in top
    assert "Xếp hạng 3 đơn vị trực thuộc" in top

    below = client.get(f"/rankings/2026-03?under={first.id}").get_data(as_text=True)
    assert "Các đơn vị trực thuộc Sở 1" in below
    assert all(d.name in below for d in divisions[:3])
    assert not any(d.name in below for d in divisions[3:])
    assert "Sở 2" not in below

    assert client.get(f"/rankings/2026-03?under={divisions[0].id}").status_code == 404
    assert client.get("/rankings/2026-03?under=999999").status_code == 404


def test_a_ranking_level_outside_ones_reach_is_not_found(client, login_as, make_unit, make_person):
    root = make_unit("Tỉnh", UnitKind.AGENCY)
    first, second = (make_unit(f"Sở {n}", UnitKind.AGENCY, parent=root) for n in (1, 2))
    for parent in (first, second):
        make_unit("Phòng A", parent=parent)
        make_unit("Phòng B", parent=parent)
    login_as(make_person(first, role=LeadershipRole.HEAD))
    assert client.get(f"/rankings/2026-03?under={first.id}").status_code == 200
    assert client.get(f"/rankings/2026-03?under={second.id}").status_code == 404
