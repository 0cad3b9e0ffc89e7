"""The close page: the personnel office closes its subtree's year after confirming, watches the
job's progress, and sees the result and the runs; nobody else may."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from evaluation.accounts.models import AccountRole, User
from evaluation.core.audit import AuditRecord
from evaluation.core.jobs import Job, JobState, drain
from evaluation.organisation.models import UnitKind
from evaluation.yearend.models import YearClose
from tests.conftest import form_errors
from tests.test_plain_language import read_page, vietnamese_findings

YEAR = 2025


@pytest.fixture
def tree(session: Session, make_unit, make_person, clock):
    clock(date(2026, 1, 20))
    province = make_unit("Tỉnh", kind=UnitKind.AGENCY)
    dept = make_unit("Sở Nội vụ", kind=UnitKind.AGENCY, parent=province)
    division = make_unit("Phòng A", parent=dept)
    other = make_unit("Sở Tài chính", kind=UnitKind.AGENCY, parent=province)
    staff = make_person(division)
    office = make_person(
        division, account_role=AccountRole.PERSONNEL, served_unit=dept, name="Mai Thị Tổ"
    )
    other_office = make_person(other, account_role=AccountRole.PERSONNEL, served_unit=other)
    session.commit()
    return {"dept": dept, "staff": staff, "office": office, "other_office": other_office}


def _user_id(session: Session, person) -> int:
    return session.scalar(sa.select(User.id).where(User.person_id == person.id))


def _jobs(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Job))


def test_the_office_closes_its_subtree_after_confirming(
    app: Flask, session: Session, tree, login_as
):
    client = login_as(tree["office"])
    home = client.get(f"/year-end/{YEAR}").get_data(as_text=True)  # its own subtree's page
    assert f"/year-end/{YEAR}/units/{tree['dept'].id}/close" in home
    page = client.get(f"/year-end/{YEAR}/units/{tree['dept'].id}").get_data(as_text=True)
    assert "Chốt kết quả năm" in page and "data-confirm" in page

    refused = client.post(f"/year-end/{YEAR}/units/{tree['dept'].id}/close", data={})
    assert refused.status_code == 422
    assert "Cần đánh dấu xác nhận trước khi chốt." in form_errors(refused.get_data(as_text=True))
    assert _jobs(session) == 0

    response = client.post(f"/year-end/{YEAR}/units/{tree['dept'].id}/close", data={"confirm": "y"})
    assert response.status_code == 302
    job = session.scalars(sa.select(Job)).one()
    assert job.state is JobState.QUEUED  # not run inside the request
    assert job.requested_by == _user_id(session, tree["office"])
    running = client.get(f"/year-end/{YEAR}/units/{tree['dept'].id}").get_data(as_text=True)
    assert "<progress" in running and f'/jobs/{job.id}"' in running
    assert client.get(f"/jobs/{job.id}").get_json()["state"] == "queued"
    again = client.post(f"/year-end/{YEAR}/units/{tree['dept'].id}/close", data={"confirm": "y"})
    assert again.status_code == 302 and _jobs(session) == 1  # one close at a time

    drain(app)
    status = client.get(f"/jobs/{job.id}").get_json()
    assert status == status | {"state": "done", "finished": True, "percent": 100}
    assert status["stage"] == "Đã xong"
    done = client.get(f"/year-end/{YEAR}/units/{tree['dept'].id}").get_data(as_text=True)
    assert "Kết quả chốt" in done and "Đây là lần chốt đầu tiên." in done
    assert "<progress" not in done
    for html in (running, done):  # plain Vietnamese: no codes, internal values or English
        assert vietnamese_findings(read_page(html).text) == []
    session.expire_all()
    snapshot = session.scalars(sa.select(YearClose)).one()
    assert (snapshot.unit_id, snapshot.people, snapshot.created_by) == (
        tree["dept"].id, 2, _user_id(session, tree["office"])
    )  # fmt: skip
    actions = session.scalars(
        sa.select(AuditRecord.action).where(AuditRecord.object_type == "year_close")
    ).all()
    assert sorted(actions) == ["close", "close_requested"]


def test_only_the_office_of_the_subtree_and_administrators_close(
    app: Flask, session: Session, tree, login_as, make_admin
):
    url = f"/year-end/{YEAR}/units/{tree['dept'].id}"
    for who in (tree["staff"], tree["other_office"]):
        client = login_as(who)
        assert client.get(url).status_code == 403
        assert client.post(f"{url}/close", data={"confirm": "y"}).status_code == 403
    assert login_as(tree["staff"]).get(f"/year-end/{YEAR}").status_code == 403
    assert _jobs(session) == 0
    admin = login_as(make_admin())
    assert admin.get(url).status_code == 200
    assert admin.post(f"{url}/close", data={"confirm": "y"}).status_code == 302
    job_id = session.scalars(sa.select(Job.id)).one()
    assert admin.get(f"/jobs/{job_id}").status_code == 200
    assert login_as(tree["other_office"]).get(f"/jobs/{job_id}").status_code == 403
    assert login_as(tree["office"]).get(f"/jobs/{job_id}").status_code == 200
    assert login_as(tree["office"]).get("/jobs/999999").status_code == 404


def test_a_year_not_begun_cannot_be_closed(session: Session, tree, login_as):
    client = login_as(tree["office"])
    url = f"/year-end/2027/units/{tree['dept'].id}"
    assert "chưa thể chốt" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/close", data={"confirm": "y"}).status_code == 422
    assert _jobs(session) == 0


def test_a_dead_workers_close_is_run_again_when_its_page_asks(
    app: Flask, session: Session, tree, login_as
):
    """The polling page notices a worker that died (here: a process that no longer exists)."""
    import os
    import socket

    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    job = Job(
        kind="year.close", params={"year": YEAR, "unit_id": tree["dept"].id},
        state=JobState.RUNNING, attempts=1, worker=f"{socket.gethostname()}:{pid}",
        requested_by=_user_id(session, tree["office"]),
    )  # fmt: skip
    session.add(job)
    session.commit()
    client = login_as(tree["office"])
    assert client.get(f"/jobs/{job.id}").get_json()["state"] == "queued"
    drain(app)
    assert client.get(f"/jobs/{job.id}").get_json()["state"] == "done"
    session.expire_all()
    assert session.get(Job, job.id).attempts == 2


def test_after_a_failed_close_the_page_says_the_previous_result_stands(
    session: Session, tree, login_as
):
    session.add(
        Job(
            kind="year.close", params={"year": YEAR, "unit_id": tree["dept"].id},
            state=JobState.FAILED, attempts=3, error="the worker stopped during attempt 3",
        )
    )  # fmt: skip
    session.commit()
    html = login_as(tree["office"]).get(f"/year-end/{YEAR}/units/{tree['dept'].id}")
    text = read_page(html.get_data(as_text=True)).text
    assert "Lần chốt gần nhất không thành công" in text and "Chốt kết quả năm" in text
    assert "worker" not in text  # the operator's error stays in the job's row
