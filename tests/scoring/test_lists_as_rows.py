"""The evaluations page reads its lists as rows of the columns it shows, not as evaluations:
the list's steps and levels, the results published in the unit and the quota cards' candidates
must be what the loaded evaluations give."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from criteria import Candidate, Level, apply_quota, rulebook_family
from criteria.in_force import level_in_force
from criteria.procedure import Step
from evaluation.core.db import utcnow
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.organisation.services import agencies_within, quota_group
from evaluation.scoring import queries, quotas
from evaluation.scoring.models import AnnualEvaluation

YEAR = 2026

# Steps and levels as the procedure leaves them: open, proposed, decided, notified.
STATES = [
    (None, Level.TOT, None, None, False),
    (Step.SELF_ASSESSMENT, Level.XUAT_SAC, None, None, False),
    (Step.PERSONNEL_PROPOSAL, Level.TOT, Level.XUAT_SAC, None, False),
    (Step.PERSONNEL_PROPOSAL, Level.XUAT_SAC, Level.TOT, None, False),
    (Step.DECISION, Level.XUAT_SAC, Level.XUAT_SAC, Level.XUAT_SAC, False),
    (Step.DECISION, Level.CAN_QUYET_DINH, Level.HOAN_THANH, Level.HOAN_THANH, False),
    (Step.NOTIFICATION, Level.TOT, Level.TOT, Level.TOT, True),
    (Step.NOTIFICATION, Level.XUAT_SAC, Level.XUAT_SAC, Level.XUAT_SAC, True),
    (Step.DECISION, Level.KHONG_HOAN_THANH, None, Level.KHONG_HOAN_THANH, False),
]
FAILED = (Step.DECISION, Level.KHONG_HOAN_THANH, None, Level.KHONG_HOAN_THANH, False)


def _evaluate(session, person: Person, unit: Unit, state, rank: int | None = None, **more):
    step, computed, proposed, final, notified = state
    evaluation = AnnualEvaluation(
        person=person, year=more.get("year", YEAR), unit_id=unit.id, category=person.category,
        step=step,
        rulebook=more.get("rulebook", "nd90@1"), computed_level=computed,
        personnel_level=proposed, final_level=final, quota_rank=rank,
        decided_at=utcnow() if final else None, notified_at=utcnow() if notified else None,
        decision_reason="Theo đề nghị" if final and final != computed else None,
        facts={"general": "good"}, computed_reasons=[{"rule": "E1"}],
    )  # fmt: skip
    session.add(evaluation)
    return evaluation


@pytest.fixture
def department(session, make_unit, make_person):
    """A department with two divisions, a centre of its own (an agency nested in it) and a
    commune beside it; people at every state, namesakes among the candidates, ranked or not,
    under both rule set families."""
    province = make_unit("Ủy ban nhân dân tỉnh", UnitKind.AGENCY)
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province)
    divisions = [make_unit(f"Phòng {n}", parent=agency) for n in ("Công chức", "Tổ chức")]
    centre = make_unit("Trung tâm Lưu trữ", UnitKind.AGENCY, parent=agency)
    other = make_unit("Sở Tài chính", UnitKind.AGENCY, parent=province)
    office = make_unit("Văn phòng", parent=province)  # the province's own quota
    head = make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc")
    units = [agency, *divisions, centre, other, office]
    names = itertools.cycle(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Nguyễn Văn An"])
    ranks = itertools.cycle([None, 2, 1, None, 3])
    people = []
    for number, (unit, state) in enumerate(itertools.product(units, STATES * 3)):
        person = make_person(unit, name=next(names))
        people.append(person)
        rulebook = "nd335@1" if number % 5 == 0 else "nd90@1"
        _evaluate(session, person, unit, state, next(ranks), rulebook=rulebook)
        if number % 3 == 2:  # the years before and after: flags read the years up to YEAR
            _evaluate(session, person, unit, FAILED, year=YEAR - 1)
            _evaluate(session, person, unit, STATES[0], year=YEAR + 1)
    people.append(make_person(divisions[0], name="Chưa có hồ sơ"))
    session.flush()
    session.expire_all()
    return province, agency, head, people


def test_the_sheet_shows_each_evaluation_s_step_and_levels(session, department):
    *_, people = department
    rows, flags = queries.evaluation_sheet(session, people, YEAR)

    loaded = {
        e.person_id: e
        for e in session.scalars(sa.select(AnnualEvaluation).where(AnnualEvaluation.year == YEAR))
    }
    assert [row.person for row in rows] == people
    for row in rows:
        evaluation = loaded.get(row.person.id)
        expected = (
            (evaluation.step, evaluation.computed_level, evaluation.final_level)
            if evaluation
            else None
        )
        assert (tuple(row.evaluation) if row.evaluation else None) == expected
    assert rows[-1].evaluation is None
    assert flags == queries.flags_for(session, people, YEAR)
    # C1: two years in a row not completed (the year before read too); C6 under nd335
    assert {flag.rule for found in flags.values() for flag in found} == {"C1", "C6"}


def test_published_results_are_the_notified_evaluations_of_the_unit(session, department):
    _, agency, *_ = department
    published = queries.published_in_unit(session, agency.id, YEAR)

    notified = sorted(
        (
            e
            for e in session.scalars(
                sa.select(AnnualEvaluation).where(
                    AnnualEvaluation.unit_id == agency.id, AnnualEvaluation.year == YEAR
                )
            )
            if e.notified_at is not None
        ),
        key=lambda e: e.person.full_name,
    )
    assert len(published) == 6
    assert [(p.person_id, p.full_name, p.final_level) for p in published] == [
        (e.person_id, e.person.full_name, e.final_level) for e in notified
    ]


@pytest.mark.parametrize("roots", ["province", "agency", "both"])
def test_quota_cards_list_the_candidates_the_evaluations_give(session, department, roots):
    """The candidates of each quota group, their order and the outcome are those computed from
    the loaded evaluations: level in force Hoàn thành xuất sắc, grouped by `quota_group`."""
    province, agency, *_ = department
    agencies = {"province": [province], "agency": [agency], "both": [province, agency]}[roots]

    views = quotas.quota_views(session, agencies, YEAR)

    known = {**agencies_within(session, agencies), **{a.id: a for a in agencies}}
    evaluations = [
        e
        for e in session.scalars(sa.select(AnnualEvaluation).where(AnnualEvaluation.year == YEAR))
        if any(e.unit.path.startswith(a.path) for a in agencies)
    ]
    expected = {}
    for evaluation in evaluations:
        key = quota_group(evaluation.unit.path, evaluation.rulebook, known)
        group = expected.setdefault(key, {"tot": 0, "candidates": []})
        level = level_in_force(evaluation)
        group["tot"] += level is Level.TOT
        if level is Level.XUAT_SAC:
            group["candidates"].append(evaluation)
    wanted = {a.id for a in agencies}
    assert [(v.agency.id, v.rulebook) for v in views] == sorted(
        key for key in expected if key[0] in wanted
    )
    for view in views:
        group = expected[(view.agency.id, view.rulebook)]
        ordered = sorted(
            group["candidates"],
            key=lambda e: (e.quota_rank is None, e.quota_rank or 0, e.person.full_name, e.id),
        )
        assert [(c.id, c.person_id, c.full_name, c.quota_rank) for c in view.candidates] == [
            (e.id, e.person_id, e.person.full_name, e.quota_rank) for e in ordered
        ]
        assert view.at_tot == group["tot"]
        assert view.outcome == apply_quota(
            [Candidate(str(e.id), e.quota_rank) for e in ordered],
            group["tot"],
            rulebook_family(view.rulebook),
        )
    assert any(len(view.candidates) > 3 for view in views)


def test_the_department_page_shows_the_rows(client, session, department, login_as):
    """The page as its head sees it: the quota card's names, published results, the list's
    links built once for the page (the same address `url_for` gives)."""
    *_, head, people = department
    login_as(head)
    html = client.get(f"/evaluations/{YEAR}").get_data(as_text=True)

    first = people[0]
    assert f'<a href="/evaluations/{YEAR}/people/{first.id}">{first.full_name}</a>' in html
    assert "Tỷ lệ Hoàn thành xuất sắc: Sở Nội vụ (Nghị định 90/2020/NĐ-CP" in html
    assert "<li>Nguyễn Văn An</li>" in html or "<li>Nguyễn Văn An —" in html  # a candidate
    assert '<span class="badge level-xuat_sac">Hoàn thành xuất sắc nhiệm vụ</span>' in html
    assert "Kết quả công khai trong đơn vị" in html
    assert "Người có thẩm quyền quyết định" in html  # a step's name
    assert ">Chưa bắt đầu<" in html
