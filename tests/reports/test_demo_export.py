"""The summary of the whole demo organisation agrees with its classification data and pages."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa

from evaluation.accounts.models import AccountRole, User
from evaluation.demo.loader import load_demo
from evaluation.organisation.models import Unit
from tests.reports.helpers import cells, find, workbook_of
from tests.reports.test_exports import (
    overview_counts,
    sql_level_counts,
    summary_counts,
    summary_people,
)

YEAR = 2026
DEMO_PASSWORD = "Danhgia@2026"  # README: every demo login


def overview_total(client) -> Counter[str]:
    """The levels over every page of the evaluations overview (50 people a page)."""
    total: Counter[str] = Counter()
    page = 1
    while (response := client.get(f"/evaluations/{YEAR}?page={page}")).status_code == 200:
        total += overview_counts(response.get_data(as_text=True))
        page += 1
    assert response.status_code == 404 and page > 2  # past the last page, after several
    return total


def test_the_demo_summary_matches_the_classification(session, client):
    load_demo(session, today=date(2026, 11, 24))  # ~8 s, so one test does it all
    admin = session.scalars(sa.select(User).where(User.role == AccountRole.ADMIN)).first()
    root = session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).one()
    signed_in = client.post("/login", data={"username": admin.username, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    response = client.get(f"/reports/evaluations/{YEAR}/units/{root.id}.xlsx")
    ws = workbook_of(response).active

    expected = sql_level_counts(session, root)
    assert sum(expected.values()) > 50
    assert summary_counts(ws) == expected
    assert len(summary_people(ws)) == sum(expected.values())
    assert overview_total(client) == expected
    assert all(cell.data_type != "f" for cell in cells(ws))
    assert find(ws, "THỦ TRƯỞNG ĐƠN VỊ")
