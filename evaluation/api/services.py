"""What the API reads and writes: one page of rows per request, filtered in SQL by the
caller's reach (the same scopes as the pages' lists), relations loaded in a fixed number of
queries; and the integrations' writes through the areas' own verbs.

Services flush but never commit: the route commits once, so a refused write saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from evaluation.accounts.models import AccountRole, User
from evaluation.api import schemas
from evaluation.api.models import ApiToken, TokenScope, hash_secret, new_secret
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.core.reasons import render_reason
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import agencies_among
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import plan_scope
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.records.satisfaction import RatingInput, SatisfactionRating, put_rating
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    def dump(self) -> dict[str, Any]:
        meta = {"page": self.page, "per_page": self.per_page, "total": self.total}
        return {"items": self.items, "meta": meta}


def _page(session: Session, query: sa.Select[Any], page: int, per_page: int) -> Page:
    """One page of the query's rows and the count of all of them: two queries."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, per_page, total or 0)


# --- scopes -------------------------------------------------------------------------------


def unit_scope(viewer: Viewer) -> sa.ColumnElement[bool]:
    if viewer.is_admin:
        return sa.true()
    if not viewer.reach_paths:
        return sa.false()
    return Unit.id.in_(viewer.unit_ids_in_reach())


def _in_reach(
    session: Session, viewer: Viewer, person_id: Any, unit_id: Any
) -> sa.ColumnElement[bool]:
    """Rows of a person (their own) or held in a unit in reach: the evaluation pages' VIEW.
    The units go in as a list (`Viewer.units_in_reach`), which the indexes serve."""
    if viewer.is_admin:
        return sa.true()
    conditions: list[sa.ColumnElement[bool]] = []
    if viewer.person_id is not None:
        conditions.append(person_id == viewer.person_id)
    if viewer.reach_paths:
        conditions.append(viewer.units_in_reach(unit_id, session))
    return sa.or_(sa.false(), *conditions)


# --- reads --------------------------------------------------------------------------------


def units(session: Session, viewer: Viewer, page: int, per_page: int) -> Page:
    query = sa.select(Unit).where(unit_scope(viewer)).order_by(Unit.path, Unit.id)
    return _page(session, query, page, per_page)


def unit(session: Session, viewer: Viewer, unit_id: int) -> Unit | None:
    return session.scalars(sa.select(Unit).where(Unit.id == unit_id, unit_scope(viewer))).first()


def people(
    session: Session, viewer: Viewer, page: int, per_page: int, unit_id: int | None = None
) -> Page:
    query = sa.select(Person).where(viewer.person_scope(session)).order_by(Person.id)
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    return _page(session, query, page, per_page)


def person(session: Session, viewer: Viewer, person_id: int) -> Person | None:
    return session.scalars(
        sa.select(Person).where(Person.id == person_id, viewer.person_scope(session))
    ).first()


# A page among at most this many plans is cut from its ids sorted in full (a few ms); a
# larger reach walks the id index, where its first pages come soonest.
SORT_IDS_MAX = 50_000


def plans_page(
    session: Session,
    viewer: Viewer,
    page: int,
    per_page: int,
    *,
    person_id: int | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> Page:
    """One page of plans in reach, each with its tasks, already in the answer's form
    (`schemas.plan_item`): four statements, and no object built for a row that is only
    printed. The busiest read of the API (an integration polls it), so it is kept lean."""
    # The reach's units read first: as a list, the scope is looked up by the plans' indexes
    # (a subquery inside its OR makes PostgreSQL read every plan).
    conditions = [plan_scope(viewer, session=session)]
    if person_id is not None:
        conditions.append(Plan.person_id == person_id)
    if year is not None:
        conditions.append(Plan.period_year == year)
    if kind is not None:
        conditions.append(Plan.period_kind == PeriodKind(kind))
    chosen = sa.select(Plan.id).where(*conditions)
    total = session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0
    # The planner cannot tell how few plans a reach holds, and would walk the whole table in
    # id order to fill a unit's page; `id + 0` has no index, so the few are found by their
    # own indexes (unit and year, person) and sorted.
    order = Plan.id + 0 if total <= SORT_IDS_MAX else Plan.id
    skipped = (page - 1) * per_page
    shown = chosen.order_by(order).limit(per_page).offset(skipped)
    plan_rows = (
        session.execute(
            sa.select(*schemas.PLAN_COLUMNS).where(Plan.id.in_(shown)).order_by(Plan.id)
        ).all()
        if skipped < total
        else []
    )
    tasks: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in plan_rows}
    if tasks:
        task = Task.__table__.c
        task_rows = session.execute(
            sa.select(*schemas.TASK_COLUMNS)
            .where(task.plan_id.in_(list(tasks)))
            .order_by(task.plan_id, task.deadline, task.id)  # `Plan.tasks`' order
        )
        for row in task_rows:
            tasks[row[1]].append(schemas.task_item(row))  # [1]: its plan_id
    items = [schemas.plan_item(row, tasks[row[0]]) for row in plan_rows]
    return Page(items, page, per_page, total)


