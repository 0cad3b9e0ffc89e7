"""`make bench`: the main pages of issue 7 under concurrent load, through gunicorn.

Each page is requested by `users` clients at once for a fixed time, as the account that would
open it, against the floor of `/healthz` in the same server and the same run: what a page
costs above that floor is the page's own (session, queries, template), not the machine's, the
client's or gunicorn's. Twice: as 20 people, each opening the page again about a second after
the last answer (the issue's target: p95 under 150 ms at 20 users), and as 20 clients asking
back to back, which measures requests per second at saturation.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess  # nosec B404  # gunicorn, from our own fixed command line
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.table import Row

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
FLOOR_PATH = "/healthz"
TARGET_MS = 100.0  # issue 17: every main page's p95 under 100 ms with 50 users
TARGET_USERS = 50
SATURATING_CLIENTS = 20  # back to back: the ranking must serve 200 requests a second
TARGET_RANKING_PER_SECOND = 200.0
WRITES_PER_SECOND = 1.0  # the mixed load's writers, province-wide
THINK_SECONDS = 1.0  # between a person's pages: 0.5–1.5 s, brisk for an office
# Flask-Login's "strong" protection ties a session to its address and user agent, so every
# client of one account must present the same agent as the login did.
USER_AGENT = "danhgia-bench/1"
STARTUP_SECONDS = 60.0
MEMBERS = 200  # "a unit of 200 people"


@dataclass(frozen=True)
class Page:
    """One page to load: its URL, the account that opens it, and proof that it is that page."""

    name: str
    path: str
    username: str | None  # None: anonymous
    expect: tuple[str, ...] = ()  # texts its body must hold, so a login form never passes
    shows: str = ""  # how much it lists, e.g. "115 people": labels stay the same across runs


@dataclass(frozen=True)
class Load:
    """The requests of one page during the measured window."""

    latencies_ms: list[float]  # of the 200 answers
    errors: int
    seconds: float

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def per_second(self) -> float:
        return round(len(self.latencies_ms) / self.seconds, 1)

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return round(self.latencies_ms[0], 1) if self.latencies_ms else float("nan")
        return round(statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1], 1)


# --- what to load: accounts and URLs from the generated province ------------------------------


@dataclass(frozen=True)
class Province:
    """A generated province's tree as the benchmarks choose pages from it."""

    root_id: int
    admin: str  # the root's administrator account
    by_id: dict[int, Any]  # unit id → Unit
    people: dict[int, int]  # people in the whole subtree, as /unit lists them
    units: dict[int, int]  # units in the whole subtree, the unit included
    heads: dict[int, tuple[int, str]]  # unit id → its head's person id and username


def read_province(session: Session) -> Province:
    """The province made by `flask demo generate --logins`: its root has an administrator
    `<root code>-admin`, and every person's account is their code in lower case."""
    from evaluation.accounts.models import AccountRole, User
    from evaluation.organisation.models import LeadershipRole, Person, Unit

    found = session.execute(
        sa.select(Unit, User.username)
        .join(User, User.username == sa.func.lower(Unit.code) + "-admin")
        .where(Unit.parent_id.is_(None), User.role == AccountRole.ADMIN, User.active)
        .order_by(Unit.id)
    ).first()
    if found is None:
        raise RuntimeError(
            "no generated province with logins: run `flask --app app demo generate --logins`"
        )
    root, admin = found
    by_id = {
        u.id: u for u in session.scalars(sa.select(Unit).where(Unit.path.startswith(root.path)))
    }

    def ancestors(unit_id: int) -> Iterator[int]:
        for part in by_id[unit_id].path.strip("/").split("/"):
            if int(part) in by_id:
                yield int(part)

    people = dict.fromkeys(by_id, 0)
    units = dict.fromkeys(by_id, 0)
    for unit_id in by_id:
        for above in ancestors(unit_id):
            units[above] += 1
    for unit_id, count in session.execute(
        sa.select(Person.unit_id, sa.func.count())
        .where(Person.unit_id.in_(list(by_id)))
        .group_by(Person.unit_id)
    ):
        for above in ancestors(unit_id):
            people[above] += count
    heads = {
        unit_id: (person_id, username)
        for unit_id, person_id, username in session.execute(
            sa.select(Person.unit_id, Person.id, User.username)
            .join(User, User.person_id == Person.id)
            .where(
                Person.unit_id.in_(list(by_id)),
                Person.leadership_role == LeadershipRole.HEAD,
                User.active,
            )
            .order_by(Person.id.desc())  # the first head of a unit wins
        )
    }
    return Province(root.id, admin, by_id, people, units, heads)


