"""The life of a criteria set and of the policy: draft → validate → publish with a date →
pin; what scoring then uses, and what is never changed again."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from criteria.policy import DEFAULT_POLICY
from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.rulesets import services
from evaluation.rulesets.models import CriteriaSetVersion, VersionStatus
from evaluation.scoring import periods
from tests.conftest import account_id
from tests.rulesets.conftest import SPRING, own_set


def test_the_built_in_sets_are_published_version_one(session):
    rows = session.scalars(sa.select(CriteriaSetVersion).where(CriteriaSetVersion.version == 1))
    published = {row.name: row for row in rows}
    assert {"nd335-non-leader", "nd90-cong-chuc", "nd90-front-desk"} <= set(published)
    assert all(row.status is VersionStatus.PUBLISHED for row in published.values())
    assert services.set_in_force(session, "nd90-cong-chuc", date(2021, 1, 1)).id == (
        "nd90-cong-chuc@1"
    )


def publish_own(session, office, effective_from=SPRING):
    actor = account_id(session, office.personnel)
    draft = services.draft_set(session, own_set(), unit=office.department, actor_id=actor)
    services.publish_set(session, draft, effective_from, today=SPRING, actor_id=actor)
    return draft


def test_a_pinned_set_is_what_the_unit_is_scored_against_from_its_date(session, office):
    publish_own(session, office, effective_from=date(2026, 4, 1))
    services.pin_set(
        session,
        office.department,
        "so-noi-vu-chuyen-vien",
        actor_id=account_id(session, office.personnel),
    )
    # March ends before the set takes effect; April is scored under it, below the pinned unit
    assert periods.criteria_set_for(office.staff, 2026, date(2026, 3, 31)).id == (
        "nd335-non-leader@1"
    )
    assert periods.criteria_set_for(office.staff, 2026, date(2026, 4, 30)).id == (
        "so-noi-vu-chuyen-vien@1"
    )
    # not outside the unit, nor for a leader (the set is for staff)
    assert periods.criteria_set_for(office.outsider, 2026, date(2026, 4, 30)).id == (
        "nd335-non-leader@1"
    )
    assert periods.criteria_set_for(office.head, 2026, date(2026, 4, 30)).id == ("nd335-leader@1")


def test_a_published_version_is_never_edited_only_superseded(session, office):
    version = publish_own(session, office)
    actor = account_id(session, office.personnel)
    with pytest.raises(DomainError):
        services.update_draft(session, version, own_set(), actor_id=actor)
    with pytest.raises(DomainError):
        services.delete_draft(session, version, actor_id=actor)
    with pytest.raises(DomainError):
        services.publish_set(session, version, SPRING, today=SPRING, actor_id=actor)
    superseding = services.draft_set(session, version.data, unit=None, actor_id=actor)
    assert (superseding.version, superseding.status) == (2, VersionStatus.DRAFT)
    assert superseding.unit_id == office.department.id  # the office keeps its set
    with pytest.raises(DomainError):  # one open draft per set
        services.draft_set(session, version.data, unit=None, actor_id=actor)


def test_an_invalid_draft_or_a_past_date_is_not_published(session, office):
    actor = account_id(session, office.personnel)
    broken = own_set()
    broken["groups"][0]["criteria"][0]["max_points"] = 5  # 25 of 30
    draft = services.draft_set(session, broken, unit=office.department, actor_id=actor)
    with pytest.raises(DomainError):
        services.publish_set(session, draft, SPRING, today=SPRING, actor_id=actor)
    services.update_draft(session, draft, own_set(), actor_id=actor)
    with pytest.raises(DomainError):
        services.publish_set(session, draft, date(2026, 1, 1), today=SPRING, actor_id=actor)
    assert draft.status is VersionStatus.DRAFT


def test_publish_pin_and_policy_changes_leave_audit_records(session, office):
    version = publish_own(session, office)
    actor = account_id(session, office.personnel)
    services.pin_set(session, office.division, version.name, actor_id=actor)
    policy = services.draft_policy(session, {"nd90_quota_pct": 10}, "Thử", actor_id=actor)
    services.publish_policy(session, policy, SPRING, today=SPRING, actor_id=actor)
    actions = {
        tuple(row)
        for row in session.execute(sa.select(AuditRecord.object_type, AuditRecord.action))
    }
    assert {
        ("criteria_set_version", "publish"),
        ("unit", "pin_criteria_set"),
        ("policy_version", "publish"),
    } <= actions


def test_the_policy_in_force_follows_its_effective_date(session, office):
    actor = account_id(session, office.personnel)
    assert services.policy_in_force(session, SPRING) == DEFAULT_POLICY
    version = services.draft_policy(
        session, {"nd90_quota_pct": 10, "points_may_fail": True}, None, actor_id=actor
    )
    with pytest.raises(DomainError):
        services.draft_policy(session, {}, None, actor_id=actor)  # one open draft
    services.publish_policy(session, version, date(2026, 6, 1), today=SPRING, actor_id=actor)
    assert services.policy_in_force(session, SPRING) == DEFAULT_POLICY
    later = services.policy_in_force(session, date(2026, 6, 1))
    assert (later.nd90_quota_pct, later.points_may_fail) == (10, True)
    with pytest.raises(DomainError):
        services.draft_policy(session, {"s3_weights": [90, 30, 20]}, None, actor_id=actor)


def test_a_sets_own_bands_reach_the_classification(session, office):
    data = own_set() | {"bands": [95, 80, 60]}
    actor = account_id(session, office.personnel)
    draft = services.draft_set(session, data, unit=office.department, actor_id=actor)
    services.publish_set(session, draft, SPRING, today=SPRING, actor_id=actor)
    services.pin_set(session, office.department, draft.name, actor_id=actor)
    policy = periods.policy_for(session, office.staff, 2026)
    assert policy.points_bands == (95, 80, 60)
    assert periods.policy_for(session, office.outsider, 2026).points_bands != (95, 80, 60)
