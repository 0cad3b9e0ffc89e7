"""The sets and the policy in force, and the verbs of their life: draft, publish, pin.

The published versions and the pins are small tables read whole once per session (the
scoring pages ask for a set person by person); every verb here clears that copy. Services
flush, never commit, and leave an audit record for every publish, pin and policy change.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from criteria import CriteriaSet, CriteriaSetError, Policy, StaffCategory, load_criteria_set
from criteria.policy import DEFAULT_POLICY
from criteria.set_data import criteria_set_from_data, policy_data, policy_from_data, set_problems
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.organisation.models import Unit
from evaluation.rulesets.models import (
    CriteriaSetPin,
    CriteriaSetVersion,
    PolicyVersion,
    VersionStatus,
)

_CACHE = "rulesets"


@dataclass(frozen=True)
class _Published:
    """The published versions and pins, as one session reads them."""

    sets: dict[
        str, list[tuple[date, int, CriteriaSet]]
    ]  # name → (from, version, set), newest first
    by_id: dict[str, CriteriaSet]
    pins: dict[int, list[str]]  # unit id → set names
    policies: list[tuple[date, int, Policy]]  # newest first


def _published(session: Session) -> _Published:
    cached = session.info.get(_CACHE)
    if cached is not None:
        return cached
    sets: dict[str, list[tuple[date, int, CriteriaSet]]] = defaultdict(list)
    by_id: dict[str, CriteriaSet] = {}
    for row in session.execute(
        sa.select(
            CriteriaSetVersion.name,
            CriteriaSetVersion.version,
            CriteriaSetVersion.effective_from,
            CriteriaSetVersion.data,
        ).where(CriteriaSetVersion.status == VersionStatus.PUBLISHED)
    ):
        try:
            parsed = criteria_set_from_data(row.data)
        except CriteriaSetError:
            continue  # published only after validation; a broken row is never applied
        sets[row.name].append((row.effective_from, row.version, parsed))
        by_id[parsed.id] = parsed
    for versions in sets.values():
        versions.sort(key=lambda item: (item[0], item[1]), reverse=True)
    pins: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in session.execute(
        sa.select(CriteriaSetPin.unit_id, CriteriaSetPin.set_name).order_by(CriteriaSetPin.id)
    ):
        pins[unit_id].append(name)
    policies = []
    for version, effective_from, data in session.execute(
        sa.select(PolicyVersion.version, PolicyVersion.effective_from, PolicyVersion.data).where(
            PolicyVersion.status == VersionStatus.PUBLISHED
        )
    ):
        try:
            policies.append((effective_from, version, policy_from_data(data)))
        except ValueError:
            continue
    policies.sort(key=lambda item: (item[0], item[1]), reverse=True)
    result = _Published(dict(sets), by_id, dict(pins), policies)
    session.info[_CACHE] = result
    return result


def forget_published(session: Session) -> None:
    session.info.pop(_CACHE, None)


# --- what is in force -------------------------------------------------------------------


def set_in_force(session: Session, name: str, on: date) -> CriteriaSet | None:
    """The latest published version of `name` in force on `on`, or None."""
    for effective_from, _version, criteria_set in _published(session).sets.get(name, ()):
        if effective_from <= on:
            return criteria_set
    return None


def pinned_set(
    session: Session,
    unit: Unit,
    *,
    category: StaffCategory,
    leader: bool,
    rulebook: str,
    on: date,
) -> CriteriaSet | None:
    """The set pinned nearest above (or on) `unit` that applies to this person: their category,
    leaders or not, and the rule set in force for them (a pin never changes the rule set)."""
    published = _published(session)
    if not published.pins:
        return None
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part]
    for unit_id in reversed(ancestors):
        for name in published.pins.get(unit_id, ()):
            criteria_set = set_in_force(session, name, on)
            if (
                criteria_set is not None
                and category in criteria_set.categories
                and criteria_set.leader == leader
                and criteria_set.rulebook == rulebook
            ):
                return criteria_set
    return None


def criteria_set_by_id(session: Session, set_id: str) -> CriteriaSet:
    """A set by "name@version", as a score stored it: published here, else shipped."""
    found = _published(session).by_id.get(set_id)
    return found if found is not None else load_criteria_set(set_id)


def policy_in_force(session: Session, on: date) -> Policy:
    for effective_from, _version, policy in _published(session).policies:
        if effective_from <= on:
            return policy
    return DEFAULT_POLICY


# --- criteria sets: drafts, publishing -----------------------------------------------------


def versions_of(session: Session, name: str) -> list[CriteriaSetVersion]:
    return list(
        session.scalars(
            sa.select(CriteriaSetVersion)
            .where(CriteriaSetVersion.name == name)
            .order_by(CriteriaSetVersion.version.desc())
        )
    )


def published_versions(session: Session) -> list[CriteriaSetVersion]:
    """Each set's newest published version, by name: what may be copied or pinned."""
    return _newest_versions(session, CriteriaSetVersion.status == VersionStatus.PUBLISHED)


