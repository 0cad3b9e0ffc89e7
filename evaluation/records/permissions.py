"""Who keeps a person's leave and discipline records, from the viewer's reach in the unit tree
(`organisation.permissions.Viewer`)."""

from __future__ import annotations

from evaluation.organisation.models import Person
from evaluation.organisation.permissions import Viewer


def can_keep_records(viewer: Viewer, person: Person) -> bool:
    """Leave and discipline records: the personnel office alone enters them, and none of
    its members their own (they count in one's own classification and titles)."""
    return (
        viewer.served_path is not None
        and person.id != viewer.person_id
        and person.unit.path.startswith(viewer.served_path)
    )
