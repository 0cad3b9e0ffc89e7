"""The organisation tree, a unit's people, and a person's placement history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.listing import search_arg
from evaluation.core.views import commit, show_domain_error
from evaluation.organisation import services
from evaluation.organisation.forms import PlacementForm
from evaluation.organisation.models import Person, Placement, Unit
from evaluation.organisation.permissions import Viewer, current_viewer

blueprint = Blueprint("organisation", __name__, url_prefix="/organisation")


@blueprint.app_context_processor
def _viewer() -> dict[str, Viewer | None]:
    """Every template may ask what the account reaches (`viewer.is_personnel` …)."""
    return {"viewer": current_viewer() if current_user.is_authenticated else None}


@blueprint.route("/")
@login_required
def tree() -> ResponseReturnValue:
    """The tree for the personnel office and administrators: units with their head counts."""
    viewer = current_viewer()
    if not (viewer.is_personnel or viewer.is_admin):
        abort(403)
    rows = services.units_with_counts(db.session, viewer)
    return render_template("organisation/tree.html", rows=rows)


@blueprint.route("/units/<id:unit_id>")
@login_required
def unit_detail(unit_id: int) -> ResponseReturnValue:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not current_viewer().reaches_unit(unit):
        abort(403)
    search = search_arg()
    people = db.session.scalars(
        sa.select(Person)
        .where(Person.unit_id == unit.id, services.name_matches(search))
        .order_by(Person.full_name)
    ).all()
    return render_template(
        "organisation/unit.html", unit=unit, people=people, children=unit.children, q=search
    )


@blueprint.route("/people/<id:person_id>")
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


@blueprint.route("/people/<id:person_id>/placement", methods=["GET", "POST"])
@login_required
def person_placement(person_id: int) -> ResponseReturnValue:
    """Move a person or change their role from a date: an administrator or the personnel
    office; leaders only from the office above (`services.change_placement`)."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    viewer = current_viewer()
    if not viewer.can_place(person):
        abort(403)
    current = services.open_placement(db.session, person)
    form = PlacementForm(
        units=services.placeable_units(db.session, viewer),
        current_start=current.starts_on,
        unit_id=person.unit_id,
        role=person.leadership_role.value,
        job_position=person.job_position,
        starts_on=local_today(),
    )
    if form.validate_on_submit():
        try:
            changed = services.change_placement(
                db.session,
                viewer,
                person,
                unit=db.session.get_one(Unit, form.unit_id.data),  # one of the choices
                role=form.leadership_role,
                job_position=form.job_position.data,
                on=form.starts_on.data,
                actor_id=current_user.id,
                reason=form.reason.data,
            )
        except DomainError as error:
            show_domain_error(form, error)
        except IntegrityError:  # a head named by someone else since the check
            db.session.rollback()
            form.role.errors = [*form.role.errors, services.head_race_refusal()]
        else:
            if not changed:
                db.session.rollback()
                flash(_("Không có gì thay đổi."), "info")
                return redirect(url_for("organisation.person_detail", person_id=person_id))
            if commit(_("Đã cập nhật đơn vị, chức vụ của %(name)s.", name=person.full_name)):
                return redirect(url_for("organisation.person_detail", person_id=person_id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "organisation/placement.html", form=form, person=person, current=current
    ), status