def latest_versions(session: Session) -> list[CriteriaSetVersion]:
    """Each set's newest version (a draft, if one is open), by name."""
    return _newest_versions(session, sa.true())


def _newest_versions(session: Session, among: sa.ColumnElement[bool]) -> list[CriteriaSetVersion]:
    """Each set's highest version number among the versions `among` admits, in one query."""
    newest = (
        sa.select(CriteriaSetVersion.name, sa.func.max(CriteriaSetVersion.version).label("v"))
        .where(among)
        .group_by(CriteriaSetVersion.name)
        .subquery()
    )
    return list(
        session.scalars(
            sa.select(CriteriaSetVersion)
            .join(
                newest,
                sa.and_(
                    CriteriaSetVersion.name == newest.c.name,
                    CriteriaSetVersion.version == newest.c.v,
                ),
            )
            .order_by(CriteriaSetVersion.name)
        )
    )


def draft_set(
    session: Session, data: dict[str, Any], *, unit: Unit | None, actor_id: int
) -> CriteriaSetVersion:
    """A draft from `data` (a copy of a set, or an imported file): the next version of its
    name. A name has at most one open draft. Problems are shown, not refused: a draft may be
    incomplete; only publishing requires a valid set."""
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise DomainError(_("Bộ tiêu chí cần có mã."), field="name")
    existing = versions_of(session, name)
    if existing and existing[0].status is VersionStatus.DRAFT:
        raise DomainError(
            _("Bộ tiêu chí này đang có một bản nháp; hãy sửa bản nháp đó."), field="name"
        )
    version = CriteriaSetVersion(
        name=name,
        version=(existing[0].version + 1) if existing else 1,
        status=VersionStatus.DRAFT,
        data={},
        unit=unit if not existing else existing[0].unit,
        created_by_id=actor_id,
    )
    version.data = _with_identity(data, version)
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="criteria_set_version",
        object_id=version.id,
        action="draft",
        new={"set": version.set_id},
    )
    return version


def update_draft(
    session: Session, version: CriteriaSetVersion, data: dict[str, Any], *, actor_id: int
) -> None:
    _ensure_draft(version)
    old = version.data
    version.data = _with_identity(data, version)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="criteria_set_version",
        object_id=version.id,
        action="edit",
        old=old,
        new=version.data,
    )


def delete_draft(session: Session, version: CriteriaSetVersion, *, actor_id: int) -> None:
    _ensure_draft(version)
    audit.record(
        session,
        actor_id=actor_id,
        object_type="criteria_set_version",
        object_id=version.id,
        action="delete_draft",
        old={"set": version.set_id},
    )
    session.delete(version)
    session.flush()


def publish_set(
    session: Session,
    version: CriteriaSetVersion,
    effective_from: date,
    *,
    today: date,
    actor_id: int,
) -> None:
    """Publish a valid draft from `effective_from` (today or later: what was scored before
    keeps the set it was scored under). It is never edited again."""
    _ensure_draft(version)
    if set_problems(version.data):
        raise DomainError(_("Bộ tiêu chí còn lỗi; hãy sửa trước khi ban hành."))
    _ensure_future(effective_from, today)
    version.status = VersionStatus.PUBLISHED
    version.effective_from = effective_from
    version.published_by_id = actor_id
    version.published_at = utcnow()
    session.flush()
    forget_published(session)
    audit.record(
        session,
        actor_id=actor_id,
        object_type="criteria_set_version",
        object_id=version.id,
        action="publish",
        new={"set": version.set_id, "effective_from": effective_from.isoformat()},
    )


def _ensure_draft(version: CriteriaSetVersion | PolicyVersion) -> None:
    if version.status is not VersionStatus.DRAFT:
        raise DomainError(
            _("Phiên bản đã ban hành không được sửa; hãy tạo phiên bản mới để thay thế.")
        )


def _ensure_future(effective_from: date, today: date) -> None:
    if effective_from < today:
        raise DomainError(_("Ngày áp dụng không được trước hôm nay."), field="effective_from")


def _with_identity(data: dict[str, Any], version: CriteriaSetVersion) -> dict[str, Any]:
    """The data with the row's own name and version: the row, not the file, numbers it."""
    copied = copy.deepcopy(data) if isinstance(data, dict) else {}
    copied["name"], copied["version"] = version.name, version.version
    return copied


