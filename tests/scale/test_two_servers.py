"""Two gunicorn servers on one database: a session started on one works on the other.

Nothing about a signed-in user lives in a server process (the session is a signed cookie, the
account is read from the database on every request), so a proxy may send each request to any
server. The servers commit for real, so they get a database of their own: a SQLite file, or,
when the suite runs on PostgreSQL, a schema of its own in the test database.
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from criteria.levels import StaffCategory
from evaluation.accounts.models import User
from evaluation.cli import alembic_config
from evaluation.core.db import make_engine
from evaluation.organisation import services as organisation
from evaluation.organisation.models import UnitKind
from tests.conftest import private_database

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SCHEMA = "scale_two_servers"
SECRET = "two-servers-share-this-secret-key-0123456789"
PASSWORD = "Matkhau2026"
NAME = "Lò Thị Hoà"
START_TIMEOUT = 15.0
REQUEST_TIMEOUT = 10.0


def _organisation(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            unit = organisation.create_unit(
                session, code="SV1", name="Phòng Hai Máy", kind=UnitKind.DIVISION, parent=None
            )
            person = organisation.place_new_person(
                session,
                code="SV1-P1",
                full_name=NAME,
                category=StaffCategory.CONG_CHUC,
                job_position="Chuyên viên",
                unit=unit,
                starts_on=date(2026, 1, 1),
            )
            session.add(
                User(
                    username="hoa",
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                    person=person,
                )
            )
            session.commit()
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _servers(url: str, count: int, log_dir: Path) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESSLOG": "",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    env.pop("DANHGIA_ENV", None)
    processes: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        bases = []
        for number in range(count):
            port = _free_port()
            log = (log_dir / f"server{number}.log").open("wb")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [
                        str(GUNICORN),
                        "-c",
                        "gunicorn.conf.py",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "app:app",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            _wait_until_up(base, process, log_dir)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for log in logs:
            log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log_dir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = "\n".join(p.read_text() for p in log_dir.glob("*.log"))
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{logs}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{base} did not answer within {START_TIMEOUT} s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_a_session_started_on_one_server_works_on_the_other(tmp_path: Path) -> None:
    url = private_database(tmp_path, SCHEMA)
    _organisation(url)
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with _servers(url, 2, tmp_path) as (server_a, server_b):
        with browser.open(f"{server_a}/login", timeout=REQUEST_TIMEOUT) as response:
            page = response.read().decode()
        token = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1])
        form = urllib.parse.urlencode(
            {"csrf_token": token, "username": "hoa", "password": PASSWORD}
        ).encode()
        try:
            browser.open(f"{server_a}/login", data=form, timeout=REQUEST_TIMEOUT)
            raise AssertionError("signing in did not redirect")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302, redirect.read().decode()[:500]
        assert any(cookie.name == "session" for cookie in jar)

        # The same cookie, on the other server: the page is the signed-in person's.
        with browser.open(f"{server_b}/plans", timeout=REQUEST_TIMEOUT) as response:
            assert response.status == 200
            assert NAME in response.read().decode()

        # And without it, server B sends a stranger to the sign-in page.
        jar.clear()
        try:
            browser.open(f"{server_b}/plans", timeout=REQUEST_TIMEOUT)
            raise AssertionError("a stranger saw the plans page")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
            assert "/login" in redirect.headers["Location"]
