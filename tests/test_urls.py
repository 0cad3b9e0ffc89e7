"""Every id, year and period in a URL is bounded by one converter: out of range answers 404.

Issue 11 found 21 URLs that ended in a 500 (`/evaluations/99999/people/65`, `/scoring/9999-12`,
`/rankings/0001-01`, `/plans/99999999999999999999`): the value reached date arithmetic or the
database. The table below is read from the application's rules, so a new route is covered the
day it is added; each of its id, year and period parts is replaced in turn by values out of
range while the others point at real objects, so the bad part alone decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule, UnicodeConverter

from evaluation.accounts.models import AccountRole
from evaluation.core.converters import IdConverter, YearConverter
from evaluation.core.jobs import Job
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import evidence
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodConverter, PeriodKind
from evaluation.plans.services import TaskInput
from evaluation.rulesets import services as rulesets
from tests.conftest import account_id

BAD = {
    IdConverter: ["0", str(2**31), "99999999999999999999", "9" * 5000],
    YearConverter: ["0", "0001", "1999", "2101", "9999", "99999"],
    PeriodConverter: [
        "0001-01",
        "1999-12",
        "2101-01",
        "9999-12",
        "9999-Q4",
        "9999",
        "2026-00",
        "2026-13",
        "2026-Q0",
        "2026-Q5",
        "2026-W00",
        "2026-W54",
        "2027-W53",
    ],
}
# Kinds a route does not show are refused too: weeks are neither scored nor ranked.
OTHER_KINDS = {"2026-W10", "2026", "2026-03", "2026-Q1"}
# Free text parts: a value the route accepts, so that it is the bounded part that decides.
WORDS = {"verb": "approve", "step": "decision"}
# The examples the issue reported, with real objects where the report had them.
REPORTED = [
    "/evaluations/99999/people/{person}",
    "/scoring/9999-12",
    "/rankings/0001-01",
    "/plans/99999999999999999999",
]


def _bounded_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c) in BAD for c in rule._converters.values())
    ]


def _url(rule: Rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)


def _method(rule: Rule) -> str:
    return "GET" if "GET" in (rule.methods or ()) else "POST"


@pytest.fixture
def world(session, make_unit, make_person, make_admin) -> dict[str, object]:
    """A department with a division, one person with a plan and a task, and the two accounts
    that reach everything: the administrator and the department's personnel office."""
    dept = make_unit(name="Sở Thử Đường Dẫn", kind=UnitKind.AGENCY)
    division = make_unit(name="Phòng Thử", parent=dept)
    make_person(division, role=LeadershipRole.HEAD)
    person = make_person(division)
    personnel = make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept)
    admin = make_admin()
    plan = plans.create_plan(session, person, Period(PeriodKind.MONTH, 2026, 3), actor_id=admin.id)
    one = Decimal(1)
    task_input = TaskInput("Rà soát hồ sơ", None, one, "hồ sơ", one, date(2026, 3, 20))
    task = plans.add_task(session, plan, task_input, actor_id=admin.id)
    stored = evidence.add_file(session, task, "a.pdf", b"%PDF-1.4", actor_id=admin.id)
    ids = {
        "plan_id": plan.id, "task_id": task.id, "person_id": person.id, "unit_id": division.id,
        "agency_id": dept.id, "batch_id": 1, "decision_id": 1, "file_id": stored.id,
        "token_id": 1,  # its only route is a POST: never requested in range
        "notification_id": 1, "delegation_id": 1,  # likewise
        "user_id": account_id(session, person),
        "job_id": _close_job(session, dept, admin), **_rulesets(session, division, admin),
    }  # fmt: skip
    return {"ids": {k: str(v) for k, v in ids.items()}, "admin": admin, "personnel": personnel}


def _rulesets(session, unit, admin) -> dict[str, int]:
    """A draft criteria set, a draft of the policy and a pin (their pages)."""
    return {
        # A draft: its edit page is in range (a published version's answers 404).
        "version_id": rulesets.draft_set(
            session, {"name": "thu-duong-dan"}, unit=None, actor_id=admin.id
        ).id,
        "policy_id": rulesets.draft_policy(session, {}, None, actor_id=admin.id).id,
        "pin_id": rulesets.pin_set(session, unit, "nd90-cong-chuc", actor_id=admin.id).id,
    }


def _close_job(session, unit, admin) -> int:
    """A year close of the department, asked by the administrator (its status page)."""
    job = Job(kind="year.close", params={"year": 2025, "unit_id": unit.id}, requested_by=admin.id)
    session.add(job)
    session.flush()
    return job.id


