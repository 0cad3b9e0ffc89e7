"""Verbs on leave and discipline records (the personnel office only).

Both are inputs of the annual evaluation: a record touching a decided year is refused until
the evaluation is reopened (`plans.decided`).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from criteria import DisciplineForm
from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person
from evaluation.plans.decided import ensure_year_open
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord


def add_leave(
    session: Session,
    person: Person,
    *,
    kind: LeaveKind,
    starts_on: date,
    ends_on: date,
    note: str | None,
    actor_id: int,
) -> LeaveRecord:
    if ends_on < starts_on:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="ends_on")
    # E2/E3 count leave in every year it spans.
    ensure_year_open(session, person.id, range(starts_on.year, ends_on.year + 1))
    record = LeaveRecord(
        person=person,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip() or None,
        recorded_by_id=actor_id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="leave",
        object_id=record.id,
        action="create",
        new={"person": person.code, "kind": kind.value, "from": starts_on, "to": ends_on},
    )
    return record


def add_discipline(
    session: Session,
    person: Person,
    *,
    violation: str,
    decision_number: str | None,
    effective_on: date,
    form: DisciplineForm,
    party: bool,
    duty_related: bool,
    counted_in_year: int | None,
    actor_id: int,
) -> DisciplineRecord:
    # D1 counts a decision in the year it takes effect; D2 names the year it already counted in.
    years = {effective_on.year} | ({counted_in_year} if counted_in_year is not None else set())
    ensure_year_open(session, person.id, years)
    record = DisciplineRecord(
        person=person,
        violation=violation.strip(),
        decision_number=(decision_number or "").strip() or None,
        effective_on=effective_on,
        form=form,
        party=party,
        duty_related=duty_related,
        counted_in_year=counted_in_year,
        recorded_by_id=actor_id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="discipline",
        object_id=record.id,
        action="create",
        new={
            "person": person.code,
            "form": form.value,
            "effective_on": effective_on,
            "party": party,
        },
    )
    return record
