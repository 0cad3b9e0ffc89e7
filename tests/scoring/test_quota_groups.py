"""The quota group (Q1–Q4): the nearest agency above a unit × the rule set's family.

One helper, `organisation.quota_group` (with `nearest_agency`), groups every caller: the
decision's quota, the evaluation page's quota cards, the summary export's warnings and the
emulation proposals (and through them the year-end). The table pins the rule; the tree below
checks that the callers agree, and that the SQL form (`units_of_agency`) is the same rule.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from criteria import Level
from evaluation.core.db import utcnow
from evaluation.organisation.models import Unit, UnitKind
from evaluation.organisation.services import (
    nearest_agency,
    quota_group,
    units_of_agency,
)
from evaluation.rankings import emulation
from evaluation.reports.services import quota_warnings
from evaluation.scoring import quotas
from evaluation.scoring.models import AnnualEvaluation

YEAR = 2026

# A tree held in memory: province 1 (agency) ─ office 2 (division) ─ team 3 (division)
#                                          └ commune 4 ─ division 5;   division 6 ─ division 7
A, D, C = UnitKind.AGENCY, UnitKind.DIVISION, UnitKind.COMMUNE
TREE = {
    1: Unit(id=1, path="/1/", kind=A),
    2: Unit(id=2, path="/1/2/", kind=D),
    3: Unit(id=3, path="/1/2/3/", kind=D),
    4: Unit(id=4, path="/1/4/", kind=C),
    5: Unit(id=5, path="/1/4/5/", kind=D),
    6: Unit(id=6, path="/6/", kind=D),
    7: Unit(id=7, path="/6/7/", kind=D),
}
AGENCIES_ONLY = {1: TREE[1], 4: TREE[4]}


@pytest.mark.parametrize(
    ("path", "known", "agency"),
    [
        ("/1/", TREE, 1),  # an agency is its own
        ("/1/2/", TREE, 1),  # a division belongs to the agency above
        ("/1/2/3/", TREE, 1),  # however deep
        ("/1/4/", TREE, 4),  # a commune under the province keeps its own
        ("/1/4/5/", TREE, 4),  # and so do its divisions
        ("/6/7/", TREE, 6),  # divisions alone answer to their topmost unit
        ("/6/", TREE, 6),
        ("/1/2/3/", AGENCIES_ONLY, 1),  # knowing the agencies alone is enough
        ("/1/4/5/", AGENCIES_ONLY, 4),
        ("/1/4/5/", {1: TREE[1]}, 1),  # a nested agency not known is not found
    ],
)
def test_nearest_agency(path: str, known: dict[int, Unit], agency: int) -> None:
    assert nearest_agency(path, known).id == agency


def test_a_unit_with_nothing_known_above_it_has_no_agency() -> None:
    with pytest.raises(LookupError):
        nearest_agency("/6/7/", AGENCIES_ONLY)


@pytest.mark.parametrize(
    ("path", "rulebook", "group"),
    [
        ("/1/2/", "nd90@1", (1, "nd90")),
        ("/1/2/3/", "nd90@2", (1, "nd90")),  # a later version shares the family's quota
        ("/1/", "nd335@1", (1, "nd335")),  # another family has a quota of its own
        ("/1/4/5/", "nd335@1", (4, "nd335")),
        ("/1/4/5/", "nd335", (4, "nd335")),
    ],
)
def test_quota_group(path: str, rulebook: str, group: tuple[int, str]) -> None:
    assert quota_group(path, rulebook, TREE) == group


def _evaluation(session, make_person, unit, level: Level, rulebook: str = "nd90@1"):
    person = make_person(unit)
    evaluation = AnnualEvaluation(
        person=person, year=YEAR, unit_id=unit.id, unit=unit, category=person.category,
        rulebook=rulebook, computed_level=level, final_level=level, decided_at=utcnow(),
    )  # fmt: skip
    session.add(evaluation)
    session.flush()
    return evaluation


@pytest.fixture
def tree(session, make_unit, make_person):
    """A province's own office: five at tot and two excellent, judged under two versions of
    nd90; a commune under it: ten at tot and three excellent."""
    province = make_unit("Ủy ban nhân dân tỉnh", UnitKind.AGENCY)
    office = make_unit("Văn phòng", parent=province)
    team = make_unit("Tổ tổng hợp", parent=office)
    commune = make_unit("Xã An Bình", UnitKind.COMMUNE, parent=province)
    commune_office = make_unit("Văn phòng xã", parent=commune)
    for _ in range(5):
        _evaluation(session, make_person, team, Level.TOT)
    _evaluation(session, make_person, office, Level.XUAT_SAC, "nd90@1")
    _evaluation(session, make_person, team, Level.XUAT_SAC, "nd90@2")
    for _ in range(10):
        _evaluation(session, make_person, commune_office, Level.TOT)
    for _ in range(3):
        _evaluation(session, make_person, commune_office, Level.XUAT_SAC)
    return province, commune, commune_office, team


def test_the_quota_cards_group_by_agency_and_family(session, tree) -> None:
    province, commune, *_ = tree
    views = quotas.quota_views(session, [province, commune], YEAR)
    assert sorted((v.agency.id, v.rulebook, v.at_tot, len(v.candidates)) for v in views) == [
        (province.id, "nd90", 5, 2),
        (commune.id, "nd90", 10, 3),
    ]


def test_a_head_of_the_province_sees_its_quota_without_the_communes(session, tree) -> None:
    """The head's card asks for the province alone: the commune's people counted in it (at
    tot 15, five candidates) although the decision's quota leaves them out."""
    province, *_ = tree
    views = quotas.quota_views(session, [province], YEAR)
    assert [(v.agency.id, v.rulebook, v.at_tot, len(v.candidates)) for v in views] == [
        (province.id, "nd90", 5, 2)
    ]