def pick_pages(database_url: str, year: int | None = None) -> tuple[int, list[Page]]:
    """The four main pages of issue 7, each as the account that would open it (from the
    province `read_province` finds)."""
    from evaluation import create_app
    from evaluation.accounts.models import User
    from evaluation.core.db import db
    from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
    from evaluation.plans.models import Plan
    from evaluation.plans.periods import PeriodKind
    from evaluation.rankings.services import group_heads, peer_key, top_heads

    # An app only to read the database: it signs nothing, so any key will do.
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16)})
    with app.app_context():
        session = db.session
        province = read_province(session)
        units, subtree = province.by_id, province.people
        root = units[province.root_id]
        heads = province.heads  # unit id → (person id, username) of its head
        if year is None:
            year = session.scalar(
                sa.select(sa.func.max(Plan.period_year))
                .join(Unit, Plan.unit_id == Unit.id)
                .where(Plan.period_kind == PeriodKind.YEAR, Unit.path.startswith(root.path))
            )
            if year is None:
                raise RuntimeError("the province has no yearly plans")

        # My plans: the first ordinary employee with an account and a plan for the year.
        employee = session.execute(
            sa.select(User.username, Plan.id)
            .join(Person, User.person_id == Person.id)
            .join(Plan, Plan.person_id == Person.id)
            .where(
                Person.unit_id.in_(list(units)),
                Person.leadership_role == LeadershipRole.NONE,
                User.active,
                Plan.period_kind == PeriodKind.YEAR,
                Plan.period_year == year,
            )
            .order_by(Person.id)
            .limit(1)
        ).first()
        if employee is None:
            raise RuntimeError(f"no employee with an account and a plan for {year}")

        plans = session.scalar(
            sa.select(sa.func.count())
            .select_from(Plan)
            .join(User, User.person_id == Plan.person_id)
            .where(User.username == employee.username, Plan.period_year == year)
        )

        # A unit of 200 people: the manager's page of the head whose subtree is nearest 200.
        unit_id = min(
            (u for u in heads if u != root.id), key=lambda u: (abs(subtree[u] - MEMBERS), u)
        )
        unit_head, unit_username = heads[unit_id]

        # A department: the largest agency under the root, seen by its head (the generator
        # makes no personnel offices, and the head's reach is the department's subtree).
        departments = [
            u.id
            for u in units.values()
            if u.parent_id == root.id and u.kind is UnitKind.AGENCY and u.id in heads
        ]
        if not departments:
            raise RuntimeError("the province has no department with a head's account")
        department = units[max(departments, key=lambda u: (subtree[u], -u))]
        department_head, department_username = heads[department.id]
        # Someone of the department's own unit: first in the tree, so on the page's first screen.
        colleague = session.scalar(
            sa.select(Person.id)
            .where(Person.unit_id == department.id, Person.id != department_head)
            .order_by(Person.id)
            .limit(1)
        )
        if colleague is None:
            raise RuntimeError(f"{department.name} has nobody but its head")
        # The ranking opens on the top level: any unit ranked there among two or more peers.
        top = top_heads(group_heads(list(units.values()), units), units)
        groups = Counter(peer_key(unit, units) for unit in units.values())
        ranked = min(
            unit.id
            for unit in units.values()
            if (key := peer_key(unit, units))[0] in top and groups[key] >= 2
        )
        pages = [
            Page(
                "my plans",
                f"/plans?year={year}",
                employee.username,
                ('href="/plans/',),
                f"{plans} plans",
            ),
            Page(
                f"a unit of {MEMBERS} people",
                "/unit",
                unit_username,
                (f'href="/organisation/people/{unit_head}"',),
                f"{subtree[unit_id]} people",
            ),
            Page(
                "ranking of all units",
                f"/rankings/{year}",
                province.admin,
                (f'href="/rankings/{year}/units/{ranked}"',),
                f"{len(units)} units",
            ),
            Page(
                "classification summary of a department",
                f"/evaluations/{year}",
                department_username,
                (f'href="/evaluations/{year}/people/{colleague}"',),
                f"{subtree[department.id]} people",
            ),
            Page("role home page", "/", unit_username, ('href="/plans',), "a unit's head"),
            Page(
                "scoring",
                f"/scoring/{year}-12",
                unit_username,
                ("/scoring/",),
                f"{subtree[unit_id]} people",
            ),
            Page(
                "evaluations overview of the province",
                f"/evaluations/{year}",
                province.admin,
                (f"/evaluations/{year}/people/",),
                f"{subtree[root.id]} people",
            ),
            Page(
                "emulation",
                f"/emulation/{year}",
                province.admin,
                (f"/emulation/{year}",),
                "one agency of the province",
            ),
            Page("dashboard", "/dashboard", province.admin, ("<svg",), f"{len(units)} units"),
            # The API's two busiest reads (an integration polls them; the browser's session
            # reads them as a token would): a unit's plans with their tasks, and its people.
            Page(
                "API: plans with tasks, a page of 100",
                f"/api/v1/plans?year={year}&per_page=100",
                unit_username,
                ('"tasks"',),
                f"{subtree[unit_id]} people's plans",
            ),
            Page(
                "API: people of a department, a page of 100",
                "/api/v1/people?per_page=100",
                department_username,
                ('"full_name"',),
                f"{subtree[department.id]} people",
            ),
        ]
    db.engine_of(app).dispose()
    return year, pages


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]


