"""Hostile input on every state-changing form (issue 6, "Bad input").

For each POST route the app has, an object the signed-in actor may act on is set up fresh for
every example, and hypothesis posts random and hostile values for every field. Whatever is
posted: no 500, nothing stored outside its rules, and no payload rendered as markup.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from criteria import GeneralAssessment, Level, Title
from evaluation.accounts.models import AccountRole, User
from evaluation.api import services as api_tokens
from evaluation.api.models import TokenScope
from evaluation.core.throttle import limiter
from evaluation.notifications.models import EventKind
from evaluation.notifications.services import notify
from evaluation.organisation.models import (
    Delegation,
    DelegationKind,
    LeadershipRole,
    Person,
    Unit,
    UnitKind,
)
from evaluation.plans import evidence
from evaluation.plans import services as plans
from evaluation.plans.models import Plan
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput
from evaluation.rankings import emulation
from evaluation.rulesets import services as rulesets
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from tests.conftest import ROOT, account_id
from tests.fuzz_helpers import (
    Posted,
    accepted_text,
    form_data,
    posted,
    rule_problems,
    stored_text_problems,
    unescaped_markup,
)

YEAR = 2025  # annual evaluations; a past year, so reported results are not in the future
PAST_WEEK = Period(PeriodKind.WEEK, 2025, 10)  # 3–9 March 2025
MONTH = Period(PeriodKind.MONTH, 2026, 3)
EXAMPLES = 25

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# POST routes whose forms are fuzzed elsewhere: uploads take a file, not typed fields, and
# tests/imports/test_hostile_files.py feeds them hostile workbooks; confirming a batch is a
# button whose only field, the version, is covered by every ActionForm here.
# An evidence file is bytes, not typed text: tests/plans/test_evidence_file.py posts hostile ones.
FUZZED_ELSEWHERE = {"imports.staff_upload", "imports.tasks_upload", "imports.batch_confirm",
                    "plans.add_evidence_file",
                    # JSON, fuzzed by schemathesis from the contract: tests/api/test_contract.py
                    "api.push_task", "api.push_rating"}  # fmt: skip


# --- field kinds with their valid values ----------------------------------------------------


def text(valid: str = "Nội dung hợp lệ <b>đậm</b>") -> Posted:
    return posted("text", st.sampled_from([valid, "Hồ sơ\nsố 2"]) | accepted_text)


def number(low: int, high: int) -> Posted:
    return posted("number", st.integers(low, high).map(str))


def integer(low: int, high: int) -> Posted:
    return posted("int", st.integers(low, high).map(str))


def day(start: date, end: date) -> Posted:
    return posted("date", st.dates(start, end).map(date.isoformat))


def choice(*values: str) -> Posted:
    return posted("choice", st.sampled_from(values))


def version(current: int | None) -> Posted:
    return posted("id", st.just("" if current is None else str(current)))


def check_box() -> Posted:
    return posted("bool", st.sampled_from(["y", ""]))


# --- the world every example acts in ----------------------------------------------------------


@dataclass
class World:
    session: Any
    make_person: Callable[..., Person]
    agency: Unit
    division: Unit
    director: Person
    head: Person
    personnel: Person

    def staff(self) -> Person:
        return self.make_person(self.division)

    def user_id(self, person: Person) -> int:
        return account_id(self.session, person)


@pytest.fixture
def world(session, make_unit, make_person) -> World:
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    office = make_unit("Phòng Tổ chức", parent=agency)
    return World(
        session=session,
        make_person=make_person,
        agency=agency,
        division=division,
        director=make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc"),
        head=make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng"),
        personnel=make_person(
            office, account_role=AccountRole.PERSONNEL, served_unit=agency, name="Tổ chức"
        ),
    )


@dataclass
class Target:
    """One request to fuzz: who posts, where, which fields, and the page showing the result."""

    actor: Person | User | None
    url: str
    fields: dict[str, Posted]
    page: str
    extra_pages: list[str] = field(default_factory=list)


# --- plans --------------------------------------------------------------------------------


def task_fields(plan: Plan) -> dict[str, Posted]:
    return {
        "title": text("Thẩm định hồ sơ"),
        "description": text(),
        "target_quantity": number(1, 1_000_000),
        "unit_of_measure": text("hồ sơ"),
        "weight": number(1, 100),
        "deadline": day(plan.starts_on, plan.ends_on),
        "parent_task_id": posted("id", st.just("")),
        "version": version(plan.version),
    }


def draft_plan(world: World, period: Period = MONTH, tasks: int = 0) -> Plan:
    person = world.staff()
    plan = plans.create_plan(world.session, person, period, actor_id=world.user_id(person))
    for number in range(tasks):
        plans.add_task(
            world.session,
            plan,
            TaskInput(f"Nhiệm vụ {number}", None, Decimal(5), "hồ sơ", Decimal(1), plan.ends_on),
            actor_id=world.user_id(person),
        )
    world.session.flush()
    return plan


def plan_at(world: World, verb: str) -> Plan:
    """A plan of a fresh staff member, in the state where `verb` is the next step."""
    plan = draft_plan(world, PAST_WEEK, tasks=1)
    staff, head = world.user_id(plan.person), world.user_id(world.head)
    steps = ["submit", "approve", "report", "close"]
    stop = {"submit": 0, "approve": 1, "return": 1, "report": 2, "close": 3, "reopen": 4}[verb]
    for step in steps[:stop]:
        if step == "report":
            for task in plan.tasks:
                plans.report_result(
                    world.session,
                    task,
                    ResultInput("done", Decimal(5), task.deadline, None, None, None),
                    actor_id=staff,
                )
        plans.transition(world.session, plan, step, actor_id=head if step != "submit" else staff)
    world.session.flush()
    return plan


def new_plan(world: World) -> Target:
    person = world.staff()
    return Target(
        person,
        "/plans/new",
        {
            "kind": choice("week", "month", "quarter", "year"),
            "day": day(date(2020, 1, 1), date(2030, 12, 31)),
        },
        "/plans",
    )


def new_task(world: World) -> Target:
    plan = draft_plan(world)
    return Target(
        plan.person, f"/plans/{plan.id}/tasks/new", task_fields(plan), f"/plans/{plan.id}"
    )


def edit_task(world: World) -> Target:
    plan = draft_plan(world, tasks=1)
    task = plan.tasks[0]
    return Target(plan.person, f"/tasks/{task.id}/edit", task_fields(plan), f"/plans/{plan.id}")


def delete_task(world: World) -> Target:
    plan = draft_plan(world, tasks=1)
    return Target(
        plan.person,
        f"/tasks/{plan.tasks[0].id}/delete",
        {"version": version(plan.version)},
        f"/plans/{plan.id}",
    )


def delete_evidence(world: World) -> Target:
    plan = plan_at(world, "report")
    stored = evidence.add_file(world.session, plan.tasks[0], "a.pdf", b"%PDF-1.4", actor_id=None)
    world.session.flush()
    return Target(
        plan.person,
        f"/evidence/{stored.id}/delete",
        {"version": version(plan.version)},
        f"/tasks/{plan.tasks[0].id}/result",
    )


def report_result(world: World) -> Target:
    plan = plan_at(world, "report")
    task = plan.tasks[0]
    return Target(
        plan.person,
        f"/tasks/{task.id}/result",
        {
            "outcome": choice("done", "not_done", "cancelled"),
            "achieved_quantity": number(0, 1_000_000),
            "completed_on": day(plan.starts_on, plan.ends_on + timedelta(days=30)),
            "cancel_reason": text("Không còn cần thiết"),
            "evidence": text("https://example.vn/ho-so/1"),
            "self_quality": choice("", "good", "meets", "poor"),
            "version": version(plan.version),
        },
        f"/plans/{plan.id}",
    )


def transition(verb: str) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        plan = plan_at(world, verb)
        actor = plan.person if verb in ("submit", "report") else world.head
        fields = {"version": version(plan.version)}
        if verb == "return":
            fields["comment"] = text("Cần bổ sung số lượng")
        return Target(actor, f"/plans/{plan.id}/{verb}", fields, f"/plans/{plan.id}")

    return build


def reopen_plan(world: World) -> Target:
    plan = plan_at(world, "reopen")
    return Target(
        world.personnel,
        f"/plans/{plan.id}/reopen",
        {"reason": text("Sửa kết quả nhập nhầm"), "version": version(plan.version)},
        f"/plans/{plan.id}",
    )


def assign_task(world: World) -> Target:
    person = world.staff()
    fields = task_fields(draft_plan(world))  # the shape of a task; the plan is the person's
    fields.pop("version")
    fields["deadline"] = day(MONTH.starts_on, MONTH.ends_on)
    return Target(
        world.head,
        "/unit/assign",
        {
            **fields,
            "person_id": posted("id", st.just(str(person.id))),
            "kind": choice("month"),
            "day": day(MONTH.starts_on, MONTH.ends_on),
        },
        "/unit",
        [f"/plans?year={MONTH.year}"],
    )


# --- organisation -------------------------------------------------------------------------


def placement(world: World) -> Target:
    person = world.staff()
    page = f"/organisation/people/{person.id}/placement"
    return Target(
        world.personnel,
        page,
        {
            "unit_id": posted(
                "id", st.sampled_from([str(world.division.id), str(world.agency.id)])
            ),
            "role": choice("none", "deputy", "head"),
            "job_position": text("Chuyên viên"),
            "starts_on": day(date(2026, 1, 1), date(2026, 12, 31)),
            "reason": text("Quyết định số 12/QĐ-SNV"),
        },
        page,
        [f"/organisation/people/{person.id}"],
    )


# --- scoring ------------------------------------------------------------------------------


def score_person(world: World) -> Target:
    plan = draft_plan(world, MONTH, tasks=2)
    person = plan.person
    url = f"/scoring/{MONTH.key}/people/{person.id}"
    return Target(world.head, url, {}, url, [f"/scoring/{MONTH.key}"])


SCORE_FIELD_KINDS = {
    "general_": lambda: number(0, 5),
    "quality_": check_box,
    "returns_": lambda: integer(0, 20),
    "delays_": lambda: integer(0, 20),
    "cause_": lambda: text("Mất điện"),
}
SCORE_FIELDS = {
    "comment": lambda: text("Làm tốt"),
    "task_points": lambda: number(0, 70),
    "adjustment_reason": lambda: text("Điều chỉnh theo biên bản"),
    "organising_pct": lambda: number(0, 100),
}


def score_fields(page: str) -> dict[str, Posted]:
    """The per-person scoring form has a field per criterion and per task: read them off."""
    fields: dict[str, Posted] = {}
    for name in dict.fromkeys(re.findall(r'name="([A-Za-z_0-9.]+)"', page)):
        prefix = next((p for p in SCORE_FIELD_KINDS if name.startswith(p)), None)
        if prefix:
            fields[name] = SCORE_FIELD_KINDS[prefix]()
        elif name in SCORE_FIELDS:
            fields[name] = SCORE_FIELDS[name]()
        elif name == "version":
            found = re.search(r'name="version" type="hidden" value="(\d*)"', page)
            fields[name] = version(int(found.group(1)) if found and found.group(1) else None)
    assert any(n.startswith("general_") for n in fields), "no criteria on the scoring page"
    return fields


# --- annual evaluations -------------------------------------------------------------------

STEPS = [
    "self_assessment",
    "collective_comments",
    "party_committee_comments",
    "personnel_proposal",
    "decision",
    "notification",
    "petition",
    "petition_resolved",
    "reopen",
]
LEVELS = tuple(level.value for level in Level if level is not Level.CAN_QUYET_DINH)


def evaluation_before(world: World, step: str) -> tuple[Person, AnnualEvaluation | None]:
    """A fresh staff member whose evaluation has reached the step before `step`."""
    person = world.staff()
    session = world.session
    if step == "self_assessment":
        return person, None
    evaluation = procedure.open_evaluation(session, person, YEAR)
    head, director = world.user_id(world.head), world.user_id(world.director)
    office = world.user_id(world.personnel)
    done = {"reopen": "notification"}.get(step, step)
    order = STEPS[: STEPS.index(done)]
    verbs: dict[str, Callable[[], None]] = {
        "self_assessment": lambda: procedure.self_assess(
            session, evaluation, report="Báo cáo", level=Level.HOAN_THANH,
            actor_id=world.user_id(person),
        ),
        "collective_comments": lambda: procedure.record_collective(
            session, evaluation, minutes="Biên bản", general=GeneralAssessment.GOOD,
            actor_id=head,
        ),
        "party_committee_comments": lambda: None,  # optional: the proposal follows either way
        "personnel_proposal": lambda: procedure.propose(
            session, evaluation, level=Level.HOAN_THANH, comment=None, rank=None, actor_id=office
        ),
        "decision": lambda: procedure.decide(
            session, evaluation, level=Level.HOAN_THANH, reason="Theo biên bản",
            quota_exception=None, actor_id=director,
        ),
        "notification": lambda: procedure.notify(session, evaluation, actor_id=office),
        "petition": lambda: procedure.petition(
            session, evaluation, text="Đề nghị xem lại", actor_id=world.user_id(person)
        ),
    }  # fmt: skip
    for name in order:
        if name == "party_committee_comments" and step != "party_committee_comments":
            continue
        verbs[name]()
    session.flush()
    return person, evaluation


STEP_ACTORS = {
    "self_assessment": "person",
    "collective_comments": "head",
    "party_committee_comments": "head",
    "personnel_proposal": "personnel",
    "decision": "director",
    "notification": "personnel",
    "petition": "person",
    "petition_resolved": "director",
    "reopen": "personnel",
}


def step_fields(step: str) -> dict[str, Posted]:
    return {
        "self_assessment": {"report": text(), "level": choice(*LEVELS)},
        "collective_comments": {
            "minutes": text(),
            "general": choice(*(g.value for g in GeneralAssessment)),
        },
        "party_committee_comments": {"comment": text()},
        "personnel_proposal": {
            "level": choice(*LEVELS),
            "rank": integer(1, 10_000),
            "comment": text(),
        },
        "decision": {
            "level": choice(*LEVELS),
            "reason": text("Theo biên bản họp"),
            "quota_exception": text(),
        },
        "notification": {},
        "petition": {"text": text()},
        "petition_resolved": {"resolution": text(), "level": choice("", *LEVELS)},
        "reopen": {"reason": text("Sai sót cần sửa")},
    }[step]


def evaluation_step(step: str) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        person, evaluation = evaluation_before(world, step)
        actor = {
            "person": person,
            "head": world.head,
            "personnel": world.personnel,
            "director": world.director,
        }[STEP_ACTORS[step]]
        page = f"/evaluations/{YEAR}/people/{person.id}"
        fields = {
            **step_fields(step),
            "version": version(evaluation.version if evaluation else None),
        }
        return Target(actor, f"{page}/{step}", fields, page, [f"/evaluations/{YEAR}"])

    return build


# --- records and emulation ----------------------------------------------------------------


def leave_record(world: World) -> Target:
    person = world.staff()
    page = f"/people/{person.id}/records"
    return Target(
        world.personnel,
        f"{page}/leave",
        {
            "leave-kind": choice("lawful", "maternity"),
            "leave-starts_on": day(date(2025, 1, 1), date(2025, 6, 30)),
            "leave-ends_on": day(date(2025, 7, 1), date(2025, 12, 31)),
            "leave-note": text(),
        },
        page,
        [f"/evaluations/{YEAR}/people/{person.id}"],
    )


def discipline_record(world: World) -> Target:
    person = world.staff()
    page = f"/people/{person.id}/records"
    return Target(
        world.personnel,
        f"{page}/discipline",
        {
            "discipline-violation": text("Vi phạm quy chế"),
            "discipline-decision_number": text("12/QĐ-SNV"),
            "discipline-effective_on": day(date(2024, 1, 1), date(2025, 12, 31)),
            "discipline-form": choice("khien_trach", "canh_cao"),
            "discipline-party": check_box(),
            "discipline-duty_related": check_box(),
            "discipline-counted_in_year": integer(2000, 2100),
        },
        page,
        [f"/evaluations/{YEAR}/people/{person.id}"],
    )


def achievement(world: World) -> Target:
    person = world.staff()
    return Target(
        world.personnel,
        f"/people/{person.id}/achievements",
        {
            "achievement-year": integer(2000, 2100),
            "achievement-kind": choice("initiative", "science_work"),
            "achievement-title": text("Sáng kiến cải tiến"),
            "achievement-recognised_by": text("Cấp tỉnh"),
        },
        f"/people/{person.id}/records",
        [f"/emulation/{YEAR}"],
    )


def decision_fields(world: World, prefix: str, person: Person) -> dict[str, Any]:
    return {
        f"{prefix}-number": text("01/QĐ-UBND"),
        f"{prefix}-decided_on": day(date(2025, 1, 1), date(2026, 3, 1)),
        f"{prefix}-title": choice(*(t.value for t in Title)),
        f"{prefix}-people": posted("id", st.just([str(person.id)])),
        f"{prefix}-units": posted("id", st.just([])),
        f"{prefix}-note": text(),
    }


def record_decision(world: World) -> Target:
    person = world.staff()
    prefix = f"a{world.agency.id}"
    return Target(
        world.personnel,
        f"/emulation/{YEAR}/agencies/{world.agency.id}/decisions",
        decision_fields(world, prefix, person),
        f"/emulation/{YEAR}",
    )


def revoke_decision(world: World) -> Target:
    person = world.staff()
    decision = emulation.record_decision(
        world.session,
        agency=world.agency,
        year=YEAR,
        number=f"QĐ-{person.id}",
        decided_on=date(2025, 12, 1),
        title=Title.LAO_DONG_TIEN_TIEN,
        person_ids=[person.id],
        unit_ids=[],
        note=None,
        actor_id=world.user_id(world.personnel),
    )
    world.session.flush()
    return Target(
        world.personnel,
        f"/emulation/decisions/{decision.id}/revoke",
        {"reason": text("Quyết định sai đối tượng")},
        f"/emulation/{YEAR}",
    )


# --- accounts -----------------------------------------------------------------------------


def login(world: World) -> Target:
    person = world.staff()
    return Target(
        None,
        "/login",
        {
            "username": text(person.code.lower()),
            "password": text("Matkhau2026"),
        },
        "/login",
    )


def change_password(world: World) -> Target:
    person = world.staff()
    return Target(
        person,
        "/account/password",
        {
            "current_password": text("Matkhau2026"),
            "new_password": text("Matkhaumoi2027"),
            "confirm": text("Matkhaumoi2027"),
        },
        "/account/password",
    )


def set_language(world: World) -> Target:
    return Target(world.staff(), "/language", {"lang": choice("vi", "en")}, "/plans")


def logout(world: World) -> Target:
    return Target(world.staff(), "/logout", {}, "/login")


# --- notifications ------------------------------------------------------------------------


def _told(world: World) -> tuple[Person, int]:
    """A staff member with one unread notification (the Monday digest), and its id."""
    person = world.staff()
    [told] = notify(world.session, [world.user_id(person)], EventKind.OVERDUE_DIGEST, {"count": 2})
    return person, told.id


def mark_notification_read(world: World) -> Target:
    person, notification_id = _told(world)
    return Target(person, f"/notifications/{notification_id}/read", {}, "/notifications")


def read_all_notifications(world: World) -> Target:
    return Target(_told(world)[0], "/notifications/read-all", {}, "/notifications")


def notification_settings(world: World) -> Target:
    fields = {kind.value: check_box() for kind in EventKind}
    return Target(_told(world)[0], "/notifications/settings", fields, "/notifications/settings")


# --- criteria sets and policy -------------------------------------------------------------

SET_JSON = (ROOT / "criteria/sets/nd90-cong-chuc@1.json").read_text(encoding="utf-8")


def _draft_set(world: World) -> int:
    """A valid draft kept by the agency's personnel office."""
    data = {**json.loads(SET_JSON), "name": f"so-rieng-{next(_drafts)}"}
    actor = world.user_id(world.personnel)
    return rulesets.draft_set(world.session, data, unit=world.agency, actor_id=actor).id


