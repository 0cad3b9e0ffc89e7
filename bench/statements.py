"""`make bench`: SQL statements per page, which must not grow with the number of rows shown.

Issue 7's main pages are each opened twice over: as picked for the load test (many rows) and
as a small counterpart (the same page, same code path, few rows). Both run in process through
Flask's test client, and only the second request of each is counted, so what a process or a
first visit does once (imports, templates, stored sums kept on the first visit) is left out.
A page whose count grows with its rows runs a query per row (an N+1): the extra statements are
kept in the row's details, so the repeated one is named.

GET requests may keep stored sums in the database: run this on a province of your own.
"""

from __future__ import annotations

import argparse
import re
import secrets
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from bench.http_load import Page, Province, pick_pages, read_province
from bench.table import Row

FLOOR_LABEL = "the same page showing few rows"
SHOWN_EXTRA = 5  # repeated statements kept in a row's details when its page grows


@dataclass(frozen=True)
class Visit:
    """One page as one account; `shows` is a rough count of its rows, as in `Page.shows`."""

    path: str
    username: str
    shows: str
    expect: tuple[str, ...] = ()
    empty: bool = False  # shows no row at all


def _app(database_url: str) -> Flask:
    from evaluation import create_app

    # Generated accounts keep their initial password, which production would send to the
    # password page first; the test client speaks plain HTTP, so no secure-only cookie.
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "WTF_CSRF_ENABLED": False,
            "ENV_NAME": "development",
            "SESSION_COOKIE_SECURE": False,
        }
    )


def _province(app: Flask) -> Province:
    from evaluation.core.db import db

    with app.app_context():
        return read_province(db.session)


def _plans_of(app: Flask, username: str, year: int) -> int:
    from evaluation.accounts.models import User
    from evaluation.core.db import db
    from evaluation.plans.models import Plan

    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Plan)
            .join(User, User.person_id == Plan.person_id)
            .where(User.username == username, Plan.period_year == year)
        )


def _unit_of_head(province: Province, username: str) -> int:
    return next(unit for unit, (_id, head) in province.heads.items() if head == username)


def small_counterparts(app: Flask, year: int, pages: list[Page]) -> list[Visit]:
    """For each main page, the same page showing few rows, in `pick_pages`' order."""
    from evaluation.organisation.models import UnitKind

    province = _province(app)
    mine, _unit_page, ranking, summary = pages[:4]  # the four pages with few-row twins
    below_root = [u for u in province.heads if u != province.root_id]

    # My plans: the same employee in a year without plans (generated people all have as many
    # plans in a year, so no year shows only a few).
    quiet = year - 5
    quiet_plans = _plans_of(app, mine.username or "", quiet)
    small_plans = Visit(
        f"/plans?year={quiet}",
        mine.username or "",
        f"{quiet_plans} plans",
        empty=quiet_plans == 0,
    )

    # A unit: the head of the smallest unit with someone besides the head.
    unit_id = min(
        (u for u in below_root if province.people[u] >= 2),
        key=lambda u: (province.people[u], u),
    )
    small_unit = Visit("/unit", province.heads[unit_id][1], f"{province.people[unit_id]} people")

    # Ranking: the head of the smallest department, service unit or commune with at least 3
    # units (a head's reach is its subtree), against the administrator's whole province.
    ranked = min(
        (
            u
            for u in below_root
            if province.by_id[u].kind is not UnitKind.DIVISION and province.units[u] >= 3
        ),
        key=lambda u: (province.units[u], province.people[u], u),
    )
    small_ranking = Visit(
        ranking.path, province.heads[ranked][1], f"{province.units[ranked]} units"
    )

    # Classification summary: the generator makes every department the same size and the page
    # lists 200 people at most, so the smallest department would show as many rows as the
    # largest. The head of the smallest unit inside the picked department reaches few people
    # through the same code path (a manager, the same agency's quota).
    department = _unit_of_head(province, summary.username or "")
    inside = [
        u
        for u in below_root
        if u != department
        and province.by_id[u].path.startswith(province.by_id[department].path)
        and province.people[u] >= 2
    ]
    if not inside:
        raise RuntimeError("the department has no smaller unit with a head's account")
    few = min(inside, key=lambda u: (province.people[u], u))
    small_summary = Visit(summary.path, province.heads[few][1], f"{province.people[few]} people")
    return [small_plans, small_unit, small_ranking, small_summary]


def counting(app: Flask) -> AbstractContextManager[list[str]]:
    from evaluation.core.db import db, statements_run

    return statements_run(db.engine_of(app))


def _signed_in(app: Flask, username: str) -> FlaskClient:
    from evaluation.demo.generator import PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302 or "/login" in (response.location or ""):
        raise RuntimeError(f"signing in as {username} failed ({response.status_code})")
    return client


