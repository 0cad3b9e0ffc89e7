"""Emulation: proposals from the year's levels (A1–A5), the council's decisions, revocation."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from criteria import Level, Title, unit_result
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.rankings import emulation
from evaluation.rankings.models import Achievement, AchievementKind, EmulationDecision
from evaluation.scoring.models import AnnualEvaluation
from tests.criteria.cases import UNIT_CASES

YEAR = 2025


@pytest.fixture
def agency(session, make_unit, make_person):
    unit = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    office = make_unit("Phòng Thi đua - Khen thưởng", parent=unit)
    return {
        "unit": unit,
        "office": office,
        "head": make_person(unit, role=LeadershipRole.HEAD),
        "personnel": make_person(office, account_role=AccountRole.PERSONNEL, served_unit=unit),
    }


def evaluation_for(session, person, level: Level, *, rank=None, proposed=False):
    """A level in force: proposed by the personnel office, or decided."""
    evaluation = AnnualEvaluation(
        person=person, year=YEAR, unit_id=person.unit_id, unit=person.unit,
        category=person.category, rulebook="nd90@1", computed_level=level, quota_rank=rank,
    )  # fmt: skip
    if proposed:
        evaluation.personnel_level = level
    else:
        evaluation.final_level, evaluation.decided_at = level, utcnow()
    session.add(evaluation)
    return evaluation


@pytest.mark.parametrize("case", UNIT_CASES, ids=[case["name"] for case in UNIT_CASES])
def test_unit_case_through_the_web(session, client, login_as, agency, make_person, case):
    """The cases.json `unit` section, as proposals of the personnel office, on the page."""
    people = {}
    for item in case["input"]["people"]:
        person = make_person(agency["office"], name=f"Người {item['id']}")
        people[item["id"]] = person
        evaluation_for(session, person, Level(item["level"]), rank=item.get("rank"), proposed=True)
    session.flush()
    expected = case["expect"]
    assert unit_result(case["input"])["quota"]["moved_to_tot"] == expected["moved_to_tot"]

    login_as(agency["personnel"])
    page = client.get(f"/emulation/{YEAR}").get_data(as_text=True)
    for key, titles in expected["titles"].items():
        row = re.search(rf"Người {key}<div.*?<td class=\"titles\">(.*?)</td>", page, re.S).group(1)
        shown = re.findall(r'status-approved">([^<]+)<', row)
        assert shown == [Title(t).label for t in titles], key
    for key in expected["moved_to_tot"]:  # proposed xuat_sac, beyond the quota: counted at tot
        assert re.search(
            rf"Người {key}<div[^>]*>[^<]*</div></th>\s*<td><span class=\"badge level-tot", page
        )


def test_a_disciplined_person_gets_no_title(session, agency, make_person):
    from criteria import DisciplineForm
    from evaluation.records.models import DisciplineRecord

    person = make_person(agency["office"])
    evaluation_for(session, person, Level.TOT)
    session.add(
        DisciplineRecord(
            person=person, violation="x", effective_on=date(YEAR, 5, 1),
            form=DisciplineForm.KHIEN_TRACH,
        )
    )  # fmt: skip
    session.flush()
    proposal = emulation.proposals(session, [agency["unit"]], YEAR, {})[0]
    assert proposal.titles_of(proposal.evaluations[0]) == ()
    assert proposal.why_not(proposal.evaluations[0]).rule == "A4"


def test_an_initiative_makes_a_chien_si_candidate(session, agency, make_person):
    people = [make_person(agency["office"]) for _ in range(7)]
    for person in people:
        evaluation_for(session, person, Level.TOT, rank=1)
    session.add(
        Achievement(
            person=people[0], year=YEAR, kind=AchievementKind.INITIATIVE,
            title="Số hoá hồ sơ một cửa",
        )
    )  # fmt: skip
    session.flush()
    proposal = emulation.proposals(session, [agency["unit"]], YEAR, {})[0]
    titles = {e.person_id: proposal.titles_of(e) for e in proposal.evaluations}
    assert titles[people[0].id] == (Title.LAO_DONG_TIEN_TIEN, Title.CHIEN_SI_THI_DUA_CO_SO)
    assert titles[people[1].id] == (Title.LAO_DONG_TIEN_TIEN,)
    reasons = {e.person_id: proposal.why_not(e) for e in proposal.evaluations}
    assert reasons[people[0].id] is None
    assert reasons[people[1].id].rule == "A2"


def test_the_council_records_and_revokes_decisions(session, client, login_as, agency, make_person):
    person = make_person(agency["office"], name="Đặng Thu Hà")
    evaluation_for(session, person, Level.TOT)
    session.flush()
    login_as(agency["personnel"])
    prefix = f"a{agency['unit'].id}"
    data = {
        f"{prefix}-number": "125/QĐ-SNV",
        f"{prefix}-decided_on": f"{YEAR}-12-20",
        f"{prefix}-title": "lao_dong_tien_tien",
        f"{prefix}-people": str(person.id),
    }
    url = f"/emulation/{YEAR}/agencies/{agency['unit'].id}/decisions"
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 422  # the same number: shown again
    decision = session.scalars(sa.select(EmulationDecision)).one()
    assert [award.person_id for award in decision.awards] == [person.id]
    assert emulation.titles_held(session, person.id) == [decision]

    client.post(f"/emulation/decisions/{decision.id}/revoke", data={"reason": ""})
    session.refresh(decision)
    assert decision.revoked_at is None  # a revocation needs its reason
    client.post(
        f"/emulation/decisions/{decision.id}/revoke", data={"reason": "Khai man thành tích"}
    )
    session.refresh(decision)
    assert decision.revoke_reason == "Khai man thành tích"
    assert emulation.titles_held(session, person.id) == []
    page = client.get(f"/emulation/{YEAR}").get_data(as_text=True)
    assert "Khai man thành tích" in page


def test_only_the_personnel_office_records_decisions(session, client, login_as, agency):
    login_as(agency["head"])
    response = client.post(f"/emulation/{YEAR}/agencies/{agency['unit'].id}/decisions", data={})
    assert response.status_code == 403


def test_achievements_are_recorded_by_the_personnel_office(
    session, client, login_as, agency, make_person
):
    person = make_person(agency["office"])
    data = {
        "achievement-year": str(YEAR),
        "achievement-kind": "initiative",
        "achievement-title": "Quy trình số hoá hồ sơ",
    }
    login_as(agency["head"])
    assert client.post(f"/people/{person.id}/achievements", data=data).status_code == 403
    login_as(agency["personnel"])
    client.post(f"/people/{person.id}/achievements", data=data)
    assert session.scalars(sa.select(Achievement.title)).all() == ["Quy trình số hoá hồ sơ"]


def test_decided_levels_are_not_put_through_the_quota_again(
    session, client, login_as, agency, make_person
):
    """Three decided xuat_sac among two at tot: the decisions stand (their quota, or its
    exception, was settled when they were made), and the titles follow them."""
    people = [make_person(agency["office"]) for _ in range(5)]
    for index, person in enumerate(people):
        evaluation_for(session, person, Level.XUAT_SAC if index < 3 else Level.TOT)
    session.flush()
    proposal = emulation.proposals(session, [agency["unit"]], YEAR, {})[0]
    assert proposal.warning is None
    assert all(Title.LAO_DONG_TIEN_TIEN in proposal.titles_of(e) for e in proposal.evaluations)
    login_as(agency["personnel"])
    assert client.get(f"/emulation/{YEAR}").status_code == 200


def test_unranked_proposals_beyond_the_quota_ask_for_an_order(
    session, client, login_as, agency, make_person
):
    for index in range(4):
        person = make_person(agency["office"])
        evaluation_for(session, person, Level.XUAT_SAC if index < 2 else Level.TOT, proposed=True)
    session.flush()
    login_as(agency["personnel"])
    response = client.get(f"/emulation/{YEAR}")
    assert response.status_code == 200
    assert "chưa được xếp thứ tự ưu tiên:" in response.get_data(as_text=True)


def test_a_nested_agency_keeps_its_people_out_of_the_parents_proposals(
    session, agency, make_unit, make_person
):
    commune = make_unit("Xã", UnitKind.COMMUNE, parent=agency["unit"])
    evaluation_for(session, make_person(agency["office"], name="Người của Sở"), Level.TOT)
    evaluation_for(session, make_person(commune, name="Người của xã"), Level.TOT)
    session.flush()
    (proposal,) = emulation.proposals(
        session, [agency["unit"]], YEAR, {}, among=[agency["unit"], commune]
    )
    assert [e.person.full_name for e in proposal.evaluations] == ["Người của Sở"]
