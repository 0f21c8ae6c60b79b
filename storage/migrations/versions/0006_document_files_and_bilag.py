"""The PDFs' bytes (to send a bilag or an item's pages), and the bilag a bundle is split into.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'document_file',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['document.id'], name=op.f('fk_document_file_document_id_document'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_file')),
    )
    op.create_table(
        'bilag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('first_page', sa.Integer(), nullable=False),
        sa.Column('last_page', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['document.id'], name=op.f('fk_bilag_document_id_document'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bilag')),
        sa.UniqueConstraint('document_id', 'first_page', name='uq_bilag_document_first_page'),
    )
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bilag_document_id'), ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bilag_document_id'))
    op.drop_table('bilag')
    op.drop_table('document_file')
