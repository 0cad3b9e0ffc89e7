"""The import verbs: read an upload into a pending batch, preview it, apply it once."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from evaluation.core import audit
from evaluation.core.collector import collector_paused
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.imports import staff, tasks
from evaluation.imports.changes import Preview
from evaluation.imports.models import ImportBatch, ImportKind, ImportStatus
from evaluation.imports.workbook import CellError, RefusedFile, open_workbook
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import Viewer
from evaluation.plans.periods import Period


class UploadResult:
    """Either a stored batch ready to preview, or the errors that stop it (nothing stored)."""

    def __init__(
        self, batch: ImportBatch | None, errors: list[CellError], preview: Preview | None = None
    ) -> None:
        self.batch = batch
        self.errors = errors
        self.preview = preview


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_staff(
    session: Session, viewer: Viewer, data: bytes, *, actor_id: int, today: date
) -> UploadResult:
    """Parse and validate a staff workbook; keep its rows only if there is no error at all.

    Raises RefusedFile when the upload is not a spreadsheet we open.
    """
    with collector_paused():
        workbook = open_workbook(data)
        try:
            payload, errors = staff.parse(workbook, today)
        finally:
            workbook.close()
        preview = staff.preview(session, viewer, payload)
        errors = errors + preview.errors
        if errors:
            return UploadResult(None, errors)
        batch = _store(session, ImportKind.STAFF, payload, data, actor_id)
    return UploadResult(batch, [], preview)


def upload_tasks(
    session: Session, viewer: Viewer, data: bytes, *, unit: Unit, period: Period, actor_id: int
) -> UploadResult:
    workbook = open_workbook(data)
    try:
        rows, letters, errors = tasks.parse(workbook)
    finally:
        workbook.close()
    payload = {"unit_id": unit.id, "period": period.key, "tasks": rows, "letters": letters}
    preview = tasks.preview(session, viewer, payload)
    errors = errors + preview.errors
    if errors:
        return UploadResult(None, errors)
    return UploadResult(_store(session, ImportKind.TASKS, payload, data, actor_id), [], preview)


def _store(
    session: Session, kind: ImportKind, payload: dict[str, Any], data: bytes, actor_id: int
) -> ImportBatch:
    """A new pending batch; the same account's earlier pending ones of this kind are dropped."""
    session.execute(
        sa.update(ImportBatch)
        .where(
            ImportBatch.created_by_id == actor_id,
            ImportBatch.kind == kind,
            ImportBatch.status == ImportStatus.PENDING,
        )
        .values(status=ImportStatus.DISCARDED, payload={})
    )
    batch = ImportBatch(kind=kind, created_by_id=actor_id, payload=payload, sha256=_digest(data))
    session.add(batch)
    session.flush()
    return batch


def preview(session: Session, viewer: Viewer, batch: ImportBatch) -> Preview:
    """Recomputed on every view, so the page shows the database as it is now."""
    if batch.kind is ImportKind.STAFF:
        with collector_paused():
            return staff.preview(session, viewer, batch.payload)
    return tasks.preview(session, viewer, batch.payload)


def applied_before(session: Session, batch: ImportBatch) -> ImportBatch | None:
    """The same file, already applied by anyone: worth saying, though it would change nothing."""
    return session.scalars(
        sa.select(ImportBatch)
        .where(
            ImportBatch.sha256 == batch.sha256,
            ImportBatch.kind == batch.kind,
            ImportBatch.status == ImportStatus.APPLIED,
        )
        .order_by(ImportBatch.applied_at.desc())
    ).first()


def apply(
    session: Session, viewer: Viewer, batch: ImportBatch, *, actor_id: int, today: date
) -> Preview:
    """Write the batch in the request's transaction; the route commits once."""
    if batch.status is not ImportStatus.PENDING:
        raise DomainError(_("Lượt nhập này đã được xử lý."))
    if batch.kind is ImportKind.STAFF:
        with collector_paused():
            result = staff.apply(session, viewer, batch.payload, actor_id=actor_id, today=today)
    else:
        result = tasks.apply(session, viewer, batch.payload, actor_id=actor_id)
    batch.status = ImportStatus.APPLIED
    batch.applied_at = utcnow()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="import_batch",
        object_id=batch.id,
        action="apply",
        new={
            section: {
                action: result.count(section, action)
                for action in ("create", "update", "unchanged")
            }
            for section in result.sections
        },
    )
    session.flush()
    return result


__all__ = ["RefusedFile", "UploadResult", "applied_before", "apply", "preview"]
