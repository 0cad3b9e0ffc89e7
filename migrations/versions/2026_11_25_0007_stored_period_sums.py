"""stored period sums: closed periods' unit sums, stamped with their inputs' revisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 01:03:45.775318
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('input_revision',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 0 AND 12', name=op.f('ck_input_revision_month_range')),
    sa.PrimaryKeyConstraint('year', 'month', name=op.f('pk_input_revision')),
    info={'derived': True}
    )
    op.create_table('stored_period_sums',
    sa.Column('period_kind', sa.Enum('week', 'month', 'quarter', 'year', name='stored_period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stamp', sa.JSON(), nullable=False),
    sa.Column('sums', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_year', 'period_number', name=op.f('pk_stored_period_sums')),
    info={'derived': True}
    )


def downgrade() -> None:
    op.drop_table('stored_period_sums')
    op.drop_table('input_revision')
