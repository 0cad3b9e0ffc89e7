"""The demo's evaluation year: leave and discipline, period scores and annual evaluations.

Everything goes through the services the application uses, acting as the people who would act
(`save_period_score` by the manager, `self_assess` by the person, `propose` by the personnel
office, `decide` by the competent person of P2), so the numbers, the rulebook's results, the
audit trail and the quota checks are the real ones. Named cases (discipline, maternity leave,
the quota case, adjusted scores, a petition) come from seed_data/evaluations.json; the long
leave and the late joiner come from organisation.json.

Idempotent: records, scores and evaluations that exist are left alone (a person with an
evaluation for the year is skipped whole). Deterministic: every random draw comes from a
stream seeded from `SEED` and the person's code.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import (
    DisciplineForm,
    GeneralAssessment,
    Level,
    TaskFacts,
    Title,
    general_level_from_points,
    places,
    rulebook_family,
)
from criteria.quota import quota_pct
from evaluation.accounts.models import AccountRole, User
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.organisation.services import agency_of
from evaluation.plans.decided import decided_years, people_decided
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.rankings.models import AchievementKind, EmulationDecision
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.records.services import add_discipline, add_leave
from evaluation.scoring import periods, procedure, quotas
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

SEED_DIR = Path(__file__).resolve().parents[2] / "seed_data"
SEED = 2026
TOTAL_GENERAL = 30


@dataclass(frozen=True)
class Cast:
    """Who acts: login ids of people, the personnel offices and the demo's units."""

    users: dict[int, int]  # person id → user id
    units: dict[int, Unit]
    heads: dict[int, Person]  # unit id → its head
    offices: list[tuple[str, int]]  # (served unit path, user id), deepest first
    personnel_person: dict[int, int]  # user id → person id of a personnel officer

    def manager(self, unit_id: int, role: LeadershipRole) -> int | None:
        """Staff and deputies: their unit's head; a head: the head of the unit above."""
        unit = self.units[unit_id]
        if role is LeadershipRole.HEAD:
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
            if unit is None:
                return None
        head = self.heads.get(unit.id)
        return self.users.get(head.id) if head else None

    def office(self, person: Person) -> int:
        """The personnel office serving the person's unit; never the person themselves."""
        for path, user_id in self.offices:
            if (
                person.unit.path.startswith(path)
                and self.personnel_person.get(user_id) != person.id
            ):
                return user_id
        return self.offices[-1][1]


def _rng(*parts: object) -> random.Random:
    # Demo data wants repeatable draws, not secrecy.
    return random.Random(":".join(str(p) for p in (SEED, *parts)))  # noqa: S311  # nosec B311


def _cast(session: Session) -> Cast:
    users = dict(
        session.execute(sa.select(User.person_id, User.id).where(User.person_id.is_not(None))).all()
    )
    units = {unit.id: unit for unit in session.scalars(sa.select(Unit))}
    heads: dict[int, Person] = {}
    for person in session.scalars(
        sa.select(Person).where(Person.leadership_role == LeadershipRole.HEAD).order_by(Person.id)
    ):
        heads.setdefault(person.unit_id, person)
    offices = []
    personnel_person = {}
    for user in session.scalars(
        sa.select(User).where(User.role == AccountRole.PERSONNEL, User.served_unit_id.is_not(None))
    ):
        offices.append((units[user.served_unit_id].path, user.id))
        if user.person_id is not None:
            personnel_person[user.id] = user.person_id
    offices.sort(key=lambda item: (-len(item[0]), item[0]))
    return Cast(users, units, heads, offices, personnel_person)