@contextmanager
def serve(database_url: str) -> Iterator[int]:
    """gunicorn with the project's settings on a free port; yields the port once it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESSLOG": "",  # a log line per request would be measured too
        "GUNICORN_LOGLEVEL": "warning",
        # Generated accounts keep their initial password, which production sends to the
        # password page first; and the benchmark speaks plain HTTP.
        "DANHGIA_ENV": "development",
        "SESSION_COOKIE_SECURE": "0",
    }
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"]
    with tempfile.TemporaryFile() as log:
        # Our own command line, no shell: nothing in it comes from outside.
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # nosec B603
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn exited at start:\n{_tail(log)}")
                try:
                    if _request(http.client.HTTPConnection(HOST, port, timeout=2), FLOOR_PATH)[0]:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer {FLOOR_PATH}:\n{_tail(log)}")
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --- the clients ------------------------------------------------------------------------------


def _request(
    connection: http.client.HTTPConnection,
    path: str,
    *,
    cookie: str | None = None,
    method: str = "GET",
    body: str | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    headers = {"User-Agent": USER_AGENT, "Host": f"{HOST}:{connection.port}"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def _cookies(headers: http.client.HTTPMessage, jar: dict[str, str]) -> None:
    for header in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


class _CsrfField(HTMLParser):
    token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


def login(port: int, username: str, password: str) -> str:
    """Sign in through the real form (CSRF token and all); returns the session's Cookie header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    jar: dict[str, str] = {}
    status, headers, body = _request(connection, "/login")
    _cookies(headers, jar)
    parser = _CsrfField()
    parser.feed(body.decode())
    if status != 200 or not parser.token:
        raise RuntimeError(f"/login answered {status} without a CSRF token")
    form = urlencode({"csrf_token": parser.token, "username": username, "password": password})
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = _request(connection, "/login", cookie=cookie, method="POST", body=form)
    _cookies(headers, jar)
    connection.close()
    if status != 302 or "/login" in (headers.get("Location") or ""):
        raise RuntimeError(f"signing in as {username} failed ({status}): wrong password?")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def check(port: int, page: Page, cookie: str | None) -> None:
    """One request before the load: a redirect to the login page must not pass for speed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    status, headers, body = _request(connection, page.path, cookie=cookie)
    connection.close()
    if status != 200:
        where = headers.get("Location") or ""
        raise RuntimeError(f"{page.path} as {page.username} answered {status} {where}".rstrip())
    text = body.decode(errors="replace")
    missing = [expected for expected in page.expect if expected not in text]
    if missing:
        raise RuntimeError(f"{page.path} as {page.username} lacks {missing}: not the page expected")


def hammer(
    port: int,
    path: str,
    cookie: str | None,
    *,
    users: int,
    seconds: float,
    warmup: float,
    think: float = 0.0,
) -> Load:
    """`users` clients requesting `path`; only the window after warm-up counts.

    With `think` 0 they ask back to back (the server's saturation: requests per second);
    otherwise each waits 0.5–1.5 × `think` seconds after an answer, as people do.

    Each client keeps one connection. gunicorn's sync workers close it after every answer
    and http.client opens it again, so a connect is part of each request, as behind nginx.
    """
    latencies: list[list[float]] = [[] for _ in range(users)]
    errors = [0] * users
    start = threading.Barrier(users + 1)
    window: list[float] = []  # measured from, until: set once every client is ready

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        pauses = random.Random(number)  # nosec B311 - think times, not secrets
        start.wait()
        measured_from, until = window
        if think:
            time.sleep(pauses.uniform(0, think))  # users arrive spread out, not in step
        while (began := time.perf_counter()) < until:
            try:
                status = _request(connection, path, cookie=cookie)[0]
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
            elapsed = time.perf_counter() - began
            if began >= measured_from:
                if status == 200:
                    latencies[number].append(elapsed * 1000)
                else:
                    errors[number] += 1
            if think:
                time.sleep(think * pauses.uniform(0.5, 1.5))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window.extend((now + warmup, now + warmup + seconds))
    start.wait()
    for thread in threads:
        thread.join()
    return Load([x for per_client in latencies for x in per_client], sum(errors), seconds)


# --- the benchmark ----------------------------------------------------------------------------


def store_sums(database_url: str, year: int) -> float:
    """Store the year's periods, as `flask db fill-stored-sums` does: seconds taken."""
    from evaluation import create_app
    from evaluation.core.clock import local_today
    from evaluation.core.db import db, writing
    from evaluation.rankings.stored import fill, periods_to_fill

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16)})
    started = time.perf_counter()
    today = local_today()
    with app.app_context():
        for period in periods_to_fill(year, today) + periods_to_fill(today.year, today):
            with writing(), db.transaction() as session:
                fill(session, period)
    db.engine_of(app).dispose()
    return time.perf_counter() - started


