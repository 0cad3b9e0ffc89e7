"""Three rules the demo year brought out: quota groups, scores of moved people, tasks not due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from criteria import Level
from evaluation.core.db import utcnow
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from evaluation.scoring import periods, quotas
from evaluation.scoring.facts import assemble_facts
from evaluation.scoring.models import AnnualEvaluation
from tests.conftest import account_id


def _decided(session, person, level: Level) -> AnnualEvaluation:
    evaluation = AnnualEvaluation(
        person=person, year=2026, unit_id=person.unit_id, unit=person.unit,
        category=person.category, rulebook="nd90@1", computed_level=level,
        final_level=level, decided_at=utcnow(),
    )  # fmt: skip
    session.add(evaluation)
    session.flush()
    return evaluation


def test_a_nested_agency_keeps_its_own_quota(session, make_unit, make_person):
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    office = make_unit("Văn phòng", parent=province)
    commune = make_unit("Xã", UnitKind.COMMUNE, parent=province)
    commune_office = make_unit("Phòng Kinh tế xã", parent=commune)
    for _ in range(10):  # ten at tot in the commune give the commune two places
        _decided(session, make_person(commune_office), Level.TOT)
    candidate = _decided(session, make_person(office), Level.TOT)
    candidate.final_level = None
    session.flush()
    status = quotas.decision_quota(session, candidate)
    assert status.allowed == 0  # the province's own office has nobody at tot
    views = quotas.quota_views(session, [province, commune], 2026)
    # the candidate counts at tot (its expected level) in the province, not in the commune
    assert {(view.agency.id, view.at_tot) for view in views} == {(province.id, 1), (commune.id, 10)}


def test_a_score_is_filed_under_the_unit_of_its_period(session, make_unit, make_person):
    first, second = make_unit("Phòng Kinh tế"), make_unit("Văn phòng")
    head = make_person(second, role=LeadershipRole.HEAD)
    person = make_person(first, starts_on=date(2026, 1, 1))
    organisation.move_person(
        session, person, to_unit=second, role=LeadershipRole.NONE,
        job_position="Chuyên viên", on=date(2026, 7, 1), actor_id=None,
    )  # fmt: skip
    general = {code: Decimal(6) for code in ("TC1", "TC2", "TC3", "TC4", "TC5")}
    data = periods.ScoreInput(general, None, Decimal(60), "Không có kế hoạch tháng", None)
    june = periods.save_period_score(
        session, person, Period(PeriodKind.MONTH, 2026, 6), data,
        actor_id=account_id(session, head),
    )  # fmt: skip
    july = periods.save_period_score(
        session, person, Period(PeriodKind.MONTH, 2026, 7), data,
        actor_id=account_id(session, head),
    )  # fmt: skip
    assert (june.unit_id, july.unit_id) == (first.id, second.id)


def test_tasks_not_yet_due_are_not_counted_as_missed(session, make_unit, make_person):
    person = make_person(make_unit())
    plan = plans.create_plan(session, person, Period(PeriodKind.MONTH, 2026, 11), actor_id=None)
    due_early = TaskInput("Đã xong", None, Decimal(1), "việc", Decimal(1), date(2026, 11, 5))
    done = plans.add_task(session, plan, due_early, actor_id=None)
    done.outcome, done.completed_on = TaskOutcome.DONE_ON_TIME, date(2026, 11, 5)
    plans.add_task(
        session, plan, TaskInput("Chưa đến hạn", None, Decimal(1), "việc", Decimal(1),
                                 date(2026, 11, 28)),
        actor_id=None,
    )  # fmt: skip
    session.flush()
    before = assemble_facts(session, person, 2026, as_of=date(2026, 11, 24))
    after = assemble_facts(session, person, 2026, as_of=date(2026, 12, 1))
    assert [t.completed for t in before.tasks] == [True]
    assert [t.completed for t in after.tasks] == [True, False]


def test_a_tree_of_divisions_answers_to_its_topmost_unit(session, make_unit):
    top = make_unit("Phòng")
    below = make_unit("Tổ", parent=top)
    assert organisation.agency_of(session, below) == top