def plan(session: Session, viewer: Viewer, plan_id: int) -> Plan | None:
    return session.scalars(
        sa.select(Plan)
        .options(selectinload(Plan.tasks))
        .where(Plan.id == plan_id, plan_scope(viewer, session=session))
    ).first()


def period_scores(
    session: Session,
    viewer: Viewer,
    page: int,
    per_page: int,
    *,
    year: int,
    person_id: int | None = None,
) -> Page:
    query = (
        sa.select(PeriodScore)
        .where(
            PeriodScore.period_year == year,
            _in_reach(session, viewer, PeriodScore.person_id, PeriodScore.unit_id),
        )
        .order_by(PeriodScore.id)
    )
    if person_id is not None:
        query = query.where(PeriodScore.person_id == person_id)
    return _page(session, query, page, per_page)


def evaluations(
    session: Session,
    viewer: Viewer,
    page: int,
    per_page: int,
    *,
    year: int,
    person_id: int | None = None,
) -> Page:
    query = (
        sa.select(AnnualEvaluation)
        .where(
            AnnualEvaluation.year == year,
            _in_reach(session, viewer, AnnualEvaluation.person_id, AnnualEvaluation.unit_id),
        )
        .order_by(AnnualEvaluation.id)
    )
    if person_id is not None:
        query = query.where(AnnualEvaluation.person_id == person_id)
    found = _page(session, query, page, per_page)
    return Page([_evaluation(e) for e in found.items], found.page, found.per_page, found.total)


def _value(member: Any) -> Any:
    return None if member is None else member.value


def _evaluation(evaluation: AnnualEvaluation) -> dict[str, Any]:
    return {
        "id": evaluation.id,
        "person_id": evaluation.person_id,
        "unit_id": evaluation.unit_id,
        "year": evaluation.year,
        "step": _value(evaluation.step),
        "computed_level": evaluation.computed_level.value,
        "final_level": _value(evaluation.final_level),
        "level": evaluation.level.value,
        "computed_points": evaluation.computed_points,
        "decided_at": evaluation.decided_at,
        "reasons": [
            {"rule": str(reason.get("rule", "")), "text": render_reason(reason)}
            for reason in evaluation.computed_reasons or []
        ],
    }


def _units_in_reach(session: Session, viewer: Viewer) -> list[Unit]:
    return list(session.scalars(sa.select(Unit).where(unit_scope(viewer)).order_by(Unit.path)))


def unit_results(
    session: Session, viewer: Viewer, period: Period, today: date, page: int, per_page: int
) -> Page:
    """Each unit in reach, its subtree rolled up into it (the ranking pages' figures)."""
    reach = _units_in_reach(session, viewer)
    shown = reach[(page - 1) * per_page : page * per_page]
    results = rankings.unit_results(session, reach, period, today, only={u.id for u in shown})
    rows = [_unit_result(results[u.id]) for u in shown if u.id in results]
    return Page(rows, page, per_page, len(reach))


def _unit_result(result: rankings.UnitResult) -> dict[str, Any]:
    level = result.score.level
    return {
        "unit_id": result.unit.id,
        "name": result.unit.name,
        "points": result.score.points,
        "level": level.value if level is not None else None,
        "members_scored": result.figures.members_scored,
        "targets": result.figures.targets,
        "completed_pct": result.figures.completed_pct,
        "overdue_pct": result.overdue_pct,
    }


def ranking(
    session: Session, viewer: Viewer, period: Period, today: date, under: int | None
) -> list[dict[str, Any]] | None:
    """The ranking page's groups (one level of the tree), or None for an unknown `under`."""
    reach = _units_in_reach(session, viewer)
    by_id = {u.id: u for u in reach}
    heads = rankings.group_heads(reach, by_id)
    if under is not None and under not in heads:
        return None
    shown = {under} if under is not None else rankings.top_heads(heads, by_id)
    ranked = {u.id for u in reach if rankings.peer_key(u, by_id)[0] in shown}
    results = rankings.unit_results(session, reach, period, today, only=ranked)
    before = rankings.previous_period(period)
    previous = rankings.unit_results(session, reach, before, today, only=ranked)
    groups = rankings.rankings(results, previous, by_id, under=shown)
    return [
        {
            "above_unit_id": group.title_unit.id if group.title_unit else None,
            "kind": group.kind.value,
            "rows": [
                {
                    "position": row.position,
                    "previous_position": row.previous,
                    "unit_id": row.result.unit.id,
                    "name": row.result.unit.name,
                    "points": row.result.score.points,
                }
                for row in group.rows
            ],
        }
        for group in groups
    ]


