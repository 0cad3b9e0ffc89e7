"""Load the demo organisation of seed_data/: units, people, logins and a year of plans.

The organisation goes through the same services the application uses (`create_unit`,
`place_new_person`, `move_person`), so paths and placement history are real. Plans and tasks,
tens of thousands of rows, go in with bulk inserts: one ORM object each would take minutes.

Loading is idempotent (units, people and users are matched by code or username; plans by
person or unit and period) and deterministic: every plan draws from its own random stream
seeded from `SEED` and the plan's key, so the result depends neither on dict or set order
nor on which plans already existed.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.core.clock import AGENCY_TIMEZONE, local_today
from evaluation.core.db import db
from evaluation.demo.evaluations import load_demo_emulation, load_demo_evaluations
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind
from evaluation.organisation.services import create_unit, move_person, place_new_person
from evaluation.plans.models import (
    QUANTITY_MAX,
    Plan,
    PlanStatus,
    SelfQuality,
    Task,
    TaskOutcome,
    TaskSource,
)
from evaluation.plans.periods import Period, PeriodKind

SEED_DIR = Path(__file__).resolve().parents[2] / "seed_data"
SEED = 2026
CHUNK = 2000
# The same method as accounts.models; the one shared demo password is hashed once per load.
HASH_METHOD = "scrypt"

UNIT_KINDS = {
    "agency": UnitKind.AGENCY,
    "public_service": UnitKind.PUBLIC_SERVICE,
    "commune": UnitKind.COMMUNE,
    "division": UnitKind.DIVISION,
}
# Longer plans first: a shorter plan's tasks point to tasks of the plan that encloses it.
KIND_ORDER = (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.WEEK)
TASKS_PER_PLAN = {
    PeriodKind.WEEK: (2, 4),
    PeriodKind.MONTH: (3, 5),
    PeriodKind.QUARTER: (3, 5),
    PeriodKind.YEAR: (4, 6),
}
# Deadlines fall in the last days of a period: targets are due at its end, not its start.
DEADLINE_WINDOW_DAYS = {
    PeriodKind.WEEK: 7,
    PeriodKind.MONTH: 31,
    PeriodKind.QUARTER: 50,
    PeriodKind.YEAR: 130,
}
# How many days before a period starts its plan is drafted.
PLAN_LEAD_DAYS = {
    PeriodKind.WEEK: 3,
    PeriodKind.MONTH: 3,
    PeriodKind.QUARTER: 5,
    PeriodKind.YEAR: 7,
}
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 1), (9, 2))
# rules.md §10: quarterly reports are due by the 20th of the quarter's last month.
QUARTER_REPORT_DAY = 20
LEADERS_SET = "lanh_dao_phong"
# Units whose names repeat across the province: shown with their parent's name.
NAMED_WITH_PARENT = (UnitKind.DIVISION, UnitKind.PUBLIC_SERVICE)
PARENT_KIND = {
    PeriodKind.QUARTER: PeriodKind.YEAR,
    PeriodKind.MONTH: PeriodKind.QUARTER,
    PeriodKind.WEEK: PeriodKind.MONTH,
}

# Every column but the key, so each bulk-inserted row names them all (one executemany batch).
PLAN_COLUMNS = tuple(c.key for c in Plan.__table__.columns if c.key != "id")
TASK_COLUMNS = tuple(c.key for c in Task.__table__.columns if c.key != "id")

# (person_id or None, unit_id or None, kind, number): a plan within the demo year.
PlanKey = tuple[int | None, int | None, PeriodKind, int]


# --- seed files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    title: str
    unit_of_measure: str
    quantities: dict[PeriodKind, tuple[int, int]]
    evidence: str


@dataclass(frozen=True)
class Catalogue:
    sets: dict[str, list[Template]]
    cancel_reasons: list[str]
    return_comments: list[str]


def read_seed(name: str) -> dict[str, Any]:
    with (SEED_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def read_catalogue() -> Catalogue:
    raw = read_seed("tasks.json")
    sets = {
        name: [
            Template(
                title=item["title"],
                unit_of_measure=item["unit"],
                quantities={PeriodKind(k): (v[0], v[1]) for k, v in item["quantities"].items()},
                evidence=item["evidence"],
            )
            for item in items
        ]
        for name, items in raw["sets"].items()
    }
    return Catalogue(sets, raw["cancel_reasons"], raw["return_comments"])


# --- organisation and logins --------------------------------------------------------------


def _load_units(session: Session, org: dict[str, Any], counts: Counter[str]) -> dict[str, Unit]:
    units = {unit.code: unit for unit in session.scalars(sa.select(Unit))}
    for spec in org["units"]:  # parents come before their children in the file
        if spec["code"] in units:
            continue
        units[spec["code"]] = create_unit(
            session,
            code=spec["code"],
            name=spec["name"],
            kind=UNIT_KINDS[spec["kind"]],
            parent=units[spec["parent"]] if spec["parent"] else None,
        )
        counts["units"] += 1
    return units


def _load_people(
    session: Session, org: dict[str, Any], units: dict[str, Unit], counts: Counter[str]
) -> dict[str, Person]:
    codes = [spec["code"] for spec in org["people"]]
    people = {p.code: p for p in session.scalars(sa.select(Person).where(Person.code.in_(codes)))}
    for spec in org["people"]:
        if spec["code"] in people:
            continue
        person = place_new_person(
            session,
            code=spec["code"],
            full_name=spec["full_name"],
            category=StaffCategory(spec["category"]),
            job_position=spec["job_position"],
            unit=units[spec["unit"]],
            role=LeadershipRole(spec["role"]),
            starts_on=date.fromisoformat(spec["starts_on"]),
            date_of_birth=date.fromisoformat(spec["date_of_birth"]),
            email=spec["email"],
            front_desk=spec.get("front_desk", False),
        )
        counts["people"] += 1
        for move in spec.get("moves", []):
            move_person(
                session,
                person,
                to_unit=units[move["unit"]],
                role=LeadershipRole(move["role"]),
                job_position=move["job_position"],
                on=date.fromisoformat(move["on"]),
                actor_id=None,
                reason=move.get("reason"),
            )
            counts["moves"] += 1
        people[spec["code"]] = person
    return people


def _load_users(
    session: Session,
    org: dict[str, Any],
    people: dict[str, Person],
    units: dict[str, Unit],
    counts: Counter[str],
) -> dict[int, int]:
    """Create missing logins; return person id → user id."""
    existing = set(session.scalars(sa.select(User.username)))
    password_hash: str | None = None
    for spec in [*org["people"], *org["accounts"]]:
        if spec["username"] in existing:
            continue
        if password_hash is None:  # scrypt is slow on purpose: hash the shared password once
            password_hash = generate_password_hash(org["password"], method=HASH_METHOD)
        person = people.get(spec.get("code", ""))
        served = spec.get("served_unit")
        session.add(
            User(
                username=spec["username"],
                password_hash=password_hash,
                role=AccountRole(spec.get("account_role", "staff")),
                person_id=person.id if person else None,
                served_unit_id=units[served].id if served else None,
                must_change_password=True,  # the shared demo password: changed first in production
            )
        )
        counts["users"] += 1
    session.flush()
    person_ids = [p.id for p in people.values()]
    rows = session.execute(sa.select(User.person_id, User.id).where(User.person_id.in_(person_ids)))
    return {person_id: user_id for person_id, user_id in rows}


# --- plans --------------------------------------------------------------------------------


@dataclass
class Staff:
    """What plan generation needs to know about one person."""

    person_id: int
    code: str
    task_set: str | None
    notes: dict[str, Any]
    placements: list[tuple[date, date | None, int, LeadershipRole]]
    leave: tuple[date, date] | None = None

    @property
    def joined(self) -> date:
        return self.placements[0][0]

    def placement_on(self, day: date) -> tuple[int, LeadershipRole]:
        day = max(day, self.joined)
        for starts_on, ends_on, unit_id, role in self.placements:
            if starts_on <= day and (ends_on is None or day <= ends_on):
                return unit_id, role
        return self.placements[-1][2], self.placements[-1][3]

    def on_leave(self, day: date) -> bool:
        return self.leave is not None and self.leave[0] <= day <= self.leave[1]


@dataclass
class UnitInfo:
    id: int
    code: str
    kind: UnitKind
    parent_id: int | None
    task_set: str
    head_user_id: int | None = None
    staff_count: int = 0


@dataclass
class PlanDraft:
    key: PlanKey
    period: Period
    row: dict[str, Any]
    tasks: list[dict[str, Any]] = field(default_factory=list)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Vietnamese wall-clock time as the aware UTC datetime the columns store."""
    return datetime.combine(day, time(hour, minute), tzinfo=AGENCY_TIMEZONE).astimezone(UTC)


