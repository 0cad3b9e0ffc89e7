"""one head per unit: a partial unique index on the current head of each unit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEAD = sa.text("leadership_role = 'head'")


def upgrade() -> None:
    op.create_index(
        'uq_person_one_head_per_unit', 'person', ['unit_id'], unique=True,
        sqlite_where=HEAD, postgresql_where=HEAD,
    )


def downgrade() -> None:
    op.drop_index('uq_person_one_head_per_unit', table_name='person')
