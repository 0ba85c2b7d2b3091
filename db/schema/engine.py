"""Engines and the one place that decides which database gridcommand talks to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from gridcommand.db.schema import embedded
from gridcommand.db.schema.errors import UserFacingError, explain_connection_error
from gridcommand.db.schema.urls import (
    configured_replica_url,
    configured_url,
    describe,
    no_listen_configured,
)

CONNECT_TIMEOUT_S = 5


def make_engine(
    url: URL, *, connect_args: Mapping[str, object] | None = None, **kwargs: object
) -> Engine:
    """An engine with timeouts that keep a lost server from hanging a caller forever."""
    merged: dict[str, object] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "gridcommand",
    }
    merged.update(connect_args or {})
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args=merged,
        **kwargs,
    )


@dataclass
class Database:
    """The database a command works on, and the embedded server behind it if any.

    ``url``/``engine`` are the primary: every write (actions, the refused-row record)
    goes there. ``read_url``/``read_engine`` are where reads and the live feed go: a
    hot-standby replica when ``replica_url`` is set, else the primary itself.
    ``listen=False`` keeps the feed from LISTENing (a pooler in transaction mode).
    """

    url: URL
    server: embedded.EmbeddedServer | None = None
    _engine: Engine | None = field(default=None, repr=False)
    replica_url: URL | None = None
    listen: bool = True
    _read_engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The write engine (the primary)."""
        if self._engine is None:
            # Told not to LISTEN: a pooler in transaction mode, where a statement prepared
            # in one transaction's server session is unknown to the next one's.
            unprepared = {} if self.listen else {"prepare_threshold": None}
            self._engine = make_engine(self.url, connect_args=unprepared)
        return self._engine

    @property
    def read_url(self) -> URL:
        return self.replica_url if self.replica_url is not None else self.url

    @property
    def read_engine(self) -> Engine:
        """Where reports and lists are read: the replica if there is one."""
        if self.replica_url is None:
            return self.engine
        if self._read_engine is None:
            # No prepared statements: the replica may sit behind a pooler too.
            self._read_engine = make_engine(
                self.replica_url, connect_args={"prepare_threshold": None}
            )
        return self._read_engine

    @property
    def where(self) -> str:
        primary = "(embedded)" if self.server is not None else describe(self.url)
        if self.replica_url is None:
            return primary
        return f"{primary} · replica {describe(self.replica_url)}"

    def check_reachable(self) -> None:
        """Connect once (to the replica too), turning any failure into one sentence."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise explain_connection_error(exc, describe(self.url)) from None
        if self.replica_url is None:
            return
        try:
            with self.read_engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise explain_connection_error(exc, describe(self.replica_url)) from None

    def close(self) -> None:
        if self._read_engine is not None:
            self._read_engine.dispose()
            self._read_engine = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self.server is not None:
            self.server.release()
            self.server = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(
    cli_url: str | None = None,
    data_dir: Path | None = None,
    *,
    replica_url: str | None = None,
    no_listen: bool | None = None,
) -> Database:
    """The shared server the user named, else the embedded one (started on demand).

    ``replica_url``/``no_listen``: the flags, else ``GRIDCOMMAND_READ_REPLICA_URL`` and
    ``GRIDCOMMAND_NO_LISTEN``.
    """
    replica = configured_replica_url(replica_url)
    listen = not (no_listen if no_listen is not None else no_listen_configured())
    url = configured_url(cli_url)
    if url is not None:
        return Database(url=url, replica_url=replica, listen=listen)
    server = embedded.start(data_dir)
    return Database(url=server.url(), server=server, replica_url=replica, listen=listen)


@contextmanager
def connect_checked(db: Database) -> Iterator[None]:
    """Run a block, translating connection failures into one-sentence errors."""
    try:
        yield
    except DBAPIError as exc:
        if exc.connection_invalidated or "connect" in str(exc.orig).lower():
            raise explain_connection_error(exc, describe(db.url)) from None
        raise UserFacingError(f"The database refused the operation: {_short(exc)}.") from None


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0].rstrip(".")
