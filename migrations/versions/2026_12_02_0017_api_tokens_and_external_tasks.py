"""the API: integration tokens, tasks from other systems, citizen ratings

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.String(length=12), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column(
            'scope',
            sa.Enum('read', 'write', name='token_scope', native_enum=False,
                    create_constraint=True, length=5),
            nullable=False,
        ),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('length(name) >= 1', name=op.f('ck_api_token_name_not_empty')),
        sa.ForeignKeyConstraint(
            ['account_id'], ['user_account.id'],
            name=op.f('fk_api_token_account_id_user_account'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'],
            name=op.f('fk_api_token_created_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['unit.id'], name=op.f('fk_api_token_unit_id_unit'), ondelete='RESTRICT'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('account_id', name=op.f('uq_api_token_account_id')),
        sa.UniqueConstraint('name', name=op.f('uq_api_token_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    )
    op.create_table(
        'satisfaction_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column(
            'period_kind',
            sa.Enum('week', 'month', 'quarter', 'year', name='period_kind', native_enum=False,
                    create_constraint=True, length=7),
            nullable=False,
        ),
        sa.Column('period_year', sa.Integer(), nullable=False),
        sa.Column('period_number', sa.Integer(), nullable=False),
        sa.Column('source_system', sa.String(length=50), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.Column('satisfied', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            'period_number BETWEEN 1 AND 53',
            name=op.f('ck_satisfaction_rating_period_number_range'),
        ),
        sa.CheckConstraint(
            'responses > 0 AND responses <= 1000000',
            name=op.f('ck_satisfaction_rating_responses_range'),
        ),
        sa.CheckConstraint(
            'satisfied >= 0 AND satisfied <= responses',
            name=op.f('ck_satisfaction_rating_satisfied_range'),
        ),
        sa.CheckConstraint(
            'length(source_system) >= 1',
            name=op.f('ck_satisfaction_rating_source_system_not_empty'),
        ),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'],
            name=op.f('fk_satisfaction_rating_person_id_person'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['user_account.id'],
            name=op.f('fk_satisfaction_rating_recorded_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['unit.id'],
            name=op.f('fk_satisfaction_rating_unit_id_unit'), ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_rating')),
    )
    op.create_index(
        op.f('ix_satisfaction_rating_person_id'), 'satisfaction_rating', ['person_id']
    )
    op.create_index(
        'uq_satisfaction_rating_person', 'satisfaction_rating',
        ['person_id', 'period_kind', 'period_year', 'period_number', 'source_system'],
        unique=True,
        sqlite_where=sa.text('person_id IS NOT NULL'),
        postgresql_where=sa.text('person_id IS NOT NULL'),
    )
    op.create_index(
        'uq_satisfaction_rating_desk', 'satisfaction_rating',
        ['unit_id', 'period_kind', 'period_year', 'period_number', 'source_system'],
        unique=True,
        sqlite_where=sa.text('person_id IS NULL'),
        postgresql_where=sa.text('person_id IS NULL'),
    )

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_integration', sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_ref', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source_system', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('override_reason', sa.String(length=300), nullable=True))
        batch_op.create_check_constraint(
            'external_ref_has_source', '(external_ref IS NULL) = (source_system IS NULL)'
        )
    op.create_index(
        'uq_task_external_ref', 'task', ['source_system', 'external_ref'],
        unique=True,
        sqlite_where=sa.text('external_ref IS NOT NULL'),
        postgresql_where=sa.text('external_ref IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index(
        'uq_task_external_ref', table_name='task',
        sqlite_where=sa.text('external_ref IS NOT NULL'),
        postgresql_where=sa.text('external_ref IS NOT NULL'),
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_task_external_ref_has_source'), type_='check')
        batch_op.drop_column('override_reason')
        batch_op.drop_column('source_system')
        batch_op.drop_column('external_ref')
    op.drop_index(
        'uq_satisfaction_rating_desk', table_name='satisfaction_rating',
        sqlite_where=sa.text('person_id IS NULL'),
        postgresql_where=sa.text('person_id IS NULL'),
    )
    op.drop_index(
        'uq_satisfaction_rating_person', table_name='satisfaction_rating',
        sqlite_where=sa.text('person_id IS NOT NULL'),
        postgresql_where=sa.text('person_id IS NOT NULL'),
    )
    op.drop_index(op.f('ix_satisfaction_rating_person_id'), table_name='satisfaction_rating')
    op.drop_table('satisfaction_rating')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('is_integration')
    op.drop_table('api_token')
