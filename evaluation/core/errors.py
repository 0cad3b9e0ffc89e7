"""Domain errors raised by services; routes turn them into form errors or 4xx pages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(DomainError):
    """Somebody else saved the same object since this form was loaded."""