def test_the_decision_quota_counts_the_same_group(session, tree) -> None:
    _province, commune, _commune_office, team = tree
    candidate = next(
        e
        for e in session.query(AnnualEvaluation).filter_by(unit_id=team.id)
        if e.final_level is Level.XUAT_SAC
    )
    group = quotas._quota_group(session, candidate)
    assert len(group) == 7  # five at tot and two excellent, both versions, no commune
    assert {e.unit.path.startswith(commune.path) for e in group} == {False}
    status = quotas.decision_quota(session, candidate)
    assert status.excellent_after == 2


def test_the_export_warns_per_agency_and_family(session, tree) -> None:
    province, commune, commune_office, _team = tree
    warnings = quota_warnings(session, province, YEAR)
    assert sorted((w.agency.id, w.rulebook, w.excellent, w.at_tot) for w in warnings) == [
        (province.id, "nd90", 2, 5),
        (commune.id, "nd90", 3, 10),
    ]
    from_below = quota_warnings(session, commune_office, YEAR)
    assert [(w.agency.id, w.rulebook, w.excellent) for w in from_below] == [(commune.id, "nd90", 3)]


def test_the_proposals_group_the_same_way(session, tree) -> None:
    province, commune, *_ = tree
    proposed = emulation.proposals(session, [province, commune], YEAR, {})
    assert sorted((p.agency.id, p.rulebook, len(p.evaluations)) for p in proposed) == [
        (province.id, "nd90", 7),
        (commune.id, "nd90", 13),
    ]


def test_the_sql_form_selects_the_units_nearest_agency_finds(session, tree, make_unit) -> None:
    loose = make_unit("Phòng độc lập")
    make_unit("Tổ", parent=loose)
    units = {unit.id: unit for unit in session.query(Unit)}
    for agency in [unit for unit in units.values() if unit.kind is not UnitKind.DIVISION] + [loose]:
        in_sql = set(session.scalars(sa.select(Unit.id).where(units_of_agency(session, agency))))
        in_python = {
            unit.id
            for unit in units.values()
            if unit.path.startswith(agency.path) and nearest_agency(unit.path, units) == agency
        }
        assert in_sql == in_python, agency.name