def run(
    database_url: str,
    *,
    users: int = TARGET_USERS,
    seconds: float = 20.0,
    year: int | None = None,
    think: float = THINK_SECONDS,
) -> list[Row]:
    """Two rows per main page, each beside `/healthz` under the same load: the p95 with
    `users` people each pausing about `think` seconds between pages (the issue's target),
    and the requests per second with 20 clients asking back to back."""
    from evaluation.demo.generator import PASSWORD

    year, pages = pick_pages(database_url, year)
    store_sums(database_url, year)
    warmup = min(2.0, seconds / 4)
    paced_rows: list[Row] = []
    saturated_rows: list[Row] = []
    with serve(database_url) as port:
        accounts = sorted({page.username for page in pages if page.username})
        cookies = {name: login(port, name, PASSWORD) for name in accounts}
        for page in pages:
            check(port, page, cookies.get(page.username or ""))

        def load(path: str, cookie: str | None, pause: float, clients: int) -> Load:
            measured = hammer(
                port, path, cookie, users=clients, seconds=seconds, warmup=warmup, think=pause
            )
            if not measured.latencies_ms:
                raise RuntimeError(f"{path}: no request succeeded under load")
            return measured

        floors = {
            think: load(FLOOR_PATH, None, think, users),
            0.0: load(FLOOR_PATH, None, 0.0, SATURATING_CLIENTS),
        }
        for page in pages:
            cookie = cookies.get(page.username or "")
            paced = load(page.path, cookie, think, users)
            saturated = load(page.path, cookie, 0.0, SATURATING_CLIENTS)
            where = {"url": page.path, "account": page.username, "shows": page.shows,
                     "year": year, "users": users, "seconds": seconds}  # fmt: skip
            paced_rows.append(
                Row(
                    section=f"pages, {users} users",
                    label=page.name,
                    value=paced.percentile(95),
                    unit="ms",
                    floor=floors[think].percentile(95),
                    floor_label=f"{FLOOR_PATH} p95, same load",
                    target=TARGET_MS,
                    details=where
                    | _figures(paced, "")
                    | _figures(floors[think], "floor_")
                    | {"think_seconds": think},
                )
            )
            saturated_rows.append(
                Row(
                    section=f"throughput, {SATURATING_CLIENTS} clients",
                    label=page.name,
                    value=saturated.per_second,
                    unit="req/s",
                    floor=floors[0.0].per_second,
                    floor_label=f"{FLOOR_PATH} req/s, same load",
                    target=TARGET_RANKING_PER_SECOND if page.name.startswith("ranking") else None,
                    higher_is_better=True,
                    details=where
                    | _figures(saturated, "")
                    | _figures(floors[0.0], "floor_")
                    | {"clients": SATURATING_CLIENTS},
                )
            )
        mixed_rows = mixed(database_url, port, pages, cookies, year, users=users,
                           seconds=max(seconds, 30.0), think=think)  # fmt: skip
    return paced_rows + saturated_rows + mixed_rows


