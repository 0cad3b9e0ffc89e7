"""The close page: the personnel office closes a year for its subtree and watches it run."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.jobs import Job, JobState, recover_and_dispatch
from evaluation.core.views import commit, refusal_status
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import Viewer, current_viewer
from evaluation.yearend import close
from evaluation.yearend.forms import CloseForm

blueprint = Blueprint("yearend", __name__)
# The pages of the areas below read a closed year's snapshot through the application, since
# they may not import this area (rankings.routes `_year_closes`).
blueprint.record_once(lambda state: state.app.extensions.setdefault("year_close", close))

# What a running close is doing, by the stage name the job stores (its `message`).
STAGES = {
    "unit results": _l("Đang tính kết quả các đơn vị"),
    "facts": _l("Đang tổng hợp số liệu từng người"),
    "classification": _l("Đang xếp loại"),
    "rankings": _l("Đang xếp hạng đơn vị"),
    "emulation proposals": _l("Đang lập đề xuất thi đua"),
    "writing": _l("Đang lưu kết quả chốt"),
}
STATES = {
    JobState.QUEUED: _l("Đang chờ chạy"),
    JobState.RUNNING: _l("Đang chạy"),
    JobState.DONE: _l("Đã xong"),
    JobState.FAILED: _l("Không thành công"),
}


def can_close(viewer: Viewer, unit: Unit) -> bool:
    """An administrator anywhere; the personnel office inside the subtree it serves."""
    return viewer.is_admin or (
        viewer.served_path is not None and unit.path.startswith(viewer.served_path)
    )


def _unit_to_close(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not can_close(current_viewer(), unit):
        abort(403)
    return unit


@blueprint.route("/year-end/<year:year>")
@login_required
def close_home(year: int) -> ResponseReturnValue:
    """The office's own subtree; an administrator's, the root of the tree."""
    viewer = current_viewer()
    if viewer.served_path is not None:
        unit_id = int(viewer.served_path.strip("/").split("/")[-1])
    elif viewer.is_admin:
        unit_id = db.session.scalar(
            sa.select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.path).limit(1)
        )
        if unit_id is None:
            abort(404)
    else:
        abort(403)
    return close_page(year, unit_id)


@blueprint.route("/year-end/<year:year>/units/<id:unit_id>")
@login_required
def close_page(year: int, unit_id: int, form: CloseForm | None = None) -> ResponseReturnValue:
    unit = _unit_to_close(unit_id)
    session = db.session
    current = close.current_close(session, year, unit.id)
    previous = close.previous_close(session, current) if current else None
    job = close.running_close(session, year, unit.id)
    last_job = job or session.scalars(
        sa.select(Job)
        .where(Job.kind == close.KIND, Job.params["unit_id"].as_integer() == unit.id,
               Job.params["year"].as_integer() == year)
        .order_by(Job.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    return render_template(
        "yearend/close.html",
        year=year,
        unit=unit,
        form=form or CloseForm(),
        job=job,
        failed=last_job if last_job is not None and last_job.state is JobState.FAILED else None,
        stage=_stage(job),
        current=current,
        counts=close.level_counts(session, current) if current else {},
        changes=close.changes(session, current, previous) if current and previous else None,
        proposals=close.proposals_of(session, current) if current else [],
        history=close.history(session, year, unit.id),
        future=year > local_today().year,
    )


@blueprint.route("/year-end/<year:year>/units/<id:unit_id>/close", methods=["POST"])
@login_required
def close_year(year: int, unit_id: int) -> ResponseReturnValue:
    unit = _unit_to_close(unit_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return close_page(year, unit.id, form), refusal_status()
    if year > local_today().year:
        form.confirm.errors = [_("Năm %(year)s chưa bắt đầu: chưa thể chốt.", year=year)]
        return close_page(year, unit.id, form), 422
    if close.running_close(db.session, year, unit.id) is not None:
        flash(_("Việc chốt năm của đơn vị này đang chạy; hãy chờ nó xong."), "error")
        return redirect(url_for("yearend.close_page", year=year, unit_id=unit.id))
    close.request_close(db.session, year, unit, actor_id=current_user.id)
    commit(_("Đã bắt đầu chốt kết quả năm %(year)s.", year=year))
    return redirect(url_for("yearend.close_page", year=year, unit_id=unit.id))


@blueprint.route("/jobs/<id:job_id>")
@login_required
def job_status(job_id: int) -> ResponseReturnValue:
    """A job's state for the page that polls it (JSON): whoever may see what it works on."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    viewer = current_viewer()
    if not _may_see(viewer, job):
        abort(403)
    if job.state is JobState.RUNNING:  # its worker may have died: run it again, or fail it
        db.session.rollback()
        recover_and_dispatch(current_app._get_current_object(), only=job_id)  # type: ignore[attr-defined]
        db.session.expire_all()
        job = db.session.get_one(Job, job_id)
    return jsonify(_status(job))


def _may_see(viewer: Viewer, job: Job) -> bool:
    if viewer.is_admin or (job.requested_by is not None and job.requested_by == viewer.user_id):
        return True
    unit_id = job.params.get("unit_id") if isinstance(job.params, dict) else None
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    return unit is not None and job.kind == close.KIND and can_close(viewer, unit)


def _stage(job: Job | None) -> str:
    if job is None:
        return ""
    if job.state is JobState.RUNNING and job.message in STAGES:
        return str(STAGES[job.message])
    return str(STATES[job.state])


def _status(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state.value,
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "stage": _stage(job),
    }
