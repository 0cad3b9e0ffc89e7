"""The ranking of a closed, stored period is rendered once per version of what it shows.

The cached content is keyed by both periods' stored versions, the tree's revision, the
reader's reach and the language: a write, a renamed unit, another reader or another language
each get their own rendering; the same request again reads no unit and no task.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import stored
from tests.rankings.test_unit_results import MARCH, build_tree
from tests.test_query_counts import counting

FEBRUARY = Period(PeriodKind.MONTH, 2026, 2)
URL = "/rankings/2026-03"


@pytest.fixture
def tree(session, make_unit, make_person, clock):
    clock(date(2026, 4, 10))
    built = build_tree(session, make_unit, make_person)
    for period in (MARCH, FEBRUARY):
        stored.fill(session, period, date(2026, 4, 10))
    session.commit()
    return built


@pytest.fixture
def office(tree, make_person):
    return make_person(
        tree["agency"], account_role=AccountRole.PERSONNEL, served_unit=tree["agency"]
    )


def page(app, client) -> tuple[str, list[str]]:
    with counting(app) as statements:
        response = client.get(URL)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def row_of(unit: str, html: str) -> str:
    """The table row of a unit (the chart shows the same names elsewhere)."""
    rows = [row for row in html.split("<tr>") if f">{unit}</a>" in row]
    assert len(rows) == 1, unit
    return rows[0]


def without_tokens(html: str) -> str:
    """The page less its forms' CSRF tokens, which carry the second they were signed in."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def reads_units(statements: list[str]) -> bool:
    return any("FROM unit" in s and "tree_revision" not in s for s in statements)


def test_the_same_page_again_reads_no_unit_and_no_task(app, client, tree, office, login_as):
    login_as(office)
    first, first_statements = page(app, client)
    second, statements = page(app, client)
    assert reads_units(first_statements)
    assert without_tokens(second) == without_tokens(first)
    assert not reads_units(statements)
    assert not any("FROM task" in s for s in statements)
    assert "Phòng 1" in second and "86,75" in second


def report_done(session, tree) -> None:
    """Phòng 2's task not done in March, reported done on time: its points move."""
    task = session.scalars(
        sa.select(Task)
        .join(Plan)
        .where(Plan.unit_id == tree["d2"].id, Task.outcome == TaskOutcome.NOT_DONE)
    ).one()
    task.outcome, task.completed_on = TaskOutcome.DONE_ON_TIME, date(2026, 3, 20)
    session.commit()


def test_a_write_shows_at_once(app, client, session, tree, office, login_as):
    login_as(office)
    before, _ = page(app, client)
    report_done(session, tree)
    after, statements = page(app, client)
    assert after != before
    assert reads_units(statements)  # rendered again for the new version
    assert row_of("Phòng 2", before) != row_of("Phòng 2", after)  # its points moved


def test_a_renamed_unit_and_another_language_render_again(app, client, session, tree, office,
                                                          login_as):  # fmt: skip
    login_as(office)
    page(app, client)
    tree["d1"].name = "Phòng Kế hoạch"
    session.commit()
    renamed, _ = page(app, client)
    client.post("/language", data={"lang": "en"})
    english, _ = page(app, client)
    assert "Phòng Kế hoạch" in renamed
    assert 'lang="en"' in english and "Xếp hạng đơn vị" not in english


def test_each_reach_has_its_own_rendering(app, client, session, tree, office, make_person,
                                          login_as):  # fmt: skip
    """A head of Phòng 1 reaches no peer group: not the office's cached page."""
    head = make_person(tree["d1"], role=LeadershipRole.HEAD)
    session.commit()
    login_as(office)
    whole, _ = page(app, client)
    login_as(head)
    own, _ = page(app, client)
    assert "Phòng 2" in whole
    assert "Phòng 2" not in own


def test_with_a_lag_a_write_shows_once_the_lag_has_passed(app, client, session, tree, office,
                                                          login_as, monkeypatch):  # fmt: skip
    """While people write, the page names its rendering's version for PAGE_CACHE_MAX_LAG
    seconds: the write reaches the page after the lag, rendered once."""
    from evaluation.core import page_cache

    now = [1_000_000.0]
    monkeypatch.setattr(page_cache.time, "time", lambda: now[0])
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_LAG", 20)
    monkeypatch.setitem(app.extensions, "page_cache", page_cache.MemoryFragments())
    login_as(office)
    before, _ = page(app, client)
    report_done(session, tree)
    now[0] += 5
    within, statements = page(app, client)
    assert row_of("Phòng 2", within) == row_of("Phòng 2", before)
    assert not reads_units(statements)
    now[0] += 20
    after, statements = page(app, client)
    assert row_of("Phòng 2", after) != row_of("Phòng 2", before)
    assert reads_units(statements)
