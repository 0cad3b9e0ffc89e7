"""Upload, preview and confirm routes for the Excel imports."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from evaluation.accounts.admin import issue_logins
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.views import commit, show_domain_error
from evaluation.core.workbook import Export, xlsx_response
from evaluation.imports import services, staff, tasks
from evaluation.imports.changes import ImportInvalid
from evaluation.imports.forms import ConfirmForm, TaskUploadForm, UploadForm
from evaluation.imports.models import ImportBatch, ImportKind, ImportStatus
from evaluation.imports.workbook import MAX_UPLOAD_BYTES, RefusedFile, write_template
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import current_viewer

blueprint = Blueprint("imports", __name__, url_prefix="/imports")


def _require_staff_importer() -> None:
    if not current_viewer().is_personnel:
        abort(403)


def _require_task_importer() -> None:
    if not tasks.may_import(current_viewer()):
        abort(403)


def _read_upload(form: UploadForm) -> bytes:
    # One byte past the limit is enough to know the file is too large.
    return form.file.data.stream.read(MAX_UPLOAD_BYTES + 1)


def get_batch_or_404(batch_id: int) -> ImportBatch:
    """Only its author sees a batch, and only while they may still import that kind."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.created_by_id != current_user.id:
        abort(404)
    if batch.kind is ImportKind.STAFF:
        _require_staff_importer()
    else:
        _require_task_importer()
    return batch


# --- staff lists --------------------------------------------------------------------------


def _answer_upload(
    form: UploadForm, kind: str, upload: Callable[[], services.UploadResult]
) -> ResponseReturnValue:
    """A clean file becomes a pending batch shown in preview; a file with errors lists them
    all (422) and keeps nothing; a file we do not open is refused on the form."""
    try:
        result = upload()
    except RefusedFile as refused:
        form.file.errors = [refused.message]
        return _upload_page(form, kind)
    if result.batch is None:
        db.session.rollback()
        return _upload_page(form, kind, result.errors)
    db.session.commit()
    return redirect(url_for("imports.batch_preview", batch_id=result.batch.id))


def _upload_page(form: UploadForm, kind: str, errors: Sequence[object] = ()) -> ResponseReturnValue:
    status = 422 if form.errors or errors else 200
    return render_template("imports/upload.html", form=form, kind=kind, errors=list(errors)), status


@blueprint.route("/staff", methods=["GET", "POST"])
@login_required
def staff_upload() -> ResponseReturnValue:
    _require_staff_importer()
    form = UploadForm()
    if form.validate_on_submit():
        return _answer_upload(
            form,
            "staff",
            lambda: services.upload_staff(
                db.session,
                current_viewer(),
                _read_upload(form),
                actor_id=current_user.id,
                today=local_today(),
            ),
        )
    return _upload_page(form, "staff")


@blueprint.route("/staff/template.xlsx")
@login_required
def staff_template() -> ResponseReturnValue:
    _require_staff_importer()
    content = write_template(list(staff.template()), staff.INSTRUCTIONS, staff.TEMPLATE_CHOICES)
    return _download(content, "mau-nhap-nhan-su.xlsx")


# --- tasks --------------------------------------------------------------------------------


def _task_form() -> TaskUploadForm:
    viewer = current_viewer()
    form = TaskUploadForm(day=local_today())
    units = db.session.scalars(
        sa.select(Unit).where(Unit.id.in_(viewer.unit_ids_in_reach())).order_by(Unit.path)
    )
    form.unit_id.choices = [SelectChoice(unit.id, "— " * unit.depth + unit.name) for unit in units]
    return form


@blueprint.route("/tasks", methods=["GET", "POST"])
@login_required
def tasks_upload() -> ResponseReturnValue:
    _require_task_importer()
    form = _task_form()
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None:  # the choices hold only units in reach
            abort(404)
        return _answer_upload(
            form,
            "tasks",
            lambda: services.upload_tasks(
                db.session,
                current_viewer(),
                _read_upload(form),
                unit=unit,
                period=form.period,
                actor_id=current_user.id,
            ),
        )
    return _upload_page(form, "tasks")


@blueprint.route("/tasks/template.xlsx")
@login_required
def tasks_template() -> ResponseReturnValue:
    _require_task_importer()
    content = write_template(list(tasks.template()), tasks.INSTRUCTIONS)
    return _download(content, "mau-nhap-nhiem-vu.xlsx")


def _download(content: bytes, name: str) -> ResponseReturnValue:
    return xlsx_response(Export(io.BytesIO(content), name, name))


# --- preview and confirm ------------------------------------------------------------------


@blueprint.route("/batches/<id:batch_id>")
@login_required
def batch_preview(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    if batch.status is not ImportStatus.PENDING:
        flash(_("Lượt nhập này đã được xử lý."), "error")
        return redirect(_back(batch))
    preview = services.preview(db.session, current_viewer(), batch)
    return render_template(
        "imports/preview.html",
        batch=batch,
        preview=preview,
        form=ConfirmForm(),
        earlier=services.applied_before(db.session, batch),
        back=_back(batch),
    )


@blueprint.route("/batches/<id:batch_id>/confirm", methods=["POST"])
@login_required
def batch_confirm(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = services.apply(
            db.session, current_viewer(), batch, actor_id=current_user.id, today=local_today()
        )
    except (ImportInvalid, IntegrityError) as invalid:
        # IntegrityError: a write the checks could not see yet (a head or a code taken by
        # another request meanwhile), refused by the database's own constraints.
        db.session.rollback()
        flash(_("Dữ liệu đã thay đổi từ lúc xem trước; chưa ghi gì. Hãy xem lại lỗi."), "error")
        return render_template(
            "imports/preview.html",
            batch=batch,
            preview=services.preview(db.session, current_viewer(), batch),
            form=form,
            earlier=None,
            back=_back(batch),
            stale_errors=getattr(invalid, "errors", None),
        ), 409
    except DomainError as error:
        show_domain_error(None, error)
        return redirect(_back(batch))
    created = sum(result.count(section, "create") for section in result.sections)
    updated = sum(result.count(section, "update") for section in result.sections)
    logins = []
    if batch.kind is ImportKind.STAFF and form.create_logins.data:
        logins = issue_logins(
            db.session,
            current_viewer(),
            staff.added_people(db.session, result),
            reason=_("Nhập danh sách nhân sự từ tệp Excel"),
        )
    saved = commit(
        _(
            "Đã nhập: %(created)d mục thêm mới, %(updated)d mục cập nhật.",
            created=created,
            updated=updated,
        )
    )
    if saved and logins:  # the one-time passwords, on this response only
        page = render_template("imports/logins.html", logins=logins, back=_back(batch))
        return page, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return redirect(_back(batch))


def _back(batch: ImportBatch) -> str:
    if batch.kind is ImportKind.STAFF:
        return url_for("organisation.tree")
    return url_for("plans.my_unit")
