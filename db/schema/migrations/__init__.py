"""Alembic migrations; run through :mod:`gridcommand.db.schema.migrate`, not an alembic.ini."""
