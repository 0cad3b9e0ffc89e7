"""stored sums per unit: one row per (closed period, unit), kept by the writes

The one JSON row per period, stamped with month revisions, goes: any write anywhere made a
whole period stale. Each stored period now has a header (its version) and a row per unit that
the writes touching that unit recompute. Nothing is carried over: `flask db fill-stored-sums`
(or the first reader's background job) fills the closed periods again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ('week', 'month', 'quarter', 'year')


def upgrade() -> None:
    op.drop_table('stored_period_sums')
    op.drop_table('input_revision')
    op.create_table('stored_period',
    sa.Column('period_kind', sa.Enum(*KINDS, name='stored_period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('filled_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_year', 'period_number', name=op.f('pk_stored_period')),
    info={'derived': True}
    )
    op.create_table('unit_period_sums',
    sa.Column('period_kind', sa.Enum(*KINDS, name='unit_sums_period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('targets', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('exceeded', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=True),
    sa.Column('annual', sa.JSON(), nullable=True),
    sa.Column('tasks', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('disciplined', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_kind', 'period_year', 'period_number'], ['stored_period.period_kind', 'stored_period.period_year', 'stored_period.period_number'], name=op.f('fk_unit_period_sums_period_kind_stored_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_period_sums_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('period_kind', 'period_year', 'period_number', 'unit_id', name=op.f('pk_unit_period_sums')),
    info={'derived': True}
    )
    op.create_table('tree_revision',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_revision')),
    info={'derived': True}
    )


def downgrade() -> None:
    op.drop_table('tree_revision')
    op.drop_table('unit_period_sums')
    op.drop_table('stored_period')
    op.create_table('input_revision',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 0 AND 12', name=op.f('ck_input_revision_month_range')),
    sa.PrimaryKeyConstraint('year', 'month', name=op.f('pk_input_revision')),
    info={'derived': True}
    )
    op.create_table('stored_period_sums',
    sa.Column('period_kind', sa.Enum(*KINDS, name='stored_period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stamp', sa.JSON(), nullable=False),
    sa.Column('sums', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_year', 'period_number', name=op.f('pk_stored_period_sums')),
    info={'derived': True}
    )
