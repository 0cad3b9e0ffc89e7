"""A classification summary above `EXPORT_JOB_ROWS` is built by a job and downloaded when ready,
by its requester (or an administrator) only; its workbook is the one the direct download gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria import Level
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.core.jobs import Job, JobState, drain
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.scoring.models import AnnualEvaluation
from tests.conftest import account_id
from tests.reports.helpers import workbook_of

YEAR = 2026
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def org(session, make_unit, make_person, make_admin):
    dept = make_unit("Sở Xây dựng", UnitKind.AGENCY)
    div_a = make_unit("Phòng Quy hoạch", parent=dept)
    div_b = make_unit("Phòng Hạ tầng", parent=dept)
    people = {
        "head_a": make_person(div_a, role=LeadershipRole.HEAD, name="Trưởng Phòng Quy hoạch"),
        "head_b": make_person(div_b, role=LeadershipRole.HEAD, name="Trưởng Phòng Hạ tầng"),
        "staff_a": make_person(div_a, name="Vũ Thị Lan"),
        "staff_b": make_person(div_b, name="Ngô Văn Tùng"),
        "personnel": make_person(
            div_b, account_role=AccountRole.PERSONNEL, served_unit=dept, name="Cán bộ tổ chức"
        ),
    }
    levels = (Level.TOT, Level.XUAT_SAC, Level.HOAN_THANH, Level.TOT, Level.TOT)
    for person, level in zip(people.values(), levels, strict=True):
        session.add(
            AnnualEvaluation(
                person=person, year=YEAR, unit_id=person.unit_id, category=person.category,
                rulebook="nd335@1", computed_level=level, computed_points=Decimal("82.5"),
                final_level=level, decided_at=utcnow(),
            )
        )  # fmt: skip
    session.flush()
    return {"dept": dept, "div_a": div_a, "admin": make_admin(), **people}


@pytest.fixture
def small_threshold(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 3)
    monkeypatch.setitem(app.config, "EXPORT_DIRECTORY", str(tmp_path))
    return tmp_path


def _values(response) -> list[list[list[object]]]:
    """Every sheet's cell values: what a reader sees (the files' zip timestamps differ)."""
    book = workbook_of(response)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]


def _summary_url(unit) -> str:
    return f"/reports/evaluations/{YEAR}/units/{unit.id}.xlsx"


def _ask_for_the_job(app, session, client, unit) -> Job:
    offer = client.get(_summary_url(unit))
    assert offer.status_code == 200 and offer.mimetype == "text/html"
    assert "Lập bảng tổng hợp" in offer.get_data(as_text=True)
    response = client.post(_summary_url(unit), data={})
    assert response.status_code == 302
    assert response.mimetype != XLSX
    job_id = int(response.location.rstrip("/").split("/")[-1])
    drain(app)
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def test_a_large_summary_is_built_by_a_job_equal_to_the_direct_download(
    app, session, client, login_as, org, small_threshold
):
    login_as(org["personnel"])
    job = _ask_for_the_job(app, session, client, org["dept"])
    assert job.state is JobState.DONE and job.kind == "export.classification_summary"
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert f"/reports/exports/{job.id}.xlsx" in page
    assert "Đã lập xong" in page
    built = client.get(f"/reports/exports/{job.id}.xlsx")
    assert built.status_code == 200 and built.mimetype == XLSX
    assert 'filename="xep-loai-2026-so-xay-dung.xlsx"' in built.headers["Content-Disposition"]
    assert [f.name for f in small_threshold.iterdir()] == [job.result["file"]]

    app.config["EXPORT_JOB_ROWS"] = 5000  # the same data, now downloaded at once
    direct = client.get(_summary_url(org["dept"]))
    assert direct.status_code == 200 and direct.mimetype == XLSX
    assert _values(built) == _values(direct)
    assert any("Vũ Thị Lan" in row for row in _values(built)[0])


def test_a_small_summary_is_still_downloaded_at_once(
    app, session, client, login_as, org, small_threshold
):
    login_as(org["head_a"])  # two people in the division: under the threshold
    response = client.get(_summary_url(org["div_a"]))
    assert response.status_code == 200 and response.mimetype == XLSX
    assert not list(small_threshold.iterdir())


def test_only_the_requester_and_an_administrator_download_it(
    app, session, client, login_as, org, small_threshold
):
    login_as(org["personnel"])
    job = _ask_for_the_job(app, session, client, org["dept"])
    for other in ("head_a", "head_b", "staff_a"):
        login_as(org[other])
        assert client.get(f"/reports/exports/{job.id}.xlsx").status_code == 403, other
        assert client.get(f"/reports/exports/{job.id}").status_code == 403, other
        assert client.get(f"/jobs/{job.id}").status_code == 403, other
    login_as(org["admin"])
    assert client.get(f"/reports/exports/{job.id}.xlsx").mimetype == XLSX
    assert client.get("/reports/exports/999999.xlsx").status_code == 404
    other_kind = Job(kind="year.close", params={"year": YEAR, "unit_id": org["dept"].id})
    session.add(other_kind)
    session.commit()
    assert client.get(f"/reports/exports/{other_kind.id}").status_code == 403


def test_a_second_click_while_it_waits_asks_for_no_second_job(
    app, session, client, login_as, org, small_threshold
):
    from evaluation.core.clock import local_today
    from evaluation.reports import exports

    requester = account_id(session, org["personnel"])
    with app.test_request_context():
        first = exports.request_summary(
            session, org["dept"], YEAR, requested_by=requester, today=local_today(), locale="vi"
        )
        again = exports.request_summary(
            session, org["dept"], YEAR, requested_by=requester, today=local_today(), locale="vi"
        )
    assert again.id == first.id
    session.rollback()


def test_a_job_not_done_or_whose_file_is_gone_leads_back_to_its_page(
    app, session, client, login_as, org, small_threshold
):
    login_as(org["personnel"])
    job = _ask_for_the_job(app, session, client, org["dept"])
    (small_threshold / job.result["file"]).unlink()
    response = client.get(f"/reports/exports/{job.id}.xlsx")
    assert response.status_code == 302 and response.location.endswith(f"/reports/exports/{job.id}")
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert "không còn trên máy chủ" in page
    assert f"/reports/exports/{job.id}.xlsx" not in page
