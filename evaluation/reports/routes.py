"""Download routes for the Excel exports.

Each route authorizes exactly as the page that shows the same data, then lets a service build
the workbook: 404 when the object is missing, 403 when the viewer may not see it.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user, login_required

from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.forms import ActionForm
from evaluation.core.jobs import Job
from evaluation.core.views import refusal_status
from evaluation.core.workbook import xlsx_response
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import current_viewer
from evaluation.plans.periods import Period
from evaluation.plans.permissions import PlanAction, can_plan
from evaluation.plans.routes import overdue_filter_args
from evaluation.plans.services import plan_with_tasks
from evaluation.rankings.routes import units_in_reach
from evaluation.reports import exports, forms_documents, overdue, services
from evaluation.reports.forms_render import stylesheet
from evaluation.scoring.access import get_evaluation_or_404, rulebook_result

blueprint = Blueprint("reports", __name__)


@blueprint.route("/reports/evaluations/<year:year>/people/<id:person_id>.xlsx")
@login_required
def evaluation_sheet(year: int, person_id: int) -> ResponseReturnValue:
    """The individual sheet, for whoever may open the person's evaluation page."""
    access = get_evaluation_or_404(year, person_id)
    person, evaluation = access.person, access.evaluation
    return xlsx_response(
        services.evaluation_sheet(
            db.session,
            person,
            year,
            evaluation,
            rulebook_result(person, year, evaluation),
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
        )
    )


