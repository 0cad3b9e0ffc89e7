"""The plans list builds its answer from plain rows (`schemas.plan_item`), not through
PlanOut: these prove the two print exactly the same, over plans of every kind and tasks of
every outcome and every empty field, so the fast path and the contract never drift apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import cycle
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from evaluation.accounts.models import User
from evaluation.api import schemas, services
from evaluation.api.auth import token_viewer
from evaluation.api.models import ApiToken, TokenScope
from evaluation.organisation.models import LeadershipRole, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome, TaskSource
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import plan_scope
from tests.api.conftest import Agency

PERIODS = (
    Period(PeriodKind.WEEK, 2026, 10),
    Period(PeriodKind.MONTH, 2026, 3),
    Period(PeriodKind.QUARTER, 2026, 1),
    Period(PeriodKind.YEAR, 2026, 1),
    Period(PeriodKind.MONTH, 2025, 12),
)


def _tasks(plan: Plan, count: int, kinds: Iterator[dict[str, Any]]) -> None:
    """Tasks in an order other than the answer's (deadline, id), each of one kind."""
    for number in range(count):
        deadline = plan.ends_on if number % 2 else plan.starts_on
        plan.tasks.append(
            Task(
                **{
                    "title": f"Nhiệm vụ {number} — “trích yếu”",
                    "target_quantity": Decimal("3"),
                    "unit_of_measure": "văn bản",
                    "deadline": deadline,
                }
                | next(kinds)
            )
        )


# Every outcome, every empty field and odd decimals (a hundredth, the largest quantity).
KINDS: tuple[dict[str, Any], ...] = (
    {},
    {"description": "Dòng một\nDòng hai", "weight": Decimal("12.34")},
    {"outcome": TaskOutcome.DONE_ON_TIME, "achieved_quantity": Decimal("2.50"),
     "completed_on": date(2026, 3, 2), "source": TaskSource.ASSIGNED},
    {"outcome": TaskOutcome.DONE_LATE, "achieved_quantity": Decimal("999999.99"),
     "completed_on": date(2026, 3, 30), "source": TaskSource.UNIT_PLAN},
    {"outcome": TaskOutcome.NOT_DONE, "achieved_quantity": Decimal("0.01")},
    {"outcome": TaskOutcome.NOT_DONE},
    {"outcome": TaskOutcome.CANCELLED, "cancel_reason": "Không còn cần"},
    {"source_system": "vbdh", "override_reason": "Lãnh đạo sửa hạn", "weight": Decimal("0.01"),
     "target_quantity": Decimal("1000000")},
)  # fmt: skip


@pytest.fixture
def plans_of_every_kind(session: Session, agency: Agency) -> list[Plan]:
    """Plans of each period kind and status, the unit's own plan (no person), tasks of every
    kind, a plan with no task; the other agency's plan is out of reach."""
    kinds = cycle(KINDS)
    refs = (f"{n}/UBND-VP" for n in range(1, 1000))
    made = []
    owners = (agency.staff, agency.head, agency.colleague, None, agency.stranger)
    statuses = cycle(PlanStatus)
    for owner in owners:
        for period in PERIODS:
            unit = agency.division if owner is None else owner.unit
            plan = Plan(person=owner, unit=unit, period=period, status=next(statuses))
            _tasks(plan, 0 if period.kind is PeriodKind.YEAR else 5, kinds)
            for task in plan.tasks:
                if task.source_system is not None:
                    task.external_ref = next(refs)
            made.append(plan)
    session.add_all(made)
    session.flush()
    session.expire_all()  # the tasks are read back in the answer's order
    return made


def _plans(session: Session, plan_ids: list[int]) -> list[Plan]:
    found = session.scalars(
        sa.select(Plan).options(selectinload(Plan.tasks)).where(Plan.id.in_(plan_ids))
    )
    by_id = {plan.id: plan for plan in found}
    return [by_id[plan_id] for plan_id in plan_ids]


def _through_schema(session: Session, plan_ids: list[int]) -> list[dict[str, Any]]:
    """The plans as PlanOut prints them: the contract's own description."""
    return [schemas.PlanOut().dump(plan) for plan in _plans(session, plan_ids)]


def _viewers(session: Session, secret_unit: Unit) -> list[Viewer]:
    """The administrator (everything) and the unit's token (its subtree)."""
    admin = Viewer(user_id=1, person_id=None, is_admin=True)
    token = session.scalars(sa.select(ApiToken).where(ApiToken.unit_id == secret_unit.id)).one()
    return [admin, token_viewer(token)]


