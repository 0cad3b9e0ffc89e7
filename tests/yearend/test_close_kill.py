"""A real RQ worker killed with SIGKILL in the middle of a close: the previous snapshot stays
in force, whole, nothing of the new one is written, and the next worker runs the job again
(or, past its attempts, marks it failed with the reason)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from redis import Redis
from sqlalchemy.orm import Session

from evaluation import create_app
from evaluation.cli import alembic_config
from evaluation.core import jobs
from evaluation.core.db import db, make_engine
from evaluation.core.jobs import Job, JobState
from evaluation.demo.generator import Options, generate_province
from evaluation.organisation.models import Unit
from evaluation.yearend import close
from evaluation.yearend.models import YearClose, YearClosePerson, YearCloseUnit
from tests.conftest import ROOT, private_database

YEAR = 2025
REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A province in a database of its own, a private queue, and the year closed once."""
    url = private_database(tmp_path, "close_kill")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        generate_province(session, Options(people=100, years=1, seed=41, last_year=YEAR))
        session.commit()
    engine.dispose()
    queue = f"danhgia-test-close-{os.getpid()}"
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "t", "JOB_RUNNER": "rq",
         "JOB_QUEUE": queue, "JOB_REDIS_URL": REDIS}
    )  # fmt: skip
    with app.app_context():
        with db.transaction() as session:
            root = session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).one()
            first = Job(kind=close.KIND, params={"year": YEAR, "unit_id": root.id})
            session.add(first)
        assert jobs.run(app, first.id) is JobState.DONE  # the snapshot in force
    yield {"url": url, "queue": queue, "app": app, "root": root.id, "log": tmp_path / "worker.log"}
    db.engine_of(app).dispose()
    redis = Redis.from_url(REDIS)
    for key in redis.scan_iter(f"rq:*{queue}*"):
        redis.delete(key)


def _worker(world: dict[str, Any], *args: str, **env: str) -> subprocess.Popen[bytes]:
    """`flask --app app jobs worker` in a process group of its own; its output in a file."""
    with world["log"].open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", *args],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": world["url"], "SECRET_KEY": "k" * 32,
                 "JOB_RUNNER": "rq", "JOB_QUEUE": world["queue"], "JOB_REDIS_URL": REDIS, **env},
            stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip


def _log(world: dict[str, Any]) -> str:
    return world["log"].read_text(errors="replace")[-3000:]


def _job(app: Flask, job_id: int) -> Job:
    with app.app_context(), db.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _snapshots(app: Flask) -> list[tuple[int, bool, int | None, int, int]]:
    """Each run: id, in force, its job, and the person and unit rows it holds."""
    with app.app_context(), db.transaction() as session:
        people = dict(
            session.execute(
                sa.select(YearClosePerson.close_id, sa.func.count()).group_by(
                    YearClosePerson.close_id
                )
            ).all()
        )
        units = dict(
            session.execute(
                sa.select(YearCloseUnit.close_id, sa.func.count()).group_by(YearCloseUnit.close_id)
            ).all()
        )
        orphans = set(people) - set(session.scalars(sa.select(YearClose.id)))
        assert not orphans
        return [
            (c.id, c.is_current, c.job_id, people.get(c.id, 0), units.get(c.id, 0))
            for c in session.scalars(sa.select(YearClose).order_by(YearClose.id))
        ]


def _close_killed_in_the_middle(world: dict[str, Any]) -> int:
    """Queue a close, let a real worker run it half-way, and SIGKILL the worker."""
    app = world["app"]
    worker = _worker(world, YEAR_CLOSE_STEP_DELAY="2")
    try:
        with app.app_context(), db.transaction() as session:
            root = session.get(Unit, world["root"])
            job_id = close.request_close(session, YEAR, root, actor_id=None).id
        deadline = time.monotonic() + 90
        while True:
            job = _job(app, job_id)
            if job.state is JobState.RUNNING and job.done >= 2:
                break
            assert job.state in (JobState.QUEUED, JobState.RUNNING), job.error
            assert worker.poll() is None, _log(world)
            assert time.monotonic() < deadline, "the worker did not start the close"
            time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    return job_id


def test_a_worker_killed_during_a_close_leaves_the_previous_snapshot_and_is_run_again(world):
    app = world["app"]
    before = _snapshots(app)
    [(first_id, in_force, first_job, people, units)] = before
    assert in_force
    assert people > 50 and units > 10

    job_id = _close_killed_in_the_middle(world)

    assert _snapshots(app) == before  # in force and whole; nothing of the new run written
    killed = _job(app, job_id)
    assert (killed.state, killed.attempts) == (JobState.RUNNING, 1)

    # The next worker finds the job its predecessor left running, and runs it again.
    again = _worker(world, "--burst")
    assert again.wait(timeout=180) == 0, _log(world)
    finished = _job(app, job_id)
    assert (finished.state, finished.attempts) == (JobState.DONE, 2), finished.error
    after = _snapshots(app)
    assert [(c, current, job) for c, current, job, _, _ in after] == [
        (first_id, False, first_job),
        (finished.result["close_id"], True, job_id),
    ]
    assert after[1][3:] == (people, units)


def test_past_its_last_attempt_a_killed_close_is_marked_failed(world):
    app = world["app"]
    before = _snapshots(app)
    job_id = _close_killed_in_the_middle(world)

    again = _worker(world, "--burst", JOB_MAX_ATTEMPTS="1")
    assert again.wait(timeout=120) == 0, _log(world)
    failed = _job(app, job_id)
    assert failed.state is JobState.FAILED
    assert "stopped" in failed.error and failed.finished_at is not None
    assert _snapshots(app) == before