_drafts = itertools.count(1)


def _admin(world: World) -> Person:
    return world.make_person(world.agency, account_role=AccountRole.ADMIN)


def _publish_fields() -> dict[str, Posted]:
    return {"effective_from": day(date(2026, 1, 1), date(2030, 12, 31)), "confirm": check_box()}


def new_criteria_set(world: World) -> Target:
    built_in = rulesets.versions_of(world.session, "nd90-cong-chuc")[-1].id
    fields = {"copy_of": choice(str(built_in), ""), "name": text("so-moi"), "title": text()}
    return Target(world.personnel, "/rulesets/sets/new", fields, "/rulesets")


def edit_criteria_set(world: World) -> Target:
    draft = _draft_set(world)
    page = f"/rulesets/sets/{draft}"
    return Target(world.personnel, f"{page}/edit", {"content": text(SET_JSON)}, page,
                  [f"{page}/preview", f"{page}/export.xlsx"])  # fmt: skip


def publish_criteria_set(world: World) -> Target:
    page = f"/rulesets/sets/{_draft_set(world)}"
    return Target(world.personnel, f"{page}/publish", _publish_fields(), page)


def criteria_set_button(verb: str) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        page = f"/rulesets/sets/{_draft_set(world)}"
        return Target(world.personnel, f"{page}/{verb}", {"version": version(None)}, "/rulesets")

    return build