def test_the_fast_path_prints_what_the_schema_would(
    session: Session, agency: Agency, plans_of_every_kind: list[Plan], make_token
) -> None:
    make_token(agency.agency, TokenScope.READ)
    for viewer in _viewers(session, agency.agency):
        for filters in ({}, {"year": 2026}, {"kind": "month"}, {"person_id": agency.staff.id}):
            page = services.plans_page(session, viewer, 1, 100, **filters)
            assert page.items, filters
            ids = [item["id"] for item in page.items]
            expected = _through_schema(session, ids)
            assert page.items == expected
            # the same fields in the same order, the tasks' too
            assert [list(item) for item in page.items] == [list(item) for item in expected]
            tasks = [task for item in page.items for task in item["tasks"]]
            expected_tasks = [task for item in expected for task in item["tasks"]]
            assert [list(task) for task in tasks] == [list(task) for task in expected_tasks]
    # the realistic set was realistic: every outcome, every empty field, a unit's own plan
    everything = services.plans_page(session, Viewer(user_id=1, person_id=None, is_admin=True),
                                     1, 100)  # fmt: skip
    tasks = [task for item in everything.items for task in item["tasks"]]
    assert {task["outcome"] for task in tasks} == {None} | {o.value for o in TaskOutcome}
    for field in ("description", "achieved_quantity", "completed_on", "external_ref",
                  "source_system", "override_reason"):  # fmt: skip
        assert {task[field] is None for task in tasks} == {True, False}, field
    assert any(item["person_id"] is None for item in everything.items)
    assert any(not item["tasks"] for item in everything.items)
    assert {item["kind"] for item in everything.items} == {kind.value for kind in PeriodKind}


def test_the_answer_is_the_schemas_page_and_pages_follow_the_ids(
    session: Session, agency: Agency, plans_of_every_kind: list[Plan], make_token, api
) -> None:
    secret = make_token(agency.agency, TokenScope.READ)
    whole = api("GET", "/api/v1/plans?per_page=100", secret).get_json()
    in_reach = sorted(
        p.id for p in plans_of_every_kind if p.unit.path.startswith(agency.agency.path)
    )
    assert [item["id"] for item in whole["items"]] == in_reach
    meta = {"page": 1, "per_page": 100, "total": len(in_reach)}
    assert whole == schemas.PlanPage().dump({"items": _plans(session, in_reach), "meta": meta})
    seen = []
    for number in range(1, 10):
        answer = api("GET", f"/api/v1/plans?per_page=7&page={number}", secret).get_json()
        assert answer["meta"] == {"page": number, "per_page": 7, "total": len(in_reach)}
        seen += answer["items"]
    assert seen == whole["items"]  # every plan once, in id order, past the end empty


def test_a_wide_reach_pages_the_same_by_the_id_index(
    session: Session, agency: Agency, plans_of_every_kind: list[Plan], make_token, monkeypatch
) -> None:
    """Beyond SORT_IDS_MAX plans the page walks the id index instead of sorting: same page."""
    make_token(agency.agency, TokenScope.READ)
    for viewer in _viewers(session, agency.agency):
        sorted_pages = [services.plans_page(session, viewer, n, 6) for n in (1, 2, 5)]
        monkeypatch.setattr(services, "SORT_IDS_MAX", 0)
        walked_pages = [services.plans_page(session, viewer, n, 6) for n in (1, 2, 5)]
        monkeypatch.undo()
        assert walked_pages == sorted_pages
        assert [len(page.items) for page in sorted_pages][:2] == [6, 6]


def test_a_head_reads_their_units_plans_and_their_own(
    session: Session, agency: Agency, plans_of_every_kind: list[Plan], login_as
) -> None:
    """The session's reach: the head's own plans and the division's, never the stranger's."""
    assert agency.head.leadership_role is LeadershipRole.HEAD
    client = login_as(agency.head)
    body = client.get("/api/v1/plans?per_page=100").get_json()
    expected = sorted(p.id for p in plans_of_every_kind if p.unit_id == agency.division.id)
    assert [item["id"] for item in body["items"]] == expected
    assert body["items"] == _through_schema(session, expected)


def test_the_scope_with_the_units_read_first_is_the_same_scope(
    session: Session, agency: Agency, plans_of_every_kind: list[Plan], make_token
) -> None:
    """plan_scope with the reach's unit ids as a list (the API's, for the indexes) selects
    the plans its subquery form selects (the pages')."""
    make_token(agency.division, TokenScope.READ)
    head = session.scalars(sa.select(User).where(User.person_id == agency.head.id)).one()
    for viewer in (head.viewer(), _viewers(session, agency.division)[1]):
        chosen = [
            set(session.scalars(sa.select(Plan.id).where(plan_scope(viewer, listed))))
            for listed in (None, session)
        ]
        assert chosen[0] == chosen[1]
        assert chosen[0] and chosen[0] != {p.id for p in plans_of_every_kind}
