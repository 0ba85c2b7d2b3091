"""Alembic migrations; run through :mod:`gridcommand.db.migrate`, not an alembic.ini."""
