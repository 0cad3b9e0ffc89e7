"""emulation

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:15:22.830239
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('achievement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('initiative', 'science_work', name='achievement_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('recognised_by', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(title) >= 1', name=op.f('ck_achievement_title_not_empty')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_achievement_year_range')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_achievement_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_achievement_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement'))
    )
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_person_id'), ['person_id'], unique=False)

    op.create_table('emulation_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.Enum('lao_dong_tien_tien', 'chien_si_thi_dua_co_so', 'tap_the_lao_dong_tien_tien', 'tap_the_lao_dong_xuat_sac', name='title', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("revoked_at IS NULL OR length(coalesce(revoke_reason, '')) >= 1", name=op.f('ck_emulation_decision_revocation_has_reason')),
    sa.CheckConstraint('length(number) >= 1', name=op.f('ck_emulation_decision_number_not_empty')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_emulation_decision_year_range')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_emulation_decision_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_emulation_decision_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_decision')),
    sa.UniqueConstraint('number', name=op.f('uq_emulation_decision_number'))
    )
    op.create_table('emulation_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(person_id IS NULL) <> (unit_id IS NULL)', name=op.f('ck_emulation_award_person_or_collective')),
    sa.ForeignKeyConstraint(['decision_id'], ['emulation_decision.id'], name=op.f('fk_emulation_award_decision_id_emulation_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_emulation_award_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_emulation_award_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_award')),
    sa.UniqueConstraint('decision_id', 'person_id', name='uq_emulation_award_person'),
    sa.UniqueConstraint('decision_id', 'unit_id', name='uq_emulation_award_unit')
    )
    with op.batch_alter_table('emulation_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emulation_award_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emulation_award_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('emulation_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emulation_award_person_id'))
        batch_op.drop_index(batch_op.f('ix_emulation_award_decision_id'))

    op.drop_table('emulation_award')
    op.drop_table('emulation_decision')
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_person_id'))

    op.drop_table('achievement')
