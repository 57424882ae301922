"""tag history keeps who closed a value, why, and its expiry; related parties have a
known-from date

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 09:00:00.000000

``related_parties.known_from`` is the day the bank knew of a relation: point-in-time
features count a relation only from then. Rows already stored get the day their import
batch started (or, without a batch, the day they were last written); new rows get the day
they are written unless the import gives a date.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tag_history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))

    with op.batch_alter_table("related_parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("known_from", sa.Date(), nullable=True))
    batch_day = (
        "CAST(b.started_at AS DATE)"
        if op.get_bind().dialect.name == "postgresql"
        else "DATE(b.started_at)"
    )
    own_day = (
        "CAST(related_parties.updated_at AS DATE)"
        if op.get_bind().dialect.name == "postgresql"
        else "DATE(related_parties.updated_at)"
    )
    op.execute(
        f"UPDATE related_parties SET known_from = COALESCE((SELECT {batch_day} "
        "FROM import_batches b WHERE b.id = related_parties.batch_id), "
        f"{own_day}, CURRENT_DATE)"
    )
    # SQLite cannot add a column whose default is CURRENT_DATE: batch mode rebuilds the table
    with op.batch_alter_table("related_parties", schema=None, recreate="auto") as batch_op:
        batch_op.alter_column(
            "known_from",
            existing_type=sa.Date(),
            nullable=False,
            server_default=sa.text("CURRENT_DATE"),
        )


def downgrade() -> None:
    with op.batch_alter_table("related_parties", schema=None) as batch_op:
        batch_op.drop_column("known_from")
    with op.batch_alter_table("tag_history", schema=None) as batch_op:
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("expires_on")
