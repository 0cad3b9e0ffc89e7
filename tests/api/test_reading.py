"""Reading through the API: a token sees its subtree, the browser's session what its pages
show; every list is one page of rows; errors are problem+json while pages stay HTML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from evaluation.api.models import ApiToken, TokenScope
from evaluation.core import throttle
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from tests.conftest import account_id

MARCH = Period(PeriodKind.MONTH, 2026, 3)


def names(answer) -> set[str]:
    return {item["full_name"] for item in answer.get_json()["items"]}


def test_a_token_reads_its_subtree_only(agency, make_token, api) -> None:
    division = make_token(agency.division, TokenScope.READ)
    assert names(api("GET", "/api/v1/people", division)) == {"Trần Thị Hoa", "Lê Văn Minh"}
    whole = make_token(agency.agency, TokenScope.READ)
    assert names(api("GET", "/api/v1/people", whole)) == {
        "Trần Thị Hoa", "Lê Văn Minh", "Phạm Thu Hà"}  # fmt: skip
    assert api("GET", f"/api/v1/people/{agency.stranger.id}", whole).status_code == 404
    assert api("GET", f"/api/v1/people/{agency.staff.id}", whole).status_code == 200
    units = api("GET", "/api/v1/units", division).get_json()["items"]
    assert [unit["id"] for unit in units] == [agency.division.id]
    assert api("GET", f"/api/v1/units/{agency.agency.id}", division).status_code == 404


def test_lists_are_paged(agency, make_token, api) -> None:
    secret = make_token(agency.agency, TokenScope.READ)
    first = api("GET", "/api/v1/people?per_page=2", secret).get_json()
    second = api("GET", "/api/v1/people?per_page=2&page=2", secret).get_json()
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 3}
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    too_many = api("GET", "/api/v1/people?per_page=1000", secret)
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"][0]["field"] == "per_page"


def test_plans_come_with_their_tasks_and_document_numbers(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    body = {"source_system": "vbdh", "external_ref": "15/KH-SNV", "person_id": agency.staff.id,
            "period": "2026-03", "title": "Rà soát thủ tục", "target_quantity": 3,
            "unit_of_measure": "thủ tục", "deadline": "2026-03-31"}  # fmt: skip
    assert api("POST", "/api/v1/tasks", secret, json=body).status_code == 201
    found = api("GET", f"/api/v1/plans?person_id={agency.staff.id}&year=2026", secret).get_json()
    (plan,) = found["items"]
    assert plan["period"] == "2026-03" and plan["status"] == "draft"
    assert [(t["title"], t["external_ref"], t["target_quantity"]) for t in plan["tasks"]] == [
        ("Rà soát thủ tục", "15/KH-SNV", 3.0)
    ]
    assert api("GET", f"/api/v1/plans/{plan['id']}", secret).get_json()["id"] == plan["id"]


def test_the_session_reads_what_its_pages_show_and_never_writes(
    session: Session, agency, login_as, make_person
) -> None:
    client = login_as(agency.staff)
    own = client.get("/api/v1/people")
    assert own.status_code == 200
    assert names(own) == {"Lê Văn Minh"}
    head = login_as(agency.head)
    assert names(head.get("/api/v1/people")) == {"Trần Thị Hoa", "Lê Văn Minh"}
    write = head.post("/api/v1/tasks", json={"title": "x"})
    assert write.status_code == 403
    assert write.content_type == "application/problem+json"
    cross_site = head.get("/api/v1/people", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403


def test_no_token_a_wrong_one_or_a_revoked_one_is_refused(
    session: Session, agency, make_token, api
) -> None:
    assert api("GET", "/api/v1/units").status_code == 401
    wrong = api("GET", "/api/v1/units", "dgt_not-a-token")
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    secret = make_token(agency.agency, TokenScope.READ)
    assert api("GET", "/api/v1/units", secret).status_code == 200
    token = session.scalars(sa.select(ApiToken)).one()
    assert token.token_hash != secret and secret not in token.token_hash
    token.revoked_at = token.created_at
    session.flush()
    assert api("GET", "/api/v1/units", secret).status_code == 401


@pytest.fixture(params=["memory", "redis"])
def rate_store(request: pytest.FixtureRequest, app: Flask, monkeypatch: pytest.MonkeyPatch):
    """The sign-in throttle's store the limit counts in: memory, or the real Redis, under a
    key prefix of this test's own, cleared after."""
    if request.param == "memory":
        yield
        return
    prefix = "danhgia-test-api"
    store = throttle.RedisStore("redis://127.0.0.1:6379/0", prefix)
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", prefix)
    monkeypatch.setitem(app.extensions, "sign_in_throttle", store)
    store.clear()
    yield
    store.clear()


