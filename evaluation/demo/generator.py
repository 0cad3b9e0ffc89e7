"""A synthetic province of any size, for measuring speed (`flask demo generate`).

Deterministic: every person's year draws from a random stream seeded from the seed, the
person's code and the year, so the same arguments give the same rows on any backend.

Fast: no ORM object per row. Ids are assigned here (from each table's current maximum), so
unit paths, parent tasks and foreign keys are known before anything is written, and rows go to
the database through Core `insert` executemany in chunks of `CHUNK`, streamed person by
person so memory stays flat whatever the size. Only complete past years are generated: every
plan is closed, every month scored, every annual evaluation decided.

Scores and levels are computed simply (task points from the month's on-time, late and
unfinished work; levels from the year's mean points with a 20 % cap on "xuất sắc" per unit),
within the database's constraints; they are a realistic load, not the rulebook's answer.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from criteria.bands import level_by_points
from criteria.criteria_sets import choose_criteria_set
from criteria.levels import DisciplineForm, Level, StaffCategory
from criteria.procedure import Step
from criteria.rulebooks import select_rulebook
from evaluation.accounts.models import HASH_METHOD, AccountRole, User
from evaluation.demo.loader import (
    FIXED_HOLIDAYS,
    PLAN_LEAD_DAYS,
    TASKS_PER_PLAN,
    Catalogue,
    Template,
    read_catalogue,
)
from evaluation.organisation.models import (
    LeadershipRole,
    Person,
    Placement,
    ScoringFrequency,
    Unit,
    UnitKind,
)
from evaluation.plans.models import Plan, PlanStatus, SelfQuality, Task, TaskOutcome, TaskSource
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings.stored import forget_all
from evaluation.records.models import DisciplineRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

CHUNK = 5000
# The synthetic province's shared password, as the demo's in seed_data (not a secret); like
# every initial password it is changed first in production.
PASSWORD = "Danhgia@2026"  # noqa: S105  # nosec B105
SHARED_PASSWORD_CHANGED_FIRST = True
# Vietnam is UTC+7 all year: local wall-clock hours become UTC by subtracting seven.
UTC_OFFSET_HOURS = 7
# A province of 40 000 people has about 1 500 units: one department per 2 000 people and one
# commune per 145 (each commune with three divisions, each department with 18 units).
PEOPLE_PER_DEPARTMENT = 2000
PEOPLE_PER_COMMUNE = 145
MIN_PEOPLE = 100
XUAT_SAC_SHARE = 0.20
TWO_PLACES = Decimal("0.01")

DEADLINE_WINDOW_DAYS = {
    PeriodKind.WEEK: 7,
    PeriodKind.MONTH: 20,
    PeriodKind.QUARTER: 45,
    PeriodKind.YEAR: 120,
}
# (share of people, late rate, not-done rate, general points range): most people are reliable.
PROFILES = (
    (0.68, 0.08, 0.02, (27, 30)),
    (0.22, 0.18, 0.05, (24, 29)),
    (0.08, 0.35, 0.12, (19, 27)),
    (0.02, 0.40, 0.35, (10, 20)),
)
CANCEL_RATE = 0.02
DISCIPLINE_RATE = 0.003
LATE_CREDIT = 0.6

DEPARTMENTS = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hoá, Thể thao và Du lịch",
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
)
DEPARTMENT_DIVISIONS = (
    ("Văn phòng", "van_phong_so"),
    ("Phòng Tổ chức, biên chế", "to_chuc_bien_che"),
    ("Phòng Công chức, viên chức", "cong_chuc_vien_chuc"),
    ("Phòng Thi đua, khen thưởng", "thi_dua_khen_thuong"),
    ("Phòng Kế hoạch, tài chính", "van_phong_so"),
    ("Phòng Lưu trữ", "luu_tru"),
)
SERVICE_UNITS = ("Trung tâm Lưu trữ", "Trung tâm Dịch vụ công", "Trung tâm Đào tạo")
SERVICE_DIVISIONS = (
    ("Phòng Hành chính, tổng hợp", "van_phong_so"),
    ("Phòng Nghiệp vụ", "luu_tru"),
    ("Phòng Dịch vụ", "van_phong_so"),
)
COMMUNE_DIVISIONS = (
    ("Văn phòng HĐND và UBND", "van_phong_xa"),
    ("Phòng Kinh tế", "kinh_te_xa"),
    ("Phòng Văn hoá, Xã hội", "van_hoa_xa_hoi_xa"),
)
COMMUNE_NAMES = (
    "An",
    "Bình",
    "Cao",
    "Đông",
    "Hà",
    "Hoà",
    "Hưng",
    "Lâm",
    "Long",
    "Minh",
    "Nam",
    "Phú",
    "Phúc",
    "Quang",
    "Sơn",
    "Tân",
    "Thanh",
    "Thịnh",
    "Thuận",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
)
FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Kim")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
)


# --- the unit tree ------------------------------------------------------------------------


@dataclass
class UnitSpec:
    id: int
    code: str
    name: str
    kind: UnitKind
    parent: UnitSpec | None
    task_set: str
    leader_set: str
    deputies: int
    staff_weight: float
    category: StaffCategory
    head_title: str
    path: str = ""
    depth: int = 0
    people: list[PersonSpec] = field(default_factory=list)
    head_user_id: int | None = None

    def __post_init__(self) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.id}/"
        self.depth = self.parent.depth + 1 if self.parent else 0


@dataclass
class PersonSpec:
    id: int
    code: str
    unit: UnitSpec
    role: LeadershipRole
    category: StaffCategory
    task_set: str
    front_desk: bool
    user_id: int | None = None


@dataclass
class Ids:
    """The next free id of each table, read once at the start."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


