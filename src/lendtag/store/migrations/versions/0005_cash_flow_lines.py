"""financial statements carry the cash-flow statement's investing, financing and capital
expenditure lines

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-11 09:00:00.000000

``financial_statements`` gains, in 万元 and nullable: ``investing_cash_flow`` (投资活动产生的
现金流量净额) and ``financing_cash_flow`` (筹资活动产生的现金流量净额), both signed, and
``capital_expenditure`` (购建固定资产、无形资产和其他长期资产支付的现金, not negative). Rows
already stored keep every value and have none of the three (NULL): nothing is guessed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_LINES = ("investing_cash_flow", "financing_cash_flow", "capital_expenditure")


def upgrade() -> None:
    with op.batch_alter_table("financial_statements", schema=None) as batch_op:
        for name in _LINES:
            batch_op.add_column(
                sa.Column(name, sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True)
            )


def downgrade() -> None:
    with op.batch_alter_table("financial_statements", schema=None) as batch_op:
        for name in reversed(_LINES):
            batch_op.drop_column(name)
