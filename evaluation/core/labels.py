"""User-facing names of the enumerations, translatable, one table for every template.

Each area names its own enumerations beside them (`register_labels` in its models module:
plans, organisation, accounts), so core imports none of the areas; the rulebook's staff
categories are named here. Any code holding an area's enum has imported its models, so its
names are in the table.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from criteria.levels import StaffCategory

LABELS: dict[str, dict[enum.Enum, LazyString]] = {
    "category": {
        StaffCategory.CAN_BO: _l("Cán bộ"),
        StaffCategory.CONG_CHUC: _l("Công chức"),
        StaffCategory.VIEN_CHUC: _l("Viên chức"),
        StaffCategory.NGUOI_LAO_DONG: _l("Người lao động"),
    },
}


def register_labels(name: str, labels: dict[enum.Enum, LazyString]) -> None:
    """Add one enumeration's names to the table (`labels.<name>` in the templates)."""
    LABELS[name] = labels
