"""Errors raised by the rulebook, each naming what the caller has to fix."""

from __future__ import annotations


class InvalidFacts(ValueError):
    """Input that breaks the contract; `field` is the path, e.g. ``tasks[3].on_time``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def within(self, prefix: str) -> InvalidFacts:
        """The same error, with its path placed under `prefix` (an item of a list)."""
        field = f"{prefix}.{self.field}" if not self.field.startswith("[") else prefix + self.field
        return InvalidFacts(field, self.message)


class CriteriaSetError(ValueError):
    """A criteria set file that does not follow the schema of criteria/sets/."""

    def __init__(self, name: str, path: str, message: str) -> None:
        super().__init__(f"criteria set {name}: {path}: {message}")
        self.name = name
        self.path = path
        self.message = message
