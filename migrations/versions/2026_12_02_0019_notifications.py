"""notifications in the application and by email

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'plan_submitted', 'plan_returned', 'plan_approved', 'task_assigned', 'overdue_digest',
    'step_waiting', 'decision_deadline', 'decision_notified',
)


def _kind() -> sa.Enum:
    return sa.Enum(
        *KINDS, name='notification_kind', native_enum=False, create_constraint=True, length=17
    )


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=80), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
        sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_notification_user_dedupe_key'),
    )
    op.create_index(
        'ix_notification_user_created', 'notification', ['user_id', 'created_at']
    )
    op.create_index(
        'ix_notification_unread', 'notification', ['user_id'],
        sqlite_where=sa.text('read_at IS NULL'), postgresql_where=sa.text('read_at IS NULL'),
    )
    op.create_table(
        'notification_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column(
            'state',
            sa.Enum('queued', 'sent', 'failed', name='email_state', native_enum=False,
                    create_constraint=True, length=6),
            nullable=False,
        ),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            'attempts >= 0', name=op.f('ck_notification_email_attempts_not_negative')
        ),
        sa.ForeignKeyConstraint(
            ['notification_id'], ['notification.id'],
            name=op.f('fk_notification_email_notification_id_notification'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_email')),
    )
    op.create_index(
        op.f('ix_notification_email_notification_id'), 'notification_email', ['notification_id']
    )
    op.create_index(
        'ix_notification_email_queued', 'notification_email', ['created_at'],
        sqlite_where=sa.text("state = 'queued'"), postgresql_where=sa.text("state = 'queued'"),
    )
    op.create_table(
        'notification_email_opt_out',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_notification_email_opt_out_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_email_opt_out')),
    )


def downgrade() -> None:
    op.drop_table('notification_email_opt_out')
    op.drop_index('ix_notification_email_queued', table_name='notification_email')
    op.drop_index(op.f('ix_notification_email_notification_id'), table_name='notification_email')
    op.drop_table('notification_email')
    op.drop_index('ix_notification_unread', table_name='notification')
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_table('notification')
