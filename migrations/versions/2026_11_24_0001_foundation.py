"""foundation: organisation, accounts, plans, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 22:31:58.933593
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('co_quan_hanh_chinh', 'don_vi_su_nghiep', 'xa', 'phong', name='unit_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('scoring_frequency', sa.Enum('month', 'quarter', name='scoring_frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rulebook_pin', sa.String(length=20), nullable=True),
    sa.CheckConstraint('parent_id <> id', name=op.f('ck_unit_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_path'), ['path'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('category', sa.Enum('can_bo', 'cong_chuc', 'vien_chuc', 'nguoi_lao_dong', name='staff_category', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('job_position', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('leadership_role', sa.Enum('head', 'deputy', 'none', name='leadership_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('front_desk', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_person_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('code', name=op.f('uq_person_code'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_unit_id'), ['unit_id'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('leadership_role', sa.Enum('head', 'deputy', 'none', name='leadership_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('job_position', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_placement_ends_after_start')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_placement_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_placement_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_placement_open_per_person', ['person_id'], unique=True, sqlite_where=sa.text('ends_on IS NULL'), postgresql_where=sa.text('ends_on IS NULL'))

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('staff', 'personnel', 'admin', name='account_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('served_unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role <> 'personnel' OR served_unit_id IS NOT NULL", name=op.f('ck_user_account_personnel_serves_unit')),
    sa.CheckConstraint("role = 'admin' OR person_id IS NOT NULL", name=op.f('ck_user_account_staff_has_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_account_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['served_unit_id'], ['unit.id'], name=op.f('fk_user_account_served_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('person_id', name=op.f('uq_user_account_person_id')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('audit_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_record_actor_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_record'))
    )
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_record_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_record_object', ['object_type', 'object_id'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.Enum('week', 'month', 'quarter', 'year', name='period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), nullable=False),
    sa.Column('period_number', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'returned', 'reported', 'closed', name='plan_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('return_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_plan_ends_after_start')),
    sa.CheckConstraint('length(return_comment) <= 4000', name=op.f('ck_plan_return_comment_length')),
    sa.CheckConstraint('period_number BETWEEN 1 AND 53', name=op.f('ck_plan_period_number_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_plan_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_plan_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_plan_unit_period', ['unit_id', 'period_year', 'period_kind'], unique=False)
        batch_op.create_index('uq_plan_person_period', ['person_id', 'period_kind', 'period_year', 'period_number'], unique=True, sqlite_where=sa.text('person_id IS NOT NULL'), postgresql_where=sa.text('person_id IS NOT NULL'))
        batch_op.create_index('uq_plan_unit_period', ['unit_id', 'period_kind', 'period_year', 'period_number'], unique=True, sqlite_where=sa.text('person_id IS NULL'), postgresql_where=sa.text('person_id IS NULL'))

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('target_quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=50), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum('assigned', 'unit_plan', 'self_proposed', name='task_source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('parent_task_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.Enum('done_on_time', 'done_late', 'not_done', 'cancelled', name='task_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('achieved_quantity', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=300), nullable=True),
    sa.Column('evidence', sa.String(length=1000), nullable=True),
    sa.Column('self_quality', sa.Enum('good', 'meets', 'poor', name='self_quality', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome <> 'cancelled' OR length(coalesce(cancel_reason, '')) >= 1", name=op.f('ck_task_cancel_has_reason')),
    sa.CheckConstraint("outcome IS NULL OR outcome NOT IN ('done_on_time', 'done_late') OR completed_on IS NOT NULL", name=op.f('ck_task_completed_has_date')),
    sa.CheckConstraint('achieved_quantity IS NULL OR (achieved_quantity >= 0 AND achieved_quantity <= 1000000)', name=op.f('ck_task_achieved_quantity_range')),
    sa.CheckConstraint('length(description) <= 4000', name=op.f('ck_task_description_length')),
    sa.CheckConstraint('length(title) >= 1', name=op.f('ck_task_title_not_empty')),
    sa.CheckConstraint('target_quantity > 0 AND target_quantity <= 1000000', name=op.f('ck_task_target_quantity_range')),
    sa.CheckConstraint('weight > 0 AND weight <= 100', name=op.f('ck_task_weight_range')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_task_assigned_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_task_id'], ['task.id'], name=op.f('fk_task_parent_task_id_task'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_task_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_deadline_outcome', ['deadline', 'outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_parent_task_id'), ['parent_task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_task_parent_task_id'))
        batch_op.drop_index('ix_task_deadline_outcome')

    op.drop_table('task')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index('uq_plan_unit_period', sqlite_where=sa.text('person_id IS NULL'), postgresql_where=sa.text('person_id IS NULL'))
        batch_op.drop_index('uq_plan_person_period', sqlite_where=sa.text('person_id IS NOT NULL'), postgresql_where=sa.text('person_id IS NOT NULL'))
        batch_op.drop_index('ix_plan_unit_period')
        batch_op.drop_index(batch_op.f('ix_plan_person_id'))

    op.drop_table('plan')
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_record_object')
        batch_op.drop_index(batch_op.f('ix_audit_record_at'))

    op.drop_table('audit_record')
    op.drop_table('user_account')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('uq_placement_open_per_person', sqlite_where=sa.text('ends_on IS NULL'), postgresql_where=sa.text('ends_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_placement_unit_id'))
        batch_op.drop_index(batch_op.f('ix_placement_person_id'))

    op.drop_table('placement')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_unit_id'))

    op.drop_table('person')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_path'))
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