def statements_of(app: Flask, clients: dict[str, FlaskClient], visit: Visit) -> list[str]:
    """The statements of the page's second request: the first pays what happens only once."""
    if visit.username not in clients:
        clients[visit.username] = _signed_in(app, visit.username)
    client = clients[visit.username]
    client.get(visit.path)
    with counting(app) as statements:
        response = client.get(visit.path)
    if response.status_code != 200:
        where = response.location or ""
        raise RuntimeError(
            f"{visit.path} as {visit.username} answered {response.status_code} {where}".rstrip()
        )
    text = response.get_data(as_text=True)
    missing = [expected for expected in visit.expect if expected not in text]
    if missing:
        raise RuntimeError(f"{visit.path} as {visit.username} lacks {missing}: not the page")
    return statements


# A list of bound parameters, `(?, ?, ?)` or `(%(id_1_1)s, %(id_1_2)s)`: its length follows
# the rows, so the same query for 29 rows and for 115 must compare as one text.
_PARAMETER = r"\s*(?:\?|%\(\w+\)s|\$\d+|:\w+)\s*"  # sqlite, psycopg, asyncpg, named
_PARAMETERS = re.compile(rf"\((?:{_PARAMETER},)+{_PARAMETER}\)")


def _one_line(statement: str) -> str:
    return _PARAMETERS.sub("(…)", " ".join(statement.split()))


def _short(statement: str, limit: int = 400) -> str:
    """A long SELECT's column list says little; its FROM and WHERE say which query it is."""
    if len(statement) <= limit:
        return statement
    return f"{statement[: limit // 3]} … {statement[-(limit - limit // 3) :]}"


def extra_statements(small: list[str], large: list[str]) -> list[str]:
    """The statements the large page runs more often than the small one, most repeated first."""
    extra = Counter(map(_one_line, large)) - Counter(map(_one_line, small))
    return [f"{count}× {_short(text)}" for text, count in extra.most_common(SHOWN_EXTRA)]


def first_row_loaders(small: list[str], large: list[str]) -> int:
    """Statements the large page runs once and the empty one never: a loader such as
    `selectinload` sends its `IN (...)` only when there is a row to load for, once for any
    number. A query per row would run more than once, so it still counts as growth."""
    few = Counter(map(_one_line, small))
    return sum(1 for text, n in Counter(map(_one_line, large)).items() if n == 1 and not few[text])


def run(database_url: str, *, year: int | None = None) -> list[Row]:
    """One row per main page: its statements as picked beside the same page with few rows."""
    from evaluation.core.db import db

    year, pages = pick_pages(database_url, year)
    app = _app(database_url)
    try:
        smalls = small_counterparts(app, year, pages)
        clients: dict[str, FlaskClient] = {}
        rows: list[Row] = []
        for page, small in zip(pages[: len(smalls)], smalls, strict=True):
            large = Visit(page.path, page.username or "", page.shows, page.expect)
            many = statements_of(app, clients, large)
            few = statements_of(app, clients, small)
            details: dict[str, Any] = {
                "url": large.path,
                "account": large.username,
                "shows": large.shows,
                "small_url": small.path,
                "small_account": small.username,
                "small_shows": small.shows,
                "year": year,
            }
            allowed = len(few)
            if small.empty:
                allowed += first_row_loaders(few, many)
                details["first_row_loaders"] = allowed - len(few)
            if len(many) > len(few):
                details["extra_statements"] = extra_statements(few, many)
            rows.append(
                Row(
                    section="statements",
                    label=page.name,
                    value=len(many),
                    unit="statements",
                    floor=len(few),
                    floor_label=FLOOR_LABEL,
                    target=allowed,  # meets_target: the count did not grow with the rows
                    details=details,
                )
            )
        return rows
    finally:
        db.engine_of(app).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a generated province")
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()
    rows = run(args.database, year=args.year)

    print(f"year {rows[0].details['year']}\n")
    print(f"{'page':<42} {'rows':>12} {'stmts':>6}   {'few rows':>12} {'stmts':>6}  grew")
    for row in rows:
        d = row.details
        grew = "no" if row.meets_target else "YES"
        print(f"{row.label:<42} {d['shows']:>12} {row.value:>6.0f}   {d['small_shows']:>12} "
              f"{row.floor:>6.0f}  {grew}")  # fmt: skip
    print()
    for row in rows:
        d = row.details
        print(f"{row.label}: {d['url']} as {d['account']}; "
              f"few rows: {d['small_url']} as {d['small_account']}")  # fmt: skip
        if d.get("extra_statements"):
            loaders = d.get("first_row_loaders", 0)
            why = f" ({loaders} loader(s) an empty page skips)" if loaders else ""
            print(f"  runs more than with few rows{why}:")
        for statement in d.get("extra_statements", []):
            print(f"    {statement}")
    met = all(row.meets_target for row in rows)
    print("\nIssue 7: statements per page do not grow with the rows shown — "
          + ("met" if met else "NOT met"))  # fmt: skip


if __name__ == "__main__":
    main()
