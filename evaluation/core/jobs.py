"""Background jobs: work too long for a request (the year-end close, a large export).

A job is a row of `job`; its state lives in the database, whatever runs it. `enqueue` adds the
row in the caller's transaction and hands it to a runner only after that transaction commits,
so a request that rolls back leaves nothing queued and a job never runs inside the request.

Two runners, chosen by `JOB_RUNNER`:
- "inprocess" (default): one worker thread in the application process; `make run` needs
  nothing more. A test that binds every session to one connection (conftest) has the jobs run
  by `drain()` in its own thread, since one connection serves one thread at a time.
- "rq": a real queue on Redis (`JOB_REDIS_URL`, `JOB_QUEUE`), served by
  `flask --app app jobs worker`.

A handler's real work commits once at the end, together with the job's `done` state: all or
nothing. Progress is written in short transactions of its own, so a page polling the job sees
it. A worker killed in the middle leaves the job `running` under a dead worker; `recover`
queues it again until `JOB_MAX_ATTEMPTS`, then marks it failed with that error.
"""

from __future__ import annotations

import enum
import logging
import os
import queue
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from evaluation.core.db import Base, UTCDateTime, db, enum_type, utcnow, writing

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED = (JobState.DONE, JobState.FAILED)


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (
        sa.CheckConstraint("done >= 0 AND total >= 0", name="progress_counts"),
        sa.CheckConstraint("attempts >= 0", name="attempts_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[JobState] = mapped_column(
        enum_type(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    requested_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Who runs it ("host:pid") and when it last said so: how a dead worker is recognised.
    worker: Mapped[str | None] = mapped_column(sa.String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        """0–100 for a progress bar; a finished job is at 100 whatever its counts."""
        if self.state is JobState.DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)


# --- handlers --------------------------------------------------------------------------------

_HANDLERS: dict[str, Callable[..., Any]] = {}


def handler(kind: str) -> Callable[[F], F]:
    """Register `fn(context, **params)` as the work of jobs of `kind`. Whatever it returns
    (a JSON-able dict or None) is stored as the job's result."""

    def register(fn: F) -> F:
        _HANDLERS[kind] = fn
        return fn

    return register


class JobFailed(Exception):
    """A handler's refusal, with the reason stored as the job's error (no traceback)."""


class JobContext:
    """What a handler gets: the session of its work (committed by the runner when it returns)
    and a way to report progress."""

    def __init__(
        self,
        app: Flask,
        session: Session,
        job: Job,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.app, self.session, self.job = app, session, job
        self.on_progress = on_progress
        self._writing = False
        self.last = (0, 0, "")  # the latest progress, whatever the session's state

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Store the progress in a short transaction of its own, so pollers see it now.

        On SQLite, while `writes()` holds the write lock, another transaction would only wait
        for it: the progress then stays in memory until the commit."""
        done, total = max(0, done), max(0, total)
        self.last = (done, total, message[:200])
        if self.on_progress is not None:
            self.on_progress(*self.last)
        for name, value in (("done", done), ("total", total), ("message", message[:200])):
            set_committed_value(self.job, name, value)
        if self._writing and self.session.get_bind().dialect.name == "sqlite":
            return
        _update(self.app, self.job.id, done=done, total=total, message=message[:200])

    @contextmanager
    def writes(self) -> Iterator[Session]:
        """The writing phase: ends the reading transaction (nothing written yet) and begins
        one that takes SQLite's write lock at once; the runner commits it when the handler
        returns. Readers meanwhile saw the progress; now they see the result at once."""
        self.session.rollback()
        self._writing = True
        with writing():
            self.session.execute(sa.select(1))  # BEGIN (IMMEDIATE on SQLite) here
            yield self.session


def _update(app: Flask, job_id: int, **values: Any) -> None:
    """One short transaction that changes the job's row (progress, a heartbeat, a failure)."""
    with app.app_context(), writing():
        session = db.new_session(app)
        try:
            session.execute(
                sa.update(Job)
                .where(Job.id == job_id)
                .values(heartbeat_at=utcnow(), **values)
                .execution_options(synchronize_session=False)
            )
            session.commit()
        finally:
            session.close()


# --- enqueueing ------------------------------------------------------------------------------

_PENDING_KEY = "jobs_to_dispatch"


def enqueue(
    session: Session, kind: str, params: dict[str, Any], *, requested_by: int | None = None
) -> Job:
    """Add a job in the caller's transaction; it is handed to the runner once that commits.

    A failed hand-over (Redis down) leaves the row queued (a worker's `recover` finds it) and
    never fails the caller, whose own work is already committed."""
    if kind not in _HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    job = Job(kind=kind, params=params, requested_by=requested_by, state=JobState.QUEUED)
    session.add(job)
    session.flush()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pending = session.info.setdefault(_PENDING_KEY, [])
    pending.append((app, job.id))
    if not event.contains(session, "after_commit", _dispatch_pending):
        event.listen(session, "after_commit", _dispatch_pending)
        event.listen(session, "after_soft_rollback", _forget_pending)
    return job


def _dispatch_pending(session: Session) -> None:
    for app, job_id in session.info.pop(_PENDING_KEY, []):
        try:
            dispatch(app, job_id)
        except Exception:
            log.warning("job %s stays queued: it could not be handed over", job_id, exc_info=True)


def _forget_pending(session: Session, previous_transaction: Any) -> None:
    """A rollback of the transaction that added them: those rows are gone, nothing to run."""
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def dispatch(app: Flask, job_id: int) -> None:
    """Hand a committed, queued job to the configured runner."""
    if app.config.get("JOB_RUNNER", "inprocess") == "rq":
        _rq_queue(app).enqueue(
            "evaluation.core.jobs.run_from_rq",
            job_id,
            job_timeout=app.config.get("JOB_TIMEOUT", 3600),
            failure_ttl=7 * 24 * 3600,
        )
    else:
        _runner(app).submit(job_id)


# --- running ---------------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(app: Flask, job_id: int) -> bool:
    """Take the job if it is still queued: one worker only, even if it was handed out twice."""
    with app.app_context(), writing():
        session = db.new_session(app)
        try:
            now = utcnow()
            claimed = session.execute(
                sa.update(Job)
                .where(Job.id == job_id, Job.state == JobState.QUEUED)
                .values(
                    state=JobState.RUNNING,
                    attempts=Job.attempts + 1,
                    worker=_worker_name(),
                    started_at=now,
                    heartbeat_at=now,
                    error=None,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
            return claimed == 1
        finally:
            session.close()


def run(
    app: Flask, job_id: int, on_progress: Callable[[int, int, str], None] | None = None
) -> JobState | None:
    """Run one queued job to its end: its work and its `done` state commit together; a
    failure rolls the work back and records the error. None when it was not queued.
    `on_progress` hears the progress too (a command prints it)."""
    if not _claim(app, job_id):
        return None
    with app.app_context():
        session = db.new_session(app)
        try:
            job = session.get_one(Job, job_id)
            work = _HANDLERS.get(job.kind)
            if work is None:
                raise JobFailed(f"no handler for job kind {job.kind!r}")
            context = JobContext(app, session, job, on_progress)
            result = work(context, **job.params)
            done, total, message = context.last
            session.execute(  # a statement, not attributes: progress set them behind the ORM
                sa.update(Job)
                .where(Job.id == job_id)
                .values(
                    state=JobState.DONE, finished_at=utcnow(), heartbeat_at=utcnow(),
                    message=message, done=max(total, done, 1), total=max(total, done, 1),
                    result=result,
                )
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            session.commit()
            return JobState.DONE
        except Exception as error:
            session.rollback()
            detail = str(error) if isinstance(error, JobFailed) else traceback.format_exc()
            log.warning("job %s failed", job_id, exc_info=not isinstance(error, JobFailed))
            _update(app, job_id, state=JobState.FAILED, error=detail, finished_at=utcnow())
            return JobState.FAILED
        finally:
            session.close()


def recover(app: Flask, *, only: int | None = None) -> list[int]:
    """Jobs left running by a dead worker (its process is gone on this host, or it has not
    written for `JOB_STALE_AFTER` seconds): queued again, or failed after `JOB_MAX_ATTEMPTS`.
    Returns the ids queued again (the caller hands them out)."""
    stale_after = timedelta(seconds=app.config.get("JOB_STALE_AFTER", 600))
    max_attempts = app.config.get("JOB_MAX_ATTEMPTS", 3)
    again: list[int] = []
    with app.app_context(), writing():
        session = db.new_session(app)
        try:
            running = sa.select(Job).where(Job.state == JobState.RUNNING)
            if only is not None:
                running = running.where(Job.id == only)
            now = utcnow()
            for job in session.scalars(running):
                if not _worker_is_dead(job, now - stale_after):
                    continue
                if job.attempts >= max_attempts:
                    job.state, job.finished_at = JobState.FAILED, now
                    job.error = f"the worker {job.worker} stopped during attempt {job.attempts}"
                else:
                    job.state, job.worker = JobState.QUEUED, None
                    job.message = ""
                    again.append(job.id)
            session.commit()
        finally:
            session.close()
    return again


def _worker_is_dead(job: Job, stale_before: datetime) -> bool:
    """Its process is gone (same host), or it has been silent too long (any host)."""
    host, _, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            if not _runner_is_alive_here():
                return True
        else:
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                pass  # alive, another user's
    return job.heartbeat_at is None or job.heartbeat_at < stale_before


def _runner_is_alive_here() -> bool:
    return any(runner.busy for runner in _RUNNERS.values())


def recover_and_dispatch(app: Flask, *, only: int | None = None) -> None:
    """`recover`, then hand the jobs queued again to the runner."""
    for job_id in recover(app, only=only):
        try:
            dispatch(app, job_id)
        except Exception:
            log.warning("job %s stays queued: it could not be handed over", job_id, exc_info=True)


# --- the in-process runner -------------------------------------------------------------------


class _InProcessRunner:
    """One daemon thread per application, running its jobs one after another."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[int] = queue.Queue()
        self.busy = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._started = False
        self.held: list[tuple[Any, int]] = []  # tests: (outer transaction, job id)

    def _pick_up_left_over(self) -> None:
        """The first job of this process: run what a stopped process left queued or running."""
        try:
            recover_and_dispatch(self.app)
            with self.app.app_context():
                session = db.new_session(self.app)
                try:
                    queued = session.scalars(sa.select(Job.id).where(Job.state == JobState.QUEUED))
                    for job_id in queued:
                        self.queue.put(job_id)
                finally:
                    session.close()
        except Exception:
            log.warning("left-over jobs could not be picked up", exc_info=True)

    def _shared_connection(self) -> Connection | None:
        """A test's sessions all share one connection (conftest): no second thread may use
        it, so `drain()` runs the jobs in the test's own thread."""
        session = db.new_session(self.app)
        try:
            bind = session.get_bind()
            return bind if isinstance(bind, Connection) else None
        finally:
            session.close()

    def submit(self, job_id: int) -> None:
        shared = self._shared_connection()
        if shared is not None:  # held with the test's outer transaction (see `run_here`)
            self.held.append((shared.get_transaction(), job_id))
            return
        if not self._started:
            self._started = True
            self._pick_up_left_over()
        self.queue.put(job_id)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name="danhgia-jobs", daemon=True
                )
                self._thread.start()

    def _serve(self) -> None:
        while True:
            job_id = self.queue.get()
            self.busy = True
            try:
                run(self.app, job_id)
            except Exception:
                log.exception("job %s could not run", job_id)
            finally:
                self.busy = False
                self.queue.task_done()

    def run_here(self) -> None:
        """Run the held jobs of the current test; those of an earlier test, rolled back with
        it, are dropped (their ids may name another test's rows by now)."""
        shared = self._shared_connection()
        current = shared.get_transaction() if shared is not None else None
        while self.held:
            outer, job_id = self.held.pop(0)
            if outer is current:
                run(self.app, job_id)

    def idle(self) -> bool:
        return self.queue.unfinished_tasks == 0


_RUNNERS: dict[int, _InProcessRunner] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(app: Flask) -> _InProcessRunner:
    with _RUNNERS_LOCK:
        runner = _RUNNERS.get(id(app))
        if runner is None or runner.app is not app:
            runner = _RUNNERS[id(app)] = _InProcessRunner(app)
        return runner


def drain(app: Flask, timeout: float = 30) -> None:
    """Tests: wait until the in-process runner has run every job handed to it."""
    runner = _runner(app)
    if runner._shared_connection() is not None:
        runner.run_here()
        return
    deadline = time.monotonic() + timeout
    while not runner.idle():
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs still running after {timeout} s")
        time.sleep(0.02)


# --- the RQ runner ---------------------------------------------------------------------------


def _rq_queue(app: Flask) -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config.get("JOB_REDIS_URL", "redis://127.0.0.1:6379/0"))
    return Queue(app.config.get("JOB_QUEUE", "danhgia"), connection=connection)


def run_from_rq(job_id: int) -> str | None:
    """What an RQ worker runs: the job, inside the worker's application."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()  # type: ignore[attr-defined]
    state = run(app, job_id)
    return None if state is None else state.value


_WORKER_APP: Flask | None = None


def _worker_app() -> Flask:
    if _WORKER_APP is None:
        raise RuntimeError("run RQ workers with `flask --app app jobs worker`")
    return _WORKER_APP


def register_commands(app: Flask) -> None:
    @app.cli.group("jobs")
    def jobs_group() -> None:
        """Background jobs (the year-end close, large exports)."""

    @jobs_group.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker(burst: bool) -> None:
        """Serve the RQ queue (JOB_RUNNER=rq) inside this application.

        Jobs run in this process (RQ's SimpleWorker), not in a forked work horse of a session
        of its own: stopping the worker stops its job, and the database engine is not shared
        across a fork."""
        from rq import SimpleWorker

        global _WORKER_APP
        application = current_app._get_current_object()  # type: ignore[attr-defined]
        _WORKER_APP = application
        recover_and_dispatch(application)
        _requeue_lost(application)
        rq_queue = _rq_queue(application)
        SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=burst)

    @jobs_group.command("recover")
    def recover_command() -> None:
        """Queue again the jobs a dead worker left running (cron, with the RQ runner)."""
        application = current_app._get_current_object()  # type: ignore[attr-defined]
        again = recover(application)
        for job_id in again:
            dispatch(application, job_id)
        click.echo(f"Queued again: {len(again)} jobs.")


def _requeue_lost(app: Flask) -> None:
    """Jobs queued in the database but never handed to Redis (it was down at the time)."""
    with app.app_context():
        session = db.new_session(app)
        try:
            queued = list(session.scalars(sa.select(Job.id).where(Job.state == JobState.QUEUED)))
        finally:
            session.close()
    rq_queue = _rq_queue(app)
    waiting = {
        rq_job.args[0] for rq_job in rq_queue.get_jobs() if rq_job is not None and rq_job.args
    }
    for job_id in queued:
        if job_id not in waiting:
            dispatch(app, job_id)
