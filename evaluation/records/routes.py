"""A person's leave and discipline records, entered by the personnel office."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload

from criteria import DisciplineForm
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.views import commit, refusal_status, show_domain_error
from evaluation.organisation.models import Person
from evaluation.organisation.permissions import current_viewer
from evaluation.plans.decided import decided_years
from evaluation.records import services
from evaluation.records.forms import DisciplineRecordForm, LeaveForm
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.records.permissions import can_keep_records

blueprint = Blueprint("records", __name__)


def _person_for_records(person_id: int) -> Person:
    person = db.session.scalars(
        sa.select(Person).options(joinedload(Person.unit)).where(Person.id == person_id)
    ).first()
    if person is None:
        abort(404)
    if not can_keep_records(current_viewer(), person):
        abort(403)
    return person


@blueprint.route("/people/<id:person_id>/records")
@login_required
def person_records(person_id: int) -> ResponseReturnValue:
    return _records_page(_person_for_records(person_id))


@blueprint.route("/people/<id:person_id>/records/leave", methods=["POST"])
@login_required
def add_leave(person_id: int) -> ResponseReturnValue:
    person = _person_for_records(person_id)
    form = LeaveForm(prefix="leave")
    return _save_record(
        person,
        form,
        "leave_form",
        lambda: services.add_leave(
            db.session,
            person,
            kind=LeaveKind(form.kind.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            note=form.note.data,
            actor_id=current_user.id,
        ),
    )


@blueprint.route("/people/<id:person_id>/records/discipline", methods=["POST"])
@login_required
def add_discipline(person_id: int) -> ResponseReturnValue:
    person = _person_for_records(person_id)
    form = DisciplineRecordForm(prefix="discipline")
    return _save_record(
        person,
        form,
        "discipline_form",
        lambda: services.add_discipline(
            db.session,
            person,
            violation=form.violation.data,
            decision_number=form.decision_number.data,
            effective_on=form.effective_on.data,
            form=DisciplineForm(form.form.data),
            party=form.party.data,
            duty_related=form.duty_related.data,
            counted_in_year=form.counted_in_year.data,
            actor_id=current_user.id,
        ),
    )


def _save_record(
    person: Person, form: FlaskForm, form_name: str, write: Callable[[], object]
) -> ResponseReturnValue:
    """Validate, write, commit, redirect; a refusal shows the page with this form as typed."""
    if not form.validate_on_submit():
        return _records_page(person, **{form_name: form}), refusal_status()
    try:
        write()
    except DomainError as error:
        status = show_domain_error(form, error)
        return _records_page(person, **{form_name: form}), status
    if not commit(_("Đã ghi hồ sơ.")):
        return _records_page(person, **{form_name: form}), 409
    return redirect(url_for("records.person_records", person_id=person.id))


def _records_page(
    person: Person,
    *,
    leave_form: LeaveForm | None = None,
    discipline_form: DisciplineRecordForm | None = None,
) -> str:
    """The page, with the form just refused as it was typed and the other one blank."""
    leaves = db.session.scalars(
        sa.select(LeaveRecord)
        .where(LeaveRecord.person_id == person.id)
        .order_by(LeaveRecord.starts_on)
    ).all()
    disciplines = db.session.scalars(
        sa.select(DisciplineRecord)
        .where(DisciplineRecord.person_id == person.id)
        .order_by(DisciplineRecord.effective_on)
    ).all()
    return render_template(
        "records/person_records.html",
        person=person,
        leaves=leaves,
        disciplines=disciplines,
        leave_form=leave_form or LeaveForm(prefix="leave", formdata=None),
        discipline_form=discipline_form or DisciplineRecordForm(prefix="discipline", formdata=None),
        decided=decided_years(db.session, person.id),
    )
