"""jobs and the year-end close: job state and the close's snapshot

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column(
            'state',
            sa.Enum(
                'queued', 'running', 'done', 'failed',
                name='job_state', native_enum=False, create_constraint=True, length=7,
            ),
            nullable=False,
        ),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=200), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('worker', sa.String(length=120), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.CheckConstraint('done >= 0 AND total >= 0', name=op.f('ck_job_progress_counts')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_job_attempts_count')),
        sa.ForeignKeyConstraint(
            ['requested_by'], ['user_account.id'],
            name=op.f('fk_job_requested_by_user_account'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )  # fmt: skip
    op.create_index(op.f('ix_job_state'), 'job', ['state'], unique=False)

    op.create_table(
        'year_close',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('is_current', sa.Boolean(), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('proposals', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_year_close_unit_id_unit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'],
                                name=op.f('fk_year_close_job_id_job'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                                name=op.f('fk_year_close_created_by_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_year_close')),
    )  # fmt: skip
    op.create_index('ix_year_close_year_unit', 'year_close', ['year', 'unit_id'], unique=False)
    op.create_index(
        'uq_year_close_current', 'year_close', ['year', 'unit_id'], unique=True,
        sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'),
    )  # fmt: skip
    op.create_table(
        'year_close_person',
        sa.Column('close_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('points', sa.Double(), nullable=True),
        sa.Column('rulebook', sa.String(length=40), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['close_id'], ['year_close.id'],
                                name=op.f('fk_year_close_person_close_id_year_close'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_year_close_person_person_id_person'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_year_close_person_unit_id_unit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('close_id', 'person_id', name=op.f('pk_year_close_person')),
    )  # fmt: skip
    op.create_table(
        'year_close_unit',
        sa.Column('close_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('points', sa.Double(), nullable=True),
        sa.Column('own_points', sa.Double(), nullable=True),
        sa.Column('level', sa.String(length=20), nullable=True),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('levels', sa.JSON(), nullable=False),
        sa.Column('tasks', sa.Integer(), nullable=False),
        sa.Column('overdue_pct', sa.Double(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['close_id'], ['year_close.id'],
                                name=op.f('fk_year_close_unit_close_id_year_close'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_year_close_unit_unit_id_unit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('close_id', 'unit_id', name=op.f('pk_year_close_unit')),
    )  # fmt: skip
    op.create_table(
        'year_close_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('close_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('titles', sa.JSON(), nullable=False),
        sa.Column('warning', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['close_id'], ['year_close.id'],
                                name=op.f('fk_year_close_proposal_close_id_year_close'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agency_id'], ['unit.id'],
                                name=op.f('fk_year_close_proposal_agency_id_unit'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_year_close_proposal_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_year_close_proposal')),
    )  # fmt: skip
    op.create_index(op.f('ix_year_close_proposal_close_id'), 'year_close_proposal', ['close_id'],
                    unique=False)  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f('ix_year_close_proposal_close_id'), table_name='year_close_proposal')
    op.drop_table('year_close_proposal')
    op.drop_table('year_close_unit')
    op.drop_table('year_close_person')
    op.drop_index('uq_year_close_current', table_name='year_close')
    op.drop_index('ix_year_close_year_unit', table_name='year_close')
    op.drop_table('year_close')
    op.drop_index(op.f('ix_job_state'), table_name='job')
    op.drop_table('job')
