"""The bell's list and the email settings; `flask notify scheduled` for cron."""

from __future__ import annotations

from datetime import date

import click
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.notifications import mail, services, subscribers  # noqa: F401  (handlers)
from evaluation.notifications.forms import EmailSettingsForm, MarkReadForm
from evaluation.notifications.messages import sentence, target
from evaluation.notifications.models import Notification
from evaluation.notifications.scheduled import run_scheduled

blueprint = Blueprint("notifications", __name__, cli_group="notify")


@blueprint.app_context_processor
def _bell() -> dict[str, object]:
    """The bell's count, queried only by a page that shows it (signed in)."""

    def unread_notifications() -> int:
        try:
            return services.unread_count(db.session, current_user.id)
        except SQLAlchemyError:  # an error page for a busy database: the bell waits, no 500
            db.session.rollback()
            return 0

    return {"unread_notifications": unread_notifications}


def _own_or_403(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    if notification.user_id != current_user.id:  # another's notification: never theirs to read
        abort(403)
    return notification


@blueprint.route("/notifications")
@login_required
def inbox() -> ResponseReturnValue:
    notifications = services.latest(db.session, current_user.id)
    return render_template(
        "notifications/inbox.html",
        items=[(n, sentence(n.kind, n.params), _link(n)) for n in notifications],
        unread=any(n.read_at is None for n in notifications),
        form=MarkReadForm(),
    )


def _link(notification: Notification) -> str:
    endpoint, values = target(notification.kind, notification.params)
    return url_for(endpoint, **values)


@blueprint.route("/notifications/<id:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    notification = _own_or_403(notification_id)
    if MarkReadForm().validate_on_submit():
        services.mark_read(db.session, notification)
        db.session.commit()
    return redirect(url_for("notifications.inbox"))


@blueprint.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all() -> ResponseReturnValue:
    if MarkReadForm().validate_on_submit():
        count = services.mark_all_read(db.session, current_user.id)
        db.session.commit()
        if count:
            flash(_("Đã đánh dấu tất cả thông báo là đã đọc."), "success")
    return redirect(url_for("notifications.inbox"))


@blueprint.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    form = EmailSettingsForm()
    if form.validate_on_submit():
        changed = services.set_emailed_kinds(
            db.session, current_user.id, form.wanted(), actor_id=current_user.id
        )
        db.session.commit()
        flash(_("Đã lưu cài đặt nhận thư.") if changed else _("Cài đặt không thay đổi."), "success")
        return redirect(url_for("notifications.settings"))
    if not form.is_submitted():
        wanted = services.emailed_kinds(db.session, current_user.id)
        for field_kind in wanted:
            form[field_kind.value].data = True
    return render_template(
        "notifications/settings.html",
        form=form,
        mail_on=services.mail_configured(),
        has_address=bool(current_user.person and current_user.person.email),
    )


@blueprint.cli.command("scheduled")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def scheduled_command(today: object) -> None:
    """The Monday overdue digest and the 15 December reminders (cron: daily; idempotent)."""
    day: date = today.date() if today is not None else local_today()  # type: ignore[attr-defined]
    with db.transaction() as session:
        result = run_scheduled(session, day)
    click.echo(
        f"{day.isoformat()}: {result.overdue_digests} overdue digests, "
        f"{result.deadline_reminders} deadline reminders"
    )
