"""Uploaded imports between preview and confirmation: the validated rows, never the file."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow


class ImportKind(enum.Enum):
    STAFF = "staff"
    TASKS = "tasks"


class ImportStatus(enum.Enum):
    PENDING = "pending"  # previewed, waiting for the office to confirm
    APPLIED = "applied"
    DISCARDED = "discarded"


class ImportBatch(Base):
    """One upload's validated payload, kept server-side so confirming re-reads no file.

    The payload is compact JSON of the rows that passed validation (codes, not ids, so a
    change in the database between preview and confirm is caught when applying).
    """

    __tablename__ = "import_batch"
    __table_args__ = (sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind, "import_kind"))
    created_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[ImportStatus] = mapped_column(
        enum_type(ImportStatus, "import_status"), default=ImportStatus.PENDING
    )
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
