"""index of submitted plans: a manager's queue without scanning millions of plans

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 01:23:08.743168
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBMITTED = sa.text("status = 'submitted'")


def upgrade() -> None:
    op.create_index(
        'ix_plan_submitted', 'plan', ['submitted_at'], unique=False,
        sqlite_where=SUBMITTED, postgresql_where=SUBMITTED,
    )


def downgrade() -> None:
    op.drop_index('ix_plan_submitted', table_name='plan')
