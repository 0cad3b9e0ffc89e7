"""The email settings form, and the button-only form of the list (CSRF)."""

from __future__ import annotations

from wtforms import BooleanField

from evaluation.core.forms import BaseForm
from evaluation.notifications.messages import KIND_NAMES
from evaluation.notifications.models import EventKind


class MarkReadForm(BaseForm):
    """Mark one, or all, as read: a POST like any change."""


class EmailSettingsForm(BaseForm):
    """One box per event, named by its value: ticked, it comes by email too; the bell shows
    every event whatever is ticked."""

    def wanted(self) -> set[EventKind]:
        return {kind for kind in KIND_NAMES if self[kind.value].data}

    def fields(self) -> list[BooleanField]:
        return [self[kind.value] for kind in KIND_NAMES]


for _kind, _name in KIND_NAMES.items():
    setattr(EmailSettingsForm, _kind.value, BooleanField(_name))
