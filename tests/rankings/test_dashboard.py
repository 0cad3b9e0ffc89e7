"""The dashboard: each figure equals a count made here, record by record in Python; every chart
has its table; figures of a period still open say "tạm tính"."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import Level
from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from tests.conftest import account_id

TODAY = date(2026, 5, 20)
LEVELS = ["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"]


@pytest.fixture
def world(session, make_unit, make_person, clock):
    clock(TODAY)
    agency = make_unit("Sở Xây dựng", UnitKind.AGENCY)
    divisions = [make_unit(f"Phòng {n}", parent=agency) for n in (1, 2, 3)]
    office = make_unit("Văn phòng", parent=agency)
    other = make_unit("Sở Y tế", UnitKind.AGENCY)  # out of reach: never counted
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=agency)
    heads = [make_person(d, role=LeadershipRole.HEAD) for d in divisions]
    staff = [make_person(d) for d in divisions for _ in range(3)]
    strangers = [make_person(other) for _ in range(2)]
    levels = [Level.XUAT_SAC, Level.TOT, Level.TOT, Level.HOAN_THANH, Level.KHONG_HOAN_THANH]
    for number, person in enumerate(staff + strangers):
        for year in (2025, 2026):
            evaluation = procedure.open_evaluation(session, person, year)
            evaluation.personnel_level = levels[(number + year) % len(levels)]
    for number, person in enumerate(staff + strangers):
        for month in (2, 3, 4, 5):
            plan = plans.create_plan(
                session, person, Period(PeriodKind.MONTH, 2026, month), actor_id=None
            )
            for day in (5, 15, 25):
                plans.add_task(
                    session, plan,
                    TaskInput("Việc", None, Decimal(1), "hồ sơ", Decimal(1),
                              date(2026, month, day)),
                    actor_id=None,
                )  # fmt: skip
            if (number + month) % 2:
                plans.transition(session, plan, "submit", actor_id=None)
                head = heads[divisions.index(person.unit)] if person in staff else None
                if head is None:
                    continue
                plans.transition(session, plan, "approve", actor_id=account_id(session, head))
                first, second, _ = plan.tasks
                plans.report_result(
                    session, first,
                    ResultInput("done", Decimal(1), date(2026, month, 18), None, None, None),
                    actor_id=None,
                )  # fmt: skip
                plans.report_result(
                    session, second,
                    ResultInput("done", Decimal(1), date(2026, month, 10), None, None, None),
                    actor_id=None,
                )  # fmt: skip
    session.flush()
    return {"agency": agency, "personnel": personnel, "staff": staff, "divisions": divisions}


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of one table, each cell's text."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_headcount_by_level_and_year_equals_a_count_of_the_records(session, world, login_as):
    html = login_as(world["personnel"]).get("/dashboard").get_data(as_text=True)
    rows = {row[0].split()[0]: row for row in table(html, "headcount-table")}
    in_reach = {p.id for p in world["staff"]} | {world["personnel"].id}
    for year in (2025, 2026):
        counted = {level: 0 for level in LEVELS}
        for evaluation in session.scalars(
            sa.select(AnnualEvaluation).where(AnnualEvaluation.year == year)
        ):
            if evaluation.person_id in in_reach:
                counted[evaluation.level.value] += 1
        row = rows[str(year)]
        assert [int(cell) for cell in row[1:5]] == [counted[level] for level in LEVELS], year
        assert int(row[5]) == sum(counted.values()) == len(world["staff"])
    # the open year is provisional, the closed one not
    assert "tạm tính" in rows["2026"][0] and "tạm tính" not in rows["2025"][0]
    assert 'id="headcount-chart-t"' in html


def test_overdue_tasks_by_month_equal_a_count_of_the_tasks(session, world, login_as):
    html = login_as(world["personnel"]).get("/dashboard").get_data(as_text=True)
    rows = table(html, "overdue-table")
    assert [row[0].split()[0] for row in rows] == ["1", "2", "3", "4", "5"]
    staff = {p.id for p in world["staff"]}
    tasks = [t for t in session.scalars(sa.select(Task)) if t.plan.person_id in staff]
    for row in rows:
        month = int(row[0].split()[0])
        mine = [t for t in tasks if t.deadline.month == month and t.deadline <= TODAY]
        late = sum(t.outcome is TaskOutcome.DONE_LATE for t in mine)
        overdue = sum(t.is_overdue(TODAY) for t in mine)
        assert (int(row[1]), int(row[2])) == (late, overdue), month
    assert any(int(row[2]) for row in rows) and any(int(row[1]) for row in rows)
    assert "tạm tính" in rows[-1][0] and "tạm tính" not in rows[0][0]  # May is still open


def test_completion_by_agency_and_the_ranking_trend_have_their_tables(session, world, login_as):
    staff = world["staff"]
    for person in staff[:3]:
        evaluation = procedure.find_evaluation(session, person.id, 2026)
        evaluation.final_level = Level.TOT
        evaluation.decision_reason = "Theo đề xuất"
        evaluation.decided_at = evaluation.computed_at
    session.flush()
    html = login_as(world["personnel"]).get("/dashboard").get_data(as_text=True)
    (agency,) = table(html, "completion-table")
    # everyone placed in the agency's subtree now: staff, heads and the personnel officer
    placed = len(staff) + len(world["divisions"]) + 1
    assert agency[0] == "Sở Xây dựng"
    assert (int(agency[1]), int(agency[2])) == (placed, 3)
    assert agency[3] == f"{round(100 * 3 / placed, 1)}%".replace(".", ",")
    assert 'id="completion-chart-t"' in html

    trend = table(html, "trend-table")
    # the agency's four divisions (the office too), as the ranking page groups them
    expected = sorted([d.name for d in world["divisions"]] + ["Văn phòng"])
    assert sorted(row[0] for row in trend) == expected
    for row in trend:
        assert all(cell in {"1", "2", "3", "4", "—"} for cell in row[1:])
    assert 'id="trend-chart-t"' in html


def test_every_chart_is_svg_with_its_table_and_readable_on_a_phone(world, login_as):
    html = login_as(world["personnel"]).get("/dashboard").get_data(as_text=True)
    for chart in ("headcount-chart", "overdue-chart", "trend-chart", "completion-chart"):
        svg = re.search(rf'<svg role="img" aria-labelledby="{chart}-t" viewBox="0 0 (\d+) ', html)
        assert svg and int(svg.group(1)) <= 360, chart  # drawn at a phone's width: no shrinking
    for table_id in ("headcount-table", "overdue-table", "trend-table", "completion-table"):
        assert f'<table id="{table_id}">' in html
    assert "dashboard.css" in html


@pytest.mark.parametrize(
    ("url", "provisional"),
    [
        ("/rankings/2026-05", True),  # May is still running on 20 May
        ("/rankings/2026-04", False),
        ("/rankings/2026-Q2", True),
        ("/rankings/2026-Q1", False),
        ("/rankings/2026", True),
        ("/rankings/2025", False),
    ],
)
def test_rankings_of_an_open_period_are_provisional(world, login_as, url, provisional):
    client = login_as(world["personnel"])
    html = client.get(url).get_data(as_text=True)
    assert ('id="provisional"' in html) is provisional
    unit = world["divisions"][0].id
    html = client.get(f"{url}/units/{unit}").get_data(as_text=True)
    assert ('id="provisional"' in html) is provisional


def test_while_people_write_the_dashboard_is_computed_once_per_lag(
    app, session, world, login_as, monkeypatch
):
    """Its figures are read live: with PAGE_CACHE_MAX_LAG, the readers of the same view within
    the lag share one computation, then the next reader computes the figures again."""
    from evaluation.core import page_cache
    from tests.test_query_counts import counting

    now = [1_000_000.0]
    monkeypatch.setattr(page_cache.time, "time", lambda: now[0])
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_LAG", 20)
    monkeypatch.setitem(app.extensions, "page_cache", page_cache.MemoryFragments())
    client = login_as(world["personnel"])
    first = client.get("/dashboard").get_data(as_text=True)
    late_before = table(first, "overdue-table")
    staff = world["staff"][0]
    task = session.scalars(
        sa.select(Task).join(Plan).where(Plan.person_id == staff.id, Task.outcome.is_(None))
    ).first()
    task.outcome, task.completed_on = TaskOutcome.DONE_LATE, TODAY
    session.flush()
    now[0] += 10
    with counting(app) as statements:
        within = client.get("/dashboard").get_data(as_text=True)
    assert table(within, "overdue-table") == late_before
    assert not any("FROM task" in statement for statement in statements)
    now[0] += 11
    after = client.get("/dashboard").get_data(as_text=True)
    assert table(after, "overdue-table") != late_before
