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


def downgrade() -> None:
    op.drop_index(op.f('ix_job_state'), table_name='job')
    op.drop_table('job')