# --- leave and discipline -----------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _load_records(
    session: Session,
    org: dict[str, Any],
    seed: dict[str, Any],
    people: dict[str, Person],
    cast: Cast,
    today: date,
    counts: Counter[str],
) -> None:
    actor = cast.offices[-1][1]  # the province's personnel office keeps the records
    leaves = {
        (person_id, kind)
        for person_id, kind in session.execute(sa.select(LeaveRecord.person_id, LeaveRecord.kind))
    }
    wanted: list[tuple[Person, LeaveKind, date, date, str]] = []
    for spec in org["people"]:
        notes = spec.get("notes", {})
        if "leave_from" in notes:
            start = date.fromisoformat(notes["leave_from"])
            end = _add_months(start, notes["leave_months"]) - timedelta(days=1)
            note = f"{notes.get('reason', '')}. {seed['leave_note']}".strip(". ")
            wanted.append((people[spec["code"]], LeaveKind.LAWFUL, start, end, note))
    for item in seed["maternity"]:
        wanted.append(
            (
                people[item["person"]],
                LeaveKind.MATERNITY,
                date.fromisoformat(item["starts_on"]),
                date.fromisoformat(item["ends_on"]),
                item["note"],
            )
        )
    for person, kind, start, end, note in wanted:
        if (person.id, kind) in leaves:
            continue
        add_leave(
            session, person, kind=kind, starts_on=start, ends_on=end, note=note, actor_id=actor
        )
        counts["leave_records"] += 1
    disciplined = set(session.scalars(sa.select(DisciplineRecord.person_id)))
    for item in seed["discipline"]:
        person = people[item["person"]]
        effective = date.fromisoformat(item["effective_on"])
        if person.id in disciplined or effective > today:
            continue
        if decided_years(session, person.id, [effective.year]):  # a later load: locked
            continue
        add_discipline(
            session,
            person,
            violation=item["violation"],
            decision_number=item["decision_number"],
            effective_on=date.fromisoformat(item["effective_on"]),
            form=DisciplineForm(item["form"]),
            party=item["party"],
            duty_related=item["duty_related"],
            counted_in_year=None,
            actor_id=actor,
        )
        counts["discipline_records"] += 1


# --- period scores ------------------------------------------------------------------------


def _profile(person: Person) -> str:
    """How a person works this year, drawn once: most do well, some excel, a few fall short."""
    draw = _rng("profile", person.code).random()
    return "excellent" if draw < 0.12 else "good" if draw < 0.88 else "weaker"


# (lowest, highest) general points out of 30 per profile: mostly high, a few lower.
GENERAL_RANGE = {"excellent": (28, 30), "good": (24, 27), "weaker": (22, 25)}


def _general_points(criteria: Sequence[Any], person: Person, period: Period) -> dict[str, Decimal]:
    rng = _rng("general", person.code, period.key)
    total = rng.randint(*GENERAL_RANGE[_profile(person)])
    points = {c.code: int(c.max_points) for c in criteria}
    deficit = sum(points.values()) - total
    codes = [c.code for c in criteria]
    while deficit > 0:
        code = rng.choice(codes)
        if points[code] > 0:
            points[code] -= 1
            deficit -= 1
    return {code: Decimal(value) for code, value in points.items()}


def _assessments(
    person: Person, period: Period, tasks: Sequence[Task]
) -> tuple[periods.TaskAssessment, ...]:
    """The manager's quality findings (S2): products judged below the required quality.

    Only for civil servants on the 100-point scale (ND335), where the manager's judgment is
    what the points measure; everything else about each task is kept as reported.
    """
    profile = _profile(person)
    rng = _rng("assess", person.code, period.key)
    if profile == "excellent":
        return ()
    count = (1 if rng.random() < 0.75 else 0) if profile == "good" else rng.randint(1, 2)
    done = [t for t in tasks if t.outcome is not None and t.outcome.completed and t.with_quality]
    return tuple(
        periods.TaskAssessment(
            task_id=task.id,
            quality_ok=False,
            major_error_returns=task.major_error_returns,
            delays=task.effective_delays,
            objective_cause=task.objective_cause,
        )
        for task in rng.sample(done, min(count, len(done)))
    )


def _ended_periods(kind: PeriodKind, today: date) -> list[Period]:
    count = 12 if kind is PeriodKind.MONTH else 4
    periods = [Period(kind, today.year, n) for n in range(1, count + 1)]
    return [p for p in periods if p.ends_on < today]


def _on_leave(leaves: list[tuple[date, date]], period: Period) -> bool:
    return any(first <= period.starts_on and period.ends_on <= last for first, last in leaves)


