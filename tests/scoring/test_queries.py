"""The pages' queries count and show only what P1 and P3 say: a result is published inside the
unit once notified, and an agency's progress counts decisions taken, not evaluations opened."""

from __future__ import annotations

from criteria import Level
from evaluation.core.db import utcnow
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.scoring import queries
from evaluation.scoring.models import AnnualEvaluation

YEAR = 2025


def _evaluation(session, person, *, decided: bool, notified: bool = False) -> AnnualEvaluation:
    """An evaluation at Hoàn thành tốt: open, decided, or decided and notified."""
    evaluation = AnnualEvaluation(
        person=person, year=YEAR, unit_id=person.unit_id, category=person.category,
        rulebook="nd90@1", computed_level=Level.TOT,
        final_level=Level.TOT if decided else None,
        decided_at=utcnow() if decided else None,
        notified_at=utcnow() if notified else None,
    )  # fmt: skip
    session.add(evaluation)
    session.flush()
    return evaluation


def test_only_notified_results_are_published_in_the_unit(session, make_unit, make_person):
    """P1: the unit sees a result once the person is notified; a decision not yet notified and
    an open evaluation stay out of the list."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    notified = make_person(division, name="Đã thông báo")
    decided_only = make_person(division, name="Đã quyết định")
    still_open = make_person(division, name="Đang đánh giá")
    _evaluation(session, notified, decided=True, notified=True)
    _evaluation(session, decided_only, decided=True)
    _evaluation(session, still_open, decided=False)

    published = queries.published_in_unit(session, division.id, YEAR)

    assert [evaluation.person_id for evaluation in published] == [notified.id]


def test_agency_progress_counts_decisions_not_open_evaluations(session, make_unit, make_person):
    """P3: the progress bar counts the people of the agency's units and the decisions taken;
    an evaluation still open is not a decision."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc")
    decided = make_person(division, name="Đã quyết định")
    still_open = make_person(division, name="Đang đánh giá")
    _evaluation(session, decided, decided=True)
    _evaluation(session, still_open, decided=False)

    [progress] = queries.agency_progress(session, [agency, division], YEAR)

    assert progress.agency.id == agency.id
    assert (progress.people, progress.decided) == (3, 1)
    assert not progress.finished
