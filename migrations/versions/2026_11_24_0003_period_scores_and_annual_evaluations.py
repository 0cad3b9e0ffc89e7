"""scoring

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 22:51:40.469809
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('annual_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('can_bo', 'cong_chuc', 'vien_chuc', 'nguoi_lao_dong', name='staff_category', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('leader', sa.Boolean(), nullable=False),
    sa.Column('step', sa.Enum('self_assessment', 'collective_comments', 'party_committee_comments', 'personnel_proposal', 'decision', 'notification', 'petition', 'petition_resolved', name='evaluation_step', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('self_report', sa.Text(), nullable=True),
    sa.Column('self_level', sa.Enum('xuat_sac', 'tot', 'hoan_thanh', 'khong_hoan_thanh', 'khong_xep_loai', 'can_quyet_dinh', name='self_level', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('collective_minutes', sa.Text(), nullable=True),
    sa.Column('general_assessment', sa.Enum('good', 'meet', 'fail', name='general_assessment', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('party_comment', sa.Text(), nullable=True),
    sa.Column('personnel_level', sa.Enum('xuat_sac', 'tot', 'hoan_thanh', 'khong_hoan_thanh', 'khong_xep_loai', 'can_quyet_dinh', name='personnel_level', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('personnel_comment', sa.Text(), nullable=True),
    sa.Column('quota_rank', sa.Integer(), nullable=True),
    sa.Column('rulebook', sa.String(length=20), nullable=False),
    sa.Column('computed_level', sa.Enum('xuat_sac', 'tot', 'hoan_thanh', 'khong_hoan_thanh', 'khong_xep_loai', 'can_quyet_dinh', name='computed_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('computed_points', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('computed_rules', sa.JSON(), nullable=False),
    sa.Column('computed_reasons', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('final_level', sa.Enum('xuat_sac', 'tot', 'hoan_thanh', 'khong_hoan_thanh', 'khong_xep_loai', 'can_quyet_dinh', name='final_level', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('quota_exception_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('petition_text', sa.Text(), nullable=True),
    sa.Column('petition_at', sa.DateTime(), nullable=True),
    sa.Column('petition_resolution', sa.Text(), nullable=True),
    sa.Column('petition_resolved_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("final_level IS NULL OR final_level NOT IN ('can_quyet_dinh')", name=op.f('ck_annual_evaluation_final_level_is_a_level')),
    sa.CheckConstraint('final_level IS NULL OR decided_at IS NOT NULL', name=op.f('ck_annual_evaluation_decision_is_dated')),
    sa.CheckConstraint("final_level IS NULL OR final_level = computed_level OR length(coalesce(decision_reason, '')) >= 1", name=op.f('ck_annual_evaluation_departure_has_reason')),
    sa.CheckConstraint('quota_rank IS NULL OR quota_rank >= 1', name=op.f('ck_annual_evaluation_quota_rank_positive')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_annual_evaluation_year_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_annual_evaluation_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_annual_evaluation_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_annual_evaluation_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_evaluation')),
    sa.UniqueConstraint('person_id', 'year', name='uq_annual_evaluation_person_year')
    )
    with op.batch_alter_table('annual_evaluation', schema=None) as batch_op:
        batch_op.create_index('ix_annual_evaluation_unit_year', ['unit_id', 'year'], unique=False)

    op.create_table('period_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.Enum('week', 'month', 'quarter', 'year', name='period_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period_year', sa.Integer(), nullable=False),
    sa.Column('period_number', sa.Integer(), nullable=False),
    sa.Column('criteria_set', sa.String(length=40), nullable=False),
    sa.Column('general_points', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('general_breakdown', sa.JSON(), nullable=False),
    sa.Column('general_comment', sa.Text(), nullable=True),
    sa.Column('computed_task_points', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('task_points', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('adjustment_reason', sa.Text(), nullable=True),
    sa.Column('quantity_pct', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('quality_pct', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('progress_pct', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('organising_pct', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('scored_by_id', sa.Integer(), nullable=True),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("period_kind IN ('month', 'quarter')", name=op.f('ck_period_score_month_or_quarter')),
    sa.CheckConstraint('computed_task_points IS NULL OR computed_task_points BETWEEN 0 AND 70', name=op.f('ck_period_score_computed_task_points_range')),
    sa.CheckConstraint('general_points BETWEEN 0 AND 30', name=op.f('ck_period_score_general_points_range')),
    sa.CheckConstraint('length(general_comment) <= 4000', name=op.f('ck_period_score_comment_length')),
    sa.CheckConstraint('organising_pct IS NULL OR organising_pct BETWEEN 0 AND 100', name=op.f('ck_period_score_organising_pct_range')),
    sa.CheckConstraint("(computed_task_points IS NOT NULL AND task_points = computed_task_points) OR length(coalesce(adjustment_reason, '')) >= 1", name=op.f('ck_period_score_adjustment_has_reason')),
    sa.CheckConstraint('task_points BETWEEN 0 AND 70', name=op.f('ck_period_score_task_points_range')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_period_score_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scored_by_id'], ['user_account.id'], name=op.f('fk_period_score_scored_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_period_score_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_score'))
    )
    with op.batch_alter_table('period_score', schema=None) as batch_op:
        batch_op.create_index('ix_period_score_unit_period', ['unit_id', 'period_year', 'period_kind'], unique=False)
        batch_op.create_index('uq_period_score_person_period', ['person_id', 'period_kind', 'period_year', 'period_number'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('period_score', schema=None) as batch_op:
        batch_op.drop_index('uq_period_score_person_period')
        batch_op.drop_index('ix_period_score_unit_period')

    op.drop_table('period_score')
    with op.batch_alter_table('annual_evaluation', schema=None) as batch_op:
        batch_op.drop_index('ix_annual_evaluation_unit_year')

    op.drop_table('annual_evaluation')
