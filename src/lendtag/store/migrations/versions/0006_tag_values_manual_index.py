"""current tag values: an index of the manual values

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:00:00.000000

Every tag run looks for the manual values whose expiry has come and, in a full run, those of
tags no longer published as manual. They are few among millions of run values: the partial
index ``ix_tag_values_manual`` (``expires_on``, only rows with ``source = 'manual'``) finds
them without reading the whole table, and costs nothing when a run writes its values.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_MANUAL = sa.text("source = 'manual'")


def upgrade() -> None:
    op.create_index(
        "ix_tag_values_manual",
        "tag_values",
        ["expires_on"],
        unique=False,
        sqlite_where=_MANUAL,
        postgresql_where=_MANUAL,
    )


def downgrade() -> None:
    op.drop_index("ix_tag_values_manual", table_name="tag_values")