# --- pins --------------------------------------------------------------------------------


def pins_of(session: Session, unit: Unit) -> list[CriteriaSetPin]:
    return list(
        session.scalars(
            sa.select(CriteriaSetPin)
            .where(CriteriaSetPin.unit_id == unit.id)
            .order_by(CriteriaSetPin.set_name)
        )
    )


def pin_set(session: Session, unit: Unit, set_name: str, *, actor_id: int) -> CriteriaSetPin:
    if set_name not in _published(session).sets:
        raise DomainError(_("Chỉ gắn được bộ tiêu chí đã ban hành."), field="set_name")
    if any(pin.set_name == set_name for pin in pins_of(session, unit)):
        raise DomainError(_("Đơn vị đã được gắn bộ tiêu chí này."), field="set_name")
    pin = CriteriaSetPin(unit_id=unit.id, set_name=set_name, pinned_by_id=actor_id)
    session.add(pin)
    session.flush()
    forget_published(session)
    audit.record(
        session,
        actor_id=actor_id,
        object_type="unit",
        object_id=unit.id,
        action="pin_criteria_set",
        new={"set": set_name},
    )
    return pin


def unpin_set(session: Session, pin: CriteriaSetPin, *, actor_id: int) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        object_type="unit",
        object_id=pin.unit_id,
        action="unpin_criteria_set",
        old={"set": pin.set_name},
    )
    session.delete(pin)
    session.flush()
    forget_published(session)


def set_rulebook_pin(session: Session, unit: Unit, pin: str | None, *, actor_id: int) -> None:
    """The rule set a unit chooses over the one in force by year and category (rules.md §11;
    a pin the rulebook's table gives no force is refused person by person, and says why)."""
    if pin not in (None, "nd90", "nd335"):
        raise DomainError(_("Văn bản áp dụng không hợp lệ."), field="rulebook_pin")
    if unit.rulebook_pin == pin:
        return
    old, unit.rulebook_pin = unit.rulebook_pin, pin
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="unit",
        object_id=unit.id,
        action="rulebook_pin",
        old={"rulebook_pin": old},
        new={"rulebook_pin": pin},
    )


# --- policy ------------------------------------------------------------------------------


def policy_versions(session: Session) -> list[PolicyVersion]:
    return list(session.scalars(sa.select(PolicyVersion).order_by(PolicyVersion.version.desc())))


def draft_policy(
    session: Session, data: dict[str, Any], note: str | None, *, actor_id: int
) -> PolicyVersion:
    """A draft of the policy; its parameters are checked at once (they have no partial form)
    and kept whole: those not given keep the defaults."""
    data = policy_data(_checked_policy(data))
    versions = policy_versions(session)
    if versions and versions[0].status is VersionStatus.DRAFT:
        raise DomainError(_("Đang có một bản nháp tham số chính sách; hãy sửa bản nháp đó."))
    version = PolicyVersion(
        version=(versions[0].version + 1) if versions else 1,
        status=VersionStatus.DRAFT,
        data=data,
        note=(note or "").strip() or None,
        created_by_id=actor_id,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="policy_version",
        object_id=version.id,
        action="draft",
        new=data,
    )
    return version


def update_policy_draft(
    session: Session, version: PolicyVersion, data: dict[str, Any], note: str | None, *,
    actor_id: int,
) -> None:  # fmt: skip
    _ensure_draft(version)
    data = policy_data(_checked_policy(data))
    old = version.data
    version.data, version.note = data, (note or "").strip() or None
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="policy_version",
        object_id=version.id,
        action="edit",
        old=old,
        new=data,
    )


def publish_policy(
    session: Session, version: PolicyVersion, effective_from: date, *, today: date, actor_id: int
) -> None:
    _ensure_draft(version)
    _checked_policy(version.data)
    _ensure_future(effective_from, today)
    version.status = VersionStatus.PUBLISHED
    version.effective_from = effective_from
    version.published_by_id = actor_id
    version.published_at = utcnow()
    session.flush()
    forget_published(session)
    audit.record(
        session,
        actor_id=actor_id,
        object_type="policy_version",
        object_id=version.id,
        action="publish",
        new={"version": version.version, "effective_from": effective_from.isoformat()},
    )


def _checked_policy(data: dict[str, Any]) -> Policy:
    try:
        return policy_from_data(data)
    except ValueError:
        raise DomainError(_("Tham số chính sách không hợp lệ.")) from None


def current_policy_data(session: Session, on: date) -> dict[str, Any]:
    return policy_data(policy_in_force(session, on))
