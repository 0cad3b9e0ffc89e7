"""A person's leave and discipline records, entered by the personnel office."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from criteria import DisciplineForm
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.permissions import current_viewer
from evaluation.core.views import commit, show_domain_error
from evaluation.organisation.models import Person
from evaluation.records import services
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.scoring.decided import decided_years
from evaluation.scoring.forms import DisciplineRecordForm, LeaveForm

blueprint = Blueprint("records", __name__)


def _person_for_records(person_id: int) -> Person:
    person = db.session.scalars(
        sa.select(Person).options(joinedload(Person.unit)).where(Person.id == person_id)
    ).first()
    if person is None:
        abort(404)
    if not current_viewer().can_keep_records(person):
        abort(403)
    return person


@blueprint.route("/people/<id:person_id>/records", methods=["GET", "POST"])
@login_required
def person_records(person_id: int) -> ResponseReturnValue:
    person = _person_for_records(person_id)
    leave_form = LeaveForm(prefix="leave")
    discipline_form = DisciplineRecordForm(prefix="discipline")
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if "leave-kind" in request.form and leave_form.validate_on_submit():
                services.add_leave(
                    db.session,
                    person,
                    kind=LeaveKind(leave_form.kind.data),
                    starts_on=leave_form.starts_on.data,
                    ends_on=leave_form.ends_on.data,
                    note=leave_form.note.data,
                    actor_id=current_user.id,
                )
            elif "discipline-form" in request.form and discipline_form.validate_on_submit():
                services.add_discipline(
                    db.session,
                    person,
                    violation=discipline_form.violation.data,
                    decision_number=discipline_form.decision_number.data,
                    effective_on=discipline_form.effective_on.data,
                    form=DisciplineForm(discipline_form.form.data),
                    party=discipline_form.party.data,
                    duty_related=discipline_form.duty_related.data,
                    counted_in_year=discipline_form.counted_in_year.data,
                    actor_id=current_user.id,
                )
            else:
                raise DomainError(_("Vui lòng kiểm tra lại các trường được đánh dấu."))
        except DomainError as error:
            form = leave_form if "leave-kind" in request.form else discipline_form
            show_domain_error(form, error)
        else:
            if commit(_("Đã ghi hồ sơ.")):
                return redirect(url_for("records.person_records", person_id=person.id))
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
        leave_form=leave_form,
        discipline_form=discipline_form,
        decided=decided_years(db.session, person.id),
    ), status
