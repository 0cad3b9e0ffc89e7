"""The staff import's bulk writes at size (issue 17): what a 2 000-row file writes, which
session hooks see it, and the cycle collector it pauses.

The rows go in with the tables' own INSERT statements, several lookup chunks wide
(`changes.LOOKUP_CHUNK`); the comparison with the person-by-person reference of
test_staff_import_speed runs here at a size where every id is resolved across chunks.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from evaluation.core.text import clean_text
from evaluation.imports import services, staff
from evaluation.imports.changes import LOOKUP_CHUNK, ImportInvalid
from tests.imports.test_staff_import_speed import (
    TODAY,
    account_of,
    last_audit_id,
    mixed_file,
    payload_of,
    person_by_person,
    staff_of,
    undone,
    viewer_of,
    world,  # noqa: F401 - the fixture
    written,
)

MEMBERS = 100
NEW_PEOPLE = 1_900


def test_a_2000_row_file_writes_what_the_person_by_person_path_wrote(
    app: Flask,
    session: Session,
    make_person,
    world: dict[str, Any],  # noqa: F811 - the fixture
):
    staff_members = staff_of(make_person, world, MEMBERS)
    payload = payload_of(mixed_file(world, staff_members, new_people=NEW_PEOPLE))
    assert len(payload["people"]) > 3 * LOOKUP_CHUNK  # ids resolved over several chunks
    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    before = last_audit_id(session)
    with app.test_request_context():
        with undone(session):
            person_by_person(session, viewer, payload, actor_id=actor, today=TODAY)
            expected = written(session, before)
        result = staff.apply(session, viewer, payload, actor_id=actor, today=TODAY)
        actual = written(session, before)

    assert result.count("people", "create") == NEW_PEOPLE
    assert actual["people"] == expected["people"]
    assert actual["placements"] == expected["placements"]
    assert actual["audit"] == expected["audit"]
    creations = [r for r in actual["audit"] if r[3] == "import_create" and r[1] == "person"]
    assert len(creations) == NEW_PEOPLE


def test_the_stored_sums_inputs_go_through_the_session_hooks(
    app: Flask,
    session: Session,
    make_person,
    world: dict[str, Any],  # noqa: F811 - the fixture
):
    """The stored sums keep their rows from `do_orm_execute` (`rankings.stored`): units and
    placements, their inputs, must reach it, one statement per kind (units: per level).
    People and audit records are no input: on PostgreSQL they are copied, not inserted."""
    staff_members = staff_of(make_person, world, 20)
    payload = payload_of(mixed_file(world, staff_members, new_people=30))
    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    before = last_audit_id(session)
    seen: list[tuple[str, int]] = []

    def note(state: ORMExecuteState) -> None:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if state.is_insert and table is not None:
            rows = state.parameters
            seen.append((table, len(rows) if isinstance(rows, list) else 1))

    event.listen(session, "do_orm_execute", note)
    try:
        with app.test_request_context():
            staff.apply(session, viewer, payload, actor_id=actor, today=TODAY)
    finally:
        event.remove(session, "do_orm_execute", note)
    rows = {table: sum(n for t, n in seen if t == table) for table, _ in seen}
    statements = {table: sum(1 for t, _ in seen if t == table) for table, _ in seen}
    assert rows["placement"] >= 30  # the new people's and the moved people's
    assert rows["unit"] == 2
    assert statements["placement"] == 1
    assert statements["unit"] == 2  # the file nests two levels of new units
    written_now = written(session, before)
    assert sum(1 for p in written_now["people"] if p[0].startswith("MOI")) == 30
    assert sum(1 for a in written_now["audit"] if a[3] == "import_create") == 32


def test_the_collector_is_paused_during_an_import_and_back_afterwards():
    assert gc.isenabled()
    with services.collector_paused():
        assert not gc.isenabled()
        with services.collector_paused():  # a nested import does not end the outer pause
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ImportInvalid), services.collector_paused():
        raise ImportInvalid([])
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off():
    gc.disable()
    try:
        with services.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_refused_confirmation_leaves_the_collector_on(
    app: Flask,
    session: Session,
    make_person,
    world: dict[str, Any],  # noqa: F811 - the fixture
):
    from evaluation.imports.models import ImportBatch, ImportKind

    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    payload = payload_of(mixed_file(world, staff_of(make_person, world, 5), new_people=2))
    payload["people"][-1]["unit"] = "KHONG-CO"  # a unit gone since the preview
    batch = ImportBatch(
        kind=ImportKind.STAFF, created_by_id=actor, payload=payload, sha256="0" * 64
    )
    session.add(batch)
    session.flush()
    with app.test_request_context(), pytest.raises(ImportInvalid):
        services.apply(session, viewer, batch, actor_id=actor, today=TODAY)
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),  # letters at both ends: as typed
        ("Ho\u0302\u0300ng", "Hồng"),
        ("\u3164An\u3164", "An"),  # Hangul fillers are letters that draw nothing: trimmed
        ("A\u200b", "A"),  # a letter, then a zero-width space: trimmed
        ("\u2800", ""),
        ("1\u202e2", "1\u202e2"),  # a bidi control inside stays, for the reader to refuse
    ],
)
def test_clean_text_answers_alike_with_its_quick_path(typed: str, kept: str):
    assert clean_text(typed) == kept
