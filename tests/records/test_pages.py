"""The records page: one form per kind of record, each posting to its own endpoint.

The page once took both forms on one URL and told them apart by `"leave-kind" in
request.form`; a form is now known by where it is sent, so a discipline record's fields posted
as leave (or the reverse) write nothing.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord

LEAVE = {"leave-kind": "maternity", "leave-starts_on": "2026-04-01", "leave-ends_on": "2026-09-30"}
DISCIPLINE = {
    "discipline-violation": "Vi phạm quy định về thời gian giải quyết hồ sơ",
    "discipline-effective_on": "2026-05-04",
    "discipline-form": "khien_trach",
    "discipline-duty_related": "y",
}


@pytest.fixture
def org(session, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    return {
        "head": make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng"),
        "staff": make_person(division, name="Đặng Thu Trang"),
        "personnel": make_person(
            make_unit("Phòng Tổ chức", parent=agency),
            account_role=AccountRole.PERSONNEL,
            served_unit=agency,
        ),
    }


def records_of(session, person) -> dict[str, list[tuple]]:
    session.expire_all()
    return {
        "leave": session.execute(
            sa.select(LeaveRecord.kind, LeaveRecord.starts_on, LeaveRecord.ends_on).where(
                LeaveRecord.person_id == person.id
            )
        ).all(),
        "discipline": session.execute(
            sa.select(DisciplineRecord.violation, DisciplineRecord.effective_on).where(
                DisciplineRecord.person_id == person.id
            )
        ).all(),
        "audit": session.execute(
            sa.select(AuditRecord.object_type, AuditRecord.action).where(
                AuditRecord.object_type.in_(("leave", "discipline"))
            )
        ).all(),
    }


def test_each_form_posts_to_its_own_endpoint(session, client, login_as, org):
    staff = org["staff"]
    login_as(org["personnel"])
    page = client.get(f"/people/{staff.id}/records").get_data(as_text=True)
    assert f'action="/people/{staff.id}/records/leave"' in page
    assert f'action="/people/{staff.id}/records/discipline"' in page

    response = client.post(f"/people/{staff.id}/records/leave", data=LEAVE)
    assert response.status_code == 302
    assert response.location.endswith(f"/people/{staff.id}/records")
    response = client.post(f"/people/{staff.id}/records/discipline", data=DISCIPLINE)
    assert response.status_code == 302

    stored = records_of(session, staff)
    assert [row.kind for row in stored["leave"]] == [LeaveKind.MATERNITY]
    assert [row.violation for row in stored["discipline"]] == [DISCIPLINE["discipline-violation"]]
    assert len(stored["audit"]) == 2  # each record leaves its audit record


def test_the_page_takes_no_post_of_its_own(session, client, login_as, org):
    """The one URL for both forms is gone: a post to it is not a third way in."""
    staff = org["staff"]
    login_as(org["personnel"])
    before = records_of(session, staff)
    assert client.post(f"/people/{staff.id}/records", data=LEAVE).status_code == 405
    assert records_of(session, staff) == before


@pytest.mark.parametrize(
    ("endpoint", "fields"),
    [("leave", DISCIPLINE), ("discipline", LEAVE)],
    ids=["to_leave", "to_discipline"],
)
def test_one_kinds_fields_sent_to_the_other_write_nothing(
    session, client, login_as, org, endpoint, fields
):
    staff = org["staff"]
    login_as(org["personnel"])
    before = records_of(session, staff)
    response = client.post(f"/people/{staff.id}/records/{endpoint}", data=fields)
    assert response.status_code == 422
    assert "Chưa lưu được" in response.get_data(as_text=True)
    assert records_of(session, staff) == before


def test_a_refused_leave_keeps_what_was_typed_and_leaves_the_other_form_blank(
    session, client, login_as, org
):
    staff = org["staff"]
    login_as(org["personnel"])
    before = records_of(session, staff)
    backwards = LEAVE | {
        "leave-starts_on": "2026-09-30",
        "leave-ends_on": "2026-04-01",
        "leave-note": "Ghi chú đã gõ",
    }
    response = client.post(f"/people/{staff.id}/records/leave", data=backwards)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ngày kết thúc phải sau ngày bắt đầu." in page
    assert 'value="2026-09-30"' in page and "Ghi chú đã gõ" in page
    # the discipline form is blank, with its default: related to the duty, checked
    assert re.search(r'<input[^>]*checked[^>]*id="discipline-duty_related"', page) or re.search(
        r'<input[^>]*id="discipline-duty_related"[^>]*checked', page
    )
    assert records_of(session, staff) == before


@pytest.mark.parametrize("endpoint", ["leave", "discipline"])
def test_only_the_personnel_office_writes_records(session, client, login_as, org, endpoint):
    staff = org["staff"]
    before = records_of(session, staff)
    for actor in (org["head"], staff):
        login_as(actor)
        fields = LEAVE if endpoint == "leave" else DISCIPLINE
        assert client.post(f"/people/{staff.id}/records/{endpoint}", data=fields).status_code == 403
    assert client.post(f"/people/999999/records/{endpoint}", data=LEAVE).status_code == 404
    assert records_of(session, staff) == before


# each rule of the two forms, one row: the field, what was typed, and the message shown
OUT_OF_RANGE = "Ngày phải trong khoảng năm 2000 đến 2100."
REFUSED = [
    ("leave", "leave-starts_on", "1999-12-31", OUT_OF_RANGE),
    ("leave", "leave-ends_on", "2101-01-01", OUT_OF_RANGE),
    ("leave", "leave-ends_on", "", None),
    ("leave", "leave-kind", "annual", None),
    ("leave", "leave-note", "x" * 1001, None),
    ("leave", "leave-note", "Ghi\x07chú", "Văn bản chứa ký tự không hợp lệ."),
    ("discipline", "discipline-violation", "", None),
    ("discipline", "discipline-violation", "x" * 301, None),
    ("discipline", "discipline-decision_number", "x" * 81, None),
    ("discipline", "discipline-effective_on", "2101-01-01", OUT_OF_RANGE),
    ("discipline", "discipline-form", "tu_hinh", None),
    ("discipline", "discipline-counted_in_year", "1999", None),
    ("discipline", "discipline-counted_in_year", "2101", None),
]


@pytest.mark.parametrize(("endpoint", "field", "typed", "message"), REFUSED)
def test_each_rule_of_the_forms_refuses_and_writes_nothing(
    session, client, login_as, org, endpoint, field, typed, message
):
    staff = org["staff"]
    login_as(org["personnel"])
    before = records_of(session, staff)
    fields = (LEAVE if endpoint == "leave" else DISCIPLINE) | {field: typed}
    response = client.post(f"/people/{staff.id}/records/{endpoint}", data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#{field}"' in page  # the summary links to the field at fault
    if message:
        assert message in page
    assert records_of(session, staff) == before
