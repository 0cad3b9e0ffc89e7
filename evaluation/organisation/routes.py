"""The organisation tree, a unit's people, and a person's placement history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy.orm import selectinload

from evaluation.core.db import db
from evaluation.core.permissions import current_viewer
from evaluation.organisation import services
from evaluation.organisation.models import Person, Placement, Unit

blueprint = Blueprint("organisation", __name__, url_prefix="/organisation")


@blueprint.route("/")
@login_required
def tree() -> ResponseReturnValue:
    """The tree for the personnel office and administrators: units with their head counts."""
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)
    rows = services.units_with_counts(db.session, viewer)
    return render_template("organisation/tree.html", rows=rows)


@blueprint.route("/units/<int:unit_id>")
@login_required
def unit_detail(unit_id: int) -> ResponseReturnValue:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not current_viewer().reaches_unit(unit):
        abort(403)
    people = db.session.scalars(
        sa.select(Person).where(Person.unit_id == unit.id).order_by(Person.full_name)
    ).all()
    return render_template(
        "organisation/unit.html", unit=unit, people=people, children=unit.children
    )


@blueprint.route("/people/<int:person_id>")
@login_required
def person_detail(person_id: int) -> ResponseReturnValue:
    person = db.session.scalars(
        sa.select(Person)
        .options(selectinload(Person.placements).joinedload(Placement.unit))
        .where(Person.id == person_id)
    ).first()
    if person is None:
        abort(404)
    if not current_viewer().can_view_person(person):
        abort(403)
    return render_template("organisation/person.html", person=person)
