"""`flask --app app year close 2026 --unit N`: the close of the close page, for cron."""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask import Flask, current_app

from evaluation.core import jobs
from evaluation.core.db import db
from evaluation.core.jobs import Job, JobState
from evaluation.organisation.models import Unit
from evaluation.yearend import close


def register_commands(app: Flask) -> None:
    @app.cli.group("year")
    def year_group() -> None:
        """The year-end close."""

    @year_group.command("close")
    @click.argument("year", type=click.IntRange(2000, 2100))
    @click.option("--unit", "unit_id", type=int, help="The subtree's root (default: the root).")
    @click.option(
        "--queue", "use_queue", is_flag=True,
        help="Hand it to the job runner (JOB_RUNNER) and wait, instead of running it here.",
    )  # fmt: skip
    def close_command(year: int, unit_id: int | None, use_queue: bool) -> None:
        """Close YEAR for a subtree: the same job as the close page, its progress printed."""
        application = current_app._get_current_object()  # type: ignore[attr-defined]
        with db.transaction() as session:
            query = sa.select(Unit)
            query = (
                query.where(Unit.id == unit_id)
                if unit_id
                else query.where(Unit.parent_id.is_(None))
            )
            unit = session.scalars(query.order_by(Unit.path).limit(1)).first()
            if unit is None:
                raise click.ClickException(f"no unit {unit_id}")
            if use_queue:
                job = close.request_close(session, year, unit, actor_id=None, reason="command")
            else:  # a row only: it runs below, in this process, whatever JOB_RUNNER says
                job = Job(kind=close.KIND, params={"year": year, "unit_id": unit.id})
                session.add(job)
                session.flush()
            job_id, name = job.id, unit.name
        click.echo(f"Closing {year} for {name} (job {job_id})")

        def show(done: int, total: int, message: str) -> None:
            click.echo(f"  {done}/{total} {message}")

        if use_queue:
            state = _wait(application, job_id, show)
        else:
            state = jobs.run(application, job_id, on_progress=show)
        with db.transaction() as session:
            finished = session.get_one(Job, job_id)
            if state is not JobState.DONE:
                raise click.ClickException(f"the close failed: {finished.error}")
            click.echo(f"Done: {finished.result}")


def _wait(app: Flask, job_id: int, show) -> JobState:  # type: ignore[no-untyped-def]
    seen = None
    while True:
        with db.transaction() as session:
            job = session.get_one(Job, job_id)
            now = (job.done, job.total, job.message)
            if now != seen:
                show(*now)
                seen = now
            if job.finished:
                return job.state
        time.sleep(0.5)
