"""Placements inserted in bulk reach the stored sums, however many people they place.

A staff import inserts thousands of placements in one statement; past
`stored.DISCIPLINE_LOOKUP_LIMIT` people the disciplined among them are found by reading every
disciplined person rather than by an IN list. Both ways must touch the same rows.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.organisation.models import LeadershipRole, Placement
from evaluation.rankings import stored
from evaluation.records.models import DisciplineRecord
from tests.rankings.test_stored_sums import (
    MARCH,
    Q1,
    YEAR,
    _write_discipline_record,
    changed,
    fill_all,
    key,
    recount,
    rows,
    tree,  # noqa: F401 - the fixture
)


@pytest.mark.parametrize("limit", [500, 1], ids=["in-list", "every-disciplined-person"])
def test_a_bulk_placement_of_a_disciplined_person_recomputes_its_unit(
    session,
    tree,  # noqa: F811 - the fixture
    make_person,
    monkeypatch,
    limit,
):
    monkeypatch.setattr(stored, "DISCIPLINE_LOOKUP_LIMIT", limit)
    _write_discipline_record(session, tree)  # in Phòng 2, effective 5 March
    session.flush()
    fill_all(session)
    disciplined = session.scalar(sa.select(DisciplineRecord.person_id))
    other = make_person(tree["d1"])  # placed too, never disciplined
    session.flush()
    before = rows(session)
    march = {"starts_on": date(2026, 3, 1), "ends_on": date(2026, 3, 31)}
    placement = {"leadership_role": LeadershipRole.NONE, "job_position": "Chuyên viên"}
    session.execute(
        Placement.__table__.insert(),
        [
            {"person_id": disciplined, "unit_id": tree["d3"].id, **placement, **march},
            {"person_id": other.id, "unit_id": tree["d3"].id, **placement, **march},
        ],
    )
    after = rows(session)
    # in Phòng 3 on the day of the record too: March, its quarter and its year change there
    assert changed(before, after) == {key(period, tree["d3"]) for period in (MARCH, Q1, YEAR)}
    assert after == recount(session)
