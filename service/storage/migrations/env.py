"""Alembic environment: run with a connection handed in by `service.storage.migrate`."""
from __future__ import annotations

from alembic import context

from service.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
