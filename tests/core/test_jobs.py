"""The job runner: a job runs only after its transaction commits, all or nothing, with its
progress visible meanwhile, its failure recorded, and a dead worker's job run again."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from evaluation.core import jobs
from evaluation.core.audit import AuditRecord
from evaluation.core.db import db
from evaluation.core.jobs import Job, JobContext, JobState, drain, enqueue, handler, recover

SEEN: list[dict[str, Any]] = []


@handler("test.note")
def _note(context: JobContext, text: str, steps: int = 3) -> dict[str, Any]:
    """Writes an audit record (its real work) and reports each step."""
    for step in range(1, steps + 1):
        context.progress(step, steps, f"step {step}")
        SEEN.append(
            {
                "step": step,
                "stored": context.session.execute(
                    sa.select(Job.done, Job.total).where(Job.id == context.job.id)
                ).one(),
            }
        )
    with context.writes() as session:
        session.add(
            AuditRecord(
                actor_id=None, object_type="test", object_id=0, action="note", new_value=text
            )
        )
    return {"written": text}


@handler("test.fail")
def _fail(context: JobContext, text: str) -> None:
    context.session.add(
        AuditRecord(actor_id=None, object_type="test", object_id=0, action="note", new_value=text)
    )
    context.session.flush()
    raise ValueError("the data is wrong")


def _notes(session: Session, text: str) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(AuditRecord).where(AuditRecord.new_value == text)
    )


def test_a_job_runs_after_its_transaction_commits_and_stores_its_result(app: Flask, session):
    SEEN.clear()
    with app.app_context():
        job = enqueue(session, "test.note", {"text": "after commit"}, requested_by=None)
        drain(app)  # not committed yet: nothing was handed over
        session.refresh(job)
        assert job.state is JobState.QUEUED and _notes(session, "after commit") == 0
        session.commit()
        drain(app)
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.state is JobState.DONE
    assert job.result == {"written": "after commit"}
    assert (job.done, job.total, job.percent, job.attempts) == (3, 3, 100, 1)
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert _notes(session, "after commit") == 1
    # Each step's progress was stored before the work went on (own short transactions).
    assert [seen["stored"] for seen in SEEN] == [(1, 3), (2, 3), (3, 3)]


def test_a_rolled_back_transaction_enqueues_nothing(app: Flask, session):
    with app.app_context():
        job = enqueue(session, "test.note", {"text": "rolled back"})
        job_id = job.id
        session.rollback()
        drain(app)
    assert session.get(Job, job_id) is None
    assert _notes(session, "rolled back") == 0


def test_a_failing_job_keeps_nothing_of_its_work_and_records_the_error(app: Flask, session):
    with app.app_context():
        job = enqueue(session, "test.fail", {"text": "half written"})
        session.commit()
        drain(app)
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.state is JobState.FAILED
    assert "the data is wrong" in job.error
    assert job.finished_at is not None
    assert _notes(session, "half written") == 0


def test_an_unknown_kind_is_refused_at_once(app: Flask, session):
    with app.app_context(), pytest.raises(KeyError):
        enqueue(session, "test.nothing", {})


def test_a_job_is_run_once_even_if_handed_over_twice(app: Flask, session):
    with app.app_context():
        job = enqueue(session, "test.note", {"text": "once", "steps": 1})
        session.commit()
        jobs.dispatch(app, job.id)
        drain(app)
    assert _notes(session, "once") == 1
    session.expire_all()
    assert session.get(Job, job.id).attempts == 1


def _left_running(session: Session, pid: int, attempts: int) -> Job:
    job = Job(
        kind="test.note",
        params={"text": "retried", "steps": 1},
        state=JobState.RUNNING,
        attempts=attempts,
        worker=f"{socket.gethostname()}:{pid}",
        heartbeat_at=jobs.utcnow(),
    )
    session.add(job)
    session.commit()
    return job


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_a_job_whose_worker_died_is_run_again(app: Flask, session):
    job = _left_running(session, _dead_pid(), attempts=1)
    with app.app_context():
        jobs.recover_and_dispatch(app)
        drain(app)
    session.expire_all()
    job = session.get(Job, job.id)
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert _notes(session, "retried") == 1


def test_after_its_last_attempt_a_dead_workers_job_is_marked_failed(app: Flask, session):
    job = _left_running(session, _dead_pid(), attempts=app.config["JOB_MAX_ATTEMPTS"])
    with app.app_context():
        assert recover(app) == []
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.state is JobState.FAILED
    assert "stopped" in job.error
    assert _notes(session, "retried") == 0


def test_a_live_worker_is_left_alone_until_it_falls_silent(app: Flask, session):
    job = _left_running(session, os.getppid(), attempts=1)  # alive: the test's parent
    with app.app_context():
        assert recover(app) == []
        session.execute(
            sa.update(Job)
            .where(Job.id == job.id)
            .values(heartbeat_at=jobs.utcnow() - jobs.timedelta(hours=2))
        )
        session.commit()
        assert recover(app) == [job.id]


def test_the_in_process_thread_runs_jobs_of_a_real_database(tmp_path):
    """Outside the tests' shared connection, the runner is a thread of the application."""
    from alembic import command

    from evaluation import create_app
    from evaluation.cli import alembic_config

    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    application = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "t"})
    try:
        with application.app_context():
            with db.transaction() as session:
                job_id = enqueue(session, "test.note", {"text": "threaded", "steps": 2}).id
            drain(application, timeout=20)
            with db.transaction() as session:
                job = session.get(Job, job_id)
                assert job.state is JobState.DONE
                assert job.result == {"written": "threaded"}
                assert _notes(session, "threaded") == 1
    finally:
        db.engine_of(application).dispose()


def test_the_recover_command_queues_a_dead_workers_job_again(app: Flask, session):
    job = _left_running(session, _dead_pid(), attempts=1)
    result = app.test_cli_runner().invoke(args=["jobs", "recover"])
    assert result.exit_code == 0, result.output
    assert "Queued again: 1 jobs." in result.output
    session.expire_all()
    assert session.get(Job, job.id).state is JobState.QUEUED
    with app.app_context():
        drain(app)
    session.expire_all()
    assert session.get(Job, job.id).state is JobState.DONE
