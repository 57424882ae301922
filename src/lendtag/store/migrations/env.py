"""Alembic environment: runs on the connection lendtag hands over (never reads a URL)."""

from __future__ import annotations

from alembic import context

from lendtag.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only lendtag's own code drives migrations
    raise RuntimeError("lendtag migrations run through `lendtag init`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
