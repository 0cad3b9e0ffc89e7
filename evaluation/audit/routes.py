"""The audit trail page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from evaluation.audit import services
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.workbook import xlsx_response
from evaluation.organisation.permissions import current_viewer

blueprint = Blueprint("audit", __name__)


@blueprint.route("/audit")
@login_required
def trail() -> ResponseReturnValue:
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)
    page = request.args.get("page", default=1, type=int)
    if page < 1 or page > 100_000:
        abort(404)
    entries, more = services.page_of(db.session, viewer, page)
    return render_template("audit/trail.html", entries=entries, page=page, more=more)


@blueprint.route("/audit.xlsx")
@login_required
def trail_export() -> ResponseReturnValue:
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)
    return xlsx_response(
        services.export(
            db.session,
            viewer,
            agency_name=current_app.config["AGENCY_NAME"],
            today=local_today(),
        )
    )