def _good(rule: Rule, ids: dict[str, str]) -> dict[str, str]:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IdConverter):
            values[name] = ids[name]
        elif isinstance(converter, YearConverter):
            values[name] = "2026"
        elif isinstance(converter, PeriodConverter):
            values[name] = "2026-03"
        else:
            values[name] = WORDS[name]
    return values


def _bad_urls(app: Flask, ids: dict[str, str]) -> Iterator[tuple[str, str]]:
    for rule in _bounded_rules(app):
        good = _good(rule, ids)
        for name, converter in rule._converters.items():
            bad = list(BAD.get(type(converter), []))
            if isinstance(converter, PeriodConverter):
                kinds = converter.kinds
                bad += [key for key in OTHER_KINDS if Period.from_key(key).kind not in kinds]
            for value in bad:
                yield _method(rule), _url(rule, {**good, name: value})
    for url in REPORTED:
        yield "GET", url.format(person=ids["person_id"])


@pytest.mark.parametrize("account", ["admin", "personnel"])
def test_out_of_range_ids_years_and_periods_answer_404(app, world, login_as, account) -> None:
    client = login_as(world[account])
    answers = {
        (method, url[:120]): client.open(url, method=method).status_code
        for method, url in _bad_urls(app, world["ids"])
    }
    assert len(answers) > 100  # every bounded route, each part, each bad value
    assert {key: status for key, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("account", ["admin", "personnel"])
def test_the_same_urls_in_range_still_reach_their_pages(app, world, login_as, account) -> None:
    """The converters pass what they should: in range, the rule matches and its page answers
    (404 only for the import batch, of which the world has none), never with a 500."""
    client = login_as(world[account])
    adapter = app.url_map.bind("localhost")
    for rule in _bounded_rules(app):
        if _method(rule) != "GET":
            continue
        url = _url(rule, _good(rule, world["ids"]))
        assert adapter.match(url)[0] == rule.endpoint
        expected = (404,) if "batch_id" in rule.arguments else (200, 403)
        assert client.get(url).status_code in expected, url


def test_every_id_year_and_period_in_a_rule_goes_through_its_converter(app) -> None:
    """No rule takes a bare `int` or an unbounded text where an id, a year or a period is."""
    wrong = []
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            expected: type | tuple[type, ...] = UnicodeConverter
            if name.endswith("_id"):
                expected = IdConverter
            elif name == "year":
                expected = YearConverter
            elif name in ("key", "period"):
                expected = PeriodConverter
            elif name == "filename":
                continue  # static files
            if isinstance(converter, IntegerConverter) or type(converter) is not expected:
                wrong.append(f"{rule.rule}: {name}")
    assert wrong == []


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("/scoring/2026-03", True), ("/scoring/2026-Q1", True), ("/scoring/2026", False),
        ("/scoring/2026-W10", False), ("/rankings/2026", True), ("/rankings/2026-W10", False),
        ("/rankings/2100-12", True), ("/rankings/2000-01", True), ("/evaluations/2000", True),
        ("/evaluations/2100", True), ("/plans/2147483647", True), ("/plans/2147483648", False),
    ],
)  # fmt: skip
def test_the_bounds_are_inclusive_and_kinds_follow_the_route(app, url, found) -> None:
    adapter = app.url_map.bind("localhost")
    assert adapter.test(url, method="GET") is found


def test_converters_build_urls_from_periods_and_keys(app) -> None:
    with app.test_request_context():
        from flask import url_for

        march = Period(PeriodKind.MONTH, 2026, 3)
        assert url_for("scoring.scoring_period", key=march) == "/scoring/2026-03"
        assert url_for("rankings.ranking", key="2026-Q1") == "/rankings/2026-Q1"
        assert url_for("plans.plan_detail", plan_id=7) == "/plans/7"


QUERIES = [
    "/plans?year=99999999999999999999", "/plans?year=0", "/plans?year=" + "9" * 5000,
    "/audit?page=99999999999999999999", "/audit?page=0", "/audit?page=-1",
    "/evaluations/2026?page=99999999999999999999", "/unit?page=99999999999999999999",
    "/rankings/2026-03?under=99999999999999999999", "/emulation/2026?agency=99999999999999999999",
]  # fmt: skip


@pytest.mark.parametrize("account", ["admin", "personnel"])
def test_out_of_range_numbers_in_the_query_never_give_a_500(app, world, login_as, account):
    client = login_as(world[account])
    answers = {url[:60]: client.get(url).status_code for url in QUERIES}
    assert {url: status for url, status in answers.items() if status >= 500} == {}