def pin_criteria_set(world: World) -> Target:
    page = f"/rulesets/units/{world.division.id}/pins"
    fields = {"set_name": choice("nd90-cong-chuc", "nd90-vien-chuc", "")}
    return Target(world.personnel, page, fields, page)


def unit_rulebook(world: World) -> Target:
    page = f"/rulesets/units/{world.division.id}/pins"
    fields = {"rulebook_pin": choice("", "nd90", "nd335")}
    return Target(world.personnel, f"/rulesets/units/{world.division.id}/rulebook", fields, page)


def unpin_criteria_set(world: World) -> Target:
    pins = rulesets.pins_of(world.session, world.division)  # an earlier example's, if kept
    pin = pins[0] if pins else rulesets.pin_set(world.session, world.division, "nd90-cong-chuc",
                                                actor_id=None)  # fmt: skip
    page = f"/rulesets/units/{world.division.id}/pins"
    return Target(world.personnel, f"/rulesets/pins/{pin.id}/delete", {}, page)


def new_policy(world: World) -> Target:
    fields = {
        "nd90_quota_pct": number(0, 100),
        "quota_rounding": choice("down", "half_up"),
        "quota_base": choice("final", "with_proposed"),
        "chien_si_cap": check_box(),
        "chien_si_cap_pct": number(0, 100),
        "s3_own": number(0, 100),
        "s3_unit": number(0, 100),
        "s3_organising": number(0, 100),
        "points_may_fail": check_box(),
        "note": text(),
    }
    return Target(_admin(world), "/rulesets/policy/new", fields, "/rulesets")