TABLES = (Unit, Person, Placement, User, Plan, Task, PeriodScore, AnnualEvaluation)
ID_TABLES = (*TABLES, DisciplineRecord)


def _read_ids(session: Session) -> Ids:
    return Ids(
        {
            model.__tablename__: (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
            for model in ID_TABLES
        }
    )


def _build_units(prefix: str, people: int, ids: Ids) -> list[UnitSpec]:
    """Root, departments with divisions and service units, communes with divisions."""
    units: list[UnitSpec] = []

    def add(name: str, kind: UnitKind, parent: UnitSpec | None, **kw: Any) -> UnitSpec:
        unit_id = ids.take("unit")
        unit = UnitSpec(unit_id, f"{prefix}U{len(units) + 1:05d}", name, kind, parent, **kw)
        units.append(unit)
        return unit

    officials = StaffCategory.CONG_CHUC
    root = add(
        "UBND tỉnh",
        UnitKind.AGENCY,
        None,
        task_set="van_phong_so",
        leader_set="lanh_dao_tinh",
        deputies=3,
        staff_weight=0.3,
        category=StaffCategory.CAN_BO,
        head_title="Chủ tịch UBND tỉnh",
    )
    for number in range(max(1, people // PEOPLE_PER_DEPARTMENT)):
        base = DEPARTMENTS[number % len(DEPARTMENTS)]
        name = base if number < len(DEPARTMENTS) else f"{base} ({number // len(DEPARTMENTS) + 1})"
        department = add(
            name,
            UnitKind.AGENCY,
            root,
            task_set="van_phong_so",
            leader_set="lanh_dao_so",
            deputies=2,
            staff_weight=0.3,
            category=officials,
            head_title="Giám đốc",
        )
        for division, task_set in DEPARTMENT_DIVISIONS:
            add(
                division,
                UnitKind.DIVISION,
                department,
                task_set=task_set,
                leader_set="lanh_dao_phong",
                deputies=1,
                staff_weight=1.0,
                category=officials,
                head_title="Trưởng phòng",
            )
        for service in SERVICE_UNITS:
            centre = add(
                service,
                UnitKind.PUBLIC_SERVICE,
                department,
                task_set="luu_tru",
                leader_set="lanh_dao_phong",
                deputies=1,
                staff_weight=0.8,
                category=StaffCategory.VIEN_CHUC,
                head_title="Giám đốc Trung tâm",
            )
            for division, task_set in SERVICE_DIVISIONS:
                add(
                    division,
                    UnitKind.DIVISION,
                    centre,
                    task_set=task_set,
                    leader_set="lanh_dao_phong",
                    deputies=1,
                    staff_weight=1.0,
                    category=StaffCategory.VIEN_CHUC,
                    head_title="Trưởng phòng",
                )
    for number in range(max(1, people // PEOPLE_PER_COMMUNE)):
        base = COMMUNE_NAMES[number % len(COMMUNE_NAMES)]
        suffix = number // len(COMMUNE_NAMES)
        commune = add(
            f"Xã {base} {suffix + 1}" if suffix else f"Xã {base}",
            UnitKind.COMMUNE,
            root,
            task_set="hanh_chinh_cong_xa",
            leader_set="lanh_dao_xa",
            deputies=2,
            staff_weight=0.8,
            category=StaffCategory.CAN_BO,
            head_title="Chủ tịch UBND xã",
        )
        for division, task_set in COMMUNE_DIVISIONS:
            add(
                division,
                UnitKind.DIVISION,
                commune,
                task_set=task_set,
                leader_set="lanh_dao_phong",
                deputies=1,
                staff_weight=1.0,
                category=officials,
                head_title="Trưởng phòng",
            )
    return units


def _place_people(prefix: str, total: int, units: list[UnitSpec], ids: Ids, seed: int) -> None:
    """A head for every unit, deputies while people last, the rest as staff by weight."""
    # Seeded streams: a benchmark province must come out the same each time (bandit B311).
    rng = random.Random(f"{seed}:people")  # noqa: S311  # nosec B311
    roles: list[tuple[UnitSpec, LeadershipRole]] = [(u, LeadershipRole.HEAD) for u in units]
    for unit in units:
        roles += [(unit, LeadershipRole.DEPUTY)] * unit.deputies
    roles = roles[:total]
    staff = total - len(roles)
    weights = [u.staff_weight for u in units]
    shares = [int(staff * w / sum(weights)) for w in weights]
    for _ in range(staff - sum(shares)):
        shares[rng.randrange(len(units))] += 1
    for unit, share in zip(units, shares, strict=True):
        roles += [(unit, LeadershipRole.NONE)] * share
    roles.sort(key=lambda item: (item[0].id, list(LeadershipRole).index(item[1])))
    for number, (unit, role) in enumerate(roles, start=1):
        category, task_set = unit.category, unit.task_set
        if role is LeadershipRole.NONE:
            if unit.category is StaffCategory.CAN_BO:
                category = StaffCategory.CONG_CHUC
            if unit.kind in (UnitKind.AGENCY, UnitKind.PUBLIC_SERVICE) and rng.random() < 0.15:
                category, task_set = StaffCategory.NGUOI_LAO_DONG, rng.choice(("lai_xe", "bao_ve"))
        person = PersonSpec(
            ids.take("person"),
            f"{prefix}P{number:06d}",
            unit,
            role,
            category,
            task_set,
            front_desk=task_set == "hanh_chinh_cong_xa" and role is LeadershipRole.NONE,
        )
        unit.people.append(person)


# --- rows ---------------------------------------------------------------------------------


def _utc(day: date, local_hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, local_hour - UTC_OFFSET_HOURS, minute, tzinfo=UTC)


@cache
def _deadline_days(period: Period) -> tuple[date, ...]:
    """Workdays in the last part of the period: targets fall due at its end."""
    first = max(period.starts_on, period.ends_on - timedelta(DEADLINE_WINDOW_DAYS[period.kind] - 1))
    days = (first + timedelta(n) for n in range((period.ends_on - first).days + 1))
    found = tuple(d for d in days if d.weekday() < 5 and (d.month, d.day) not in FIXED_HOLIDAYS)
    return found or (period.ends_on,)


@cache
def _periods(year: int, weeks: bool) -> tuple[Period, ...]:
    """The year's periods, longer first: a shorter plan's tasks link to the longer plan's."""
    found = [Period(PeriodKind.YEAR, year, 1)]
    found += [Period(PeriodKind.QUARTER, year, n) for n in range(1, 5)]
    found += [Period(PeriodKind.MONTH, year, n) for n in range(1, 13)]
    if weeks:
        count = date(year, 12, 28).isocalendar().week
        found += [Period(PeriodKind.WEEK, year, n) for n in range(1, count + 1)]
    return tuple(found)


@cache
def _criteria_set(category: StaffCategory, leader: bool, front_desk: bool, year: int) -> str:
    """The criteria set's id, as the rulebook chooses it (the generated units pin none)."""
    return choose_criteria_set(year, category, leader=leader, front_desk=front_desk).id


class Writer:
    """Buffers rows per table and writes each in chunks, parents before children."""

    ORDER = (
        "unit",
        "person",
        "placement",
        "user_account",
        "plan",
        "task",
        "period_score",
        "annual_evaluation",
        "discipline_record",
    )

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tables = {m.__tablename__: m.__table__ for m in ID_TABLES}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.ORDER}
        self.counts: Counter[str] = Counter()

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        if len(self.rows[table]) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        connection = self.session.connection()
        for name in self.ORDER:
            rows = self.rows[name]
            for start in range(0, len(rows), CHUNK):
                connection.execute(sa.insert(self.tables[name]), rows[start : start + CHUNK])
            self.counts[name] += len(rows)
            rows.clear()


@dataclass(frozen=True)
class Options:
    people: int
    years: int
    seed: int = 2026
    last_year: int = 2025
    weeks: bool = False
    logins: bool = False


class YearBuilder:
    """One person's (or one unit's) plans, tasks and scores for one year."""

    def __init__(self, writer: Writer, ids: Ids, catalogue: Catalogue, options: Options) -> None:
        self.writer = writer
        self.ids = ids
        self.catalogue = catalogue
        self.options = options
        self.usable: dict[tuple[str, PeriodKind], list[Template]] = {}
        for name, templates in catalogue.sets.items():
            for kind in PeriodKind:
                self.usable[name, kind] = [t for t in templates if kind in t.quantities]
        self.decimals = {n: Decimal(n) for n in range(0, 4)}

    def plan(
        self,
        period: Period,
        rng: random.Random,
        *,
        person_id: int | None,
        unit_id: int,
        decider: int | None,
    ) -> tuple[int, datetime, datetime]:
        plan_id = self.ids.take("plan")
        created = _utc(
            period.starts_on - timedelta(PLAN_LEAD_DAYS[period.kind]), 8, rng.randrange(60)
        )
        submitted = created + timedelta(hours=2, minutes=rng.randrange(60))
        decided = created + timedelta(days=1, hours=7)
        reported_on = period.ends_on + timedelta(rng.randint(1, 2))
        reported = _utc(reported_on, 9, rng.randrange(60))
        closed = _utc(reported_on + timedelta(rng.randint(1, 5)), 16, rng.randrange(60))
        self.writer.add(
            "plan",
            {
                "id": plan_id,
                "person_id": person_id,
                "unit_id": unit_id,
                "period_kind": period.kind,
                "period_year": period.year,
                "period_number": period.number,
                "starts_on": period.starts_on,
                "ends_on": period.ends_on,
                "status": PlanStatus.CLOSED,
                "return_comment": None,
                "created_at": created,
                "updated_at": closed,
                "submitted_at": submitted,
                "decided_at": decided,
                "decided_by_id": decider,
                "reported_at": reported,
                "closed_at": closed,
                "version": 1,
            },
        )
        return plan_id, created, reported

    def tasks(
        self,
        period: Period,
        rng: random.Random,
        *,
        plan: tuple[int, datetime, datetime],
        pool: list[Template],
        parents: dict[str, int],
        profile: tuple[float, float],
        manager: int | None,
        scale: int = 1,
    ) -> tuple[dict[str, int], float, float]:
        """Write the plan's tasks; return title → id, and the weighted credit and weight."""
        plan_id, created, reported = plan
        late_rate, missed_rate = profile
        low, high = TASKS_PER_PLAN[period.kind]
        chosen = rng.sample(pool, min(rng.randint(low, high), len(pool)))
        days = _deadline_days(period)
        made: dict[str, int] = {}
        credit = weight_sum = 0.0
        for template in chosen:
            task_id = self.ids.take("task")
            made[template.title] = task_id
            q_low, q_high = template.quantities[period.kind]
            if q_high > 3:
                q_low, q_high = q_low * scale, q_high * scale
            target = min(rng.randint(q_low, q_high), 1_000_000)
            weight = rng.choice((1, 1, 2, 2, 3))
            deadline = rng.choice(days)
            draw = rng.random()
            source = (
                TaskSource.UNIT_PLAN
                if draw < 0.4
                else TaskSource.ASSIGNED
                if draw < 0.75 and manager
                else TaskSource.SELF_PROPOSED
            )
            row = {
                "id": task_id,
                "plan_id": plan_id,
                "title": template.title,
                "description": None,
                "target_quantity": Decimal(target),
                "unit_of_measure": template.unit_of_measure,
                "weight": self.decimals[weight],
                "deadline": deadline,
                "source": source,
                "assigned_by_id": manager if source is TaskSource.ASSIGNED else None,
                "parent_task_id": parents.get(template.title),
                "created_at": created,
                "outcome": None,
                "achieved_quantity": None,
                "completed_on": None,
                "cancel_reason": None,
                "evidence": None,
                "self_quality": None,
                "reported_at": reported,
                "quality_ok": None,
                "major_error_returns": 0,
                "delays": None,
                "objective_cause": None,
                "coefficient": self.decimals[1],
                # sent by no other system
                "external_ref": None,
                "source_system": None,
                "override_reason": None,
            }
            draw = rng.random()
            if draw < CANCEL_RATE:
                row["outcome"] = TaskOutcome.CANCELLED
                row["cancel_reason"] = rng.choice(self.catalogue.cancel_reasons)
            elif draw < CANCEL_RATE + missed_rate:
                row["outcome"] = TaskOutcome.NOT_DONE
                row["achieved_quantity"] = Decimal(int(target * rng.uniform(0, 0.6)))
                row["self_quality"] = SelfQuality.POOR
                weight_sum += weight
            else:
                late = draw < CANCEL_RATE + missed_rate + late_rate
                done = (
                    deadline + timedelta(rng.randint(1, 10))
                    if late
                    else max(deadline - timedelta(rng.randint(0, 3)), period.starts_on)
                )
                row["outcome"] = TaskOutcome.DONE_LATE if late else TaskOutcome.DONE_ON_TIME
                row["achieved_quantity"] = row["target_quantity"]
                row["completed_on"] = done
                row["evidence"] = template.evidence.format(n=rng.randint(1, 480), year=done.year)
                row["self_quality"] = SelfQuality.GOOD if rng.random() < 0.35 else SelfQuality.MEETS
                row["reported_at"] = _utc(done, 16, rng.randrange(60))
                credit += weight * (LATE_CREDIT if late else 1.0)
                weight_sum += weight
            self.writer.add("task", row)
        return made, credit, weight_sum


def _profile(rng: random.Random) -> tuple[float, float, tuple[int, int]]:
    draw = rng.random()
    for share, late, missed, general in PROFILES:
        if draw < share:
            return late, missed, general
        draw -= share
    return PROFILES[-1][1:]


def _person_year(
    builder: YearBuilder, person: PersonSpec, year: int, manager: int | None, rng: random.Random
) -> dict[str, Any]:
    """Plans, tasks and monthly scores of one person for one year; the evaluation row."""
    options, writer, ids = builder.options, builder.writer, builder.ids
    late, missed, (general_low, general_high) = _profile(rng)
    pool = list(builder.usable[person.task_set, PeriodKind.MONTH])
    if person.role.is_leader:
        pool += builder.usable[person.unit.leader_set, PeriodKind.MONTH]
    portfolio = rng.sample(pool, min(len(pool), rng.randint(5, 7)))
    titles: dict[Period, dict[str, int]] = {}
    totals: list[float] = []
    for period in _periods(year, options.weeks):
        enclosing = period.enclosing()
        parents = titles.get(enclosing, {}) if enclosing else {}
        kind_pool = [t for t in portfolio if period.kind in t.quantities]
        if not kind_pool:
            continue
        plan = builder.plan(
            period, rng, person_id=person.id, unit_id=person.unit.id, decider=manager
        )
        made, credit, weight = builder.tasks(
            period,
            rng,
            plan=plan,
            pool=kind_pool,
            parents=parents,
            profile=(late, missed),
            manager=manager,
        )
        if period.kind is not PeriodKind.WEEK:
            titles[period] = made
        if period.kind is PeriodKind.MONTH:
            task_points = Decimal(70 * credit / weight if weight else 70).quantize(TWO_PLACES)
            general_points = Decimal(rng.randint(general_low, general_high))
            totals.append(float(task_points + general_points))
            writer.add(
                "period_score",
                {
                    "id": ids.take("period_score"),
                    "person_id": person.id,
                    "unit_id": person.unit.id,
                    "period_kind": PeriodKind.MONTH,
                    "period_year": year,
                    "period_number": period.number,
                    "criteria_set": _criteria_set(
                        person.category, person.role.is_leader, person.front_desk, year
                    ),
                    "general_points": general_points,
                    "general_breakdown": {},
                    "general_comment": None,
                    "computed_task_points": task_points,
                    "task_points": task_points,
                    "adjustment_reason": None,
                    "quantity_pct": None,
                    "quality_pct": None,
                    "progress_pct": None,
                    "organising_pct": None,
                    "scored_by_id": manager,
                    "scored_at": _utc(period.ends_on + timedelta(rng.randint(2, 6)), 10, 0),
                    "version": 1,
                },
            )
    points = sum(totals) / len(totals)
    disciplined = rng.random() < DISCIPLINE_RATE
    if disciplined:
        effective = date(year, rng.randint(1, 12), rng.randint(1, 28))
        writer.add(
            "discipline_record",
            {
                "id": ids.take("discipline_record"),
                "person_id": person.id,
                "violation": "Vi phạm quy định về thời gian làm việc",
                "decision_number": f"{rng.randint(1, 999)}/QĐ-KL",
                "effective_on": effective,
                "form": DisciplineForm.KHIEN_TRACH,
                "party": False,
                "duty_related": True,
                "counted_in_year": None,
                "recorded_by_id": None,
                "recorded_at": _utc(effective, 10, 0),
            },
        )
    level = Level.KHONG_HOAN_THANH if disciplined else level_by_points(points)
    decided_at = _utc(date(year, 12, 20), 15, rng.randrange(60))
    return {
        "id": None,
        "person_id": person.id,
        "year": year,
        "unit_id": person.unit.id,
        "category": person.category,
        "leader": person.role.is_leader,
        "step": Step.NOTIFICATION,
        "self_report": None,
        "self_level": level,
        "collective_minutes": None,
        "general_assessment": None,
        "party_comment": None,
        "personnel_level": level,
        "personnel_comment": None,
        "quota_rank": None,
        "rulebook": select_rulebook(year, person.category).name,
        "computed_level": level,
        "computed_points": Decimal(points).quantize(TWO_PLACES),
        "computed_rules": [],
        "computed_reasons": [],
        "facts": {},
        "computed_at": decided_at - timedelta(days=5),
        "final_level": level,
        "decision_reason": None,
        "quota_exception_reason": None,
        "decided_by_id": manager,
        "decided_at": decided_at,
        "notified_at": decided_at + timedelta(days=2),
        "petition_text": None,
        "petition_at": None,
        "petition_resolution": None,
        "petition_resolved_at": None,
        "version": 1,
    }


def _cap_xuat_sac(evaluations: list[dict[str, Any]]) -> None:
    """At most a fifth of a unit's people are rated xuất sắc; the rest of them, tốt."""
    best = [e for e in evaluations if e["computed_level"] is Level.XUAT_SAC]
    allowed = int(len(evaluations) * XUAT_SAC_SHARE)
    best.sort(key=lambda e: (-e["computed_points"], e["person_id"]))
    for evaluation in best[allowed:]:
        for column in ("self_level", "personnel_level", "computed_level", "final_level"):
            evaluation[column] = Level.TOT


def _unit_year(builder: YearBuilder, unit: UnitSpec, year: int, seed: int) -> None:
    """The unit's own targets for the year, its quarters and months (no weekly unit plans)."""
    rng = random.Random(f"{seed}:{unit.code}:{year}")  # noqa: S311  # nosec B311
    pool = builder.usable[unit.task_set, PeriodKind.MONTH]
    manager = unit.parent.head_user_id if unit.parent else None
    scale = max(1, (len(unit.people) - 1) // 2)
    for period in _periods(year, weeks=False):
        kind_pool = [t for t in pool if period.kind in t.quantities]
        plan = builder.plan(period, rng, person_id=None, unit_id=unit.id, decider=manager)
        builder.tasks(
            period,
            rng,
            plan=plan,
            pool=kind_pool,
            parents={},
            profile=(0.1, 0.03),
            manager=unit.head_user_id,
            scale=scale,
        )


def _organisation_rows(
    writer: Writer, units: list[UnitSpec], ids: Ids, options: Options, seed: int
) -> None:
    rng = random.Random(f"{seed}:organisation")  # noqa: S311  # nosec B311
    first_year = options.last_year - options.years + 1
    for unit in units:
        writer.add(
            "unit",
            {
                "id": unit.id,
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "parent_id": unit.parent.id if unit.parent else None,
                "path": unit.path,
                "depth": unit.depth,
                "scoring_frequency": ScoringFrequency.MONTHLY,
                "rulebook_pin": None,
            },
        )
    password_hash = generate_password_hash(PASSWORD, method=HASH_METHOD) if options.logins else None
    joined_at = _utc(date(first_year - 1, 12, 1), 8, 0)
    if password_hash:
        writer.add(
            "user_account",
            {
                "id": ids.take("user_account"),
                "username": f"{units[0].code.lower()}-admin",
                "password_hash": password_hash,
                "role": AccountRole.ADMIN,
                "person_id": None,
                "served_unit_id": None,
                "active": True,
                "must_change_password": SHARED_PASSWORD_CHANGED_FIRST,
                "created_at": joined_at,
                "last_login_at": None,
                "session_epoch": 0,
            },
        )
    for unit in units:
        for person in unit.people:
            given = rng.choice(GIVEN)
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {given}"
            if person.role is LeadershipRole.HEAD:
                position = unit.head_title
            elif person.role is LeadershipRole.DEPUTY:
                position = f"Phó {unit.head_title[0].lower()}{unit.head_title[1:]}"
            elif person.category is StaffCategory.NGUOI_LAO_DONG:
                position = "Nhân viên"
            else:
                position = (
                    "Viên chức" if person.category is StaffCategory.VIEN_CHUC else "Chuyên viên"
                )
            writer.add(
                "person",
                {
                    "id": person.id,
                    "code": person.code,
                    "full_name": name,
                    "date_of_birth": date(
                        rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "email": f"{person.code.lower()}@sonlam.gov.vn",
                    "category": person.category,
                    "job_position": position,
                    "unit_id": unit.id,
                    "leadership_role": person.role,
                    "front_desk": person.front_desk,
                },
            )
            writer.add(
                "placement",
                {
                    "id": ids.take("placement"),
                    "person_id": person.id,
                    "unit_id": unit.id,
                    "leadership_role": person.role,
                    "job_position": position,
                    "starts_on": date(first_year - rng.randint(1, 25), rng.randint(1, 12), 1),
                    "ends_on": None,
                },
            )
            if password_hash:
                person.user_id = ids.take("user_account")
                if person.role is LeadershipRole.HEAD and unit.head_user_id is None:
                    unit.head_user_id = person.user_id
                writer.add(
                    "user_account",
                    {
                        "id": person.user_id,
                        "username": person.code.lower(),
                        "password_hash": password_hash,
                        "role": AccountRole.STAFF,
                        "person_id": person.id,
                        "served_unit_id": None,
                        "active": True,
                        "must_change_password": SHARED_PASSWORD_CHANGED_FIRST,
                        "created_at": joined_at,
                        "last_login_at": None,
                        "session_epoch": 0,
                    },
                )


def _manager(person: PersonSpec) -> int | None:
    if person.role is LeadershipRole.HEAD:
        return person.unit.parent.head_user_id if person.unit.parent else None
    return person.unit.head_user_id


def _sync_sequences(session: Session) -> None:
    """PostgreSQL: the serial sequences continue after the ids assigned here."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in ID_TABLES:
        highest = sa.select(sa.func.coalesce(sa.func.max(model.id), 1)).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        session.execute(sa.select(sa.func.setval(sequence, highest)))


def prefix_for(seed: int) -> str:
    return f"S{seed}-"


def generate_province(session: Session, options: Options) -> Counter[str]:
    """Write the province and its years into the session's transaction; return row counts."""
    if options.people < MIN_PEOPLE:
        raise ValueError(f"a province needs at least {MIN_PEOPLE} people")
    if options.years < 1:
        raise ValueError("at least one year")
    prefix = prefix_for(options.seed)
    if session.scalar(sa.select(sa.func.count()).where(Unit.code.startswith(prefix))):
        raise ValueError(f"a province with seed {options.seed} is already in this database")
    ids = _read_ids(session)
    units = _build_units(prefix, options.people, ids)
    _place_people(prefix, options.people, units, ids, options.seed)
    writer = Writer(session)
    _organisation_rows(writer, units, ids, options, options.seed)
    writer.flush()
    builder = YearBuilder(writer, ids, read_catalogue(), options)
    first_year = options.last_year - options.years + 1
    for year in range(first_year, options.last_year + 1):
        for unit in units:
            _unit_year(builder, unit, year, options.seed)
            evaluations = []
            for person in unit.people:
                rng = random.Random(f"{options.seed}:{person.code}:{year}")  # noqa: S311  # nosec B311
                evaluations.append(_person_year(builder, person, year, _manager(person), rng))
            _cap_xuat_sac(evaluations)
            for evaluation in evaluations:
                evaluation["id"] = ids.take("annual_evaluation")
                writer.add("annual_evaluation", evaluation)
    writer.flush()
    _sync_sequences(session)
    forget_all(session)  # written past the ORM: stored closed-period sums are recomputed
    return writer.counts
