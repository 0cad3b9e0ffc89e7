"""The to-do page ("Việc cần làm"): what `/` shows after sign-in."""

from __future__ import annotations

from flask import Blueprint, render_template
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
