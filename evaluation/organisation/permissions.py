"""What an account reaches in the unit tree, and the checks of the organisation's own pages.

Each area answers "may this account do this to this object?" for its own objects, from this
reach: `plans.permissions`, `records.permissions`, `scoring.permissions`. Detail pages call
those checks; lists filter in SQL with the scopes built from the same reach, so a list never
shows what its detail page would refuse. The reach lives here, with the unit tree it walks; the
account that has it builds it (`accounts.models.User.viewer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from evaluation.organisation.models import LeadershipRole, Person, Unit


@dataclass(frozen=True)
class Viewer:
    """What one account reaches in the unit tree, resolved once per request."""

    user_id: int
    person_id: int | None
    is_admin: bool = False
    managed_unit_id: int | None = None
    managed_path: str | None = None
    managed_role: LeadershipRole = LeadershipRole.NONE
    served_path: str | None = None
    # A leader's own unit while a delegation or acting-head assignment elsewhere is in force:
    # still in sight, no longer managed (`accounts.models.User.viewer`).
    lent_paths: tuple[str, ...] = ()

    @property
    def is_manager(self) -> bool:
        return self.managed_path is not None

    @property
    def is_personnel(self) -> bool:
        return self.served_path is not None

    @property
    def reach_paths(self) -> tuple[str, ...]:
        """The subtrees this account may read beyond its own records."""
        return tuple(
            path for path in (self.managed_path, self.served_path, *self.lent_paths) if path
        )

    # --- units and people -------------------------------------------------------------

    def reaches_unit(self, unit: Unit) -> bool:
        return self.is_admin or any(unit.path.startswith(path) for path in self.reach_paths)

    def can_view_person(self, person: Person) -> bool:
        return person.id == self.person_id or self.reaches_unit(person.unit)

    def manages(self, person: Person) -> bool:
        """Head or deputy above this person: approves plans, assigns tasks, scores.

        Inside the manager's own unit, only the head acts on a deputy, and nobody on the
        head: a unit's head answers to the leaders of the unit above.
        """
        if self.managed_path is None or person.id == self.person_id:
            return False
        if not person.unit.path.startswith(self.managed_path):
            return False
        if person.unit_id == self.managed_unit_id and person.leadership_role.is_leader:
            return (
                self.managed_role is LeadershipRole.HEAD
                and person.leadership_role is LeadershipRole.DEPUTY
            )
        return True

    def can_set_leadership(self, unit: Unit) -> bool:
        """Who makes someone head or deputy of a unit, or ends it: an administrator, or the
        personnel office of a unit above it (an office does not appoint its own unit's
        leaders). The placement page and the staff import both ask this."""
        if self.is_admin:
            return True
        served = self.served_path
        return served is not None and unit.path != served and unit.path.startswith(served)

    def can_place(self, person: Person) -> bool:
        """Move a person or change their role (the placement page): an administrator, or the
        personnel office serving their unit; never one's own record. Leaders need more:
        `can_set_leadership`."""
        if person.id == self.person_id:
            return False
        served = self.served_path is not None and person.unit.path.startswith(self.served_path)
        return self.is_admin or served

    def manages_unit_plan(self, unit: Unit) -> bool:
        """A unit's own plan is kept by its head and approved from the unit above."""
        return (
            self.managed_path is not None
            and unit.path.startswith(self.managed_path)
            and unit.id != self.managed_unit_id
        )

    # --- SQL filters for lists ---------------------------------------------------------

    def unit_ids_in_reach(self) -> sa.Select[tuple[int]]:
        return sa.select(Unit.id).where(
            sa.or_(*(Unit.path.startswith(path) for path in self.reach_paths))
        )

    def person_scope(self) -> sa.ColumnElement[bool]:
        if self.is_admin:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.person_id is not None:
            conditions.append(Person.id == self.person_id)
        if self.reach_paths:
            conditions.append(Person.unit_id.in_(self.unit_ids_in_reach()))
        return sa.or_(sa.false(), *conditions)


def current_viewer() -> Viewer:
    """The logged-in account's reach, computed once per request."""
    if "viewer" not in g:
        if not current_user.is_authenticated:
            abort(401)
        g.viewer = current_user.viewer()  # the account builds its reach (accounts.models)
    return g.viewer
