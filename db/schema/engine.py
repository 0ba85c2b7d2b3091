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
from gridcommand.db.schema.urls import configured_url, describe

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
    """The database a command works on, and the embedded server behind it if any."""

    url: URL
    server: embedded.EmbeddedServer | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def where(self) -> str:
        return "(embedded)" if self.server is not None else describe(self.url)

    def check_reachable(self) -> None:
        """Connect once, turning any failure into a one-sentence error."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise explain_connection_error(exc, describe(self.url)) from None

    def close(self) -> None:
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


def open_database(cli_url: str | None = None, data_dir: Path | None = None) -> Database:
    """The shared server the user named, else the embedded one (started on demand)."""
    url = configured_url(cli_url)
    if url is not None:
        return Database(url=url)
    server = embedded.start(data_dir)
    return Database(url=server.url(), server=server)


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
