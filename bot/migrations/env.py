"""Alembic environment: always run with a connection handed in by bot.adapters.db.engine."""

from alembic import context

from bot.adapters.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `tscp-bot init`, which supplies the connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
