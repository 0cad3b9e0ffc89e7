"""decision snapshot: what an annual decision was decided on (points per criterion and period)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00.000000

Decisions taken before this revision keep no snapshot: their exports rebuild one from the
rulebook facts stored with the decision (`scoring.snapshot.build`), never from scores changed
since.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('annual_evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_snapshot', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_annual_evaluation_snapshot_of_a_decision'),
            'decision_snapshot IS NULL OR decided_at IS NOT NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('annual_evaluation', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_annual_evaluation_snapshot_of_a_decision'), type_='check'
        )
        batch_op.drop_column('decision_snapshot')