def _load_scores(
    session: Session,
    seed: dict[str, Any],
    people: list[Person],
    cast: Cast,
    today: date,
    counts: Counter[str],
) -> None:
    year = today.year
    existing = set(
        session.execute(
            sa.select(
                PeriodScore.person_id, PeriodScore.period_kind, PeriodScore.period_number
            ).where(PeriodScore.period_year == year)
        ).all()
    )
    plans = {
        (person_id, kind, number): unit_id
        for person_id, kind, number, unit_id in session.execute(
            sa.select(Plan.person_id, Plan.period_kind, Plan.period_number, Plan.unit_id).where(
                Plan.period_year == year, Plan.person_id.is_not(None)
            )
        )
    }
    leaves: dict[int, list[tuple[date, date]]] = {}
    for person_id, first, last in session.execute(
        sa.select(LeaveRecord.person_id, LeaveRecord.starts_on, LeaveRecord.ends_on)
    ):
        leaves.setdefault(person_id, []).append((first, last))
    adjustments = {(a["person"], a["month"]): a for a in seed["adjustments"]}

    # S3: a leader's task points read the month scores of the people they manage, so staff
    # are scored first, then deputies, then heads (quarterly), the deepest units first.
    def order(person: Person) -> tuple[int, int, str]:
        rank = {LeadershipRole.NONE: 0, LeadershipRole.DEPUTY: 1, LeadershipRole.HEAD: 2}
        return (rank[person.leadership_role], -person.unit.depth, person.code)

    # A decided year's scores are what it was decided on: a later load leaves them alone.
    decided = people_decided(session, [person.id for person in people], year)
    for person in sorted(people, key=order):
        if person.id in decided:
            continue
        kind = periods.scoring_period(person, today).kind
        criteria = periods.general_criteria(periods.criteria_set_for(person, year))
        for period in _ended_periods(kind, today):
            if (person.id, kind, period.number) in existing:
                continue
            plan_unit = plans.get((person.id, kind, period.number))
            if plan_unit is None or _on_leave(leaves.get(person.id, []), period):
                continue
            actor = cast.manager(plan_unit, person.leadership_role)
            if actor is None:  # the province's head has nobody above in the demo
                continue
            result = periods.period_task_result(session, person, period)
            if result.score is None:
                continue
            organising = (
                Decimal(_rng("organising", person.code, period.key).choice((85, 90, 95, 100)))
                if person.is_leader
                else None
            )
            task_points = reason = None
            assessments: tuple[periods.TaskAssessment, ...] = ()
            adjustment = adjustments.get((person.code, period.number))
            if adjustment is None and periods.rulebook_name(person, year) == "nd335":
                assessments = _assessments(person, period, result.tasks)
            if adjustment and kind is PeriodKind.MONTH:
                computed = periods.computed_task_points(session, person, period, result, organising)
                # The demo adjusts only months the plan scored (bandit: a demo invariant).
                assert computed is not None  # nosec B101
                task_points = min(
                    Decimal(70), max(Decimal(0), computed + Decimal(adjustment["delta"]))
                )
                reason = adjustment["reason"]
                counts["adjusted_scores"] += 1
            periods.save_period_score(
                session,
                person,
                period,
                periods.ScoreInput(
                    general=_general_points(criteria, person, period),
                    comment=None,
                    task_points=task_points,
                    adjustment_reason=reason,
                    organising_pct=organising,
                    assessments=assessments,
                ),
                actor_id=actor,
            )
            counts["period_scores"] += 1


# --- annual evaluations -------------------------------------------------------------------


def _task_counts(evaluation: AnnualEvaluation) -> tuple[int, int, int, int, int]:
    """(criteria, completed, on time with quality, missed, exceeded) from the stored facts."""
    tasks = [TaskFacts(**t) for t in evaluation.facts.get("tasks", [])]
    return (
        len(tasks),
        sum(t.completed for t in tasks),
        sum(not t.missed for t in tasks),
        sum(t.missed for t in tasks),
        sum(t.exceeded for t in tasks),
    )


def _self_report(evaluation: AnnualEvaluation, person: Person, year: int) -> str:
    total, completed, clean, _missed, exceeded = _task_counts(evaluation)
    if evaluation.computed_level is Level.KHONG_XEP_LOAI:
        joined = min(placement.starts_on for placement in person.placements)
        return (
            f"Tôi công tác tại đơn vị từ ngày {joined:%d/%m/%Y}, chưa đủ "
            f"6 tháng trong năm {year}. Kiểm điểm thời gian công tác: thực hiện {completed}/"
            f"{total} nhiệm vụ được giao; chấp hành nghiêm nội quy, quy chế của cơ quan."
        )
    return (
        f"Năm {year}, tôi chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật "
        f"của Nhà nước và nội quy, quy chế của cơ quan. Trong {total} nhiệm vụ theo kế hoạch "
        f"công tác, đã hoàn thành {completed}, trong đó {clean} bảo đảm tiến độ và chất lượng, "
        f"{exceeded} vượt chỉ tiêu. Tự nhận mức xếp loại như đề xuất."
    )


