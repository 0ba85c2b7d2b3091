"""A real PgBouncer in transaction pooling mode in front of the test server.

PgBouncer comes from the system's packages (``apt-get install pgbouncer``; `.ci/run`
installs it). In transaction mode a client has a server session only for the length
of one transaction: LISTEN, session settings and prepared statements do not survive,
which is what the change feed's polling mode is for.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from gridcommand.db.schema import embedded

#: PgBouncer refuses to run as root; it drops to the embedded server's system user.
SYSTEM_USER = "pgserver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def pgbouncer(server: embedded.EmbeddedServer, folder: Path) -> Iterator[int]:
    """Run PgBouncer (transaction pooling) for ``server``; yields its TCP port."""
    exe = shutil.which("pgbouncer")
    assert exe is not None, "pgbouncer is not installed (apt-get install pgbouncer)"
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    port = _free_port()
    admin = server.admin_url
    socket_dir = str(admin.query["host"])
    (folder / "users.txt").write_text(f'"{admin.username}" ""\n', encoding="utf-8")
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = host={socket_dir} port={admin.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 200\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
        "ignore_startup_parameters = extra_float_digits,options\n",
        encoding="utf-8",
    )
    if as_root:
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, SYSTEM_USER, SYSTEM_USER)
    command = [exe, *(["-u", SYSTEM_USER] if as_root else []), str(ini)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"pgbouncer did not start: {err}") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def through(url: URL, port: int) -> URL:
    """``url``'s database, reached through PgBouncer on ``port``."""
    return url.difference_update_query(["host"]).set(host="127.0.0.1", port=port)
