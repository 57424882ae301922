"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-03 22:00:26.754601
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


ATTRIBUTES = (
    "name, industry_code, industry_section, registered_capital, established_on, region_code, "
    "ownership_type, listed, employees, revenue, total_assets, size_class, channel, branch, "
    "external_rating"
)
TIMELINE = (
    f"CREATE VIEW enterprise_timeline AS "
    f"SELECT credit_code, {ATTRIBUTES}, effective_from AS valid_from, "
    f"CAST(NULL AS DATE) AS valid_to FROM enterprises "
    f"UNION ALL "
    f"SELECT credit_code, {ATTRIBUTES}, valid_from, valid_to FROM enterprise_versions"
)


def upgrade() -> None:

    op.create_table(
        "enterprises",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=True),
        sa.Column("industry_section", sa.String(length=1), nullable=True),
        sa.Column(
            "registered_capital", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("ownership_type", sa.String(length=16), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column(
            "total_assets", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("size_class", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("branch", sa.String(length=32), nullable=True),
        sa.Column("external_rating", sa.String(length=4), nullable=True),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_enterprises")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index("ix_enterprises_branch", ["branch"], unique=False)

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("superseded", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("released_batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
        sa.UniqueConstraint(
            "kind", "file_sha256", "row_no", name=op.f("uq_quarantine_kind_file_sha256_row_no")
        ),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index("ix_quarantine_status", ["status"], unique=False)

    op.create_table(
        "bureau_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("overdue_count", sa.Integer(), nullable=True),
        sa.Column(
            "overdue_amount", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "outstanding_debt", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("lender_count", sa.Integer(), nullable=True),
        sa.Column("inquiries_6m", sa.Integer(), nullable=True),
        sa.Column(
            "guarantees_given", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("litigation_count", sa.Integer(), nullable=True),
        sa.Column("executed_person", sa.Boolean(), nullable=True),
        sa.Column("tax_arrears", sa.Boolean(), nullable=True),
        sa.Column("abnormal_operation", sa.Boolean(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_bureau_reports_credit_code_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_reports")),
        sa.UniqueConstraint(
            "credit_code", "report_date", name=op.f("uq_bureau_reports_credit_code_report_date")
        ),
    )
    op.create_table(
        "enterprise_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=True),
        sa.Column("industry_section", sa.String(length=1), nullable=True),
        sa.Column(
            "registered_capital", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("ownership_type", sa.String(length=16), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column(
            "total_assets", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("size_class", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("branch", sa.String(length=32), nullable=True),
        sa.Column("external_rating", sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_enterprise_versions_credit_code_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_versions")),
        sa.UniqueConstraint(
            "credit_code", "valid_from", name=op.f("uq_enterprise_versions_credit_code_valid_from")
        ),
    )
    op.create_table(
        "financial_statements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_type", sa.String(length=8), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column(
            "total_assets", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "total_liabilities", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "current_assets", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "current_liabilities", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("inventory", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column("cash", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column(
            "accounts_receivable", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("equity", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column(
            "cost_of_sales", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "operating_profit", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column(
            "interest_expense", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("net_profit", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True),
        sa.Column(
            "operating_cash_flow", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True
        ),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_financial_statements_credit_code_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_statements")),
        sa.UniqueConstraint(
            "credit_code",
            "period_end",
            "period_type",
            name=op.f("uq_financial_statements_credit_code_period_end_period_type"),
        ),
    )
    op.create_table(
        "loans",
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("product", sa.String(length=24), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("maturity_date", sa.Date(), nullable=False),
        sa.Column("annual_rate", sa.Numeric(precision=8, scale=4, asdecimal=False), nullable=True),
        sa.Column("repayment_method", sa.String(length=24), nullable=True),
        sa.Column("collateral_type", sa.String(length=16), nullable=True),
        sa.Column("guarantee_type", sa.String(length=24), nullable=True),
        sa.Column("branch", sa.String(length=32), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_loans_credit_code_enterprises"),
        ),
        sa.PrimaryKeyConstraint("contract_no", name=op.f("pk_loans")),
    )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index("ix_loans_credit_code", ["credit_code"], unique=False)

    op.create_table(
        "related_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("relation", sa.String(length=24), nullable=False),
        sa.Column("party_type", sa.String(length=10), nullable=False),
        sa.Column("party_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("share_pct", sa.Numeric(precision=7, scale=4, asdecimal=False), nullable=True),
        sa.Column("related_credit_code", sa.String(length=18), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_related_parties_credit_code_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_related_parties")),
        sa.UniqueConstraint(
            "credit_code",
            "relation",
            "party_key",
            name=op.f("uq_related_parties_credit_code_relation_party_key"),
        ),
    )
    with op.batch_alter_table("related_parties", schema=None) as batch_op:
        batch_op.create_index("ix_related_parties_related", ["related_credit_code"], unique=False)

    op.create_table(
        "repayment_schedules",
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("installment_no", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "principal_due", sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "interest_due", sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_no"],
            ["loans.contract_no"],
            name=op.f("fk_repayment_schedules_contract_no_loans"),
        ),
        sa.PrimaryKeyConstraint(
            "contract_no", "installment_no", name=op.f("pk_repayment_schedules")
        ),
    )
    op.create_table(
        "repayments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("installment_no", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "principal_paid", sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "interest_paid", sa.Numeric(precision=20, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_no"], ["loans.contract_no"], name=op.f("fk_repayments_contract_no_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repayments")),
        sa.UniqueConstraint(
            "contract_no",
            "installment_no",
            "paid_on",
            name=op.f("uq_repayments_contract_no_installment_no_paid_on"),
        ),
    )
    op.execute(TIMELINE)


def downgrade() -> None:
    op.execute("DROP VIEW enterprise_timeline")

    op.drop_table("repayments")
    op.drop_table("repayment_schedules")
    with op.batch_alter_table("related_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_related_parties_related")

    op.drop_table("related_parties")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index("ix_loans_credit_code")

    op.drop_table("loans")
    op.drop_table("financial_statements")
    op.drop_table("enterprise_versions")
    op.drop_table("bureau_reports")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantine_status")

    op.drop_table("quarantine")
    op.drop_table("import_batches")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprises_branch")

    op.drop_table("enterprises")