# --- the mixed load: readers while people write -------------------------------------------


def sample_tasks(database_url: str, year: int, count: int = 2000) -> list[int]:
    """Task ids of the year's closed months spread over the province, for the writers."""
    from evaluation import create_app
    from evaluation.core.db import db
    from evaluation.plans.models import Plan, Task

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16)})
    with app.app_context():
        ids = list(
            db.session.scalars(
                sa.select(Task.id)
                .join(Plan, Task.plan_id == Plan.id)
                .where(Plan.period_year == year, Plan.person_id.is_not(None))
                .order_by(Task.id)
            )
        )
    db.engine_of(app).dispose()
    picker = random.Random(17)  # nosec B311 - which tasks, not secrets
    return picker.sample(ids, min(count, len(ids)))


def write_results(
    database_url: str, task_ids: list[int], rate: float, stop: threading.Event
) -> tuple[int, int, list[float]]:
    """Report task results at `rate` a second until `stop`: each a late correction of a
    closed month (done on time ↔ done late), through the ORM as a page's save would, so the
    stored sums of exactly the task's unit are kept. Returns (written, failed, latencies)."""
    from evaluation import create_app
    from evaluation.core.db import db, writing
    from evaluation.plans.models import Task, TaskOutcome

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16)})
    written = failed = 0
    latencies: list[float] = []
    picker = random.Random(5)  # nosec B311
    with app.app_context():
        next_at = time.perf_counter()
        while not stop.is_set():
            began = time.perf_counter()
            try:
                with writing(), db.transaction() as session:
                    task = session.get(Task, picker.choice(task_ids))
                    if task is not None:
                        done_late = task.outcome is TaskOutcome.DONE_ON_TIME
                        task.outcome = (
                            TaskOutcome.DONE_LATE if done_late else (TaskOutcome.DONE_ON_TIME)
                        )
                        task.completed_on = task.completed_on or task.deadline
                written += 1
            except Exception:  # counted, and reported as a failure of the load
                failed += 1
            latencies.append((time.perf_counter() - began) * 1000)
            next_at += 1 / rate
            stop.wait(max(0.0, next_at - time.perf_counter()))
    db.engine_of(app).dispose()
    return written, failed, latencies