def _gap_decision(evaluation: AnnualEvaluation) -> tuple[Level, str]:
    """G1: the competent person picks a level for a case no rule fits, and writes why."""
    total, completed, _clean, missed, _exceeded = _task_counts(evaluation)
    share = round(100 * missed / total) if total else 0
    points = evaluation.computed_points
    scored = f"; tổng điểm bình quân các kỳ {points}" if points is not None else ""
    if share <= 40:
        level = Level.HOAN_THANH
        why = (
            "các sản phẩm chủ yếu đã hoàn thành, phần chậm tiến độ phần lớn do nguyên nhân "
            "khách quan (chờ ý kiến của cơ quan phối hợp)"
        )
    else:
        level = Level.KHONG_HOAN_THANH
        why = "nhiều nhiệm vụ chậm tiến độ, không bảo đảm chất lượng mà không có lý do khách quan"
    return level, (
        f"Không có quy định phù hợp: {missed}/{total} tiêu chí nhiệm vụ chưa bảo đảm tiến "
        f"độ, chất lượng ({share}%), {total - completed} nhiệm vụ chưa hoàn thành{scored}. "
        f"Xét {why}, quyết định xếp loại {level.label}."
    )


def _general_assessment(session: Session, person: Person, year: int) -> GeneralAssessment:
    """The unit's view of the general criteria, read from the year's general points."""
    mean = session.scalar(
        sa.select(sa.func.avg(PeriodScore.general_points)).where(
            PeriodScore.person_id == person.id, PeriodScore.period_year == year
        )
    )
    if mean is None:
        return GeneralAssessment.GOOD
    return general_level_from_points(float(mean))


@dataclass
class Case:
    person: Person
    evaluation: AnnualEvaluation
    decider: int | None
    level: Level  # what the decision will be before the quota
    reason: str | None


def _prepare(
    session: Session,
    person: Person,
    cast: Cast,
    seed: dict[str, Any],
    disciplined: set[int],
    year: int,
    today: date,
    counts: Counter[str],
) -> Case:
    """P1 up to the collective's and the Party committee's comments."""
    evaluation = procedure.open_evaluation(session, person, year)
    counts["evaluations"] += 1
    own = cast.users[person.id]
    manager = cast.manager(person.unit_id, person.leadership_role)
    decider_person = procedure.competent_decider(session, person)
    decider = cast.users.get(decider_person.id) if decider_person else None
    self_level = (
        evaluation.computed_level
        if evaluation.computed_level is not Level.CAN_QUYET_DINH
        else Level.TOT
    )
    if person.id in disciplined:
        self_level = Level.HOAN_THANH
    procedure.self_assess(
        session,
        evaluation,
        report=_self_report(evaluation, person, year),
        level=self_level,
        actor_id=own,
    )
    general = (
        GeneralAssessment.MEET
        if person.id in disciplined
        else _general_assessment(session, person, year)
    )
    procedure.record_collective(
        session,
        evaluation,
        minutes=(
            f"Biên bản họp {person.unit.name} ngày {today:%d/%m/%Y}: tập thể góp ý vào báo cáo "
            f"tự đánh giá của đồng chí {person.full_name}; thống nhất đánh giá tiêu chí chung ở "
            f"mức “{general.label}”."
        ),
        general=general,
        actor_id=manager or cast.office(person),
    )
    if person.is_leader or _rng("party", person.code).random() < 0.15:
        procedure.record_party_comment(
            session, evaluation, comment=seed["party_comment"], actor_id=decider or own
        )
    level, reason = evaluation.computed_level, None
    if level is Level.CAN_QUYET_DINH:
        level, reason = _gap_decision(evaluation)
    return Case(person, evaluation, decider, level, reason)


def _points(case: Case) -> Decimal:
    return case.evaluation.computed_points or Decimal(0)


