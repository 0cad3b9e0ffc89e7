"""The demo's evaluation year: records, period scores, decided evaluations, the quota case.

Each test loads the demo once (several seconds on SQLite): the session fixture is per test.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Level, places
from criteria.procedure import Step
from criteria.quota import quota_pct
from evaluation.core.db import Base
from evaluation.demo.loader import load_demo
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.scoring import periods, procedure
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

TODAY = date(2026, 11, 24)
YEAR = TODAY.year
LATE_JOINER = "SL0085"  # from 1 August 2026 (organisation.json)
QUOTA_AGENCY = "X-TANPHONG"


def _table_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_demo_year_is_evaluated_with_every_level_and_the_quota_case(session: Session) -> None:
    summary = load_demo(session, today=TODAY)
    assert "hồ sơ đánh giá năm" in summary

    people = list(session.scalars(sa.select(Person).order_by(Person.code)))
    evaluations = {
        e.person_id: e
        for e in session.scalars(sa.select(AnnualEvaluation).where(AnnualEvaluation.year == YEAR))
    }
    assert len(evaluations) == len(people)

    # Everyone with a competent decider (P2) is decided and notified; only the province's
    # head, who has nobody above in the demo, waits at the personnel office's proposal.
    undecided = []
    for person in people:
        evaluation = evaluations[person.id]
        if procedure.competent_decider(session, person) is None:
            undecided.append(person.code)
            assert evaluation.step is Step.PERSONNEL_PROPOSAL
            continue
        assert evaluation.final_level is not None, person.code
        assert evaluation.decided_at is not None and evaluation.notified_at is not None
        assert evaluation.step in (Step.NOTIFICATION, Step.PETITION_RESOLVED)
    assert undecided == ["SL0001"]

    decided = [e for e in evaluations.values() if e.final_level is not None]
    assert {e.final_level for e in decided} >= {
        Level.XUAT_SAC,
        Level.TOT,
        Level.HOAN_THANH,
        Level.KHONG_HOAN_THANH,
        Level.KHONG_XEP_LOAI,
    }
    # Every departure from the rulebook has a written reason; G1 cases are decided with one.
    assert all(e.decision_reason for e in decided if e.departs_from_rulebook)
    gaps = [e for e in decided if e.computed_level is Level.CAN_QUYET_DINH]
    assert gaps and all("G1" in e.computed_rules and e.decision_reason for e in gaps)

    # Discipline in effect in the year (khiển trách, duty-related) → khong_hoan_thanh.
    (discipline,) = session.scalars(sa.select(DisciplineRecord)).all()
    assert discipline.effective_on.year == YEAR and discipline.duty_related
    assert discipline.person.unit.parent.code in ("X-TANPHONG", "X-HOABINH")
    disciplined = evaluations[discipline.person_id]
    assert disciplined.final_level is Level.KHONG_HOAN_THANH
    assert {"D1", "S6"} & set(disciplined.computed_rules)

    # Lawful leave of 3 to under 6 months caps the level (E2); maternity leave is a fact (E3).
    leaves = session.scalars(sa.select(LeaveRecord)).all()
    (lawful,) = [r for r in leaves if r.kind is LeaveKind.LAWFUL]
    assert 3 <= (lawful.ends_on.month - lawful.starts_on.month + 1) < 6
    assert "E2" in evaluations[lawful.person_id].computed_rules
    assert evaluations[lawful.person_id].final_level is Level.HOAN_THANH
    (maternity,) = [r for r in leaves if r.kind is LeaveKind.MATERNITY]
    assert evaluations[maternity.person_id].facts["maternity_leave"] is True

    by_code = {p.code: p for p in people}
    late = evaluations[by_code[LATE_JOINER].id]
    assert late.final_level is Level.KHONG_XEP_LOAI and "E1" in late.computed_rules

    # The quota case: more candidates than places; those beyond the quota moved to tot (Q3).
    agency = session.scalars(sa.select(Unit).where(Unit.code == QUOTA_AGENCY)).one()
    group = [
        e
        for e in session.scalars(
            sa.select(AnnualEvaluation)
            .join(Unit, AnnualEvaluation.unit_id == Unit.id)
            .where(AnnualEvaluation.year == YEAR, Unit.path.startswith(agency.path))
        )
        if e.rulebook.startswith("nd335")
    ]
    candidates = [e for e in group if e.personnel_level is Level.XUAT_SAC]
    assert all(e.quota_rank for e in candidates)
    at_tot = sum(e.final_level is Level.TOT for e in group)
    excellent = [e for e in group if e.final_level is Level.XUAT_SAC]
    within = len(excellent) <= places(at_tot, len(excellent), quota_pct("nd335"))
    assert within or all(e.quota_exception_reason for e in excellent)
    moved = [e for e in candidates if e.final_level is Level.TOT]
    assert moved and all("Ngoài chỉ tiêu" in (e.decision_reason or "") for e in moved)
    assert len(candidates) > len(excellent)
    # Ranks were followed: everyone kept ranks before everyone moved.
    assert max(e.quota_rank for e in excellent) < min(e.quota_rank for e in moved)

    # Period scores: Jan–Oct for staff, Q1–Q3 for heads (scored by the head above).
    scores: dict[int, set[tuple[PeriodKind, int]]] = {}
    for score in session.scalars(sa.select(PeriodScore).where(PeriodScore.period_year == YEAR)):
        scores.setdefault(score.person_id, set()).add((score.period_kind, score.period_number))
        assert score.scored_by_id is not None
        assert score.task_points == score.computed_task_points or score.adjustment_reason
    months = {(PeriodKind.MONTH, n) for n in range(1, 11)}
    quarters = {(PeriodKind.QUARTER, n) for n in range(1, 4)}
    for person in people:
        if person.code == "SL0001":
            continue
        expected = quarters if person.leadership_role is LeadershipRole.HEAD else months
        if person.code == LATE_JOINER:
            expected = {(PeriodKind.MONTH, n) for n in range(8, 11)}
        elif person.id == lawful.person_id:
            expected = {(PeriodKind.MONTH, n) for n in (1, 2, 7, 8, 9, 10)}
        elif person.id == maternity.person_id:
            expected = {(PeriodKind.MONTH, n) for n in range(2, 11)}
        assert scores.get(person.id) == expected, person.code
    adjusted = session.scalars(
        sa.select(PeriodScore).where(PeriodScore.adjustment_reason.is_not(None))
    ).all()
    assert len(adjusted) >= 2

    # The stored task points are the services' own: recompute a few from the plans.
    for person in people[10:14]:
        period = Period(PeriodKind.MONTH, YEAR, 5)
        stored = periods.find_period_score(session, person, period)
        if stored is None or person.is_leader:
            continue
        result = periods.period_task_result(session, person, period)
        computed = periods.computed_task_points(session, person, period, result, None)
        assert computed == stored.computed_task_points

    # One petition filed and answered.
    petitions = [e for e in evaluations.values() if e.petition_at is not None]
    assert len(petitions) == 1 and petitions[0].step is Step.PETITION_RESOLVED


def test_loading_the_demo_twice_creates_nothing_more(session: Session) -> None:
    load_demo(session, today=TODAY)
    before = _table_counts(session)
    assert before["annual_evaluation"] > 100 and before["period_score"] > 1000
    summary = load_demo(session, today=TODAY)
    assert "không tạo thêm gì" in summary
    assert _table_counts(session) == before


def test_demo_has_rankings_emulation_proposals_and_a_recorded_decision(session):
    from evaluation.plans.periods import Period, PeriodKind
    from evaluation.rankings import emulation
    from evaluation.rankings import services as rankings
    from evaluation.rankings.models import EmulationDecision

    today = date(2026, 11, 24)
    load_demo(session, today=today)
    units = list(session.scalars(sa.select(Unit)))
    by_id = {unit.id: unit for unit in units}
    for number in range(1, 11):  # every ended month of the demo year ranks its units
        month = Period(PeriodKind.MONTH, 2026, number)
        groups = rankings.rankings(rankings.unit_results(session, units, month, today), {}, by_id)
        assert any(row.position == 1 for group in groups for row in group.rows), month.key
    commune = next(u for u in units if u.code == "X-TANPHONG")
    proposal = emulation.proposals(session, [commune], 2026, {})[0]
    assert any(proposal.titles_of(e) for e in proposal.evaluations)
    decisions = session.scalars(sa.select(EmulationDecision)).all()
    assert {d.title.value for d in decisions} >= {"lao_dong_tien_tien"}
    assert all(d.awards for d in decisions)


def test_loading_the_demo_a_month_later_leaves_decided_years_alone(session: Session) -> None:
    """Decided years are read-only (plans.decided): a later load scores only the undecided,
    and leaves out a discipline taking effect since in a decided year, where before it would
    have changed both behind the decisions."""
    load_demo(session, today=date(2026, 8, 20))  # before the seed's discipline takes effect
    decided = set(
        session.scalars(
            sa.select(AnnualEvaluation.person_id).where(
                AnnualEvaluation.year == YEAR, AnnualEvaluation.decided_at.is_not(None)
            )
        )
    )
    scores = sa.select(PeriodScore.person_id, PeriodScore.period_kind, PeriodScore.period_number)
    before = set(session.execute(scores.where(PeriodScore.person_id.in_(decided))).all())
    disciplines = sa.select(sa.func.count()).select_from(DisciplineRecord)
    disciplined = session.scalar(disciplines)
    load_demo(session, today=date(2026, 12, 2))  # months have ended since
    after = set(session.execute(scores.where(PeriodScore.person_id.in_(decided))).all())
    assert decided and after == before
    assert session.scalar(disciplines) == disciplined
