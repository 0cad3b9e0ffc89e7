"""Email of notifications: written by `notify`, sent by the job `notifications.email` after the
request's commit (`core.jobs`), never inside the request.

A refused or unreachable server never fails the job in a way that loses the record: the
attempt and its error are written on the email, another job is queued until
MAIL_MAX_ATTEMPTS, and then the email is kept as failed.
"""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from evaluation.core import jobs
from evaluation.core.db import utcnow
from evaluation.notifications.messages import sentence, target
from evaluation.notifications.models import EmailState, Notification, NotificationEmail
from evaluation.notifications.services import EMAIL_JOB

DEFAULT_LANGUAGE = "vi"  # accounts keep no language of their own: the agencies' language


def page_url(endpoint: str, values: dict[str, Any]) -> str:
    """The full address of a page, for a message read outside the application."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['BASE_URL']}{path}"


def compose(notification: Notification) -> tuple[str, str]:
    """Subject and body, in the recipient's language."""
    user = notification.user
    link = page_url(*target(notification.kind, notification.params))
    with force_locale(DEFAULT_LANGUAGE):
        what = sentence(notification.kind, notification.params)
        body = "\n\n".join(
            (
                _("Kính gửi %(name)s,", name=user.display_name),
                what,
                _("Xem chi tiết: %(url)s", url=link),
                "—\n"
                + _(
                    "Thư gửi tự động từ hệ thống đánh giá, xếp loại của %(agency)s. Để thôi "
                    "nhận thư về loại việc này, vào: %(url)s",
                    agency=current_app.config.get("AGENCY_NAME", ""),
                    url=page_url("notifications.settings", {}),
                ),
            )
        )
    return what[:300], body


def deliver(to_address: str, subject: str, body: str) -> None:
    """Hand one message to the configured SMTP server (smtplib; raises what it refuses)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(("danhgia", config["MAIL_FROM"]))
    message["To"] = to_address
    message["Subject"] = subject
    message.set_content(body)
    client = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with client(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


@jobs.handler(EMAIL_JOB)
def send_email(context: jobs.JobContext, email_id: int) -> dict[str, Any]:
    """Send one email; a refusal is recorded on it and tried again by a new job."""
    session = context.session
    email = session.get(NotificationEmail, email_id)
    if email is None or email.state is not EmailState.QUEUED:
        return {"sent": False, "skipped": True}  # sent already, or given up
    config = current_app.config
    if email.attempts:  # a retry: give the server a moment
        time.sleep(min(config["MAIL_RETRY_DELAY"] * email.attempts, 300))
    email.subject, email.body = compose(email.notification)
    email.attempts += 1
    try:
        deliver(email.to_address, email.subject, email.body)
    except (OSError, ValueError, smtplib.SMTPException) as error:  # ValueError: a bad address
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            email.state = EmailState.FAILED
        else:
            jobs.enqueue(session, EMAIL_JOB, {"email_id": email.id})
        return {"sent": False, "attempts": email.attempts}
    email.state, email.sent_at, email.last_error = EmailState.SENT, utcnow(), None
    return {"sent": True, "attempts": email.attempts}
