"""The to-do page ("Việc cần làm"): what `/` shows after sign-in."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.home import services
from evaluation.organisation.permissions import current_viewer

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
@login_required
def todo() -> ResponseReturnValue:
    viewer = current_viewer()
    return render_template("home/todo.html", todo=services.todo(db.session, viewer, local_today()))


@blueprint.route("/admin")
@login_required
def administration() -> ResponseReturnValue:
    """One menu entry for the office's tools (accounts, criteria sets, the close, the log…),
    so the header keeps to one line on a laptop however many tools there are."""
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)
    return render_template("home/administration.html", year=local_today().year)
