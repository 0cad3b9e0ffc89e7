"""Verbs on leave and discipline records (the personnel office only)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from criteria import DisciplineForm
from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person
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
