"""task counts per person and plan year, kept on write

The year-end reads them instead of the year's task rows (issue 17). The tables start empty:
`flask db fill-task-counts` fills them (a year is read from the tasks until it is filled).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ('week', 'month', 'quarter', 'year')


def upgrade() -> None:
    op.create_table('counted_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filled_at', sa.DateTime(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_counted_year')),
    info={'derived': True}
    )
    op.create_table('task_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.Enum(*KINDS, name='task_count_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('in_year', sa.Boolean(), nullable=False),
    sa.Column('quality', sa.Boolean(), nullable=False),
    sa.Column('exceeded', sa.Boolean(), nullable=False),
    sa.Column('open_deadline', sa.Date(), nullable=True),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('done_late', sa.Integer(), nullable=False),
    sa.Column('not_done', sa.Integer(), nullable=False),
    sa.Column('open', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_year'], ['counted_year.year'], name=op.f('fk_task_count_period_year_counted_year'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_task_count_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_task_count_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_count')),
    info={'derived': True}
    )
    op.create_index('ix_task_count_year_person', 'task_count', ['period_year', 'person_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_count_year_person', table_name='task_count')
    op.drop_table('task_count')
    op.drop_table('counted_year')
