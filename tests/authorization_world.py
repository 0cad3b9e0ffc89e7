"""The world of the access table, built once per module, and what the table is written in.

The tree (every name is an owner in the table; the people are also actors):

    province
    ├── dept                    head_dept (head)
    │   ├── div_a               head_a (head), deputy_a (deputy), staff_a, colleague_a
    │   ├── div_b               staff_b
    │   └── div_personnel       personnel (personnel office serving `dept`)
    └── commune
        └── div_c               staff_c
    admin (administrator, no person)

Every person, and div_a itself (a unit's own plan, kept by its head), holds a week plan in
each state, each with one task; every person has an evaluation waiting for each step. The
import batches wait for confirmation; the emulation decisions are in force.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from criteria import GeneralAssessment, Level, Title
from criteria.levels import StaffCategory
from criteria.procedure import Step
from evaluation.accounts.models import AccountRole, User
from evaluation.core.db import Base, db
from evaluation.core.jobs import Job, JobState
from evaluation.core.throttle import limiter
from evaluation.imports import services as imports
from evaluation.notifications.models import Notification
from evaluation.organisation import services as organisation
from evaluation.organisation.models import (
    Delegation,
    DelegationKind,
    LeadershipRole,
    Person,
    Unit,
    UnitKind,
)
from evaluation.plans import services as plans
from evaluation.plans.models import EvidenceFile, Plan, PlanStatus, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rulesets import services as rulesets
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from tests.imports.helpers import staff_book, task_book

PASSWORD = "Matkhau2026"
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

# One week of March 2026 per plan state; the March scores count them.
WEEKS = {
    PlanStatus.DRAFT: 11,
    PlanStatus.SUBMITTED: 12,
    PlanStatus.APPROVED: 13,
    PlanStatus.REPORTED: 14,
    PlanStatus.CLOSED: 10,
}


# The steps of an annual evaluation in order; the evaluation of year STEP_YEARS[step] has taken
# every step before `step`, so that step is the one it waits for.
# Every year has a rule set in force (Decree 90 from its first year, 2020), hence one future
# year for the step nobody has taken yet.
STEP_YEARS = {
    Step.SELF_ASSESSMENT: 2027,
    Step.COLLECTIVE_COMMENTS: 2026,
    Step.PARTY_COMMITTEE_COMMENTS: 2025,
    Step.PERSONNEL_PROPOSAL: 2024,
    Step.DECISION: 2023,
    Step.NOTIFICATION: 2022,
    Step.PETITION: 2021,
    Step.PETITION_RESOLVED: 2020,
}
REOPEN_YEAR = STEP_YEARS[Step.NOTIFICATION]  # decided, not yet notified


@dataclass
class Owner:
    """Whatever an action is taken on, by the ids its URL and form need.

    A person: `id`, `unit`, `role` (leadership), and `plan[state]` / `task[state]` (a week
    plan in that state and its task). A unit: `id`, `unit`, `decision` (its emulation
    decision), and for div_a its own plans, as a person's. An import batch: `id`.
    """

    id: int
    unit: int = 0
    role: str = ""
    plan: dict[str, int] = field(default_factory=dict)
    task: dict[str, int] = field(default_factory=dict)
    decision: int = 0
    job: int = 0  # a unit's year close, asked by the administrator
    export: int = 0  # a unit's large summary export, asked by head_dept (it failed)
    evidence: dict[str, int] = field(default_factory=dict)  # a file on each task, by state
    notification: int = 0  # a person's first notification, unread (the evaluations' steps)
    account: int = 0  # a person's login (and the administrator's, as the owner "admin")
    delegation: int = 0  # a unit's acting head, not yet begun (div_b, div_c)


@dataclass
class World:
    connection: Connection
    owners: dict[str, Owner]
    usernames: dict[str, str]  # every actor's login
    names: dict[str, str]  # every person's full name
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    baseline: dict[str, list[Any]] = field(default_factory=dict)


def _unit(session: Session, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    return organisation.create_unit(session, code=code, name=name, kind=kind, parent=parent)


def _person(
    session: Session,
    code: str,
    name: str,
    unit: Unit,
    role: LeadershipRole = LeadershipRole.NONE,
    account_role: AccountRole = AccountRole.STAFF,
    served_unit: Unit | None = None,
) -> Person:
    person = organisation.place_new_person(
        session,
        code=code,
        full_name=name,
        category=StaffCategory.CONG_CHUC,
        job_position="Chuyên viên",
        unit=unit,
        role=role,
        starts_on=date(2018, 1, 1),
    )
    session.add(
        User(
            username=code.lower(),
            password_hash=_HASH,
            role=account_role,
            person=person,
            served_unit=served_unit,
        )
    )
    return person


def _plans(session: Session, owner: Person | Unit) -> tuple[dict[str, int], dict[str, int]]:
    """A week plan in each state, each with one task, as the pages would have left them: a
    person's, or a unit's own plan (no person)."""
    plan_ids, task_ids = {}, {}
    for status, week in WEEKS.items():
        week_of_march = Period(PeriodKind.WEEK, 2026, week)
        if isinstance(owner, Person):
            plan = plans.create_plan(session, owner, week_of_march, actor_id=None)
        else:
            plan = Plan(person=None, unit_id=owner.id, status=PlanStatus.DRAFT)
            plan.period = week_of_march
            session.add(plan)
            session.flush()
        deadline = plan.ends_on
        task = plans.add_task(
            session,
            plan,
            plans.TaskInput("Báo cáo tuần", None, Decimal(1), "báo cáo", Decimal(1), deadline),
            actor_id=None,
        )
        if status in (PlanStatus.APPROVED, PlanStatus.REPORTED, PlanStatus.CLOSED):
            task.outcome = TaskOutcome.DONE_ON_TIME
            task.completed_on = deadline
        plan.status = status
        plan_ids[status.value], task_ids[status.value] = plan.id, task.id
    session.flush()
    return plan_ids, task_ids


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _evidence_files(session: Session, task_ids: dict[str, int]) -> dict[str, int]:
    """An evidence file (a small PDF) on each task, by the state of its plan."""
    files = {
        state: EvidenceFile(
            task_id=task_id,
            file_name="bien-ban.pdf",
            content_type="application/pdf",
            size_bytes=len(PDF),
            content=PDF,
        )
        for state, task_id in task_ids.items()
    }
    session.add_all(files.values())
    session.flush()
    return {state: stored.id for state, stored in files.items()}


def _evaluations(session: Session, person: Person) -> None:
    """For each step, an evaluation in the year that waits for it (see STEP_YEARS)."""
    steps: dict[Step, Callable[[AnnualEvaluation], None]] = {
        Step.SELF_ASSESSMENT: lambda e: procedure.self_assess(
            session, e, report="Hoàn thành.", level=Level.TOT, actor_id=None
        ),
        Step.COLLECTIVE_COMMENTS: lambda e: procedure.record_collective(
            session, e, minutes="Thống nhất.", general=GeneralAssessment.GOOD, actor_id=None
        ),
        Step.PARTY_COMMITTEE_COMMENTS: lambda e: procedure.record_party_comment(
            session, e, comment="Đồng ý.", actor_id=None
        ),
        Step.PERSONNEL_PROPOSAL: lambda e: procedure.propose(
            session, e, level=Level.TOT, comment=None, rank=None, actor_id=None
        ),
        Step.DECISION: lambda e: procedure.decide(
            session, e, level=Level.TOT, reason="Theo đề xuất.", quota_exception=None,
            actor_id=None,
        ),
        Step.NOTIFICATION: lambda e: procedure.notify(session, e, actor_id=None),
        Step.PETITION: lambda e: procedure.petition(session, e, text="Xem lại.", actor_id=None),
    }  # fmt: skip
    for waiting_for, year in STEP_YEARS.items():
        if waiting_for is Step.SELF_ASSESSMENT:
            continue
        evaluation = procedure.open_evaluation(session, person, year)
        for step, take in steps.items():
            if step is waiting_for:
                break
            take(evaluation)


def build(session: Session) -> tuple[dict[str, Owner], dict[str, str], dict[str, str]]:
    """The tree above, its plans, batches and decisions: owners, usernames and full names."""
    province = _unit(session, "TINH", "Tỉnh Sơn Lâm", UnitKind.AGENCY, None)
    dept = _unit(session, "SO", "Sở Nội vụ", UnitKind.AGENCY, province)
    div_a = _unit(session, "SO-A", "Phòng A", UnitKind.DIVISION, dept)
    div_b = _unit(session, "SO-B", "Phòng B", UnitKind.DIVISION, dept)
    div_personnel = _unit(session, "SO-TC", "Phòng Tổ chức cán bộ", UnitKind.DIVISION, dept)
    commune = _unit(session, "XA", "Xã Hoà An", UnitKind.COMMUNE, province)
    div_c = _unit(session, "XA-C", "Phòng C", UnitKind.DIVISION, commune)
    head, deputy = LeadershipRole.HEAD, LeadershipRole.DEPUTY
    people = {
        "staff_a": _person(session, "CB-SA", "Võ Thị Hạnh", div_a),
        "colleague_a": _person(session, "CB-CA", "Lý Văn Đồng", div_a),
        "deputy_a": _person(session, "CB-DA", "Phan Thị Phó", div_a, deputy),
        "head_a": _person(session, "CB-HA", "Trần Văn Trưởng", div_a, head),
        "head_dept": _person(session, "CB-HD", "Đỗ Thị Giám", dept, head),
        "staff_b": _person(session, "CB-SB", "Hồ Văn Bình", div_b),
        "personnel": _person(
            session,
            "CB-TC",
            "Mai Thị Tổ",
            div_personnel,
            account_role=AccountRole.PERSONNEL,
            served_unit=dept,
        ),
        "staff_c": _person(session, "CB-SC", "Lê Văn Xã", div_c),
    }
    session.add(admin := User(username="quantri", password_hash=_HASH, role=AccountRole.ADMIN))
    session.flush()
    accounts = {user.person_id: user for user in session.scalars(sa.select(User))}

    owners: dict[str, Owner] = {}
    for name, person in people.items():
        plan_ids, task_ids = _plans(session, person)
        _evaluations(session, person)
        owners[name] = Owner(
            person.id, person.unit_id, person.leadership_role.value, plan_ids, task_ids
        )

    decisions = {
        agency.code: emulation.record_decision(
            session,
            agency=agency,
            year=2025,
            number=f"QĐ-{agency.code}",
            decided_on=date(2026, 1, 20),
            title=Title.TAP_THE_LAO_DONG_TIEN_TIEN,
            person_ids=[],
            unit_ids=[agency.id],
            note=None,
            actor_id=admin.id,
        ).id
        for agency in (dept, commune)
    }
    units = {"province": province, "dept": dept, "div_a": div_a, "div_b": div_b,
             "div_personnel": div_personnel, "commune": commune, "div_c": div_c}  # fmt: skip
    for name, unit in units.items():
        owners[name] = Owner(unit.id, unit.id, decision=decisions.get(unit.code, 0))
    owners["div_a"].plan, owners["div_a"].task = _plans(session, div_a)  # kept by head_a
    for name, unit in units.items():
        close = Job(
            kind="year.close", params={"year": 2025, "unit_id": unit.id}, requested_by=admin.id
        )
        session.add(close)
        session.flush()
        owners[name].job = close.id
        export = Job(
            kind="export.classification_summary",
            params={"year": 2026, "unit_id": unit.id, "today": "2026-12-01", "locale": "vi"},
            requested_by=accounts[people["head_dept"].id].id,
            state=JobState.FAILED,
        )
        session.add(export)
        session.flush()
        owners[name].export = export.id
    for name, person in people.items():
        owners[name].account = accounts[person.id].id
    owners["admin"] = Owner(admin.id, account=admin.id)
    for unit, stand_in in ((div_b, people["staff_b"]), (div_c, people["staff_c"])):
        acting = Delegation(
            kind=DelegationKind.ACTING_HEAD, to_person=stand_in, unit=unit,
            role=LeadershipRole.HEAD, starts_on=date(2099, 1, 1), ends_on=date(2099, 12, 31),
            reason="Quyết định giao quyền trưởng",
        )  # fmt: skip
        session.add(acting)
        session.flush()
        owners["div_b" if unit is div_b else "div_c"].delegation = acting.id
    for owner in owners.values():
        owner.evidence = _evidence_files(session, owner.task)
    first_notification = dict(
        session.execute(
            sa.select(Notification.user_id, sa.func.min(Notification.id)).group_by(
                Notification.user_id
            )
        ).all()
    )
    for name, person in people.items():
        owners[name].notification = first_notification.get(accounts[person.id].id, 0)

    office, head_a = accounts[people["personnel"].id], accounts[people["head_a"].id]
    newcomer = ["CB-MOI", "Đào Văn Mới", "12/03/1990", "Công chức", "Chuyên viên", "SO-B", "", ""]
    owners["personnel:staff"] = _batch(
        imports.upload_staff(
            session,
            office.viewer(),
            staff_book([], [newcomer]),
            actor_id=office.id,
            today=date(2026, 3, 10),
        )
    )
    owners["personnel:tasks"] = _task_batch(session, office, div_b, "CB-SB")
    owners["head_a:tasks"] = _task_batch(session, head_a, div_a, "CB-SA")
    owners.update(_rulesets(session, admin, accounts[people["personnel"].id], units))
    usernames = {name: person.code.lower() for name, person in people.items()}
    usernames["admin"] = admin.username
    return owners, usernames, {name: person.full_name for name, person in people.items()}


def _rulesets(session: Session, admin: User, office: User, units: dict[str, Unit]) -> dict:
    """A built-in set (published), a draft kept by the department's office and one kept by
    the administrator, a draft of the policy, and a set pinned to div_a and to div_c."""
    built_in = rulesets.versions_of(session, "nd90-cong-chuc")[-1]
    data = {**built_in.data, "name": "so-rieng"}
    kept = rulesets.draft_set(session, data, unit=units["dept"], actor_id=office.id)
    own = rulesets.draft_set(session, {**data, "name": "tinh-rieng"}, unit=None, actor_id=admin.id)
    policy = rulesets.draft_policy(session, {"nd90_quota_pct": 15}, None, actor_id=admin.id)
    pins = {
        name: rulesets.pin_set(session, units[name], "nd90-vien-chuc", actor_id=admin.id).id
        for name in ("div_a", "div_c")
    }
    return {
        "set:built_in": Owner(built_in.id),
        "set:dept": Owner(kept.id),
        "set:admin": Owner(own.id),
        "policy:draft": Owner(policy.id),
        "pin:div_a": Owner(pins["div_a"]),
        "pin:div_c": Owner(pins["div_c"]),
    }


def _batch(result: imports.UploadResult) -> Owner:
    assert result.batch is not None, result.errors
    return Owner(result.batch.id)


def _task_batch(session: Session, author: User, unit: Unit, person_code: str) -> Owner:
    """A pending task import: one task for one person of the unit, in December's plan."""
    row = [person_code, "Nhập từ tệp", 1, "báo cáo", 1, date(2026, 12, 20), None]
    return _batch(
        imports.upload_tasks(
            session,
            author.viewer(),
            task_book([row]),
            unit=unit,
            period=Period(PeriodKind.MONTH, 2026, 12),
            actor_id=author.id,
        )
    )


