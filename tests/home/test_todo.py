"""The to-do page ("Việc cần làm"): each count per role, on a world built here, moves with the
data; its links open; a user counts only their own work or their unit's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Level
from criteria.procedure import Step
from evaluation.accounts.models import AccountRole, User
from evaluation.home import services
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput
from evaluation.scoring import periods, procedure
from tests.conftest import PASSWORD, account_id
from tests.test_query_counts import GENERAL

TODAY = date(2026, 12, 2)  # a Wednesday: the week ends on Sunday 6 December
NOVEMBER = Period(PeriodKind.MONTH, 2026, 11)
DECEMBER = Period(PeriodKind.MONTH, 2026, 12)


@dataclass
class World:
    agency: Unit
    division: Unit
    head_agency: Person
    head: Person
    deputy: Person
    staff: Person
    colleague: Person
    personnel: Person
    sub_agency_head: Person  # heads an agency under `agency`: decided by `head_agency`
    outsider: Person  # another agency's staff
    outsider_head: Person


@pytest.fixture
def world(session: Session, make_unit, make_person, clock) -> World:
    clock(TODAY)
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province)
    division = make_unit("Phòng Một", parent=agency)
    office = make_unit("Phòng Tổ chức", parent=agency)
    sub_agency = make_unit("Trung tâm", UnitKind.PUBLIC_SERVICE, parent=agency)
    other = make_unit("Sở Tài chính", UnitKind.AGENCY, parent=province)
    return World(
        agency=agency,
        division=division,
        head_agency=make_person(agency, role=LeadershipRole.HEAD),
        head=make_person(division, role=LeadershipRole.HEAD),
        deputy=make_person(division, role=LeadershipRole.DEPUTY),
        staff=make_person(division),
        colleague=make_person(division),
        personnel=make_person(office, account_role=AccountRole.PERSONNEL, served_unit=agency),
        sub_agency_head=make_person(sub_agency, role=LeadershipRole.HEAD),
        outsider=make_person(other),
        outsider_head=make_person(other, role=LeadershipRole.HEAD),
    )


def viewer_of(session: Session, person: Person):
    return session.get(User, account_id(session, person)).viewer()


def todo(session: Session, person: Person) -> services.Todo:
    return services.todo(session, viewer_of(session, person), TODAY)


def task(title: str, deadline: date) -> TaskInput:
    return TaskInput(title, None, Decimal(1), "hồ sơ", Decimal(1), deadline)


def tile(html: str, tile_id: str) -> tuple[int, str] | None:
    """The count and the link of one tile of the page, None when the page has no such tile."""
    found = re.search(
        rf'id="{tile_id}">\s*<span class="tile-count" data-count="(\d+)">.*?<a href="([^"]+)"',
        html,
        re.S,
    )
    return (int(found.group(1)), found.group(2)) if found else None


# --- plans ---------------------------------------------------------------------------------


def test_plans_waiting_for_approval_and_returned_plans(session, world):
    plan = plans.create_plan(session, world.staff, DECEMBER, actor_id=None)
    plans.add_task(session, plan, task("Việc", date(2026, 12, 20)), actor_id=None)
    assert todo(session, world.head).plans_to_approve == 0
    plans.transition(session, plan, "submit", actor_id=None)
    deputy_plan = plans.create_plan(session, world.deputy, DECEMBER, actor_id=None)
    plans.add_task(session, deputy_plan, task("Việc", date(2026, 12, 20)), actor_id=None)
    plans.transition(session, deputy_plan, "submit", actor_id=None)
    session.flush()

    # the head decides both; the deputy only the staff's; the head of the agency both (above)
    assert todo(session, world.head).plans_to_approve == 2
    assert todo(session, world.deputy).plans_to_approve == 1
    assert todo(session, world.head_agency).plans_to_approve == 2
    assert todo(session, world.outsider_head).plans_to_approve == 0
    assert todo(session, world.staff).plans_to_approve is None  # no such duty, no tile
    for person in (world.head, world.deputy, world.head_agency, world.outsider_head):
        viewer = viewer_of(session, person)
        assert services.plans_to_approve(session, viewer) == len(
            plans.plans_awaiting(session, viewer)
        )

    plans.transition(session, plan, "return", actor_id=account_id(session, world.head),
                     comment="Bổ sung")  # fmt: skip
    session.flush()
    assert todo(session, world.head).plans_to_approve == 1
    assert todo(session, world.staff).returned_plans == 1
    assert todo(session, world.colleague).returned_plans == 0


def test_my_tasks_due_this_week_and_overdue(session, world):
    plan = plans.create_plan(session, world.staff, DECEMBER, actor_id=None)
    for day in (1, 2, 6, 7, 20):  # yesterday (overdue), today, Sunday, next week, later
        plans.add_task(session, plan, task(f"Việc {day}", date(2026, 12, day)), actor_id=None)
    session.flush()
    figures = todo(session, world.staff).tasks
    assert (figures.due_this_week, figures.overdue) == (2, 1)
    assert figures.week_ends_on == date(2026, 12, 6)
    assert todo(session, world.colleague).tasks.due_this_week == 0  # only one's own

    plans.transition(session, plan, "submit", actor_id=None)
    plans.transition(session, plan, "approve", actor_id=account_id(session, world.head))
    first, today_task, *_ = plan.tasks
    for done in (first, today_task):
        plans.report_result(
            session, done, ResultInput("done", Decimal(1), TODAY, None, None, None), actor_id=None
        )
    session.flush()
    figures = todo(session, world.staff).tasks
    assert (figures.due_this_week, figures.overdue) == (1, 0)


# --- scores --------------------------------------------------------------------------------


def test_scores_owed_for_the_month_just_ended(session, world):
    head_id = account_id(session, world.head)
    owed = todo(session, world.head)
    assert owed.scoring_month == NOVEMBER
    # the deputy, the staff and the colleague; not the head themself
    assert owed.scores_owed == 3
    periods.save_period_score(
        session, world.staff, NOVEMBER,
        periods.ScoreInput(GENERAL, None, Decimal(50), "Không có nhiệm vụ trong tháng", None),
        actor_id=head_id,
    )  # fmt: skip
    session.flush()
    assert todo(session, world.head).scores_owed == 2
    # a deputy scores the unit's staff, not the head nor themself (`people_to_score`)
    assert todo(session, world.deputy).scores_owed == 1
    deputy = viewer_of(session, world.deputy)
    assert [p.id for p in periods.people_to_score(session, deputy)] == sorted(
        [world.staff.id, world.colleague.id], key=lambda i: session.get(Person, i).full_name
    )
    # the agency's head scores the heads of the units directly below, by quarter: November
    # closes no quarter, so nothing is owed to them yet
    assert todo(session, world.head_agency).scores_owed == 0
    assert todo(session, world.staff).scores_owed is None
    # a decided year locks its scores: nothing is owed for the colleague any more
    evaluation = procedure.open_evaluation(session, world.colleague, 2026)
    evaluation.final_level = Level.TOT
    evaluation.decision_reason = "Theo đề xuất"
    evaluation.decided_at = evaluation.computed_at
    session.flush()
    assert todo(session, world.head).scores_owed == 1


def test_heads_are_owed_at_the_end_of_a_quarter(session, world, clock):
    clock(date(2026, 10, 5))
    figures = services.todo(session, viewer_of(session, world.head_agency), date(2026, 10, 5))
    assert figures.scoring_month == Period(PeriodKind.MONTH, 2026, 9)
    # heads of the division, the office's unit has none, the centre's head: two heads
    assert figures.scores_owed == 2
    expected = [
        p
        for p in periods.people_to_score(session, viewer_of(session, world.head_agency))
        if p.leadership_role is LeadershipRole.HEAD
    ]
    assert figures.scores_owed == len(expected)


# --- the annual evaluation -----------------------------------------------------------------


def at_step(session: Session, person: Person, step: Step | None) -> None:
    evaluation = procedure.open_evaluation(session, person, 2026)
    evaluation.step = step
    session.flush()


def test_own_self_assessment_until_it_is_made(session, world):
    assert todo(session, world.staff).own_step is Step.SELF_ASSESSMENT
    at_step(session, world.staff, None)
    assert todo(session, world.staff).own_step is Step.SELF_ASSESSMENT
    at_step(session, world.staff, Step.SELF_ASSESSMENT)
    assert todo(session, world.staff).own_step is None


def test_steps_waiting_for_each_actor(session, world):
    at_step(session, world.staff, Step.SELF_ASSESSMENT)
    at_step(session, world.colleague, Step.SELF_ASSESSMENT)
    at_step(session, world.outsider, Step.SELF_ASSESSMENT)
    assert todo(session, world.head).steps_waiting == {Step.COLLECTIVE_COMMENTS: 2}
    assert todo(session, world.head_agency).steps_waiting == {Step.COLLECTIVE_COMMENTS: 2}
    assert todo(session, world.personnel).steps_waiting == {}
    assert todo(session, world.staff).steps_waiting == {}
    assert todo(session, world.outsider_head).steps_waiting == {Step.COLLECTIVE_COMMENTS: 1}

    at_step(session, world.staff, Step.COLLECTIVE_COMMENTS)
    at_step(session, world.colleague, Step.PARTY_COMMITTEE_COMMENTS)
    assert todo(session, world.personnel).steps_waiting == {Step.PERSONNEL_PROPOSAL: 2}
    assert todo(session, world.head).steps_waiting == {}

    at_step(session, world.staff, Step.PERSONNEL_PROPOSAL)
    at_step(session, world.sub_agency_head, Step.PERSONNEL_PROPOSAL)
    at_step(session, world.head, Step.PERSONNEL_PROPOSAL)
    # the agency's head decides for the staff, the division's head and the centre's head
    assert todo(session, world.head_agency).steps_waiting == {Step.DECISION: 3}
    assert todo(session, world.head).steps_waiting == {}  # a division's head decides nothing

    at_step(session, world.staff, Step.DECISION)
    at_step(session, world.head, Step.PETITION)
    assert todo(session, world.head_agency).steps_waiting == {
        Step.DECISION: 1,
        Step.NOTIFICATION: 1,
        Step.PETITION_RESOLVED: 1,
    }
    assert todo(session, world.personnel).steps_waiting == {
        Step.PERSONNEL_PROPOSAL: 1,  # the colleague, after the party committee's comment
        Step.NOTIFICATION: 1,
    }


def test_the_sql_scopes_agree_with_the_areas_checks(session, world):
    """`managed_people` is `Viewer.manages`, `decided_people` is `competent_decider`, person by
    person, for every account of the world."""
    people = session.scalars(sa.select(Person).join(Unit, Person.unit_id == Unit.id)).all()
    for actor in (world.head_agency, world.head, world.deputy, world.staff, world.personnel,
                  world.outsider_head, world.sub_agency_head):  # fmt: skip
        viewer = viewer_of(session, actor)
        managed = set(
            session.scalars(
                sa.select(Person.id)
                .join(Unit, Person.unit_id == Unit.id)
                .where(services.managed_people(viewer))
            )
        )
        assert managed == {p.id for p in people if viewer.manages(p)}, actor.full_name
        decided = set(
            session.scalars(
                sa.select(Person.id)
                .join(Unit, Person.unit_id == Unit.id)
                .where(services.decided_people(session, viewer))
            )
        )
        expected = set()
        for person in people:
            decider = procedure.competent_decider(session, person)
            if decider is not None and decider.id == actor.id:
                expected.add(person.id)
        assert decided == expected, actor.full_name


def test_steps_follow_the_rulebooks_order():
    assert services.steps_before(Step.PERSONNEL_PROPOSAL) == (
        Step.COLLECTIVE_COMMENTS,
        Step.PARTY_COMMITTEE_COMMENTS,
    )
    seen: set[Step] = set()
    for target in services.AWAITED_STEPS:  # each step waits for one actor's step only
        before = set(services.steps_before(target))
        assert before and not before & seen
        seen |= before


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_counts_and_its_links_open(session, world, login_as):
    plan = plans.create_plan(session, world.staff, DECEMBER, actor_id=None)
    plans.add_task(session, plan, task("Việc", date(2026, 12, 1)), actor_id=None)
    plans.transition(session, plan, "submit", actor_id=None)
    at_step(session, world.colleague, Step.SELF_ASSESSMENT)

    client = login_as(world.head)
    html = client.get("/").get_data(as_text=True)
    assert "Việc cần làm" in html
    expected = {
        "plans-to-approve": (1, "/unit#awaiting"),
        "scores-owed": (3, f"/scoring/{NOVEMBER.key}"),
        "step-collective_comments": (1, "/evaluations/2026"),
        "tasks-due": (0, "/plans"),
    }
    for tile_id, (count, link) in expected.items():
        assert tile(html, tile_id) == (count, link), tile_id
        assert client.get(link.split("#")[0]).status_code == 200, link
    assert "Còn 13 ngày" in html  # 15 December, from the rulebook's P3

    client = login_as(world.staff)
    html = client.get("/").get_data(as_text=True)
    assert tile(html, "tasks-overdue") == (1, "/plans")
    assert tile(html, "plans-to-approve") is None  # staff approve nothing: no tile
    assert tile(html, "scores-owed") is None
    own = re.search(r'id="own-step">.*?<a href="([^"]+)"', html, re.S).group(1)
    assert own == f"/evaluations/2026/people/{world.staff.id}"
    assert client.get(own).status_code == 200


def test_a_user_counts_only_their_own_and_their_units_work(session, world, login_as):
    plan = plans.create_plan(session, world.staff, DECEMBER, actor_id=None)
    plans.add_task(session, plan, task("Việc", date(2026, 12, 1)), actor_id=None)
    plans.transition(session, plan, "submit", actor_id=None)
    at_step(session, world.staff, Step.SELF_ASSESSMENT)
    html = login_as(world.outsider_head).get("/").get_data(as_text=True)
    assert tile(html, "plans-to-approve") == (0, "/unit#awaiting")
    assert tile(html, "step-collective_comments") is None
    html = login_as(world.colleague).get("/").get_data(as_text=True)
    assert tile(html, "tasks-overdue")[0] == 0


def test_the_quota_status_is_provisional_while_the_year_is_open(session, world, login_as):
    at_step(session, world.staff, Step.PERSONNEL_PROPOSAL)
    evaluation = procedure.find_evaluation(session, world.staff.id, 2026)
    evaluation.personnel_level = "xuat_sac"
    session.flush()
    html = login_as(world.personnel).get("/").get_data(as_text=True)
    quotas = html.split('id="quotas"')[1].split("</section>")[0]
    assert "tạm tính" in quotas and world.agency.name in quotas


def test_everyone_signed_in_lands_on_the_page(session, world, client, make_admin, login_as):
    response = client.post("/login", data={"username": world.staff.code.lower(),
                                           "password": PASSWORD})  # fmt: skip
    assert response.location == "/"
    admin = make_admin()
    assert login_as(admin).get("/").status_code == 200
    assert login_as(admin).get("/start").status_code == 302  # the old landing, kept
