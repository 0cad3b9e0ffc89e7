"""accounts administration: delegation, acting heads, one-time passwords

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('delegation', 'acting_head', name='delegation_kind', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('from_person_id', sa.Integer(), nullable=True),
    sa.Column('to_person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('head', 'deputy', 'none', name='leadership_role', native_enum=False, create_constraint=True, length=6), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_delegation_ends_after_start')),
    sa.CheckConstraint("role <> 'none'", name=op.f('ck_delegation_grants_a_leadership_role')),
    sa.CheckConstraint("kind <> 'delegation' OR from_person_id IS NOT NULL", name=op.f('ck_delegation_delegation_has_delegator')),
    sa.CheckConstraint('from_person_id IS NULL OR from_person_id <> to_person_id', name=op.f('ck_delegation_not_to_oneself')),
    sa.ForeignKeyConstraint(['from_person_id'], ['person.id'], name=op.f('fk_delegation_from_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_person_id'], ['person.id'], name=op.f('fk_delegation_to_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_delegation_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_from_person_id'), ['from_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_to_person_id'), ['to_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_time_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('one_time_password')

    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_unit_id'))
        batch_op.drop_index(batch_op.f('ix_delegation_to_person_id'))
        batch_op.drop_index(batch_op.f('ix_delegation_from_person_id'))

    op.drop_table('delegation')
