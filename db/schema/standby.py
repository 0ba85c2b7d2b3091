"""A hot-standby replica of the embedded server, streaming from it.

Made with the embedded server's own ``pg_basebackup`` (``-R`` writes
``standby.signal`` and ``primary_conninfo``), in a data directory of its own,
listening only on a unix socket in that directory, like the primary. For the tests
and ``gridcommand bench --replica``: a real standby, where LISTEN is refused and
reads see the primary's commits after replication, as on a city's replica.

As root the servers run as the embedded server's system user (``pg_ctl`` refuses
root), so the standby's folder is handed to that user first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from gridcommand.db.schema import embedded

START_TIMEOUT_S = 60


@dataclass
class Standby:
    """A running standby; ``stop()`` it (it is not tied to any process's exit)."""

    folder: Path
    bin_dir: Path
    system_user: str | None
    primary: embedded.EmbeddedServer

    @property
    def pgdata(self) -> Path:
        return self.folder / "pgdata"

    def url(self, database: str = embedded.DATABASE_NAME) -> URL:
        """The primary's URL with the standby's socket directory in place of its own."""
        return self.primary.url(database).update_query_dict({"host": str(self.pgdata)})

    def wait_for(self, database: str, timeout: float = 30.0) -> None:
        """Until ``database`` (just made on the primary) can be read on the standby."""
        import psycopg

        conninfo = self.url(database).set(drivername="postgresql")
        text = conninfo.render_as_string(hide_password=False)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(text, connect_timeout=5):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (at once: a standby has nothing of its own to flush) and delete it."""
        if (self.pgdata / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                _run(self, "pg_ctl", "-w", "-D", str(self.pgdata), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_standby(primary: embedded.EmbeddedServer, folder: Path) -> Standby:
    """Base-back-up ``primary`` into ``folder``/pgdata and start it as a hot standby."""
    server = primary._server
    standby = Standby(
        folder=folder,
        bin_dir=primary.bin_dir(),
        system_user=getattr(server, "system_user", None),
        primary=primary,
    )
    folder.mkdir(parents=True, exist_ok=True)
    if standby.system_user is not None:
        shutil.chown(folder, standby.system_user, standby.system_user)
    primary_socket = str(primary.admin_url.query["host"])
    admin = primary.admin_url.username or "postgres"
    try:
        _run(
            standby,
            "pg_basebackup",
            "-D",
            str(standby.pgdata),
            "-h",
            primary_socket,
            "-U",
            admin,
            "-X",
            "stream",
            "-c",
            "fast",
            "-R",
        )
        # The primary's socket lives in its data directory: the backup copied its lock.
        for lock in standby.pgdata.glob(".s.PGSQL.*"):
            lock.unlink()
        # Its own socket directory, no TCP; hot_standby so it answers reads. With
        # hot_standby_feedback the primary keeps the row versions a console's read on the
        # standby still sees: without it, the primary's cleanup of a busy table (worker
        # positions) conflicts with that read, and replay pauses for up to
        # max_standby_streaming_delay (30 s): the replica-fed wall freezes meanwhile.
        options = f'-h "" -k {standby.pgdata} -c hot_standby=on -c hot_standby_feedback=on'
        log = standby.folder / "standby.log"
        pgdata = str(standby.pgdata)
        _run(standby, "pg_ctl", "-w", "-D", pgdata, "-o", options, "-l", str(log), "start")
    except BaseException:
        standby.stop()
        raise
    return standby


def _run(standby: Standby, command: str, *args: str) -> None:
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    user = standby.system_user if as_root else None
    done = subprocess.run(
        [str(standby.bin_dir / command), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        cwd=str(standby.folder),
        user=user,
    )
    if done.returncode != 0:
        log = standby.folder / "standby.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{command} failed: {done.stderr.strip()}\n{tail}".strip())