def emulation_proposals(
    session: Session,
    viewer: Viewer,
    year: int,
    agency_id: int | None,
    today: date,
    page: int,
    per_page: int,
) -> Page | None:
    """One agency's proposed titles for the year (the emulation page's, after the quota);
    the first agency in reach by default, None for an agency out of reach."""
    reach = _units_in_reach(session, viewer)
    agencies = agencies_among(reach)
    if agency_id is None:
        chosen = agencies[0] if agencies else None
    else:
        chosen = next((a for a in agencies if a.id == agency_id), None)
        if chosen is None:
            return None
    if chosen is None:
        return Page([], page, per_page, 0)
    subtree = [u for u in reach if u.path.startswith(chosen.path)]
    results = rankings.unit_results(session, subtree, Period(PeriodKind.YEAR, year, 1), today)
    rows = [
        {
            "agency_id": chosen.id,
            "person_id": evaluated.person_id,
            "level": proposal.level_of(evaluated).value,
            "titles": [title.value for title in proposal.titles_of(evaluated)],
        }
        for proposal in emulation.proposals(session, [chosen], year, results, among=agencies)
        for evaluated in proposal.evaluations
    ]
    shown = rows[(page - 1) * per_page : page * per_page]
    return Page(shown, page, per_page, len(rows))


# --- writes -------------------------------------------------------------------------------


def _person_in_reach(session: Session, viewer: Viewer, person_id: int) -> Person:
    found = person(session, viewer, person_id)
    if found is None:
        raise DomainError(_("Không tìm thấy người này trong phạm vi của khoá."), field="person_id")
    return found


def _period(key: str, field: str = "period") -> Period:
    try:
        return Period.from_key(key)
    except ValueError:
        raise DomainError(_("Kỳ không tồn tại."), field=field) from None


def push_task(session: Session, viewer: Viewer, data: dict[str, Any]) -> tuple[Task, str]:
    """A document system's task for a person in reach, by the plans' own rules."""
    owner = _person_in_reach(session, viewer, data["person_id"])
    period = _period(data["period"])
    task_input = plans.TaskInput(
        title=data["title"],
        description=data.get("description"),
        target_quantity=data["target_quantity"],
        unit_of_measure=data["unit_of_measure"],
        weight=data["weight"],
        deadline=data["deadline"],
    )
    return plans.put_external_task(
        session,
        viewer,
        owner,
        period,
        task_input,
        source_system=data["source_system"].strip(),
        external_ref=data["external_ref"].strip(),
    )


def push_rating(
    session: Session, viewer: Viewer, data: dict[str, Any]
) -> tuple[SatisfactionRating, bool]:
    period = _period(data["period"])
    rated: Person | None = None
    if "person_id" in data:
        rated = _person_in_reach(session, viewer, data["person_id"])
        desk = rated.unit
    else:
        found = unit(session, viewer, data["unit_id"])
        if found is None:
            raise DomainError(_("Không tìm thấy bộ phận này trong phạm vi của khoá."), "unit_id")
        desk = found
    return put_rating(
        session,
        person=rated,
        desk=desk,
        period=period,
        source_system=data["source_system"].strip(),
        data=RatingInput(responses=data["responses"], satisfied=data["satisfied"]),
        actor_id=viewer.user_id,
    )


# --- tokens (the administrator's page) ------------------------------------------------------


def tokens(session: Session) -> list[ApiToken]:
    return list(
        session.scalars(
            sa.select(ApiToken)
            .options(selectinload(ApiToken.unit))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.name, ApiToken.id)
        )
    )


def create_token(
    session: Session, *, name: str, unit: Unit, scope: TokenScope, actor_id: int | None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and kept only as a hash. The token
    gets an account of its own, which cannot sign in, so the audit trail names it."""
    name = " ".join(name.split())
    if session.scalar(sa.select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise DomainError(_("Đã có khoá tích hợp tên này."), field="name")
    username = f"Tích hợp: {name}"
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise DomainError(_("Đã có tài khoản trùng tên với khoá này."), field="name")
    account = User(
        username=username,
        password_hash="!",  # noqa: S106  # nosec B106: no password matches it
        role=AccountRole.ADMIN,  # the schema's only role without a person; reach is the token's
        active=False,
        is_integration=True,
    )
    secret = new_secret()
    token = ApiToken(
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[:10],
        unit=unit,
        scope=scope,
        account=account,
        created_by_id=actor_id,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="api_token",
        object_id=token.id,
        action="create",
        new={"name": name, "unit": unit.code, "scope": scope.value},
    )
    return token, secret


def revoke_token(session: Session, token: ApiToken, *, actor_id: int) -> None:
    if token.revoked_at is not None:
        raise DomainError(_("Khoá này đã bị thu hồi."))
    token.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="api_token",
        object_id=token.id,
        action="revoke",
        old={"name": token.name},
    )