@cache
def _workdays(first: date, last: date) -> tuple[date, ...]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(d for d in days if d.weekday() < 5 and (d.month, d.day) not in FIXED_HOLIDAYS)


def _periods(today: date) -> list[Period]:
    """Every period of today's year that has started, longer periods first."""
    year = today.year
    candidates = [Period(PeriodKind.YEAR, year, 1)]
    candidates += [Period(PeriodKind.QUARTER, year, n) for n in range(1, 5)]
    candidates += [Period(PeriodKind.MONTH, year, n) for n in range(1, 13)]
    weeks = date(year, 12, 28).isocalendar().week
    candidates += [Period(PeriodKind.WEEK, year, n) for n in range(1, weeks + 1)]
    return [p for p in candidates if p.starts_on <= today]


def _rng(*parts: object) -> random.Random:
    """A random stream of its own for one plan, seeded from SEED and the plan's identity."""
    return random.Random(":".join(str(p) for p in (SEED, *parts)))  # noqa: S311  # nosec B311


class PlanBuilder:
    """Turns people, units and task templates into plan and task rows for one demo year."""

    def __init__(self, today: date, catalogue: Catalogue, units: dict[int, UnitInfo]) -> None:
        self.today = today
        self.year = today.year
        self.catalogue = catalogue
        self.units = units
        self.titles: dict[PlanKey, list[str]] = {}

    # -- who decides -----------------------------------------------------------------------

    def manager_user(self, unit_id: int, role: LeadershipRole) -> int | None:
        """Staff and deputies report to their unit's head; a head to the parent unit's head."""
        unit = self.units[unit_id]
        if role is LeadershipRole.HEAD:
            parent = self.units.get(unit.parent_id) if unit.parent_id else None
            return parent.head_user_id if parent else None
        return unit.head_user_id

    # -- plans -----------------------------------------------------------------------------

    def status(self, period: Period, rng: random.Random, notes: dict[str, Any]) -> PlanStatus:
        if period.contains(self.today):
            forced = notes.get("plan_states", {}).get(period.kind.value)
            if forced:
                return PlanStatus(forced)
            if period.kind is PeriodKind.YEAR:
                return PlanStatus.APPROVED
            draw = rng.random()
            if draw < 0.10:
                return PlanStatus.SUBMITTED
            return PlanStatus.DRAFT if draw < 0.11 else PlanStatus.APPROVED
        since = (self.today - period.ends_on).days
        if since <= 7:  # last week: most reported, some forgotten (still approved, no results)
            if notes.get("forgotten_week"):
                return PlanStatus.APPROVED
            draw = rng.random()
            if draw < 0.12:
                return PlanStatus.APPROVED
            return PlanStatus.CLOSED if draw < 0.3 else PlanStatus.REPORTED
        if since <= 35:
            return PlanStatus.CLOSED if rng.random() < 0.5 else PlanStatus.REPORTED
        return PlanStatus.REPORTED if rng.random() < 0.05 else PlanStatus.CLOSED

    def plan_row(
        self,
        period: Period,
        rng: random.Random,
        *,
        person_id: int | None,
        unit_id: int,
        status: PlanStatus,
        decider_id: int | None,
        earliest: date,
    ) -> dict[str, Any]:
        # Nothing is stamped later than yesterday: the demo may be loaded early in the morning.
        today, yesterday = self.today, self.today - timedelta(days=1)
        created_on = min(
            max(period.starts_on - timedelta(PLAN_LEAD_DAYS[period.kind]), earliest), today
        )
        created = _at(created_on, 8, rng.randint(0, 59))
        submitted = decided = reported = closed = None
        if status is not PlanStatus.DRAFT:
            submitted = created + timedelta(hours=rng.randint(1, 5), minutes=rng.randint(0, 59))
        if status not in (PlanStatus.DRAFT, PlanStatus.SUBMITTED):
            decided_on = max(created_on, min(created_on + timedelta(days=1), yesterday))
            decided = _at(decided_on, 15, rng.randint(0, 59))
        if status in (PlanStatus.REPORTED, PlanStatus.CLOSED):
            reported_on = min(period.ends_on + timedelta(days=rng.randint(1, 2)), yesterday)
            reported = _at(reported_on, 9, rng.randint(0, 59))
            closed_on = reported_on + timedelta(days=rng.randint(1, 5))
            if status is PlanStatus.CLOSED and closed_on > yesterday:
                status = PlanStatus.REPORTED
            elif status is PlanStatus.CLOSED:
                closed = _at(closed_on, 16, rng.randint(0, 59))
        stamps = [s for s in (created, submitted, decided, reported, closed) if s is not None]
        return {
            "person_id": person_id,
            "unit_id": unit_id,
            "period_kind": period.kind,
            "period_year": period.year,
            "period_number": period.number,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "status": status,
            "return_comment": (
                self.catalogue.return_comments[0] if status is PlanStatus.RETURNED else None
            ),
            "created_at": created,
            "updated_at": max(stamps),
            "submitted_at": submitted,
            "decided_at": decided,
            "decided_by_id": decider_id if decided else None,
            "reported_at": reported,
            "closed_at": closed,
            "version": 1,
        }

    # -- tasks -----------------------------------------------------------------------------

    def pick_templates(
        self,
        pool: Sequence[Template],
        kind: PeriodKind,
        rng: random.Random,
        preferred: Iterable[str],
    ) -> list[Template]:
        """2–6 templates, mostly ones the enclosing plan already has (so they break it down)."""
        usable = [t for t in pool if kind in t.quantities]
        low, high = TASKS_PER_PLAN[kind]
        count = min(rng.randint(low, high), len(usable))
        wanted = set(preferred)
        inherited = [t for t in usable if t.title in wanted]
        fresh = [t for t in usable if t.title not in wanted]
        rng.shuffle(inherited)
        rng.shuffle(fresh)
        take = min(len(inherited), max(0, count - rng.randint(0, 1)))
        chosen = inherited[:take] + fresh[: count - take]
        chosen += inherited[take : take + count - len(chosen)]
        return chosen

    def deadline(
        self, period: Period, template: Template, rng: random.Random, staff: Staff | None
    ) -> date:
        earliest = max(period.starts_on, staff.joined if staff else period.starts_on)
        if period.kind is PeriodKind.QUARTER and template.unit_of_measure == "báo cáo":
            due = date(period.year, 3 * period.number, QUARTER_REPORT_DAY)
            while due.weekday() >= 5:
                due -= timedelta(days=1)
            if due >= earliest:
                return due
        window_start = period.ends_on - timedelta(DEADLINE_WINDOW_DAYS[period.kind] - 1)
        first = max(earliest, window_start)
        days = [d for d in _workdays(first, period.ends_on) if not (staff and staff.on_leave(d))]
        if not days:
            days = list(_workdays(earliest, period.ends_on)) or [period.ends_on]
        return rng.choice(days)

    def quantity(self, template: Template, kind: PeriodKind, rng: random.Random, scale: int) -> int:
        low, high = template.quantities[kind]
        if high > 3:
            low, high = low * scale, high * scale
        return min(rng.randint(low, high), int(QUANTITY_MAX))

    def task_row(
        self,
        plan: PlanDraft,
        template: Template,
        rng: random.Random,
        *,
        staff: Staff | None,
        manager_id: int | None,
        scale: int = 1,
    ) -> dict[str, Any]:
        period = plan.period
        draw = rng.random()
        if staff is None:
            source = TaskSource.ASSIGNED if draw < 0.5 and manager_id else TaskSource.UNIT_PLAN
        elif draw < 0.4 or (draw < 0.75 and manager_id is None):
            source = TaskSource.UNIT_PLAN
        elif draw < 0.75:
            source = TaskSource.ASSIGNED
        else:
            source = TaskSource.SELF_PROPOSED
        created: datetime = plan.row["created_at"]
        description = {
            TaskSource.ASSIGNED: (
                f"Lãnh đạo giao tại cuộc họp giao ban ngày "
                f"{created.astimezone(AGENCY_TIMEZONE):%d/%m/%Y}."
            ),
            TaskSource.UNIT_PLAN: "Thực hiện chỉ tiêu trong kế hoạch công tác của đơn vị.",
            TaskSource.SELF_PROPOSED: None,
        }[source]
        row = {
            "plan_id": None,
            "title": template.title,
            "description": description,
            "target_quantity": Decimal(self.quantity(template, period.kind, rng, scale)),
            "unit_of_measure": template.unit_of_measure,
            "weight": Decimal(rng.choice((1, 1, 2, 2, 3))),
            "deadline": self.deadline(period, template, rng, staff),
            "source": source,
            "assigned_by_id": manager_id if source is TaskSource.ASSIGNED else None,
            "parent_task_id": None,
            "created_at": created,
            "outcome": None,
            "achieved_quantity": None,
            "completed_on": None,
            "cancel_reason": None,
            "evidence": None,
            "self_quality": None,
            "reported_at": None,
            # the manager's assessment is made when scoring
            "quality_ok": None,
            "major_error_returns": 0,
            "delays": None,
            "objective_cause": None,
            "coefficient": Decimal(1),
            # sent by no other system
            "external_ref": None,
            "source_system": None,
            "override_reason": None,
        }
        self.result(row, plan, template, rng)
        return row

    def result(
        self, row: dict[str, Any], plan: PlanDraft, template: Template, rng: random.Random
    ) -> None:
        """Results as people really report them: mostly on time, some late, a few not done."""
        status: PlanStatus = plan.row["status"]
        period, deadline, yesterday = plan.period, row["deadline"], self.today - timedelta(1)
        if status in (PlanStatus.REPORTED, PlanStatus.CLOSED):
            draw = rng.random()
            if draw < 0.02:
                row["outcome"] = TaskOutcome.CANCELLED
                row["cancel_reason"] = rng.choice(self.catalogue.cancel_reasons)
                row["reported_at"] = plan.row["reported_at"]
                return
            if draw < 0.07:
                row["outcome"] = TaskOutcome.NOT_DONE
                target = int(row["target_quantity"])
                row["achieved_quantity"] = Decimal(int(target * rng.uniform(0, 0.6)))
                row["self_quality"] = SelfQuality.POOR if rng.random() < 0.6 else None
                row["reported_at"] = plan.row["reported_at"]
                return
            if draw < 0.20:
                done = min(deadline + timedelta(days=rng.randint(1, 10)), yesterday)
            else:
                done = max(deadline - timedelta(days=rng.randint(0, 3)), period.starts_on)
            self.done(row, template, rng, done)
        elif status is PlanStatus.APPROVED and period.contains(self.today):
            if deadline < self.today:
                if rng.random() < 0.75:  # the rest stay open: the overdue list
                    late = rng.random() < 0.15 and deadline < yesterday
                    done = (
                        deadline + timedelta(days=rng.randint(1, (yesterday - deadline).days))
                        if late
                        else max(deadline - timedelta(days=rng.randint(0, 2)), period.starts_on)
                    )
                    self.done(row, template, rng, done)
            elif period.starts_on <= yesterday and rng.random() < 0.2:
                first = max(period.starts_on, deadline - timedelta(days=10))
                if first <= yesterday:
                    span = (min(deadline, yesterday) - first).days
                    self.done(row, template, rng, first + timedelta(days=rng.randint(0, span)))

    def done(self, row: dict[str, Any], template: Template, rng: random.Random, on: date) -> None:
        target = int(row["target_quantity"])
        draw = rng.random()
        if draw < 0.2 and target >= 5:
            achieved = min(math.ceil(target * rng.uniform(1.05, 1.3)), int(QUANTITY_MAX))
        elif draw < 0.3 and target >= 5:
            achieved = max(1, math.floor(target * rng.uniform(0.8, 0.99)))
        else:
            achieved = target
        row["outcome"] = (
            TaskOutcome.DONE_ON_TIME if on <= row["deadline"] else TaskOutcome.DONE_LATE
        )
        row["achieved_quantity"] = Decimal(achieved)
        row["completed_on"] = on
        if rng.random() < 0.92:
            row["evidence"] = template.evidence.format(n=rng.randint(1, 480), year=on.year)
        quality = rng.random()
        row["self_quality"] = (
            SelfQuality.GOOD
            if quality < 0.35
            else SelfQuality.MEETS
            if quality < 0.93
            else SelfQuality.POOR
        )
        row["reported_at"] = _at(on, 16, rng.randint(0, 59))

    # -- whole plans -----------------------------------------------------------------------

    def person_plan(self, staff: Staff, period: Period) -> PlanDraft | None:
        if period.kind in (PeriodKind.WEEK, PeriodKind.MONTH):
            if period.starts_on < staff.joined:
                return None
        elif period.ends_on < staff.joined:
            return None
        if staff.leave and staff.leave[0] <= period.starts_on and period.ends_on <= staff.leave[1]:
            return None
        rng = _rng("person", staff.code, period.key)
        unit_id, role = staff.placement_on(period.starts_on)
        unit = self.units[unit_id]
        manager_id = self.manager_user(unit_id, role)
        status = self.status(period, rng, staff.notes)
        key: PlanKey = (staff.person_id, None, period.kind, period.number)
        plan = PlanDraft(
            key,
            period,
            self.plan_row(
                period,
                rng,
                person_id=staff.person_id,
                unit_id=unit_id,
                status=status,
                decider_id=manager_id,
                earliest=staff.joined,
            ),
        )
        pool = list(self.catalogue.sets[staff.task_set or unit.task_set])
        if role.is_leader and unit.kind in (UnitKind.DIVISION, UnitKind.PUBLIC_SERVICE):
            pool += self.catalogue.sets[LEADERS_SET]
        enclosing = period.enclosing()
        parent_key: PlanKey | None = (
            (staff.person_id, None, enclosing.kind, enclosing.number) if enclosing else None
        )
        preferred = self.titles.get(parent_key, []) if parent_key else []
        for template in self.pick_templates(pool, period.kind, rng, preferred):
            row = self.task_row(plan, template, rng, staff=staff, manager_id=manager_id)
            row["_parent_plan"] = parent_key
            plan.tasks.append(row)
        self.titles[key] = [t["title"] for t in plan.tasks]
        return plan

    def unit_plan(self, unit: UnitInfo, period: Period) -> PlanDraft:
        rng = _rng("unit", unit.code, period.key)
        status = self.status(period, rng, {})
        if status is PlanStatus.APPROVED and not period.contains(self.today):
            status = PlanStatus.REPORTED  # unit plans are never "forgotten"
        manager_id = self.manager_user(unit.id, LeadershipRole.HEAD)
        plan = PlanDraft(
            (None, unit.id, period.kind, period.number),
            period,
            self.plan_row(
                period,
                rng,
                person_id=None,
                unit_id=unit.id,
                status=status,
                decider_id=manager_id,
                earliest=period.starts_on,
            ),
        )
        scale = max(1, unit.staff_count // 2)
        for template in self.pick_templates(
            self.catalogue.sets[unit.task_set], period.kind, rng, ()
        ):
            row = self.task_row(plan, template, rng, staff=None, manager_id=manager_id, scale=scale)
            row["_parent_plan"] = None
            plan.tasks.append(row)
        return plan


def _staff(session: Session, org: dict[str, Any], people: dict[str, Person]) -> list[Staff]:
    by_person: dict[int, list[tuple[date, date | None, int, LeadershipRole]]] = {}
    ids = [p.id for p in people.values()]
    for placement in session.scalars(
        sa.select(Placement)
        .where(Placement.person_id.in_(ids))
        .order_by(Placement.person_id, Placement.starts_on)
    ):
        by_person.setdefault(placement.person_id, []).append(
            (placement.starts_on, placement.ends_on, placement.unit_id, placement.leadership_role)
        )
    staff = []
    for spec in org["people"]:  # file order, which is code order: deterministic
        person = people[spec["code"]]
        notes = spec.get("notes", {})
        leave = None
        if "leave_from" in notes:
            start = date.fromisoformat(notes["leave_from"])
            leave = (start, _add_months(start, notes["leave_months"]) - timedelta(days=1))
        staff.append(
            Staff(person.id, person.code, spec.get("tasks"), notes, by_person[person.id], leave)
        )
    return staff


def _unit_infos(
    session: Session, org: dict[str, Any], units: dict[str, Unit], users: dict[int, int]
) -> dict[int, UnitInfo]:
    infos = {
        units[spec["code"]].id: UnitInfo(
            id=units[spec["code"]].id,
            code=spec["code"],
            kind=units[spec["code"]].kind,
            parent_id=units[spec["code"]].parent_id,
            task_set=spec["tasks"],
        )
        for spec in org["units"]
    }
    rows = session.execute(
        sa.select(Person.id, Person.unit_id, Person.leadership_role).where(
            Person.unit_id.in_(list(infos))
        )
    )
    for person_id, unit_id, role in rows:
        info = infos[unit_id]
        if role is LeadershipRole.HEAD and info.head_user_id is None:
            info.head_user_id = users.get(person_id)
        elif role is LeadershipRole.NONE:
            info.staff_count += 1
    return infos


def _existing_plans(session: Session, year: int) -> dict[PlanKey, int]:
    rows = session.execute(
        sa.select(
            Plan.id, Plan.person_id, Plan.unit_id, Plan.period_kind, Plan.period_number
        ).where(Plan.period_year == year)
    )
    return {
        (person_id, None if person_id else unit_id, kind, number): plan_id
        for plan_id, person_id, unit_id, kind, number in rows
    }


def _task_ids(session: Session, kind: PeriodKind, year: int) -> dict[tuple[int, str], int]:
    """(plan id, title) → task id for the people's plans of one kind: the parents to link to."""
    rows = session.execute(
        sa.select(Task.id, Task.plan_id, Task.title)
        .join(Plan, Task.plan_id == Plan.id)
        .where(Plan.period_kind == kind, Plan.period_year == year, Plan.person_id.is_not(None))
        .order_by(Task.id)
    )
    found: dict[tuple[int, str], int] = {}
    for task_id, plan_id, title in rows:
        found.setdefault((plan_id, title), task_id)
    return found


def _insert(session: Session, model: type[Plan] | type[Task], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(model), rows[start : start + CHUNK])


def _load_plans(
    session: Session,
    org: dict[str, Any],
    units: dict[str, Unit],
    people: dict[str, Person],
    users: dict[int, int],
    today: date,
    counts: Counter[str],
) -> None:
    year = today.year
    existing = _existing_plans(session, year)
    infos = _unit_infos(session, org, units, users)
    builder = PlanBuilder(today, read_catalogue(), infos)
    periods = _periods(today)
    drafts: list[PlanDraft] = []
    for staff in _staff(session, org, people):
        for period in periods:
            if (staff.person_id, None, period.kind, period.number) in existing:
                continue
            draft = builder.person_plan(staff, period)
            if draft:
                drafts.append(draft)
    for spec in org["units"]:
        info = infos[units[spec["code"]].id]
        for period in periods:
            if (
                period.kind is PeriodKind.WEEK
                or (None, info.id, period.kind, period.number) in existing
            ):
                continue
            drafts.append(builder.unit_plan(info, period))
    if not drafts:
        return
    _insert(session, Plan, [{c: d.row[c] for c in PLAN_COLUMNS} for d in drafts])
    counts["plans"] += len(drafts)
    plan_ids = _existing_plans(session, year)
    for kind in KIND_ORDER:
        parent_kind = PARENT_KIND.get(kind)
        parents = _task_ids(session, parent_kind, year) if parent_kind else {}
        rows = []
        for draft in drafts:
            if draft.period.kind is not kind:
                continue
            plan_id = plan_ids[draft.key]
            for task in draft.tasks:
                row = {c: task[c] for c in TASK_COLUMNS}
                row["plan_id"] = plan_id
                parent_plan = plan_ids.get(task["_parent_plan"]) if task["_parent_plan"] else None
                if parent_plan is not None:
                    row["parent_task_id"] = parents.get((parent_plan, task["title"]))
                rows.append(row)
        _insert(session, Task, rows)
        counts["tasks"] += len(rows)


# --- entry points -------------------------------------------------------------------------


def load_demo(session: Session | None = None, today: date | None = None) -> str:
    """Load the demo organisation and its plans up to `today`; flush, never commit.

    Without a session (the `flask demo load` command) it runs in a transaction of its own
    and commits it.
    """
    if session is None:
        with db.transaction() as own:
            return load_demo(own, today)
    today = today or local_today()
    org = read_seed("organisation.json")
    counts: Counter[str] = Counter()
    units = _load_units(session, org, counts)
    people = _load_people(session, org, units, counts)
    users = _load_users(session, org, people, units, counts)
    _load_plans(session, org, units, people, users, today, counts)
    session.flush()
    counts.update(load_demo_evaluations(session, today))
    counts.update(load_demo_emulation(session, today))
    if not counts:
        return (
            f"Dữ liệu mẫu năm {today.year} đã có đầy đủ (đến ngày {today:%d/%m/%Y}): "
            "không tạo thêm gì."
        )
    return (
        f"Đã tạo {counts['units']} đơn vị, {counts['people']} người "
        f"({counts['moves']} lượt điều động), {counts['users']} tài khoản, "
        f"{counts['plans']} kế hoạch và {counts['tasks']} nhiệm vụ của năm {today.year} "
        f"(đến ngày {today:%d/%m/%Y}); {counts['leave_records']} hồ sơ nghỉ, "
        f"{counts['discipline_records']} quyết định kỷ luật, {counts['period_scores']} phiếu "
        f"chấm điểm tháng/quý, {counts['evaluations']} hồ sơ đánh giá năm "
        f"({counts['decisions']} đã có quyết định), {counts['achievements']} sáng kiến và "
        f"{counts['emulation_decisions']} quyết định khen thưởng. "
        f"Mật khẩu chung của mọi tài khoản: {org['password']}."
    )


def demo_logins(session: Session | None = None) -> str:
    """The demo accounts as a plain-text table, for `make run` and the trainer's handout."""
    if session is None:
        with db.transaction() as own:
            return demo_logins(own)
    org = read_seed("organisation.json")
    wanted = [s for s in [*org["accounts"], *org["people"]] if "demo" in s]
    users = {
        u.username: u
        for u in session.scalars(
            sa.select(User).where(User.username.in_([s["username"] for s in wanted]))
        )
    }
    header = ("Vai trò", "Họ và tên", "Đơn vị", "Tên đăng nhập", "Mật khẩu")
    lines = []
    for spec in wanted:
        user = users.get(spec["username"])
        if user is None:
            continue
        person = user.person
        if person is None:
            name, unit = "—", "Toàn hệ thống"
        else:
            name = person.full_name
            parent = person.unit.parent
            unit = person.unit.name
            if person.unit.kind in NAMED_WITH_PARENT and parent is not None:
                unit = f"{unit}, {parent.name}"
        lines.append((spec["demo"], name, unit, user.username, org["password"]))
    if not lines:
        return "Chưa có dữ liệu mẫu: chạy `flask demo load` trước."
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(header), rule, *(fmt(row) for row in lines)])
