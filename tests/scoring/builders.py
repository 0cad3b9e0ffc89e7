"""Turn rulebook facts (the shape of cases.json) into the records danhgia keeps.

The web workflow must reach the same level from those records as `python -m criteria` does
from the facts: `assemble_facts` is the inverse of `records_for`.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from criteria import DisciplineForm, StaffCategory
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.scoring.models import PeriodScore


def _plan(session: Session, unit: Unit, person: Person | None, period: Period) -> Plan:
    plan = Plan(person=person, unit=unit, status=PlanStatus.CLOSED)
    plan.period = period
    session.add(plan)
    return plan


def _task(
    session: Session,
    plan: Plan,
    index: int,
    *,
    done: bool,
    on_time: bool,
    quality: bool,
    exceeded: bool,
) -> Task:
    deadline = plan.starts_on + timedelta(days=min(index, 20))
    target = Decimal(10)
    task = Task(
        plan=plan,
        title=f"Nhiệm vụ {index + 1}",
        target_quantity=target,
        unit_of_measure="hồ sơ",
        weight=Decimal(1),
        deadline=deadline,
        quality_ok=quality,
    )
    if done:
        task.outcome = TaskOutcome.DONE_ON_TIME if on_time else TaskOutcome.DONE_LATE
        task.completed_on = deadline if on_time else deadline + timedelta(days=3)
        task.achieved_quantity = target + 2 if exceeded else target
    else:
        task.outcome = TaskOutcome.NOT_DONE
        task.achieved_quantity = Decimal(4)
    session.add(task)
    return task


def _months_back(year: int, months: float) -> date:
    """The first day from which `months` whole months remain in the year."""
    return date(year, 13 - int(months), 1) if months < 12 else date(year, 1, 1)


def records_for(session: Session, unit: Unit, facts: dict[str, Any], make_person) -> Person:
    """Create a person with records that carry exactly these facts; returns the person."""
    year = facts["year"]
    leader = facts.get("leader", False)
    person = make_person(
        unit,
        role=LeadershipRole.HEAD if leader else LeadershipRole.NONE,
        category=StaffCategory(facts["category"]),
        starts_on=_months_back(year, facts.get("months_worked", 12)),
    )
    if leave := int(facts.get("leave_months", 0)):
        last_month = 1 + leave  # whole months from 1 February
        session.add(
            LeaveRecord(
                person=person,
                kind=LeaveKind.LAWFUL,
                starts_on=date(year, 2, 1),
                ends_on=date(year, last_month, calendar.monthrange(year, last_month)[1]),
            )
        )
    if facts.get("maternity_leave"):
        session.add(
            LeaveRecord(
                person=person,
                kind=LeaveKind.MATERNITY,
                starts_on=date(year, 1, 1),
                ends_on=date(year, 6, 30),
            )
        )
    for item in facts.get("disciplines", []):
        session.add(
            DisciplineRecord(
                person=person,
                violation=item["violation"],
                effective_on=date(item["year_effective"], 6, 1),
                form=DisciplineForm(item["form"]),
                party=item.get("party", False),
                duty_related=item.get("duty_related", True),
                counted_in_year=item.get("counted_in_year"),
            )
        )
    month = _plan(session, unit, person, Period(PeriodKind.MONTH, year, 12))
    for index, task in enumerate(facts.get("tasks", [])):
        _task(
            session,
            month,
            index,
            done=task.get("completed", True),
            on_time=task.get("on_time", True),
            quality=task.get("quality", True),
            exceeded=task.get("exceeded", False),
        )
    if leader and (figures := facts.get("unit")):
        _unit_targets(session, unit, year, figures)
        _sub_units(session, unit, year, figures.get("sub_unit_levels", []), make_person)
    points = facts.get("period_task_points", [])
    for number, task_points in enumerate(points, start=1):
        session.add(
            PeriodScore(
                person=person,
                unit=unit,
                period_kind=PeriodKind.MONTH,
                period_year=year,
                period_number=number,
                criteria_set="test",
                general_points=Decimal(str(facts["general_points"])),
                general_breakdown={},
                task_points=Decimal(str(task_points)),
                computed_task_points=Decimal(str(task_points)),
            )
        )
    session.flush()
    return person


def _unit_targets(session: Session, unit: Unit, year: int, figures: dict[str, Any]) -> None:
    """Twenty targets in the unit's own plan with the given shares."""
    total = 20
    completed = round(total * figures["targets_completed_pct"] / 100)
    on_time = round(completed * figures["targets_on_time_pct"] / 100)
    exceeded = round(total * figures["targets_exceeded_pct"] / 100)
    plan = _plan(session, unit, None, Period(PeriodKind.MONTH, year, 12))
    for index in range(total):
        _task(
            session,
            plan,
            index,
            done=index < completed,
            on_time=index < on_time,
            quality=True,
            exceeded=index < exceeded,
        )


# A unit's own year plan of twenty targets, done on time in this number, gives its result
# (policy unit-result@1: own targets carry it all when nobody is scored) in the level's band.
TARGETS_DONE_FOR_LEVEL = {"xuat_sac": 19, "tot": 16, "hoan_thanh": 12, "khong_hoan_thanh": 8}


def _sub_units(session: Session, unit: Unit, year: int, levels: list[str], make_person) -> None:
    """Directly managed units whose results for the year fall in the given levels."""
    for index, level in enumerate(levels):
        child = Unit(code=f"{unit.code}-{index}", name=f"Tổ {index + 1}", kind=UnitKind.DIVISION)
        child.parent = unit
        session.add(child)
        session.flush()
        child.path, child.depth = f"{unit.path}{child.id}/", unit.depth + 1
        make_person(child, role=LeadershipRole.HEAD)
        done = TARGETS_DONE_FOR_LEVEL[level]
        plan = _plan(session, child, None, Period(PeriodKind.YEAR, year, 1))
        for target in range(20):
            _task(
                session, plan, target, done=target < done, on_time=True, quality=True,
                exceeded=False,
            )  # fmt: skip
