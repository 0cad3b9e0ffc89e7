"""Who may do what, by the unit tree: one table of roles × objects × actions, through HTTP.

The tree (every name is a key of the `world` fixture):

    province
    ├── dept                    head_dept (head)
    │   ├── div_a               head_a (head), deputy_a (deputy), staff_a, colleague_a
    │   ├── div_b               staff_b
    │   └── div_personnel       personnel (personnel office serving `dept`)
    └── commune
        └── div_c               staff_c
    admin (administrator, no person)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services
from evaluation.plans.models import PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput

WEEK = Period(PeriodKind.WEEK, 2026, 11)
OK, DENIED, DONE = 200, 403, 302

# Each action: the HTTP call, and the plan state it needs.
ACTIONS = {
    "view": ("GET", "/plans/{plan}", PlanStatus.DRAFT),
    "edit": ("GET", "/plans/{plan}/tasks/new", PlanStatus.DRAFT),
    "approve": ("POST", "/plans/{plan}/approve", PlanStatus.SUBMITTED),
    "return": ("POST", "/plans/{plan}/return", PlanStatus.SUBMITTED),
    "close": ("POST", "/plans/{plan}/close", PlanStatus.REPORTED),
    "reopen": ("POST", "/plans/{plan}/reopen", PlanStatus.CLOSED),
    "person": ("GET", "/organisation/people/{person}", PlanStatus.DRAFT),
    "score": ("GET", "/scoring/2026-03/people/{person}", PlanStatus.DRAFT),
    "records": ("GET", "/people/{person}/records", PlanStatus.DRAFT),
    "evaluation": ("GET", "/evaluations/2026/people/{person}", PlanStatus.DRAFT),
    # authorized deciders are redirected back with the step's outcome; others get 403
    "decide": ("POST", "/evaluations/2026/people/{person}/decision", PlanStatus.DRAFT),
    # the Excel import pages: the actor's role decides, not the owner
    "import_staff": ("GET", "/imports/staff", PlanStatus.DRAFT),
    "import_tasks": ("GET", "/imports/tasks", PlanStatus.DRAFT),
    # the drill-down behind a unit's rank: the owner's unit
    "unit_rank": ("GET", "/rankings/2026-03/units/{unit}", PlanStatus.DRAFT),
    # Excel exports, authorized like the pages that show the same data
    "sheet": ("GET", "/reports/evaluations/2026/people/{person}.xlsx", PlanStatus.DRAFT),
    "summary": ("GET", "/reports/evaluations/2026/units/{unit}.xlsx", PlanStatus.DRAFT),
    "plan_xlsx": ("GET", "/reports/plans/{plan}.xlsx", PlanStatus.DRAFT),
    # the ranking and emulation workbooks: like their pages, the actor's reach decides
    "ranking_xlsx": ("GET", "/reports/rankings/2026-03.xlsx", PlanStatus.DRAFT),
    "emulation_xlsx": ("GET", "/reports/emulation/2026.xlsx", PlanStatus.DRAFT),
}

# actor → {object owner → {action → expected status}}; every cell is written out.
# fmt: off
MATRIX: dict[str, dict[str, dict[str, int]]] = {
    "staff_a": {  # an employee: own records only
        "staff_a": dict(view=OK, edit=OK, approve=DENIED, close=DENIED, reopen=DENIED, person=OK,
                        score=DENIED, records=DENIED, evaluation=OK, decide=DENIED,
                        unit_rank=DENIED, sheet=OK, summary=DENIED, plan_xlsx=OK,
                        ranking_xlsx=DENIED, emulation_xlsx=DENIED),
        "colleague_a": dict(view=DENIED, edit=DENIED, approve=DENIED, person=DENIED,
                            score=DENIED, evaluation=DENIED, sheet=DENIED, plan_xlsx=DENIED),
        "staff_b": dict(view=DENIED, edit=DENIED, approve=DENIED, person=DENIED,
                        import_staff=DENIED, import_tasks=DENIED),
        "head_dept": dict(view=DENIED, edit=DENIED, approve=DENIED, person=DENIED),
        "staff_c": dict(view=DENIED, edit=DENIED, approve=DENIED, person=DENIED),
    },
    "deputy_a": {  # a deputy: the unit's staff, not the head, not the siblings
        "deputy_a": dict(view=OK, edit=OK, approve=DENIED, import_staff=DENIED,
                         import_tasks=OK),
        "staff_a": dict(view=OK, edit=DENIED, approve=DONE, close=DONE, reopen=DENIED, person=OK,
                        score=OK, records=DENIED, evaluation=OK, decide=DENIED, unit_rank=OK,
                        sheet=OK, summary=OK, plan_xlsx=OK),
        "head_a": dict(view=OK, edit=DENIED, approve=DENIED, person=OK, score=DENIED),
        "staff_b": dict(view=DENIED, approve=DENIED, person=DENIED, unit_rank=DENIED,
                        sheet=DENIED, summary=DENIED, plan_xlsx=DENIED),
        "head_dept": dict(view=DENIED, approve=DENIED, person=DENIED),
        "staff_c": dict(view=DENIED, approve=DENIED, person=DENIED),
    },
    "head_a": {  # a division head: staff and deputies of the division
        "head_a": dict(view=OK, edit=OK, approve=DENIED, import_staff=DENIED,
                       import_tasks=OK),
        "staff_a": dict(view=OK, edit=DENIED, approve=DONE, **{"return": DONE}, score=OK),
        "deputy_a": dict(view=OK, approve=DONE, score=OK, decide=DENIED),
        "staff_b": dict(view=DENIED, approve=DENIED, person=DENIED),
        "head_dept": dict(view=DENIED, approve=DENIED, person=DENIED),
        "staff_c": dict(view=DENIED, approve=DENIED, person=DENIED),
    },
    "head_dept": {  # the department's head: the whole department, division heads included
        "head_a": dict(view=OK, edit=DENIED, approve=DONE, person=OK, score=OK, decide=DONE),
        "staff_b": dict(view=OK, approve=DONE, close=DONE, person=OK, decide=DONE,
                        unit_rank=OK, sheet=OK, summary=OK),
        "personnel": dict(view=OK, approve=DONE),
        "head_dept": dict(view=OK, approve=DENIED),
        "staff_c": dict(view=DENIED, approve=DENIED, person=DENIED, score=DENIED, decide=DENIED,
                        unit_rank=DENIED, sheet=DENIED, summary=DENIED),
    },
    "personnel": {  # the personnel office: reads its subtree, keeps records, decides nothing
        "staff_a": dict(view=OK, edit=DENIED, approve=DENIED, close=DENIED, reopen=DONE, person=OK,
                        score=DENIED, records=OK, evaluation=OK, decide=DENIED, unit_rank=OK,
                        sheet=OK, summary=OK, plan_xlsx=OK),
        "head_dept": dict(view=OK, approve=DENIED, person=OK, records=OK, import_staff=OK,
                          import_tasks=OK, ranking_xlsx=OK, emulation_xlsx=OK),
        "staff_c": dict(view=DENIED, approve=DENIED, person=DENIED, records=DENIED,
                        evaluation=DENIED, unit_rank=DENIED, sheet=DENIED, summary=DENIED,
                        plan_xlsx=DENIED),
    },
    "admin": {  # the administrator: reads everything, decides nothing
        "staff_a": dict(view=OK, edit=DENIED, approve=DENIED, reopen=DENIED, person=OK,
                        score=DENIED,
                        records=DENIED, evaluation=OK, decide=DENIED, import_staff=DENIED,
                        import_tasks=DENIED),
        "staff_c": dict(view=OK, edit=DENIED, approve=DENIED, person=OK, evaluation=OK,
                        unit_rank=OK, sheet=OK, summary=OK, plan_xlsx=OK, ranking_xlsx=OK,
                        emulation_xlsx=OK),
    },
}

# fmt: on

CELLS = [
    (actor, owner, action, expected)
    for actor, row in MATRIX.items()
    for owner, actions in row.items()
    for action, expected in actions.items()
]


@pytest.fixture
def world(session, make_unit, make_person, make_admin):
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    dept = make_unit("Sở", UnitKind.AGENCY, parent=province)
    div_a = make_unit("Phòng A", parent=dept)
    div_b = make_unit("Phòng B", parent=dept)
    div_personnel = make_unit("Phòng Tổ chức cán bộ", parent=dept)
    commune = make_unit("Xã", UnitKind.COMMUNE, parent=province)
    div_c = make_unit("Phòng C", parent=commune)
    head, deputy = LeadershipRole.HEAD, LeadershipRole.DEPUTY
    return {
        "head_dept": make_person(dept, role=head),
        "head_a": make_person(div_a, role=head),
        "deputy_a": make_person(div_a, role=deputy),
        "staff_a": make_person(div_a),
        "colleague_a": make_person(div_a),
        "staff_b": make_person(div_b),
        "personnel": make_person(
            div_personnel, account_role=AccountRole.PERSONNEL, served_unit=dept
        ),
        "staff_c": make_person(div_c),
        "admin": make_admin(),
    }


def plan_in_state(session, person, status: PlanStatus):
    plan = services.create_plan(session, person, WEEK, actor_id=None)
    task = services.add_task(
        session,
        plan,
        TaskInput("Báo cáo tuần", None, Decimal(1), "báo cáo", Decimal(1), date(2026, 3, 13)),
        actor_id=None,
    )
    if status is PlanStatus.REPORTED:
        task.outcome = services.TaskOutcome.DONE_ON_TIME
        task.completed_on = date(2026, 3, 12)
    plan.status = status
    session.flush()
    return plan


@pytest.mark.parametrize(("actor", "owner", "action", "expected"), CELLS)
def test_access(session, client, login_as, world, actor, owner, action, expected):
    method, url, status = ACTIONS[action]
    plan = plan_in_state(session, world[owner], status)
    login_as(world[actor])
    target = url.format(plan=plan.id, person=world[owner].id, unit=world[owner].unit_id)
    data = {"comment": "Cần bổ sung", "reason": "Mở lại để sửa số liệu"}
    response = client.open(target, method=method, data=data)
    assert response.status_code == expected, f"{actor} {action} {owner}'s plan"
    session.refresh(plan)
    if expected == DENIED:
        assert plan.status is status, "a refused action changed the plan"


def test_lists_show_only_what_details_allow(session, client, login_as, world):
    """The manager's page lists plans and people by the same rule as the detail pages."""
    for who in ("staff_a", "staff_b", "staff_c", "head_a"):
        plan_in_state(session, world[who], PlanStatus.SUBMITTED)
    login_as(world["deputy_a"])
    page = client.get("/unit").get_data(as_text=True)
    assert world["staff_a"].full_name in page
    assert world["staff_b"].full_name not in page
    assert world["staff_c"].full_name not in page
    # the deputy sees the head's plan but may not decide it, so it is not waiting for them
    assert f"{world['head_a'].full_name} — " not in page


