"""Who drafts, publishes and pins criteria sets, and who sets the policy.

A set a personnel office drafts is kept by that office (its unit's subtree); the built-in
sets, and their new versions, apply to the whole province: an administrator keeps them, as the
policy. A set is pinned to a unit by the office that serves it, or an administrator.
"""

from __future__ import annotations

from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import Viewer
from evaluation.rulesets.models import CriteriaSetVersion


def can_see_rulesets(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.is_personnel


def can_keep_set(viewer: Viewer, version: CriteriaSetVersion) -> bool:
    """Edit a draft, publish it, draft the next version."""
    if viewer.is_admin:
        return True
    return (
        viewer.served_path is not None
        and version.unit is not None
        and version.unit.path.startswith(viewer.served_path)
    )


def can_pin(viewer: Viewer, unit: Unit) -> bool:
    return viewer.is_admin or (
        viewer.served_path is not None and unit.path.startswith(viewer.served_path)
    )


def can_keep_policy(viewer: Viewer) -> bool:
    return viewer.is_admin
