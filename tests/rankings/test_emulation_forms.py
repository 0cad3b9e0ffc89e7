"""The council's forms keep what was typed after a refusal (issue 11, §5), every error on top."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from criteria import Level
from evaluation.rankings.models import EmulationDecision
from tests.rankings import test_emulation as emulation_tests
from tests.rankings.test_emulation import YEAR, evaluation_for
from tests.scoring.test_input_kept import summary_links, summary_text, textarea

agency = emulation_tests.agency  # the agency, its head and its personnel office


def decision_url(agency: dict) -> str:
    return f"/emulation/{YEAR}/agencies/{agency['unit'].id}/decisions"


def decisions(session) -> list[tuple[str, object]]:
    session.expire_all()
    return [(d.number, d.revoked_at) for d in session.scalars(sa.select(EmulationDecision))]


def test_a_refused_decision_comes_back_as_typed_with_every_error(
    session, client, login_as, agency, make_person
):
    person = make_person(agency["office"], name="Đặng Thu Hà")
    evaluation_for(session, person, Level.TOT)
    session.flush()
    login_as(agency["personnel"])
    prefix = f"a{agency['unit'].id}"
    response = client.post(
        decision_url(agency),
        data={
            f"{prefix}-number": "\u200b",  # nothing visible
            f"{prefix}-decided_on": "1900-01-01",  # outside 2000–2100
            f"{prefix}-title": "lao_dong_tien_tien",
            f"{prefix}-people": str(person.id),
            f"{prefix}-note": "Theo đề nghị của Hội đồng \u202e",  # a direction override
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    targets = [target for target, _ in summary_links(page)]
    assert targets == [f"{prefix}-number", f"{prefix}-decided_on", f"{prefix}-note"]
    for target in targets:
        assert len(re.findall(rf'\sid="{target}"', page)) == 1, target
    assert textarea(page, f"{prefix}-note") == "Theo đề nghị của Hội đồng \u202e"
    assert re.search(rf'<option selected value="{person.id}">', page)
    assert decisions(session) == []


def test_a_decision_refused_by_the_service_keeps_its_fields(
    session, client, login_as, agency, make_person
):
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
        f"{prefix}-note": "Lần hai",
    }
    assert client.post(decision_url(agency), data=data).status_code == 302
    response = client.post(decision_url(agency), data=data)  # the same number again
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert [target for target, _ in summary_links(page)] == [f"{prefix}-number"]
    assert "Số quyết định đã có trong hệ thống." in summary_text(page)
    assert f'value="{html.escape("125/QĐ-SNV")}"' in page
    assert textarea(page, f"{prefix}-note") == "Lần hai"
    assert [number for number, _ in decisions(session)] == ["125/QĐ-SNV"]


def test_a_revocation_without_a_reason_is_shown_again_on_its_decision(
    session, client, login_as, agency, make_person
):
    person = make_person(agency["office"])
    evaluation_for(session, person, Level.TOT)
    session.flush()
    login_as(agency["personnel"])
    prefix = f"a{agency['unit'].id}"
    client.post(
        decision_url(agency),
        data={
            f"{prefix}-number": "7/QĐ-SNV",
            f"{prefix}-decided_on": f"{YEAR}-12-20",
            f"{prefix}-title": "lao_dong_tien_tien",
            f"{prefix}-people": str(person.id),
        },
    )
    decision_id = session.scalars(sa.select(EmulationDecision.id)).one()
    response = client.post(f"/emulation/decisions/{decision_id}/revoke", data={"reason": "\u200b"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    target = f"revoke-{decision_id}-reason"
    assert [t for t, _ in summary_links(page)] == [target]
    assert len(re.findall(rf'\sid="{target}"', page)) == 1
    assert "<details open>" in page
    assert decisions(session) == [("7/QĐ-SNV", None)]