@pytest.mark.usefixtures("rate_store")
def test_each_token_is_rate_limited(
    app: Flask, agency, make_token, api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    monkeypatch.setattr(throttle, "clock", lambda: 1_800_000_000.0)
    secret = make_token(agency.agency, TokenScope.READ)
    other = make_token(agency.agency, TokenScope.READ)
    answers = [api("GET", "/api/v1/units", secret).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api("GET", "/api/v1/units", secret)
    assert limited.content_type == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert api("GET", "/api/v1/units", other).status_code == 200  # each token its own count
    monkeypatch.setattr(throttle, "clock", lambda: 1_800_000_060.0)  # the next minute
    assert api("GET", "/api/v1/units", secret).status_code == 200


def test_errors_under_api_are_problems_and_pages_keep_their_html(client, agency) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"
    assert missing.get_json()["status"] == 404
    wrong_method = client.delete("/api/v1/units")
    assert wrong_method.status_code == 405
    assert wrong_method.content_type == "application/problem+json"
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.content_type.startswith("text/html")
    assert "Không tìm thấy trang hoặc hồ sơ này." in page.get_data(as_text=True)


def test_evaluations_and_scores_are_read_by_year(session: Session, agency, make_token, api) -> None:
    """Empty years answer an empty page; a year out of range names the field."""
    secret = make_token(agency.agency, TokenScope.READ)
    for path in ("/api/v1/evaluations", "/api/v1/period-scores"):
        answer = api("GET", f"{path}?year=2026", secret)
        assert answer.status_code == 200
        assert answer.get_json() == {"items": [], "meta": {"page": 1, "per_page": 50, "total": 0}}
        bad = api("GET", f"{path}?year=1999", secret)
        assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "year"
    unit_results = api("GET", "/api/v1/unit-results?period=2026-03", secret).get_json()
    assert {row["unit_id"] for row in unit_results["items"]} == {
        agency.agency.id, agency.division.id, agency.other.id}  # fmt: skip
    weeks = api("GET", "/api/v1/unit-results?period=2026-W05", secret)
    assert weeks.status_code == 422
    ranking = api("GET", "/api/v1/rankings?period=2026-03", secret).get_json()
    assert ranking["period"] == "2026-03"
    rows = [row["unit_id"] for group in ranking["groups"] for row in group["rows"]]
    assert sorted(rows) == sorted([agency.division.id, agency.other.id])
    proposals = api("GET", f"/api/v1/emulation-proposals?year=2026&agency_id={agency.agency.id}",
                    secret)  # fmt: skip
    assert proposals.status_code == 200 and proposals.get_json()["items"] == []
    outside = f"/api/v1/emulation-proposals?year=2026&agency_id={agency.outside.id}"
    assert api("GET", outside, secret).status_code == 404


def test_a_task_the_page_assigned_shows_with_no_document(
    session: Session, agency, make_token, api
) -> None:
    data = plans.TaskInput("Việc giao", None, Decimal(1), "việc", Decimal(1), date(2026, 3, 9))
    plans.assign_task(session, agency.staff, MARCH, data, actor_id=account_id(session, agency.head))
    session.flush()
    secret = make_token(agency.agency, TokenScope.READ)
    (plan,) = api("GET", "/api/v1/plans", secret).get_json()["items"]
    assert plan["tasks"][0]["external_ref"] is None
    assert plan["tasks"][0]["source"] == "assigned"