@blueprint.route(
    "/reports/evaluations/<year:year>/units/<id:unit_id>.xlsx", methods=["GET", "POST"]
)
@login_required
def classification_summary(year: int, unit_id: int) -> ResponseReturnValue:
    """A subtree's summary: its managers, the personnel office serving it, administrators.

    More rows than `EXPORT_JOB_ROWS`: a page offers to build it by a job (a POST, so that no
    GET writes), whose page then shows its progress."""
    unit = _unit_or_404(unit_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _export_request(unit, year, form), refusal_status()
        job = exports.request_summary(
            db.session, unit, year, requested_by=current_user.id, today=local_today(),
            locale=str(get_locale() or "vi"),
        )  # fmt: skip
        db.session.commit()
        return redirect(url_for("reports.export_page", job_id=job.id))
    if exports.is_large(db.session, unit, year):
        return _export_request(unit, year, form)
    return xlsx_response(
        services.classification_summary(
            db.session,
            unit,
            year,
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
        )
    )


def _export_request(unit: Unit, year: int, form: ActionForm) -> str:
    return render_template(
        "reports/export_job.html", job=None, unit=unit, year=year, ready=False, form=form,
        rows=exports.summary_row_count(db.session, unit, year),
    )  # fmt: skip


def _export_job_or_404(job_id: int) -> Job:
    """An export job, for its requester (while they still reach its unit) or an administrator."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.kind not in exports.KINDS:
        abort(403)  # another kind of job (a close): no workbook to give
    viewer = current_viewer()
    if viewer.is_admin:
        return job
    unit_id = job.params.get("unit_id") if isinstance(job.params, dict) else None
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if job.requested_by != viewer.user_id or unit is None or not viewer.reaches_unit(unit):
        abort(403)
    return job


@blueprint.route("/reports/exports/<id:job_id>")
@login_required
def export_page(job_id: int) -> ResponseReturnValue:
    """A large export's progress, then its download link."""
    job = _export_job_or_404(job_id)
    unit = db.session.get(Unit, job.params.get("unit_id"))
    ready = exports.stored_export(current_app, job) is not None
    return render_template(
        "reports/export_job.html", job=job, unit=unit, year=job.params.get("year"), ready=ready
    )


@blueprint.route("/reports/exports/<id:job_id>.xlsx")
@login_required
def export_download(job_id: int) -> ResponseReturnValue:
    """The workbook a finished job built; before that (or if its file is gone), its page."""
    job = _export_job_or_404(job_id)
    export = exports.stored_export(current_app, job)
    if export is None:
        return redirect(url_for("reports.export_page", job_id=job.id))
    return xlsx_response(export)


@blueprint.route("/reports/plans/<id:plan_id>.xlsx")
@login_required
def plan_report(plan_id: int) -> ResponseReturnValue:
    """A plan with its results, for whoever may open the plan."""
    plan = plan_with_tasks(db.session, plan_id)
    if plan is None:
        abort(404)
    if not can_plan(current_viewer(), PlanAction.VIEW, plan):
        abort(403)
    return xlsx_response(
        services.plan_report(
            db.session, plan, agency_name=current_app.config["AGENCY_NAME"], today=local_today()
        )
    )


@blueprint.route("/reports/overdue.xlsx")
@login_required
def overdue_report() -> ResponseReturnValue:
    """The overdue report page as a workbook, with the same filters and the same reach."""
    viewer = current_viewer()
    if not (viewer.is_manager or viewer.is_personnel or viewer.is_admin):
        abort(403)
    return xlsx_response(
        overdue.overdue_report(
            db.session,
            viewer,
            local_today(),
            overdue_filter_args(),
            agency_name=current_app.config["AGENCY_NAME"],
        )
    )


@blueprint.route("/reports/rankings/<period(month,quarter,year):key>.xlsx")
@login_required
def unit_ranking(key: str) -> ResponseReturnValue:
    """The ranking page as a workbook: the same units in reach (403 for employees)."""
    period = Period.from_key(key)  # the converter let no week through
    units = units_in_reach(current_viewer())
    return xlsx_response(
        services.unit_ranking(
            db.session,
            units,
            period,
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
        )
    )


@blueprint.route("/reports/emulation/<year:year>.xlsx")
@login_required
def emulation_list(year: int) -> ResponseReturnValue:
    """The emulation page's proposals as the list the council receives."""
    units = units_in_reach(current_viewer())
    return xlsx_response(
        services.emulation_list(
            db.session,
            units,
            year,
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
        )
    )


# --- the official forms: each as a print page, a PDF and a workbook of the same HTML --------


def _form_routes(path: str) -> Callable[[Callable[..., ResponseReturnValue]], Callable]:
    """One endpoint, three rules: `<path>/print`, `<path>.pdf` and `<path>.xlsx`."""

    def register(view: Callable[..., ResponseReturnValue]) -> Callable:
        for suffix, fmt in (("/print", "html"), (".pdf", "pdf"), (".xlsx", "xlsx")):
            blueprint.route(path + suffix, defaults={"fmt": fmt})(view)
        return view

    return register


@blueprint.route("/reports/forms/form.css")
@login_required
def form_stylesheet() -> ResponseReturnValue:
    """The forms' stylesheet for the print pages (no inline style under the CSP)."""
    response = current_app.response_class(stylesheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@_form_routes("/reports/forms/evaluations/<year:year>/people/<id:person_id>")
@login_required
def evaluation_form(year: int, person_id: int, fmt: str) -> ResponseReturnValue:
    """Mẫu số 01/02/03 or Decree 335's form, for whoever may open the evaluation page."""
    access = get_evaluation_or_404(year, person_id)
    person, evaluation = access.person, access.evaluation
    rendered = forms_documents.evaluation_form(
        db.session, person, year, evaluation, rulebook_result(person, year, evaluation)
    )
    return forms_documents.respond(rendered, fmt, "Phiếu đánh giá")


def _unit_or_404(unit_id: int) -> Unit:
    """The unit, if the viewer reaches it: the summary, the report and the minutes alike."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not current_viewer().reaches_unit(unit):
        abort(403)
    return unit


@_form_routes("/reports/forms/evaluations/<year:year>/units/<id:unit_id>/minutes")
@login_required
def meeting_minutes(year: int, unit_id: int, fmt: str) -> ResponseReturnValue:
    """The minutes of the unit's collective meeting, for those who may see its summary."""
    unit = _unit_or_404(unit_id)
    rendered = forms_documents.meeting_minutes(db.session, unit, year, local_today())
    return forms_documents.respond(rendered, fmt, "Biên bản họp")


@_form_routes("/reports/forms/evaluations/<year:year>/units/<id:unit_id>/report")
@login_required
def unit_report(year: int, unit_id: int, fmt: str) -> ResponseReturnValue:
    """The unit's report of the year's results, for those who may see its summary."""
    unit = _unit_or_404(unit_id)
    rendered = forms_documents.unit_report(db.session, unit, year, local_today())
    return forms_documents.respond(rendered, fmt, "Báo cáo")


@_form_routes("/reports/forms/emulation/<year:year>")
@login_required
def emulation_form(year: int, fmt: str) -> ResponseReturnValue:
    """The emulation list as the official list, over the same units as the emulation page."""
    units = units_in_reach(current_viewer())
    rendered = forms_documents.emulation_form(db.session, units, year, local_today())
    return forms_documents.respond(rendered, fmt, "Danh sách đề nghị")


@blueprint.app_context_processor
def _forms_year() -> dict[str, Callable[[], int]]:
    """`forms_year()` for pages without a year of their own (the unit page): this year, whose
    evaluation the December forms are made for."""
    return {"forms_year": lambda: local_today().year}


@blueprint.app_context_processor
def _summary_units() -> dict[str, Callable[[], list[Unit]]]:
    """`summary_units()` for the evaluations page: the top units of the viewer's reach, the
    subtrees a summary may be downloaded for. A function, so pages that don't ask pay nothing."""

    def summary_units() -> list[Unit]:
        viewer = current_viewer()
        if viewer.is_admin:
            return list(db.session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))))
        paths = sorted(set(viewer.reach_paths))
        tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
        return list(
            db.session.scalars(sa.select(Unit).where(Unit.path.in_(tops)).order_by(Unit.path))
        )

    return {"summary_units": summary_units}
