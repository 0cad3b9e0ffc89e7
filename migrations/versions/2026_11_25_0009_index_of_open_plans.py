"""index of open plans: the overdue report without scanning millions of closed plans

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status != 'closed'")


def upgrade() -> None:
    op.create_index(
        'ix_plan_open', 'plan', ['unit_id'], unique=False,
        sqlite_where=OPEN, postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index('ix_plan_open', table_name='plan')
