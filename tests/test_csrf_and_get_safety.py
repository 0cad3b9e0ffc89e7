"""Every state-changing request needs its CSRF token; no GET changes anything.

The routes are read from the application itself, so a route added later is covered too.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from evaluation.core.audit import AuditRecord
from evaluation.core.db import Base
from evaluation.organisation.models import LeadershipRole

SAMPLE = {"year": "2026", "key": "2026-03", "verb": "submit", "step": "decision"}


def concrete(rule: str, ids: dict[str, int]) -> str:
    """A URL for a rule, filling each argument with an id or a sample value."""
    return re.sub(
        r"<(?:([^:<>]+):)?(\w+)>",  # converters may take arguments: <period(month,year):key>
        lambda m: str(ids.get(m.group(2), SAMPLE.get(m.group(2), 1))),
        rule,
    )


def table_counts(session) -> dict[str, int]:
    """Rows per table of record; derived tables (stored sums, a cache) may fill on a read."""
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
        if not table.info.get("derived")
    }


@pytest.fixture
def signed_in_manager(csrf_client, session, make_unit, make_person):
    unit = make_unit()
    head = make_person(unit, role=LeadershipRole.HEAD)
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/login",
        data={"username": head.code.lower(), "password": "Matkhau2026", "csrf_token": token},
    )
    assert response.status_code == 302
    return csrf_client, head


def test_every_post_without_a_token_is_refused(app, session, signed_in_manager):
    client, head = signed_in_manager
    ids = {"person_id": head.id, "unit_id": head.unit_id}
    before = table_counts(session)
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint != "static"
    ]
    assert len(posts) >= 10
    for rule in posts:
        response = client.post(concrete(rule.rule, ids), data={"anything": "x"})
        # The API takes no CSRF token (its writes need an integration token): a session's
        # POST there is refused outright.
        expected = 403 if rule.rule.startswith("/api/") else 400
        assert response.status_code == expected, rule.rule
    assert table_counts(session) == before


def test_no_get_changes_anything(app, session, signed_in_manager):
    client, head = signed_in_manager
    ids = {"person_id": head.id, "unit_id": head.unit_id}
    before = table_counts(session)
    audits = session.scalar(sa.select(sa.func.count(AuditRecord.id)))
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.endpoint != "static":
            with client.get(concrete(rule.rule, ids)) as response:
                assert response.status_code < 500, rule.rule
    assert table_counts(session) == before
    assert session.scalar(sa.select(sa.func.count(AuditRecord.id))) == audits