def publish_policy(world: World) -> Target:
    admin = _admin(world)
    versions = rulesets.policy_versions(world.session)  # an earlier example's draft, if open
    draft = (
        versions[0]
        if versions and versions[0].status.value == "draft"
        else rulesets.draft_policy(world.session, {}, None, actor_id=world.user_id(admin))
    )
    page = f"/rulesets/policy/{draft.id}"
    return Target(admin, f"{page}/publish", _publish_fields(), page, [f"{page}/preview"])


# --- account administration -------------------------------------------------------------


def _account_of(world: World, person: Person) -> str:
    return f"/admin/accounts/{world.user_id(person)}"


def new_account(world: World) -> Target:
    person = world.staff()
    world.session.execute(sa.delete(User).where(User.person_id == person.id))
    fields = {
        "person_code": text(person.code),
        "username": text("tai.khoan-moi"),
        "role": choice("staff", "personnel", "admin"),
        "served_unit_id": choice(str(world.division.id), ""),
        "reason": text(),
    }
    return Target(world.personnel, "/admin/accounts/new", fields, "/admin/accounts")


def account_button(verb: str) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        page = _account_of(world, world.staff())
        fields = {"reason": text(), "version": version(None)}
        return Target(world.personnel, f"{page}/{verb}", fields, page)

    return build


