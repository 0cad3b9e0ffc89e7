"""Notifications: who is told what, the bell's count, the list, and the email settings.

`notify` writes the rows in the caller's transaction; when a mail server is configured it also
writes each email and queues the job that sends it, which runs only after the commit
(`core.jobs`). A refused action, rolled back, so leaves neither notification nor email.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from evaluation.accounts.models import AccountRole, User
from evaluation.core import audit, jobs
from evaluation.core.db import utcnow
from evaluation.notifications.messages import KIND_NAMES
from evaluation.notifications.models import EmailOptOut, EventKind, Notification, NotificationEmail
from evaluation.organisation.models import LeadershipRole, Person, Unit

LIST_SIZE = 100  # the list shows the latest; older ones are read or no longer matter
EMAIL_JOB = "notifications.email"


def mail_configured() -> bool:
    """No mail server set: notifications stay in the application."""
    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def notify(
    session: Session,
    user_ids: Iterable[int | None],
    kind: EventKind,
    params: dict[str, Any],
    *,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Tell these accounts (once each); with `dedupe_key`, none who were told it already."""
    recipients = sorted({user_id for user_id in user_ids if user_id is not None})
    if not recipients:
        return []
    if dedupe_key is not None:
        told = set(
            session.scalars(
                sa.select(Notification.user_id).where(
                    Notification.dedupe_key == dedupe_key, Notification.user_id.in_(recipients)
                )
            )
        )
        recipients = [user_id for user_id in recipients if user_id not in told]
    notifications = [
        Notification(user_id=user_id, kind=kind, params=params, dedupe_key=dedupe_key)
        for user_id in recipients
    ]
    session.add_all(notifications)
    session.flush()
    if mail_configured():
        _queue_emails(session, notifications, kind)
    return notifications


def _queue_emails(session: Session, notifications: Sequence[Notification], kind: EventKind) -> None:
    """An email for each recipient with an address who has not turned this event off."""
    by_user = {notification.user_id: notification for notification in notifications}
    addresses = session.execute(
        sa.select(User.id, Person.email)
        .join(Person, User.person_id == Person.id)
        .where(
            User.id.in_(by_user),
            User.active,
            Person.email.is_not(None),
            Person.email != "",
            ~sa.exists().where(EmailOptOut.user_id == User.id, EmailOptOut.kind == kind),
        )
    ).all()
    emails = [
        NotificationEmail(notification_id=by_user[user_id].id, to_address=address)
        for user_id, address in addresses
    ]
    session.add_all(emails)
    session.flush()
    for email in emails:
        jobs.enqueue(session, EMAIL_JOB, {"email_id": email.id})


# --- the bell and the list -------------------------------------------------------------------


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    )


def latest(session: Session, user_id: int) -> list[Notification]:
    return list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(LIST_SIZE)
        )
    )


def mark_read(session: Session, notification: Notification) -> bool:
    """True if it was unread."""
    if notification.read_at is not None:
        return False
    notification.read_at = utcnow()
    session.flush()
    return True


def mark_all_read(session: Session, user_id: int) -> int:
    """How many were unread."""
    return session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


# --- email settings --------------------------------------------------------------------------


def emailed_kinds(session: Session, user_id: int) -> set[EventKind]:
    off = set(session.scalars(sa.select(EmailOptOut.kind).where(EmailOptOut.user_id == user_id)))
    return set(KIND_NAMES) - off


def set_emailed_kinds(
    session: Session, user_id: int, wanted: set[EventKind], *, actor_id: int
) -> bool:
    """Keep the events this account wants by email; the change is on the audit trail.
    False when nothing changed."""
    before = emailed_kinds(session, user_id)
    if before == wanted:
        return False
    session.execute(sa.delete(EmailOptOut).where(EmailOptOut.user_id == user_id))
    session.add_all(
        EmailOptOut(user_id=user_id, kind=kind) for kind in KIND_NAMES if kind not in wanted
    )
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="user",
        object_id=user_id,
        action="notification_settings",
        old=sorted(kind.value for kind in before),
        new=sorted(kind.value for kind in wanted),
    )
    return True


# --- who is told -----------------------------------------------------------------------------


def accounts_of(session: Session, person_ids: Iterable[int | None]) -> list[int]:
    """The active accounts of these people (a person without a login is told nothing)."""
    wanted = {person_id for person_id in person_ids if person_id is not None}
    if not wanted:
        return []
    return list(session.scalars(sa.select(User.id).where(User.person_id.in_(wanted), User.active)))


def _ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it, from its materialized path ("/1/4/9/")."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def nearest_leaders(session: Session, unit: Unit, allowed: Any) -> list[User]:
    """The accounts of the leaders closest above `unit` (itself first) that `allowed(viewer)`
    accepts: whoever the rule of the step lets act, nearest first, so the head of a division
    hears of its staff's plans, not every head up to the province."""
    candidates = session.execute(
        sa.select(User, Unit.depth)
        .join(Person, User.person_id == Person.id)
        .join(Unit, Person.unit_id == Unit.id)
        .where(
            Unit.id.in_(_ancestor_ids(unit)),
            Person.leadership_role != LeadershipRole.NONE,
            User.active,
        )
        .order_by(Unit.depth.desc(), User.id)
    ).all()
    found: list[User] = []
    found_depth: int | None = None
    for user, depth in candidates:
        if found_depth is not None and depth != found_depth:
            break
        if allowed(user.viewer()):
            found.append(user)
            found_depth = depth
    return found


def personnel_offices(session: Session, unit: Unit, allowed: Any) -> list[User]:
    """The personnel office accounts serving `unit` that `allowed(viewer)` accepts."""
    candidates = session.scalars(
        sa.select(User).where(
            User.role == AccountRole.PERSONNEL,
            User.active,
            User.served_unit_id.in_(_ancestor_ids(unit)),
        )
    )
    return [user for user in candidates if allowed(user.viewer())]
