"""Schema migrations, run programmatically: no alembic.ini to find or lose."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gridcommand.db.schema.errors import UserFacingError, explain_connection_error
from gridcommand.db.schema.urls import describe


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("gridcommand.db.schema") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise explain_connection_error(exc, describe(engine.url)) from None


def check_not_newer(engine: Engine) -> str | None:
    """Refuse a database whose schema is newer than this program knows."""
    current = current_revision(engine)
    if current is None:
        return None
    script = ScriptDirectory.from_config(alembic_config())
    if not _known(script, current):
        raise UserFacingError(
            f"The database schema is at revision {current}, which this gridcommand does not "
            f"know (its newest is {head_revision()}); upgrade gridcommand before using it."
        )
    return current


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False


def upgrade(engine: Engine, target: str = "head") -> str:
    """Bring the schema to ``target`` and return the revision reached."""
    check_not_newer(engine)
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except DBAPIError as exc:
        raise explain_connection_error(exc, describe(engine.url)) from None
    reached = current_revision(engine)
    assert reached is not None
    return reached


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
