"""Reading the audit trail, scoped by the unit tree like everything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from evaluation.accounts.models import User
from evaluation.core.audit import AuditRecord
from evaluation.core.permissions import Viewer
from evaluation.organisation.models import Person, Unit

PAGE_SIZE = 100


@dataclass(frozen=True)
class Entry:
    record: AuditRecord
    actor: str


def _query(viewer: Viewer) -> sa.Select[tuple[AuditRecord, str | None, str | None]]:
    """Records made by accounts in the viewer's reach (all of them for an administrator)."""
    actor_person = aliased(Person)
    query = (
        sa.select(AuditRecord, User.username, actor_person.full_name)
        .outerjoin(User, AuditRecord.actor_id == User.id)
        .outerjoin(actor_person, User.person_id == actor_person.id)
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
    )
    if not viewer.is_admin:
        actor_unit = aliased(Unit)
        query = query.join(actor_unit, actor_person.unit_id == actor_unit.id).where(
            actor_unit.id.in_(viewer.unit_ids_in_reach())
        )
    return query


def page_of(session: Session, viewer: Viewer, page: int) -> tuple[list[Entry], bool]:
    """One page of the trail, newest first, and whether an older page exists."""
    rows = session.execute(_query(viewer).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    entries = [Entry(record, name or username or "—") for record, username, name in rows]
    return entries[:PAGE_SIZE], len(entries) > PAGE_SIZE


def stream(session: Session, viewer: Viewer, chunk: int = 1000) -> Iterator[Entry]:
    """The whole trail in reach, for export, read in chunks."""
    for record, username, name in session.execute(
        _query(viewer).execution_options(yield_per=chunk)
    ):
        yield Entry(record, name or username or "—")
