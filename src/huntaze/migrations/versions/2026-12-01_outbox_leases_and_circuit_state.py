"""outbox: claim leases on outbound_message, circuit state on outbox_circuit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lease_until", huntaze.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_outbound_message_state_lease_until", ["state", "lease_until"], unique=False
        )
    with op.batch_alter_table("outbox_circuit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="closed")
        )
        batch_op.add_column(
            sa.Column("since", huntaze.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("probe_until", huntaze.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    # A circuit that was open keeps being open until its time runs out.
    op.execute("UPDATE outbox_circuit SET state = 'open' WHERE open_until IS NOT NULL")
    with op.batch_alter_table("outbox_circuit", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("outbox_circuit", schema=None) as batch_op:
        batch_op.drop_column("probe_until")
        batch_op.drop_column("reason")
        batch_op.drop_column("since")
        batch_op.drop_column("state")
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_message_state_lease_until")
        batch_op.drop_column("lease_until")