def _propose_all(
    session: Session, agency: Unit, cases: list[Case], cast: Cast, seed: dict[str, Any]
) -> None:
    """The personnel office proposes every level; excellent candidates get their rank (Q3).

    In the quota case's agency the office also puts forward its strongest people at tot,
    so the candidates exceed the places and the decision has to apply Q3.
    """
    quota = seed["quota"]
    families: dict[str, list[Case]] = {}
    for case in cases:
        families.setdefault(rulebook_family(case.evaluation.rulebook), []).append(case)
    candidates: dict[int, tuple[int, str]] = {}  # evaluation id → (rank, comment)
    for family, group in sorted(families.items()):
        best_first = sorted(group, key=lambda c: (-_points(c), c.person.code))
        chosen = [c for c in best_first if c.level is Level.XUAT_SAC]
        comments = {
            c.evaluation.id: (
                f"Đề nghị {Level.XUAT_SAC.label}: tổng điểm bình quân {_points(c)}, "
                "đứng đầu đơn vị về kết quả thực hiện nhiệm vụ."
            )
            for c in chosen
        }
        if agency.code == quota["agency"]:
            pct = quota_pct(family)
            at_tot = sum(c.level is Level.TOT for c in group)
            extras = [c for c in best_first if c.level is Level.TOT]
            added = 0
            while extras and (
                added < quota["extra_candidates"] or len(chosen) <= places(at_tot, len(chosen), pct)
            ):
                extra = extras.pop(0)
                chosen.append(extra)
                comments[extra.evaluation.id] = quota["extra_comment"]
                at_tot -= 1
                added += 1
        for rank, case in enumerate(chosen, start=1):
            candidates[case.evaluation.id] = (rank, comments[case.evaluation.id])
    for case in cases:
        rank, comment = candidates.get(case.evaluation.id, (None, case.reason))
        procedure.propose(
            session,
            case.evaluation,
            level=Level.XUAT_SAC if rank else case.level,
            comment=comment,
            rank=rank,
            actor_id=cast.office(case.person),
        )


def _decide(
    session: Session,
    case: Case,
    level: Level,
    reason: str | None,
    cast: Cast,
    counts: Counter[str],
) -> None:
    # Only cases with a competent decider reach here (bandit: a demo invariant).
    assert case.decider is not None  # nosec B101
    procedure.decide(
        session,
        case.evaluation,
        level=level,
        reason=reason,
        quota_exception=None,
        actor_id=case.decider,
    )
    procedure.notify(session, case.evaluation, actor_id=cast.office(case.person))
    counts["decisions"] += 1


def _decide_all(
    session: Session,
    agency: Unit,
    cases: list[Case],
    cast: Cast,
    seed: dict[str, Any],
    year: int,
    counts: Counter[str],
) -> None:
    """Decisions: first everyone not put forward for xuat_sac (units below before those above,
    whose results read them), then the candidates in the order Q3–Q4 gives: those beyond
    the quota to tot with the reason, then those within it to xuat_sac."""
    moved_reason = seed["quota"]["moved_reason"]
    ranked = [c for c in cases if c.evaluation.quota_rank is not None]
    others = [c for c in cases if c.evaluation.quota_rank is None and c.decider is not None]
    for case in sorted(others, key=lambda c: (-c.person.unit.depth, c.person.code)):
        procedure.refresh_result(session, case.evaluation)
        level, reason = case.evaluation.computed_level, None
        if level is Level.CAN_QUYET_DINH:
            level, reason = _gap_decision(case.evaluation)
        elif level is not case.level:  # the records moved since the proposal
            case.level = level
        _decide(session, case, level, reason, cast, counts)
    by_id = {str(c.evaluation.id): c for c in ranked if c.decider is not None}
    kept: list[Case] = []
    for view in quotas.quota_views(session, [agency], year):
        for evaluation_id in view.outcome.moved_to_tot:
            case = by_id.get(evaluation_id)
            if case is not None:
                _decide(session, case, Level.TOT, moved_reason, cast, counts)
                counts["moved_by_quota"] += 1
        kept += [by_id[i] for i in view.outcome.kept if i in by_id]
    for case in sorted(kept, key=lambda c: c.evaluation.quota_rank or 0):
        procedure.refresh_result(session, case.evaluation)
        status = quotas.decision_quota(session, case.evaluation)
        if status.excellent_after > status.allowed:
            _decide(session, case, Level.TOT, moved_reason, cast, counts)
            counts["moved_by_quota"] += 1
            continue
        reason = None
        if case.evaluation.computed_level is not Level.XUAT_SAC:
            reason = case.evaluation.personnel_comment or seed["quota"]["extra_comment"]
        _decide(session, case, Level.XUAT_SAC, reason, cast, counts)


def _petition(
    session: Session,
    seed: dict[str, Any],
    people: dict[str, Person],
    cast: Cast,
    year: int,
    counts: Counter[str],
) -> None:
    spec = seed["petition"]
    person = people[spec["person"]]
    evaluation = procedure.find_evaluation(session, person.id, year)
    if evaluation is None or evaluation.decided_by_id is None or evaluation.petition_at:
        return
    procedure.petition(session, evaluation, text=spec["text"], actor_id=cast.users[person.id])
    procedure.resolve_petition(
        session,
        evaluation,
        resolution=spec["resolution"],
        level=None,
        actor_id=evaluation.decided_by_id,
    )
    counts["petitions"] += 1