def test_an_employee_cannot_open_the_unit_pages(client, login_as, world):
    login_as(world["staff_a"])
    assert client.get("/unit").status_code == DENIED
    assert client.get("/unit/assign").status_code == DENIED
    assert client.get("/organisation/").status_code == DENIED


def test_a_manager_cannot_assign_outside_their_subtree(session, client, login_as, world):
    login_as(world["head_a"])
    response = client.post(
        "/unit/assign",
        data={
            "person_id": str(world["staff_c"].id),
            "kind": "week",
            "day": "2026-03-10",
            "title": "Việc ngoài phạm vi",
            "target_quantity": "1",
            "unit_of_measure": "việc",
            "weight": "1",
            "deadline": "2026-03-12",
        },
    )
    assert response.status_code == 422  # not among the choices: refused by the form
    assert services.find_plan(session, world["staff_c"], WEEK) is None


def test_anonymous_visitors_are_sent_to_sign_in(client, world, session):
    plan = plan_in_state(session, world["staff_a"], PlanStatus.DRAFT)
    for url in (f"/plans/{plan.id}", "/plans", "/unit", "/organisation/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.location


def test_every_route_is_covered_by_an_access_test(app):
    """A route added later must be added here, and so to a test of who may reach it."""
    covered = {
        "static", "accounts.login", "accounts.logout", "accounts.change_password",
        "accounts.set_language", "plans.home", "plans.my_plans", "plans.new_plan",
        "plans.plan_detail", "plans.plan_transition", "plans.new_task", "plans.edit_task",
        "plans.delete_task", "plans.report_result", "plans.my_unit", "plans.assign_task",
        "plans.plan_reopen",
        "organisation.tree", "organisation.unit_detail", "organisation.person_detail",
        "scoring.scoring_home", "scoring.scoring_period", "scoring.score_person",
        "scoring.evaluations_home", "scoring.evaluations_year", "scoring.evaluation_page",
        "scoring.evaluation_step", "records.person_records",
        "rankings.rankings_home", "rankings.ranking", "rankings.unit_drilldown",
        "rankings.emulation_page", "rankings.record_decision", "rankings.revoke",
        "rankings.add_achievement", "rankings.dashboard", "audit.trail", "audit.trail_export",
        "imports.staff_upload", "imports.staff_template", "imports.tasks_upload",
        "imports.tasks_template", "imports.batch_preview", "imports.batch_confirm",
        "reports.evaluation_sheet", "reports.classification_summary", "reports.plan_report",
        "reports.unit_ranking", "reports.emulation_list", "health.healthz",
    }  # fmt: skip
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == covered
