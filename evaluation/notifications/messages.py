"""The words of each event: its name on the settings page, its sentence, and the page it opens.

Built when shown, from the notification's `params`, so the same row reads in Vietnamese on a
Vietnamese page and in English on an English one, and its link follows the routes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from criteria import Level
from criteria.procedure import Step
from evaluation.core.labels import LABELS, register_labels
from evaluation.core.templating import format_date
from evaluation.notifications.models import EventKind
from evaluation.plans.periods import Period, PeriodKind

# In the order of the settings page.
KIND_NAMES: dict[EventKind, LazyString] = {
    EventKind.PLAN_SUBMITTED: _l("Kế hoạch được gửi đến tôi để duyệt"),
    EventKind.PLAN_RETURNED: _l("Kế hoạch của tôi bị trả lại"),
    EventKind.PLAN_APPROVED: _l("Kế hoạch của tôi được duyệt"),
    EventKind.TASK_ASSIGNED: _l("Tôi được giao nhiệm vụ"),
    EventKind.OVERDUE_DIGEST: _l("Tổng hợp nhiệm vụ quá hạn (sáng thứ Hai)"),
    EventKind.STEP_WAITING: _l("Hồ sơ đánh giá năm chờ tôi xử lý"),
    EventKind.DECISION_DEADLINE: _l("Nhắc hạn quyết định xếp loại 15 tháng 12"),
    EventKind.DECISION_NOTIFIED: _l("Kết quả xếp loại của tôi được thông báo"),
}
# The audit trail names the events a person turned off by these words, not their codes.
register_labels("event_kind", KIND_NAMES)


def period_params(period: Period) -> dict[str, Any]:
    return {"kind": period.kind.value, "year": period.year, "number": period.number}


def _period(params: dict[str, Any]) -> str:
    raw = params["period"]
    return Period(PeriodKind(raw["kind"]), raw["year"], raw["number"]).label


def _day(params: dict[str, Any], name: str) -> str:
    return format_date(date.fromisoformat(params[name]))


def sentence(kind: EventKind, params: dict[str, Any]) -> str:
    """What happened, in the current language (`force_locale` for an email)."""
    if kind is EventKind.PLAN_SUBMITTED:
        return _(
            "%(person)s đã gửi kế hoạch %(period)s để duyệt.",
            person=params["person"],
            period=_period(params),
        )
    if kind is EventKind.PLAN_RETURNED:
        return _(
            "Kế hoạch %(period)s của bạn bị trả lại. Lý do: %(comment)s",
            period=_period(params),
            comment=params.get("comment") or "",
        )
    if kind is EventKind.PLAN_APPROVED:
        return _("Kế hoạch %(period)s của bạn đã được duyệt.", period=_period(params))
    if kind is EventKind.TASK_ASSIGNED:
        return _(
            "Bạn được giao nhiệm vụ “%(title)s”, hạn hoàn thành %(deadline)s.",
            title=params["title"],
            deadline=_day(params, "deadline"),
        )
    if kind is EventKind.OVERDUE_DIGEST:
        return ngettext(
            "Bạn có %(num)d nhiệm vụ đã quá hạn mà chưa hoàn thành.",
            "Bạn có %(num)d nhiệm vụ đã quá hạn mà chưa hoàn thành.",
            params["count"],
        )
    if kind is EventKind.STEP_WAITING:
        return _(
            "Hồ sơ đánh giá năm %(year)s của %(person)s đang chờ bạn: %(step)s.",
            year=params["year"],
            person=params["person"],
            step=LABELS["step"][Step(params["step"])],
        )
    if kind is EventKind.DECISION_DEADLINE:
        return ngettext(
            "Còn %(days)s ngày đến hạn quyết định xếp loại năm %(year)s (%(deadline)s): "
            "%(num)d người chưa có quyết định.",
            "Còn %(days)s ngày đến hạn quyết định xếp loại năm %(year)s (%(deadline)s): "
            "%(num)d người chưa có quyết định.",
            params["count"],
            days=params["days"],
            year=params["year"],
            deadline=_day(params, "deadline"),
        )
    if kind is EventKind.DECISION_NOTIFIED:
        return _(
            "Kết quả đánh giá, xếp loại năm %(year)s của bạn: %(level)s.",
            year=params["year"],
            level=LABELS["level"][Level(params["level"])],
        )
    raise ValueError(kind)


def target(kind: EventKind, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The endpoint and values of the page a notification opens."""
    if kind in (
        EventKind.PLAN_SUBMITTED,
        EventKind.PLAN_RETURNED,
        EventKind.PLAN_APPROVED,
        EventKind.TASK_ASSIGNED,
    ):
        return "plans.plan_detail", {"plan_id": params["plan_id"]}
    if kind is EventKind.OVERDUE_DIGEST:
        return "plans.my_plans", {}
    if kind in (EventKind.STEP_WAITING, EventKind.DECISION_NOTIFIED):
        return "scoring.evaluation_page", {"year": params["year"], "person_id": params["person_id"]}
    if kind is EventKind.DECISION_DEADLINE:
        return "scoring.evaluations_year", {"year": params["year"]}
    raise ValueError(kind)
