"""What every route does after a service call: commit once, or show why nothing was saved."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _

from evaluation.core.db import commit_or_conflict, db
from evaluation.core.errors import Conflict, DomainError


def commit(success_message: str) -> bool:
    """Commit the request's work; a stale version (another tab saved first) saves nothing."""
    try:
        commit_or_conflict(db.session)
    except Conflict:
        flash(
            _(
                "Dữ liệu vừa được người khác thay đổi. Hãy tải lại trang để xem bản mới trước "
                "khi lưu."
            ),
            "error",
        )
        return False
    flash(success_message, "success")
    return True


def show_domain_error(form: Any, error: DomainError) -> int:
    """Roll back, then put the message next to the field at fault, or in the form's summary.

    Returns the status of the page that shows the form again with what was typed: 409 when
    another tab saved first, 422 when a rule refused the input. Without a form (a button on a
    page that is redirected to) the message is flashed instead.
    """
    db.session.rollback()
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    elif form is not None and hasattr(form, "form_errors"):
        form.form_errors = [*form.form_errors, error.message]
    else:
        flash(error.message, "error")
    return refusal_status(error)


def flash_form_errors(form: Any) -> None:
    """Flash every error of a form that will not be shown again (a button on a page that is
    redirected to, or a step no longer open): the messages still reach the user."""
    for message in [m for field in form for m in field.errors] + list(form.form_errors):
        flash(str(message), "error")


def refusal_status(error: DomainError | None = None) -> int:
    """The status of a form shown again after a refusal: 409 for a conflict, else 422."""
    return 409 if isinstance(error, Conflict) else 422
