"""Appointment changes proposed by documents, waiting for an administrator; the outbox's retry time
and buttons.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'appointment_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('item_number', sa.String(length=20), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('person_name', sa.String(length=200), nullable=False),
        sa.Column('party', sa.String(length=40), nullable=True),
        sa.Column('replaces_name', sa.String(length=200), nullable=True),
        sa.Column('organization_name', sa.String(length=300), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('sentence', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_user_id', sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'confirmed', 'rejected')", name=op.f('ck_appointment_proposal_state')
        ),
        sa.ForeignKeyConstraint(
            ['item_id'], ['agenda_item.id'], name=op.f('fk_appointment_proposal_item_id_agenda_item')
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_appointment_proposal_meeting_id_meeting')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_proposal')),
        sa.UniqueConstraint('meeting_id', 'fingerprint', name='uq_appointment_proposal_meeting_fingerprint'),
    )
    with op.batch_alter_table('appointment_proposal', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_appointment_proposal_meeting_id'), ['meeting_id'], unique=False
        )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('buttons', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('buttons')
        batch_op.drop_column('not_before')
    with op.batch_alter_table('appointment_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_proposal_meeting_id'))
    op.drop_table('appointment_proposal')
