"""Exports too large to build while the browser waits, built by a job and downloaded when ready.

A classification summary of a province holds tens of thousands of rows: above
`EXPORT_JOB_ROWS` its route asks for a job (`core.jobs`) instead. The job writes the workbook
under `instance/exports/` (a file, not a database row: the polling of its progress never
loads the bytes) and keeps its name in the job's result. Only the requester, or an
administrator, downloads it.
"""

from __future__ import annotations

import io
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from evaluation.core.jobs import Job, JobContext, JobFailed, JobState, enqueue, handler
from evaluation.core.workbook import Export
from evaluation.organisation.models import Unit
from evaluation.reports import services

SUMMARY_KIND = "export.classification_summary"
KINDS = (SUMMARY_KIND,)
DIRECTORY = "exports"
DEFAULT_JOB_ROWS = 5000  # config.EXPORT_JOB_ROWS


def summary_row_count(session: Session, unit: Unit, year: int) -> int:
    """The summary's people, counted in SQL: whether it is built now or by a job."""
    rows = services.summary_query(unit, year).order_by(None).subquery()
    return session.scalar(sa.select(sa.func.count()).select_from(rows)) or 0


def is_large(session: Session, unit: Unit, year: int) -> bool:
    limit = current_app.config.get("EXPORT_JOB_ROWS", DEFAULT_JOB_ROWS)
    return summary_row_count(session, unit, year) > limit


def request_summary(
    session: Session, unit: Unit, year: int, *, requested_by: int, today: date, locale: str
) -> Job:
    """The requester's job for this summary: the one still running, or a new one (a second
    click while it runs does not build it twice)."""
    params = {"year": year, "unit_id": unit.id, "today": today.isoformat(), "locale": locale}
    running = session.scalars(
        sa.select(Job)
        .where(
            Job.kind == SUMMARY_KIND,
            Job.requested_by == requested_by,
            Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
        )
        .order_by(Job.id.desc())
    ).all()
    for job in running:
        if job.params == params:
            return job
    return enqueue(session, SUMMARY_KIND, params, requested_by=requested_by)


@handler(SUMMARY_KIND)
def build_summary(
    context: JobContext, year: int, unit_id: int, today: str, locale: str = "vi"
) -> dict[str, Any]:
    """The same workbook as the direct download, in the requester's language, kept as a file."""
    unit = context.session.get(Unit, unit_id)
    if unit is None:
        raise JobFailed("the unit no longer exists")
    context.progress(0, 1, "building")
    with force_locale(locale):
        export = services.classification_summary(
            context.session,
            unit,
            year,
            agency_name=context.app.config["AGENCY_NAME"],
            today=date.fromisoformat(today),
        )
    name = f"{context.job.id}-{secrets.token_hex(8)}.xlsx"
    directory = exports_directory(context.app)
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{name}.part"
    partial.write_bytes(export.stream.getvalue())
    os.replace(partial, directory / name)  # whole or absent, never half written
    context.progress(1, 1, "done")
    return {"file": name, "filename": export.filename, "display_name": export.display_name}


def exports_directory(app: Flask) -> Path:
    """`EXPORT_DIRECTORY` if set (tests), else `instance/exports/`."""
    return Path(app.config.get("EXPORT_DIRECTORY") or Path(app.instance_path) / DIRECTORY)


def stored_export(app: Flask, job: Job) -> Export | None:
    """A done export job's workbook, read back from its file."""
    result = job.result if isinstance(job.result, dict) else {}
    name = result.get("file")
    if job.state is not JobState.DONE or not isinstance(name, str) or "/" in name:
        return None
    path = exports_directory(app) / name
    if not path.is_file():
        return None
    return Export(io.BytesIO(path.read_bytes()), result["filename"], result["display_name"])