def open_world(app: Flask) -> Iterator[World]:
    """Build the world in an outer transaction, sign every actor in once, roll back at the end."""
    connection = db.engine_of(app).connect()
    outer = connection.begin()
    db.bind_to(app, connection)
    session = db.new_session(app)
    owners, usernames, names = build(session)
    session.commit()  # releases the session's savepoint into the outer transaction
    session.close()
    world = World(connection, owners, usernames, names)
    limiter.reset()
    for actor in usernames:
        world.clients[actor] = app.test_client()
        sign_in(world, actor)
    world.baseline = snapshot(connection)
    try:
        yield world
    finally:
        outer.rollback()
        connection.close()


def sign_in(world: World, actor: str) -> None:
    response = world.clients[actor].post(
        "/login", data={"username": world.usernames[actor], "password": PASSWORD}
    )
    assert response.status_code == 302, f"{actor} could not sign in"


def snapshot(connection: Connection) -> dict[str, list[Any]]:
    """Every row of every table, as the driver returns it (no JSON or enum decoding, which
    would cost more than the query): a refused write must leave all of them as they were."""
    quote = connection.dialect.identifier_preparer.quote
    rows = {}
    for table in Base.metadata.sorted_tables:
        order = ", ".join(quote(column.name) for column in table.primary_key.columns)
        query = f"SELECT * FROM {quote(table.name)} ORDER BY {order}"  # names from the models
        rows[table.name] = connection.exec_driver_sql(query).all()
    return rows


def rows_touched(connection: Connection) -> int:
    """How many rows this connection's transaction has inserted, updated or deleted so far.

    Cheap, and only ever growing: when a request leaves it as it was, the request wrote
    nothing, and the full comparison with the baseline can be skipped."""
    if connection.dialect.name == "sqlite":
        return connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    return connection.exec_driver_sql(
        "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
    ).scalar_one()


def changed_tables(world: World, touched_before: int) -> list[str]:
    """The tables whose rows differ from the world as built (a request's writes)."""
    if rows_touched(world.connection) == touched_before:
        return []
    now = snapshot(world.connection)
    return [name for name, rows in now.items() if rows != world.baseline.get(name)]


def upload(name: str, content: bytes) -> tuple[io.BytesIO, str]:
    """A file field's value for the test client (read once, so made per request)."""
    return io.BytesIO(content), name
