"""search and evidence: people's names folded for search, and evidence files kept in the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:10:00.000000

`person.search_name` is the name without diacritics or case (`core.text.fold`); existing
people are filled here with a frozen copy of that folding, so this revision reads the same
whatever the application's code becomes.
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", bare).casefold().split())


def upgrade() -> None:
    op.create_table(
        'evidence_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            'length(file_name) >= 1', name=op.f('ck_evidence_file_file_name_not_empty')
        ),
        sa.CheckConstraint(
            'size_bytes > 0 AND size_bytes <= 10485760', name=op.f('ck_evidence_file_size_range')
        ),
        sa.ForeignKeyConstraint(
            ['task_id'], ['task.id'], name=op.f('fk_evidence_file_task_id_task'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['user_account.id'],
            name=op.f('fk_evidence_file_uploaded_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    )
    op.create_index(op.f('ix_evidence_file_task_id'), 'evidence_file', ['task_id'])

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=120), nullable=True))
    connection = op.get_bind()
    person = sa.table(
        'person', sa.column('id', sa.Integer), sa.column('full_name'), sa.column('search_name')
    )
    rows = connection.execute(sa.select(person.c.id, person.c.full_name)).all()
    update = (
        sa.update(person)
        .where(person.c.id == sa.bindparam('person_id'))
        .values(search_name=sa.bindparam('folded'))
    )
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        connection.execute(
            update, [{'person_id': id_, 'folded': _fold(name or '')} for id_, name in chunk]
        )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('search_name', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_index(batch_op.f('ix_person_search_name'), ['search_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_search_name'))
        batch_op.drop_column('search_name')
    op.drop_index(op.f('ix_evidence_file_task_id'), table_name='evidence_file')
    op.drop_table('evidence_file')
