"""The audit trail page and its export, with the same filters."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from evaluation.audit import services
from evaluation.core.clock import local_today
from evaluation.core.converters import FIRST_YEAR, LAST_YEAR
from evaluation.core.db import db
from evaluation.core.listing import search_arg
from evaluation.core.workbook import xlsx_response
from evaluation.organisation.permissions import current_viewer

blueprint = Blueprint("audit", __name__)


def _day_arg(name: str) -> date | None:
    """A day typed in a date box (yyyy-mm-dd); anything else, or out of range, is no filter."""
    try:
        day = date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _filters() -> services.TrailFilter:
    kind = request.args.get("kind") or None
    return services.TrailFilter(
        actor=search_arg(),
        kind=kind if kind in services.KINDS else None,
        since=_day_arg("since"),
        until=_day_arg("until"),
    )


def _check_viewer() -> None:
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)


@blueprint.route("/audit")
@login_required
def trail() -> ResponseReturnValue:
    _check_viewer()
    page = request.args.get("page", default=1, type=int)
    if page < 1 or page > 100_000:
        abort(404)
    filters = _filters()
    entries, more = services.page_of(db.session, current_viewer(), page, filters)
    args = {
        "q": filters.actor or None,
        "kind": filters.kind,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }
    return render_template(
        "audit/trail.html",
        entries=entries,
        page=page,
        more=more,
        filters=filters,
        args=args,
        kinds=services.KINDS,
        readable=services.readable,
        reason_of=services.reason_of,
    )


@blueprint.route("/audit.xlsx")
@login_required
def trail_export() -> ResponseReturnValue:
    _check_viewer()
    return xlsx_response(
        services.export(
            db.session,
            current_viewer(),
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
            filters=_filters(),
        )
    )
