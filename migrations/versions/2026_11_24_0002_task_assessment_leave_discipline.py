"""task assessment, leave and discipline records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:43:36.702878
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('discipline_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('violation', sa.String(length=300), nullable=False),
    sa.Column('decision_number', sa.String(length=80), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('form', sa.Enum('khien_trach', 'canh_cao', 'ha_bac_luong', 'giang_chuc', 'cach_chuc', 'khai_tru', 'buoc_thoi_viec', name='discipline_form', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('party', sa.Boolean(), nullable=False),
    sa.Column('duty_related', sa.Boolean(), nullable=False),
    sa.Column('counted_in_year', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('counted_in_year IS NULL OR counted_in_year BETWEEN 2000 AND 2100', name=op.f('ck_discipline_record_counted_in_year_range')),
    sa.CheckConstraint('length(violation) >= 1', name=op.f('ck_discipline_record_violation_not_empty')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_discipline_record_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_discipline_record_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discipline_record'))
    )
    with op.batch_alter_table('discipline_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discipline_record_person_id'), ['person_id'], unique=False)

    op.create_table('leave_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('lawful', 'maternity', name='leave_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_leave_record_ends_after_start')),
    sa.CheckConstraint('length(note) <= 1000', name=op.f('ck_leave_record_note_length')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_leave_record_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_leave_record_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_record'))
    )
    with op.batch_alter_table('leave_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_record_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_ok', sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column('major_error_returns', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('delays', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('objective_cause', sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column(
                'coefficient', sa.Numeric(precision=6, scale=3), nullable=False, server_default='1'
            )
        )
        # Alembic does not detect CHECK constraints: written by hand.
        batch_op.create_check_constraint(
            'major_error_returns_range', 'major_error_returns BETWEEN 0 AND 20'
        )
        batch_op.create_check_constraint('delays_range', 'delays IS NULL OR delays BETWEEN 0 AND 20')
        batch_op.create_check_constraint(
            'coefficient_range', 'coefficient > 0 AND coefficient <= 100'
        )



def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_task_coefficient_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_task_delays_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_task_major_error_returns_range'), type_='check')
        batch_op.drop_column('coefficient')
        batch_op.drop_column('objective_cause')
        batch_op.drop_column('delays')
        batch_op.drop_column('major_error_returns')
        batch_op.drop_column('quality_ok')

    with op.batch_alter_table('leave_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leave_record_person_id'))

    op.drop_table('leave_record')
    with op.batch_alter_table('discipline_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discipline_record_person_id'))

    op.drop_table('discipline_record')
