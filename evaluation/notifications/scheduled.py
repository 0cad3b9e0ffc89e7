"""Notifications by the calendar: the Monday digest of overdue tasks, and the reminders of the
15 December decision deadline 7, 3 and 1 days before (P3). One command runs both each day
(`flask notify scheduled`, from cron or the job runner's scheduler); a second run the same day
tells nobody twice (each has a key of its day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import decision_deadline
from evaluation.accounts.models import User
from evaluation.core import jobs
from evaluation.core.clock import local_today
from evaluation.home.services import decided_people
from evaluation.notifications.models import EventKind
from evaluation.notifications.services import notify
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.plans.models import Plan, Task
from evaluation.scoring.models import AnnualEvaluation

REMINDER_DAYS = (7, 3, 1)
SCHEDULED_JOB = "notifications.scheduled"


@dataclass(frozen=True)
class ScheduledRun:
    overdue_digests: int = 0
    deadline_reminders: int = 0


def run_scheduled(session: Session, today: date) -> ScheduledRun:
    return ScheduledRun(
        overdue_digests=overdue_digest(session, today) if today.weekday() == 0 else 0,
        deadline_reminders=deadline_reminders(session, today),
    )


@jobs.handler(SCHEDULED_JOB)
def scheduled_job(context: jobs.JobContext, today: str | None = None) -> dict[str, int]:
    """The same run as the command, for a scheduler that enqueues jobs (RQ's, say)."""
    day = date.fromisoformat(today) if today else local_today()
    result = run_scheduled(context.session, day)
    return {
        "overdue_digests": result.overdue_digests,
        "deadline_reminders": result.deadline_reminders,
    }


def overdue_digest(session: Session, today: date) -> int:
    """Each person with tasks past their deadline and still open hears how many (one SQL
    aggregate for the province). Returns how many were told."""
    rows = session.execute(
        sa.select(User.id, sa.func.count(Task.id))
        .join(Plan, Task.plan_id == Plan.id)
        .join(User, User.person_id == Plan.person_id)
        .where(Task.overdue_clause(today), User.active)
        .group_by(User.id)
    ).all()
    told = 0
    for user_id, count in rows:
        told += len(
            notify(
                session,
                [user_id],
                EventKind.OVERDUE_DIGEST,
                {"count": count},
                dedupe_key=f"overdue:{today.isoformat()}",
            )
        )
    return told


def deadline_reminders(session: Session, today: date) -> int:
    """7, 3 and 1 days before the decision deadline, each competent person (P2: heads of
    agencies) with people still undecided hears how many. Returns how many were told."""
    year = today.year
    deadline = decision_deadline(year)
    days = (deadline - today).days
    if days not in REMINDER_DAYS:
        return 0
    heads = session.scalars(
        sa.select(User)
        .join(Person, User.person_id == Person.id)
        .where(Person.leadership_role == LeadershipRole.HEAD, User.active)
        .order_by(User.id)
    ).all()
    decided = sa.exists().where(
        AnnualEvaluation.person_id == Person.id,
        AnnualEvaluation.year == year,
        AnnualEvaluation.final_level.is_not(None),
    )
    told = 0
    for head in heads:
        scope = decided_people(session, head.viewer())
        if isinstance(scope, sa.sql.elements.False_):  # decides for nobody: no query
            continue
        undecided = session.scalar(
            sa.select(sa.func.count(Person.id))
            .join(Unit, Person.unit_id == Unit.id)
            .where(scope, ~decided)
        )
        if not undecided:
            continue
        told += len(
            notify(
                session,
                [head.id],
                EventKind.DECISION_DEADLINE,
                {"count": undecided, "days": days, "year": year, "deadline": deadline.isoformat()},
                dedupe_key=f"deadline:{year}:{days}",
            )
        )
    return told