def account_role(world: World) -> Target:
    page = _account_of(world, world.staff())
    fields = {
        "role-role": choice("staff", "personnel", "admin"),
        "role-served_unit_id": choice(str(world.division.id), str(world.agency.id), ""),
        "role-reason": text(),
    }
    return Target(world.personnel, f"{page}/role", fields, page)


def account_leadership(world: World) -> Target:
    page = _account_of(world, world.staff())
    fields = {"lead-leadership": choice("head", "deputy", "none"), "lead-reason": text()}
    return Target(world.personnel, f"{page}/leadership", fields, page)


def new_delegation(world: World) -> Target:
    fields = {
        "kind": choice("delegation", "acting_head"),
        "unit_id": choice(str(world.division.id)),
        "from_code": text(world.head.code),
        "to_code": text(world.staff().code),
        "starts_on": day(date(2026, 1, 1), date(2026, 6, 30)),
        "ends_on": day(date(2026, 1, 1), date(2026, 12, 31)),
        "reason": text(),
    }
    return Target(world.personnel, "/admin/delegations/new", fields, "/admin/delegations")


def end_delegation(world: World) -> Target:
    acting = Delegation(
        kind=DelegationKind.ACTING_HEAD, to_person=world.staff(), unit=world.division,
        role=LeadershipRole.HEAD, starts_on=date(2026, 1, 1), ends_on=date(2099, 12, 31),
        reason="Quyết định giao quyền trưởng",
    )  # fmt: skip
    world.session.add(acting)
    world.session.flush()
    url = f"/admin/delegations/{acting.id}/end"
    return Target(world.personnel, url, {"reason": text()}, "/admin/delegations")


