"""The demo organisation: shape, people, logins, a believable year of plans, and idempotence.

Each test loads once (about three seconds on SQLite): the session fixture is per test.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.core.db import Base
from evaluation.demo.loader import demo_logins, load_demo
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import PeriodKind

TODAY = date(2026, 11, 24)  # a Tuesday of ISO week 48
COMMUNE_OFFICES = {
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế",
    "Phòng Văn hóa - Xã hội",
    "Trung tâm Phục vụ hành chính công",
}


def _count(session: Session, *where: sa.ColumnElement[bool]) -> int:
    return session.scalar(sa.select(sa.func.count(Task.id)).join(Plan).where(*where)) or 0


def _table_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_demo_organisation_people_and_logins(session: Session) -> None:
    summary = load_demo(session, today=TODAY)
    assert "120 người" in summary

    units = {unit.code: unit for unit in session.scalars(sa.select(Unit))}
    root = units["TINH"]
    assert root.parent_id is None and root.kind is UnitKind.AGENCY
    assert {child.code for child in root.children} == {"SNV", "X-TANPHONG", "X-HOABINH"}
    for code in ("X-TANPHONG", "X-HOABINH"):
        commune = units[code]
        assert commune.kind is UnitKind.COMMUNE
        assert {child.name for child in commune.children} == COMMUNE_OFFICES
        assert all(child.path.startswith(commune.path) for child in commune.children)
    assert {child.code for child in units["SNV"].children} >= {"SNV-TCBC", "SNV-TTLT"}
    assert units["SNV-TTLT"].kind is UnitKind.PUBLIC_SERVICE

    people = list(session.scalars(sa.select(Person)))
    assert 110 <= len(people) <= 130
    assert {p.category for p in people} == set(StaffCategory)
    assert all(
        p.category is StaffCategory.VIEN_CHUC
        for p in people
        if p.unit.code == "SNV-TTLT" and p.category is not StaffCategory.NGUOI_LAO_DONG
    )
    assert all(p.front_desk for p in people if p.unit.code.endswith("-HCC"))
    for unit in units.values():
        roles = [p.leadership_role for p in people if p.unit_id == unit.id]
        assert roles.count(LeadershipRole.HEAD) == 1, unit.code
        assert LeadershipRole.DEPUTY in roles, unit.code
    assert len({p.full_name for p in people}) == len(people)

    users = {u.username: u for u in session.scalars(sa.select(User))}
    assert len(users) == len(people) + 1
    assert users["tccb"].role is AccountRole.PERSONNEL
    assert users["tccb"].served_unit_id == root.id
    assert users["vanphongxa"].role is AccountRole.PERSONNEL
    assert users["vanphongxa"].served_unit_id == units["X-TANPHONG"].id
    assert users["admin"].role is AccountRole.ADMIN and users["admin"].person_id is None
    assert users["truongphong"].person.leadership_role is LeadershipRole.HEAD
    assert users["nhanvien"].person.unit.code == "X-TANPHONG-KT"
    assert users["chutich"].person.unit.code == "X-TANPHONG"
    assert check_password_hash(users["nhanvien"].password_hash, "Danhgia@2026")
    assert len({u.password_hash for u in users.values()}) == 1  # hashed once

    mover = session.scalars(
        sa.select(Person).join(Placement).group_by(Person.id).having(sa.func.count() == 2)
    ).one()
    first, second = mover.placements
    assert first.ends_on == date(2026, 6, 30) and second.starts_on == date(2026, 7, 1)
    assert first.unit_id != second.unit_id and mover.unit_id == second.unit_id
    mover_units = {
        (number, unit_id)
        for number, unit_id in session.execute(
            sa.select(Plan.period_number, Plan.unit_id).where(
                Plan.person_id == mover.id, Plan.period_kind == PeriodKind.MONTH
            )
        )
    }
    assert (6, first.unit_id) in mover_units and (7, second.unit_id) in mover_units

    newcomer = session.scalars(
        sa.select(Person).join(Placement).where(Placement.starts_on == date(2026, 8, 1))
    ).one()
    first_week = session.scalar(
        sa.select(sa.func.min(Plan.starts_on)).where(
            Plan.person_id == newcomer.id, Plan.period_kind == PeriodKind.WEEK
        )
    )
    assert first_week is not None and first_week >= date(2026, 8, 1)

    logins = demo_logins(session)
    for username in (
        "nhanvien",
        "truongphong",
        "phophong",
        "chutich",
        "giamdocso",
        "tccb",
        "vanphongxa",
        "admin",
    ):
        assert username in logins
    assert "Danhgia@2026" in logins


def test_demo_plans_are_believable_and_loading_twice_changes_nothing(session: Session) -> None:
    load_demo(session, today=TODAY)
    before = _table_counts(session)

    # Periods: every period started by today, nothing later; weeks of ISO year 2026 only.
    person_plans = Plan.person_id.is_not(None)
    weeks = set(
        session.scalars(
            sa.select(Plan.period_number).where(person_plans, Plan.period_kind == PeriodKind.WEEK)
        )
    )
    assert weeks == set(range(1, 49))
    months = set(
        session.scalars(sa.select(Plan.period_number).where(Plan.period_kind == PeriodKind.MONTH))
    )
    assert months == set(range(1, 12))
    assert session.scalar(sa.select(sa.func.min(Plan.period_year))) == 2026
    unit_plan_kinds = set(
        session.scalars(sa.select(Plan.period_kind).where(Plan.person_id.is_(None)))
    )
    assert unit_plan_kinds == {PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR}
    heads_with_year_plans = session.scalar(
        sa.select(sa.func.count(Plan.id))
        .join(Person, Plan.person_id == Person.id)
        .where(Person.leadership_role == LeadershipRole.HEAD, Plan.period_kind == PeriodKind.YEAR)
    )
    assert heads_with_year_plans == session.scalar(sa.select(sa.func.count(Unit.id)))

    # Every deadline inside its plan's period; no completion in the future.
    assert (
        _count(session, sa.or_(Task.deadline < Plan.starts_on, Task.deadline > Plan.ends_on)) == 0
    )
    assert _count(session, Task.completed_on >= TODAY) == 0
    total = _count(session)
    assert total > 10_000

    # Results of ended periods: mostly on time, some late, a few not done or cancelled.
    late = _count(session, Task.outcome == TaskOutcome.DONE_LATE)
    assert 0.08 * total < late < 0.18 * total
    assert (
        _count(session, Task.outcome == TaskOutcome.DONE_LATE, Task.completed_on <= Task.deadline)
        == 0
    )
    assert _count(session, Task.outcome == TaskOutcome.NOT_DONE) > 0.02 * total
    cancelled = _count(session, Task.outcome == TaskOutcome.CANCELLED)
    assert cancelled > 0
    assert (
        _count(session, Task.outcome == TaskOutcome.CANCELLED, Task.cancel_reason.is_not(None))
        == cancelled
    )
    assert _count(session, Task.achieved_quantity > Task.target_quantity) > 0
    assert _count(session, Task.parent_task_id.is_not(None)) > 0.5 * total

    # Overdue open tasks in the current and previous week.
    week_open = (
        Plan.period_kind == PeriodKind.WEEK,
        Task.deadline < TODAY,
        Task.outcome.is_(None),
    )
    assert _count(session, *week_open, Plan.period_number == 48) > 0
    assert _count(session, *week_open, Plan.period_number == 47) > 0

    # Plan states: ended periods reported or closed; current ones mostly approved.
    current_week = {
        status: count
        for status, count in session.execute(
            sa.select(Plan.status, sa.func.count())
            .where(Plan.period_kind == PeriodKind.WEEK, Plan.period_number == 48)
            .group_by(Plan.status)
        )
    }
    assert current_week[PlanStatus.APPROVED] > current_week[PlanStatus.SUBMITTED] > 0
    assert current_week[PlanStatus.DRAFT] >= 1 and current_week[PlanStatus.RETURNED] == 1
    returned = session.scalars(sa.select(Plan).where(Plan.status == PlanStatus.RETURNED)).one()
    assert returned.return_comment
    ended_statuses = set(
        session.scalars(sa.select(Plan.status).where(Plan.ends_on < date(2026, 11, 1)).distinct())
    )
    assert ended_statuses == {PlanStatus.CLOSED, PlanStatus.REPORTED}
    year_statuses = set(
        session.scalars(sa.select(Plan.status).where(Plan.period_kind == PeriodKind.YEAR))
    )
    assert year_statuses == {PlanStatus.APPROVED}

    # Idempotent: a second load finds everything and creates nothing.
    again = load_demo(session, today=TODAY)
    assert "không tạo thêm" in again
    assert _table_counts(session) == before
