"""Is a person's year decided? The one answer every writer of that year's inputs asks.

A decided annual evaluation was decided on that year's period scores, the task results and
assessments behind them, and the year's leave and discipline records. Those inputs stay
read-only until the personnel office reopens the evaluation with a reason
(`scoring.services.reopen`). Period scores, task pages, the task import and the records page
all refuse through `ensure_year_open`, and the pages ask `decided_years` to show the lock
instead of forms that would fail.

This module depends on the models only, so the plan and record services can call it without
importing the scoring services (which import the plan services).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person
from evaluation.plans.models import Plan
from evaluation.plans.periods import PeriodKind
from evaluation.scoring.models import AnnualEvaluation

# The plans a decision reads: period scores and the year's task facts come from the person's
# monthly or quarterly plans (`scoring.facts._year_tasks`, `period_task_result`); weekly and
# yearly plans feed neither, so late-December weekly reporting stays open.
SCORED_PLAN_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER)


def decided_years(
    session: Session, person_id: int, years: Iterable[int] | None = None
) -> list[int]:
    """Which of these years (all, if None) of the person have a decided evaluation, in order."""
    conditions = [
        AnnualEvaluation.person_id == person_id,
        AnnualEvaluation.decided_at.is_not(None),
    ]
    if years is not None:
        wanted = sorted(set(years))
        if not wanted:
            return []
        conditions.append(AnnualEvaluation.year.in_(wanted))
    return list(
        session.scalars(
            sa.select(AnnualEvaluation.year).where(*conditions).order_by(AnnualEvaluation.year)
        )
    )


def people_decided(session: Session, person_ids: Iterable[int], year: int) -> set[int]:
    """Of these people, those whose year is decided: one query for a page of many."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            sa.select(AnnualEvaluation.person_id).where(
                AnnualEvaluation.person_id.in_(ids),
                AnnualEvaluation.year == year,
                AnnualEvaluation.decided_at.is_not(None),
            )
        )
    )


def ensure_year_open(session: Session, person_id: int, years: Iterable[int]) -> None:
    """Refuse a change to inputs of a decided year, naming the year and the way out."""
    decided = decided_years(session, person_id, years)
    if decided:
        name = session.scalar(sa.select(Person.full_name).where(Person.id == person_id))
        raise DomainError(
            _(
                "Đánh giá năm %(year)d của %(name)s đã có quyết định; phải mở lại hồ sơ đánh giá "
                "(tổ chức cán bộ, ghi rõ lý do) trước khi thay đổi số liệu của năm này.",
                year=decided[0],
                name=name or "",
            )
        )


def plan_decided_year(session: Session, plan: Plan) -> int | None:
    """The decided year a person's plan is an input of, or None when its tasks may change."""
    if plan.person_id is None or plan.period_kind not in SCORED_PLAN_KINDS:
        return None
    decided = decided_years(session, plan.person_id, [plan.period_year])
    return decided[0] if decided else None


def ensure_plan_open(session: Session, plan: Plan) -> None:
    """Refuse a change to the tasks or results of a plan behind a decided year."""
    if plan.person_id is not None and plan.period_kind in SCORED_PLAN_KINDS:
        ensure_year_open(session, plan.person_id, [plan.period_year])