def close_year(world: World) -> Target:
    url = f"/year-end/{YEAR}/units/{world.agency.id}"
    fields = {"confirm": check_box(), "version": version(None)}
    return Target(world.personnel, f"{url}/close", fields, url)


def export_summary(world: World) -> Target:
    """Asking for a summary to be built by a job (a button: its version only)."""
    url = f"/reports/evaluations/{YEAR}/units/{world.agency.id}.xlsx"
    return Target(world.personnel, url, {"version": version(None)}, f"/evaluations/{YEAR}")


# --- the API's token page (the API itself is fuzzed by schemathesis: tests/api/) ---------------


def new_api_token(world: World) -> Target:
    fields = {"name": text("Quản lý văn bản"), "unit_code": text(world.agency.code),
              "scope": choice("read", "write")}  # fmt: skip
    return Target(_admin(world), "/admin/api-tokens", fields, "/admin/api-tokens")


def revoke_api_token(world: World) -> Target:
    token, _secret = api_tokens.create_token(
        world.session, name=f"Cổng dịch vụ công {next(_drafts)}", unit=world.agency,
        scope=TokenScope.READ, actor_id=None,
    )  # fmt: skip
    url = f"/admin/api-tokens/{token.id}/revoke"
    return Target(_admin(world), url, {}, "/admin/api-tokens")


