"""Alembic environment: runs on the connection that :mod:`..migrate` hands in."""

from __future__ import annotations

from alembic import context

from gridcommand.db.schema.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("gridcommand migrations run online only; use 'gridcommand db upgrade'.")
run_migrations_online()