def _read(name: str) -> dict[str, Any]:
    with (SEED_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def load_demo_evaluations(session: Session, today: date) -> Counter[str]:
    """Records, period scores and the year's evaluations of the demo people; flush only.

    Returns what was created (empty when everything was already there).
    """
    org, seed = _read("organisation.json"), _read("evaluations.json")
    counts: Counter[str] = Counter()
    year = today.year
    codes = [spec["code"] for spec in org["people"]]
    people = {p.code: p for p in session.scalars(sa.select(Person).where(Person.code.in_(codes)))}
    ordered = [people[code] for code in codes]
    cast = _cast(session)
    _load_records(session, org, seed, people, cast, today, counts)
    _load_scores(session, seed, ordered, cast, today, counts)
    session.flush()

    evaluated = set(
        session.scalars(sa.select(AnnualEvaluation.person_id).where(AnnualEvaluation.year == year))
    )
    disciplined = set(session.scalars(sa.select(DisciplineRecord.person_id)))
    agencies: dict[int, list[Person]] = {}
    for person in ordered:
        if person.id not in evaluated:
            agency = agency_of(session, person.unit)
            agencies.setdefault(agency.id, []).append(person)
    # Agencies below before those above: a head's result reads the units they manage.
    for agency_id in sorted(agencies, key=lambda i: (-cast.units[i].depth, cast.units[i].code)):
        agency = cast.units[agency_id]
        group = sorted(
            agencies[agency_id],
            key=lambda p: (-p.unit.depth, p.leadership_role is LeadershipRole.HEAD, p.code),
        )
        cases = [
            _prepare(session, person, cast, seed, disciplined, year, today, counts)
            for person in group
        ]
        _propose_all(session, agency, cases, cast, seed)
        _decide_all(session, agency, cases, cast, seed, year, counts)
    _petition(session, seed, people, cast, year, counts)
    session.flush()
    return counts


def load_demo_emulation(session: Session, today: date) -> Counter[str]:
    """Two recognised initiatives and the Xã Tân Phong council's decisions for the year.

    The decisions name exactly the people the rulebook proposes (A1–A3), as a council would
    after reading the proposals; nothing is added when the year already has decisions.
    """
    counts: Counter[str] = Counter()
    year = today.year
    if session.scalar(sa.select(EmulationDecision.id).where(EmulationDecision.year == year)):
        return counts
    commune = session.scalars(sa.select(Unit).where(Unit.code == "X-TANPHONG")).one()
    office = (
        session.scalars(
            sa.select(User).where(
                User.role == AccountRole.PERSONNEL, User.served_unit_id == commune.id
            )
        ).first()
        or session.scalars(sa.select(User).where(User.role == AccountRole.PERSONNEL)).one()
    )
    excellent = session.scalars(
        sa.select(AnnualEvaluation)
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(
            AnnualEvaluation.year == year,
            AnnualEvaluation.final_level == Level.XUAT_SAC,
            Unit.path.startswith(commune.path),
        )
        .order_by(AnnualEvaluation.quota_rank, AnnualEvaluation.person_id)
        .limit(2)
    ).all()
    for evaluation, title in zip(
        excellent,
        ("Số hoá quy trình tiếp nhận hồ sơ đất đai", "Sổ tay hướng dẫn thủ tục một cửa"),
        strict=False,
    ):
        emulation.add_achievement(
            session, evaluation.person, year=year, kind=AchievementKind.INITIATIVE,
            title=title, recognised_by="Hội đồng sáng kiến xã Tân Phong", actor_id=office.id,
        )  # fmt: skip
        counts["achievements"] += 1
    results = rankings.unit_results(
        session, list(session.scalars(sa.select(Unit))), Period(PeriodKind.YEAR, year, 1), today
    )
    proposal = next(
        p for p in emulation.proposals(session, [commune], year, results) if p.evaluations
    )
    for number, title in (
        (f"215/QĐ-UBND/{year}", Title.LAO_DONG_TIEN_TIEN),
        (f"216/QĐ-UBND/{year}", Title.CHIEN_SI_THI_DUA_CO_SO),
    ):
        people = [e.person_id for e in proposal.evaluations if title in proposal.titles_of(e)]
        if people:
            emulation.record_decision(
                session, agency=commune, year=year, number=number, decided_on=today,
                title=title, person_ids=people, unit_ids=[], note=None, actor_id=office.id,
            )  # fmt: skip
            counts["emulation_decisions"] += 1
    return counts