def sign_on_policy(world: World) -> Target:
    """Requiring sign-on (refused while sign-on is not configured: nothing may be saved)."""
    return Target(_admin(world), "/admin/sign-on", {"required": check_box()}, "/admin/sign-on")


# endpoint → the ways of posting to it (a route serving several forms has several)
CASES: dict[str, dict[str, Callable[[World], Target]]] = {
    "plans.new_plan": {"new_plan": new_plan},
    "plans.new_task": {"new_task": new_task},
    "plans.edit_task": {"edit_task": edit_task},
    "plans.delete_task": {"delete_task": delete_task},
    "plans.report_result": {"report_result": report_result},
    "plans.delete_evidence_file": {"delete_evidence": delete_evidence},
    "plans.plan_transition": {
        f"plan_{verb}": transition(verb)
        for verb in ("submit", "approve", "return", "report", "close")
    },
    "plans.plan_reopen": {"plan_reopen": reopen_plan},
    "plans.assign_task": {"assign_task": assign_task},
    "organisation.person_placement": {"placement": placement},
    "scoring.score_person": {"score_person": score_person},
    "scoring.evaluation_step": {f"evaluation_{step}": evaluation_step(step) for step in STEPS},
    "records.add_leave": {"leave": leave_record},
    "records.add_discipline": {"discipline": discipline_record},
    "rankings.add_achievement": {"achievement": achievement},
    "rankings.record_decision": {"emulation_decision": record_decision},
    "rankings.revoke": {"revoke_decision": revoke_decision},
    "yearend.close_year": {"close_year": close_year},
    "reports.classification_summary": {"export_summary": export_summary},
    "accounts.login": {"login": login},
    "accounts.change_password": {"change_password": change_password},
    "accounts.set_language": {"set_language": set_language},
    "accounts.logout": {"logout": logout},
    "account_admin.new_account": {"new_account": new_account},
    "account_admin.deactivate": {"deactivate_account": account_button("deactivate")},
    "account_admin.reactivate": {"reactivate_account": account_button("reactivate")},
    "account_admin.unlock": {"unlock_account": account_button("unlock")},
    "account_admin.reset_password": {"reset_password": account_button("password")},
    "account_admin.change_role": {"account_role": account_role},
    "account_admin.change_leadership": {"account_leadership": account_leadership},
    "account_admin.new_delegation": {"new_delegation": new_delegation},
    "account_admin.end_delegation": {"end_delegation": end_delegation},
    "notifications.mark_read": {"mark_notification_read": mark_notification_read},
    "api_tokens.tokens": {"new_api_token": new_api_token},
    "api_tokens.revoke": {"revoke_api_token": revoke_api_token},
    "sso.policy": {"sign_on_policy": sign_on_policy},
    "notifications.read_all": {"read_all_notifications": read_all_notifications},
    "notifications.settings": {"notification_settings": notification_settings},
    "rulesets.new_set": {"new_criteria_set": new_criteria_set},
    "rulesets.edit_set": {"edit_criteria_set": edit_criteria_set},
    "rulesets.publish_set": {"publish_criteria_set": publish_criteria_set},
    "rulesets.delete_set": {"delete_criteria_set": criteria_set_button("delete")},
    "rulesets.next_version": {"next_criteria_set": criteria_set_button("next")},
    "rulesets.unit_pins": {"pin_criteria_set": pin_criteria_set},
    "rulesets.unpin": {"unpin_criteria_set": unpin_criteria_set},
    "rulesets.unit_rulebook": {"unit_rulebook": unit_rulebook},
    "rulesets.new_policy": {"new_policy": new_policy},
    "rulesets.publish_policy": {"publish_policy": publish_policy},
}
ALL_CASES = {name: build for builds in CASES.values() for name, build in builds.items()}


