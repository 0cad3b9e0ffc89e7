"""Ủy quyền and acting heads (quyền trưởng, phụ trách): who may give them, and the verbs.

Giving one is appointing a leader for a while, so the placement page's rule applies: an
administrator, or the personnel office of a unit above the unit concerned
(`Viewer.can_set_leadership`). Nobody gives one to themselves. While one is in force its holder
manages the unit (`accounts.models.User.viewer`), and an acting head decides for its people
(`organisation.services.deciding_head`).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.core.templating import format_date
from evaluation.organisation.models import Delegation, DelegationKind, LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer


def may_delegate(viewer: Viewer) -> bool:
    """The delegation pages: administrators and personnel offices."""
    return viewer.is_admin or viewer.is_personnel


def units_for_delegation(session: Session, viewer: Viewer) -> list[Unit]:
    """The units this account may give a delegation on (`Viewer.can_set_leadership`)."""
    query = sa.select(Unit).order_by(Unit.path)
    if not viewer.is_admin:
        if viewer.served_path is None:
            return []
        query = query.where(
            Unit.path.startswith(viewer.served_path), Unit.path != viewer.served_path
        )
    return list(session.scalars(query))


def delegation_scope(viewer: Viewer) -> sa.ColumnElement[bool]:
    """The delegations an account sees listed: those on units it reaches."""
    if viewer.is_admin:
        return sa.true()
    return sa.or_(sa.false(), *(Unit.path.startswith(path) for path in viewer.reach_paths))


def delegations_in_reach(session: Session, viewer: Viewer) -> list[Delegation]:
    """Newest first, with both people and the unit, in one query."""
    return list(
        session.scalars(
            sa.select(Delegation)
            .join(Unit, Delegation.unit_id == Unit.id)
            .options(
                joinedload(Delegation.unit),
                joinedload(Delegation.to_person),
                joinedload(Delegation.from_person),
            )
            .where(delegation_scope(viewer))
            .order_by(Delegation.starts_on.desc(), Delegation.id.desc())
        )
    )


def _person_by_code(session: Session, code: str, field: str) -> Person:
    person = session.scalars(
        sa.select(Person).options(joinedload(Person.unit)).where(Person.code == code)
    ).one_or_none()
    if person is None:
        raise DomainError(_("Không tìm thấy cán bộ có mã %(code)s.", code=code), field=field)
    return person


def create_delegation(
    session: Session,
    viewer: Viewer,
    *,
    kind: DelegationKind,
    unit: Unit,
    from_code: str | None,
    to_code: str,
    starts_on: date,
    ends_on: date,
    reason: str,
) -> Delegation:
    if not viewer.can_set_leadership(unit):
        raise DomainError(
            _(
                "Chỉ quản trị viên hoặc bộ phận tổ chức cán bộ cấp trên của %(unit)s mới được "
                "ủy quyền hoặc giao quyền trưởng ở đơn vị này.",
                unit=unit.name,
            ),
            field="unit_id",
        )
    holder = _person_by_code(session, to_code, "to_code")
    if holder.id == viewer.person_id:
        raise DomainError(_("Không ai tự ủy quyền hoặc tự giao quyền cho mình."), field="to_code")
    if not viewer.reaches_unit(holder.unit):
        raise DomainError(_("Cán bộ được giao không thuộc phạm vi của bạn."), field="to_code")
    delegator = None
    role = LeadershipRole.HEAD
    if kind is DelegationKind.DELEGATION:
        delegator = _person_by_code(session, from_code or "", "from_code")
        if delegator.unit_id != unit.id or not delegator.is_leader:
            raise DomainError(
                _("Người ủy quyền phải là cấp trưởng hoặc cấp phó của %(unit)s.", unit=unit.name),
                field="from_code",
            )
        if delegator.id == holder.id:
            raise DomainError(_("Không ai tự ủy quyền cho mình."), field="to_code")
        role = delegator.leadership_role
    else:
        overlapping = session.scalars(
            sa.select(Delegation).where(
                Delegation.unit_id == unit.id,
                Delegation.kind == DelegationKind.ACTING_HEAD,
                Delegation.starts_on <= ends_on,
                Delegation.ends_on >= starts_on,
            )
        ).first()
        if overlapping is not None:
            raise DomainError(
                _(
                    "%(unit)s đã có người được giao quyền trưởng từ %(start)s đến %(end)s; "
                    "hãy kết thúc việc giao đó trước.",
                    unit=unit.name,
                    start=format_date(overlapping.starts_on),
                    end=format_date(overlapping.ends_on),
                ),
                field="starts_on",
            )
    delegation = Delegation(
        kind=kind,
        from_person=delegator,
        to_person=holder,
        unit=unit,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )
    session.add(delegation)
    session.flush()
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="unit",  # the trail names it and scopes it by the unit
        object_id=unit.id,
        action="create_delegation",
        new={
            "kind": kind.value,
            "delegator": delegator.code if delegator else None,
            "holder": holder.code,
            "unit": unit.code,
            "role": role.value,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        reason=reason,
    )
    session.flush()
    return delegation


def may_end(viewer: Viewer, delegation: Delegation, today: date) -> bool:
    return delegation.ends_on >= today and viewer.can_set_leadership(delegation.unit)


def end_delegation(
    session: Session, viewer: Viewer, delegation: Delegation, *, today: date, reason: str
) -> None:
    """End it before its term: from today it no longer holds (one not yet begun is removed,
    a row of the audit trail keeps it)."""
    if not may_end(viewer, delegation, today):
        raise DomainError(_("Việc ủy quyền này đã kết thúc hoặc không thuộc phạm vi của bạn."))
    old = {
        "holder": delegation.to_person.code,
        "starts_on": delegation.starts_on.isoformat(),
        "ends_on": delegation.ends_on.isoformat(),
    }
    unit_id = delegation.unit_id
    if delegation.starts_on >= today:
        new = None
        session.delete(delegation)
    else:
        delegation.ends_on = today - timedelta(days=1)
        new = {"ends_on": delegation.ends_on.isoformat()}
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="unit",
        object_id=unit_id,
        action="end_delegation",
        old=old,
        new=new,
        reason=reason,
    )
    session.flush()
