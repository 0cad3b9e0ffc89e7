"""The emulation page and a unit's drill-down of a closed year read the close's snapshot: a level
changed afterwards (without closing again) does not change the proposals shown, and the pages say
whose figures they are; a year without a close is computed as before."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from criteria import Level, Title
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.core.jobs import JobState, drain
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.rankings import emulation
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend import close
from tests.test_plain_language import read_page, vietnamese_findings

YEAR = 2025
LDTT = f'status-approved">{Title.LAO_DONG_TIEN_TIEN.label}<'  # its badge, proposed


@pytest.fixture
def agency(session: Session, make_unit, make_person, clock):
    clock(date(2026, 1, 20))
    unit = make_unit("Sở Tư pháp", UnitKind.AGENCY)
    office = make_unit("Phòng Tổ chức", parent=unit)
    people = {
        "head": make_person(unit, role=LeadershipRole.HEAD, name="Hà Văn Trưởng"),
        "lan": make_person(office, name="Đinh Thị Lan"),
        "minh": make_person(office, name="Cao Văn Minh"),
        "office": make_person(
            office, account_role=AccountRole.PERSONNEL, served_unit=unit, name="Cán bộ thi đua"
        ),
    }
    evaluations = {}
    for name in ("head", "lan", "minh"):
        person = people[name]
        evaluations[name] = AnnualEvaluation(
            person=person, year=YEAR, unit_id=person.unit_id, category=person.category,
            rulebook="nd90@1", computed_level=Level.TOT, final_level=Level.TOT,
            decided_at=utcnow(),
        )  # fmt: skip
        session.add(evaluations[name])
    session.commit()
    return {"unit": unit, "evaluations": evaluations, **people}


def _close(app: Flask, session: Session, unit) -> None:
    with app.app_context():
        job = close.request_close(session, YEAR, unit, actor_id=None)
        session.commit()
        drain(app)
    session.expire_all()
    assert job.state is JobState.DONE


def _demote(evaluation: AnnualEvaluation) -> None:
    """The row edited as a differently decided level would leave it (not closed again)."""
    evaluation.computed_level = evaluation.final_level = Level.KHONG_HOAN_THANH


def _title_cell(page: str, name: str) -> str:
    row = page.split(name, 1)[1].split("</tr>", 1)[0]
    return row.split('class="titles"', 1)[1]


def test_the_page_keeps_the_closes_proposals_when_a_level_changes_afterwards(
    app: Flask, session: Session, agency, login_as
):
    client = login_as(agency["office"])
    url = f"/emulation/{YEAR}?agency={agency['unit'].id}"
    live = client.get(url).get_data(as_text=True)
    assert "kết quả chốt năm" not in live  # no close yet: computed
    assert LDTT in _title_cell(live, "Đinh Thị Lan")

    _close(app, session, agency["unit"])
    closed_at = close.current_close(session, YEAR, agency["unit"].id)
    assert closed_at is not None and closed_at.proposals >= 3

    # a level decided differently after the close, without closing again
    _demote(agency["evaluations"]["lan"])
    session.commit()
    recomputed = emulation.proposals(session, [agency["unit"]], YEAR, {})[0]
    lan = next(e for e in recomputed.evaluations if e.person_id == agency["lan"].id)
    assert recomputed.titles_of(lan) == ()  # what the page would compute now

    page = client.get(url).get_data(as_text=True)
    assert "Số liệu theo kết quả chốt năm lúc" in page
    assert closed_at.as_of.strftime("%d/%m/%Y") in page
    assert LDTT in _title_cell(page, "Đinh Thị Lan")
    assert LDTT in _title_cell(page, "Cao Văn Minh")
    assert "Ghi quyết định của Hội đồng thi đua, khen thưởng" in page  # the office still decides
    assert f'value="{agency["lan"].id}"' in page
    assert vietnamese_findings(read_page(page).text) == []


def test_a_close_of_another_subtree_leaves_the_page_computed(
    app: Flask, session: Session, agency, make_unit, login_as
):
    other = make_unit("Sở Y tế", UnitKind.AGENCY)
    session.commit()
    _close(app, session, other)
    client = login_as(agency["office"])
    page = client.get(f"/emulation/{YEAR}?agency={agency['unit'].id}").get_data(as_text=True)
    assert "kết quả chốt năm" not in page
    _demote(agency["evaluations"]["lan"])
    session.commit()
    page = client.get(f"/emulation/{YEAR}?agency={agency['unit'].id}").get_data(as_text=True)
    assert LDTT not in _title_cell(page, "Đinh Thị Lan")


def test_the_drill_down_of_a_closed_year_shows_the_stored_result(
    app: Flask, session: Session, agency, login_as
):
    from evaluation.yearend.models import YearCloseUnit

    client = login_as(agency["office"])
    url = f"/rankings/{YEAR}/units/{agency['unit'].id}"
    live = client.get(url).get_data(as_text=True)
    assert 'id="closed-note"' not in live
    _close(app, session, agency["unit"])
    current = close.current_close(session, YEAR, agency["unit"].id)
    stored = session.get(YearCloseUnit, (current.id, agency["unit"].id))
    stored.points = 61.25  # edited in the snapshot: the page must show it, not recompute
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'id="closed-note"' in page and current.as_of.strftime("%d/%m/%Y") in page
    assert re.search(r"Điểm đơn vị: <strong>61[,.]25</strong>", page)
    assert vietnamese_findings(read_page(page).text) == []
