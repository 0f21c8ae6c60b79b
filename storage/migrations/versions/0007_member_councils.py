"""The councils each member follows in the bot (/raad): one installation for every KKR and network.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'member_council',
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['body_id'], ['body.id'], name=op.f('fk_member_council_body_id_body'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['member.id'], name=op.f('fk_member_council_member_id_member'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('member_id', 'body_id', name=op.f('pk_member_council')),
    )


def downgrade() -> None:
    op.drop_table('member_council')