def test_every_post_route_is_fuzzed(app):
    """A form added later without a case here fails: it must be fuzzed, or say where it is."""
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posting - FUZZED_ELSEWHERE == set(CASES)


def _check_page(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500, url
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not unescaped_markup(html), (url, unescaped_markup(html))


@pytest.mark.parametrize("case", list(ALL_CASES))
@FUZZ
@given(data=st.data())
def test_hostile_input_is_refused_or_stored_within_the_rules(
    case, data, world, session, client, login_as
):
    limiter.reset()  # failed sign-ins of earlier examples would throttle this one
    target = ALL_CASES[case](world)
    if target.actor is None:
        client.post("/logout")
    else:
        login_as(target.actor)
    if case == "score_person":
        target.fields = score_fields(client.get(target.url).get_data(as_text=True))
    body = data.draw(form_data(target.fields), label="posted")

    response = client.post(target.url, data=body)

    event(f"status {response.status_code}")  # --hypothesis-show-statistics: how many got through
    assert response.status_code < 500
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not unescaped_markup(html), unescaped_markup(html)
    if response.status_code in (301, 302, 303):
        _check_page(client, response.location)
    for url in [target.page, *target.extra_pages]:
        _check_page(client, url)
    session.expire_all()
    assert stored_text_problems(session) == []
    assert rule_problems(session) == []
