"""What an account reaches in the unit tree, and the checks of the organisation's own pages.

Each area answers "may this account do this to this object?" for its own objects, from this
reach: `plans.permissions`, `records.permissions`, `scoring.permissions`. Detail pages call
those checks; lists filter in SQL with the scopes built from the same reach, so a list never
shows what its detail page would refuse. The reach lives here, with the unit tree it walks; the
account that has it builds it (`accounts.models.User.viewer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user
from sqlalchemy.orm import Session

from evaluation.organisation.models import LeadershipRole, Person, Unit

# Beyond this many units in reach a scope keeps the subquery: such a reach (a province's
# personnel office) covers most rows anyway, so a full read is the right plan, and the list
# would only lengthen the statement. A 1 500-unit province's office stays under it.
MAX_LISTED_UNITS = 5000


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
    # The ids of the units in reach, read once (`reach_unit_ids`); the viewer lives one request.
    _unit_ids: list[tuple[int, ...]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

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

    def reach_unit_ids(self, session: Session) -> tuple[int, ...]:
        """The ids of the units in reach, read on first use and kept for the viewer's life
        (one request), so the several lists of a page read them once."""
        if not self._unit_ids:
            ids = session.scalars(self.unit_ids_in_reach()) if self.reach_paths else ()
            self._unit_ids.append(tuple(ids))
        return self._unit_ids[0]

    def units_in_reach(
        self, column: sa.ColumnElement[int], session: Session | None = None
    ) -> sa.ColumnElement[bool]:
        """`column` names a unit in reach. With a session, as the list of their ids: inside an
        OR (one's own rows, or those of the units in reach) PostgreSQL cannot use an index for
        a subquery and reads the whole table, while a list it serves from the indexes. Without
        one, or for a reach too wide to list (`MAX_LISTED_UNITS`), as the subquery."""
        if not self.reach_paths:
            return sa.false()
        if session is not None:
            ids = self.reach_unit_ids(session)
            if len(ids) <= MAX_LISTED_UNITS:
                return column.in_(ids)
        return column.in_(self.unit_ids_in_reach())

    def person_scope(self, session: Session | None = None) -> sa.ColumnElement[bool]:
        """The people a list may show: oneself, and those placed in units in reach (as a list
        of ids when `session` is given: `units_in_reach`)."""
        if self.is_admin:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.person_id is not None:
            conditions.append(Person.id == self.person_id)
        if self.reach_paths:
            conditions.append(self.units_in_reach(Person.unit_id, session))
        return sa.or_(sa.false(), *conditions)


def current_viewer() -> Viewer:
    """The logged-in account's reach, computed once per request."""
    if "viewer" not in g:
        if not current_user.is_authenticated:
            abort(401)
        g.viewer = current_user.viewer()  # the account builds its reach (accounts.models)
    return g.viewer
