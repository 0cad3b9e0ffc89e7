"""Is a person's year decided? The one answer every writer of that year's inputs asks.

A decided annual evaluation was decided on that year's period scores, the task results and
assessments behind them, and the year's leave and discipline records. Those inputs stay
read-only until the personnel office reopens the evaluation with a reason
(`scoring.procedure.reopen`). Period scores, task pages, the task import and the records page
all refuse through `ensure_year_open`, and the pages ask `decided_years` to show the lock
instead of forms that would fail.

The rule lives here, in plans, the lowest area that must obey it. Its one question, which of
these people's years have a decided evaluation, reads the scoring's table: the scoring model
answers it (`scoring.models.decided_pairs`, registered when that module is imported), so no
area imports one above it. Unregistered, the lock refuses everything rather than let a write
through.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person
from evaluation.plans.models import Plan
from evaluation.plans.periods import PeriodKind

# The plans a decision reads: period scores and the year's task facts come from the person's
# monthly or quarterly plans (`scoring.facts._year_tasks`, `period_task_result`); weekly and
# yearly plans feed neither, so late-December weekly reporting stays open.
SCORED_PLAN_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER)


# (session, person ids, years or None for all) → the (person id, year) pairs decided.
DecidedPairs = Callable[[Session, Collection[int], Collection[int] | None], set[tuple[int, int]]]
_decided_pairs: list[DecidedPairs] = []


def provide_decided_pairs(provider: DecidedPairs) -> DecidedPairs:
    """Register who answers "which of these years are decided" (the scoring's model does)."""
    _decided_pairs[:] = [provider]
    return provider


def _decided(
    session: Session, person_ids: Collection[int], years: Collection[int] | None
) -> set[tuple[int, int]]:
    if not _decided_pairs:
        raise RuntimeError("import evaluation.scoring.models: it answers which years are decided")
    return _decided_pairs[0](session, person_ids, years)


def decided_years(
    session: Session, person_id: int, years: Iterable[int] | None = None
) -> list[int]:
    """Which of these years (all, if None) of the person have a decided evaluation, in order."""
    wanted = None if years is None else set(years)
    if wanted is not None and not wanted:
        return []
    return sorted(year for _, year in _decided(session, [person_id], wanted))


def people_decided(session: Session, person_ids: Iterable[int], year: int) -> set[int]:
    """Of these people, those whose year is decided: one query for a page of many."""
    ids = list(person_ids)
    if not ids:
        return set()
    return {person_id for person_id, _ in _decided(session, ids, [year])}


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