def mixed(
    database_url: str,
    port: int,
    pages: list[Page],
    cookies: dict[str, str],
    year: int,
    *,
    users: int,
    seconds: float,
    think: float,
) -> list[Row]:
    """`users` people, each opening the main pages in turn with a pause, while writers report
    task results in the year's closed months at WRITES_PER_SECOND: one row per page (its p95,
    target 100 ms, no request failing) and one for the writes."""
    task_ids = sample_tasks(database_url, year)
    stop = threading.Event()
    outcome: list[tuple[int, int, list[float]]] = []
    writer = threading.Thread(
        target=lambda: outcome.append(
            write_results(database_url, task_ids, WRITES_PER_SECOND, stop)
        ),
        daemon=True,
    )
    latencies: dict[str, list[float]] = {page.name: [] for page in pages}
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    window: list[float] = []

    def reader(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        pauses = random.Random(1000 + number)  # nosec B311
        order = pages[number % len(pages) :] + pages[: number % len(pages)]
        start.wait()
        measured_from, until = window
        time.sleep(pauses.uniform(0, think))
        turn = 0
        while (began := time.perf_counter()) < until:
            page = order[turn % len(order)]
            turn += 1
            try:
                status = _request(connection, page.path, cookie=cookies.get(page.username or ""))[0]
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
            elapsed = (time.perf_counter() - began) * 1000
            if began >= measured_from:
                with lock:
                    if status == 200:
                        latencies[page.name].append(elapsed)
                    else:
                        errors[page.name] += 1
            time.sleep(think * pauses.uniform(0.5, 1.5))
        connection.close()

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    writer.start()
    now = time.perf_counter()
    warmup = 3.0
    window.extend((now + warmup, now + warmup + seconds))
    start.wait()
    for thread in threads:
        thread.join()
    stop.set()
    writer.join()
    written, failed, write_ms = outcome[0] if outcome else (0, 1, [])
    rows = []
    for page in pages:
        measured = Load(latencies[page.name], errors[page.name], seconds)
        rows.append(
            Row(
                section=f"mixed, {users} users + writes",
                label=page.name,
                value=measured.percentile(95),
                unit="ms",
                target=TARGET_MS,
                details={"url": page.path, "account": page.username, "users": users,
                         "seconds": seconds, "writes_per_second": WRITES_PER_SECOND}
                | _figures(measured, ""),
            )
        )  # fmt: skip
    write_load = Load(write_ms, failed, seconds + warmup)
    rows.append(
        Row(
            section=f"mixed, {users} users + writes",
            label="task results written",
            value=round(written / (seconds + warmup), 2),
            unit="writes/s",
            target=WRITES_PER_SECOND,
            higher_is_better=True,
            details={"written": written, "failed": failed} | _figures(write_load, "write_"),
        )
    )
    return rows


def _figures(load: Load, prefix: str) -> dict[str, float | int]:
    return {
        f"{prefix}requests_per_second": load.per_second,
        f"{prefix}p50_ms": load.percentile(50),
        f"{prefix}p95_ms": load.percentile(95),
        f"{prefix}p99_ms": load.percentile(99),
        f"{prefix}errors": load.errors,
        f"{prefix}requests": load.requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--users", type=int, default=TARGET_USERS)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=THINK_SECONDS)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()
    rows = run(args.database, users=args.users, seconds=args.seconds, year=args.year,
               think=args.think)  # fmt: skip
    for row in rows:
        d = row.details
        print(f"{row.section:<22} {row.label:<42} {d['requests_per_second']:>7.1f} req/s  "
              f"p50 {d['p50_ms']:>7.1f}  p95 {d['p95_ms']:>7.1f}  p99 {d['p99_ms']:>7.1f} ms  "
              f"errors {d['errors']}  floor p95 {d['floor_p95_ms']:.1f} ms")  # fmt: skip
    for row in rows[: len(rows) // 2]:
        print(f"{row.label}: {row.details['url']} as {row.details['account']} "
              f"({row.details['shows']})")  # fmt: skip


if __name__ == "__main__":
    main()
