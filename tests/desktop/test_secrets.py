"""No password in what is shown, logged or put on a command line.

``ps`` shows every process's command line to every user of the machine; a
message or a log line goes to screens, files and bug reports. The database URL's
password belongs in neither.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.errors import UserFacingError, explain_connection_error
from gridcommand.db.schema.urls import ENV_VAR, child_environment, parse_database_url, redact
from gridcommand.desktop.cli import EXIT_USER_ERROR, main
from gridcommand.desktop.commands.demo_cmd import simulator_command

SECRET = "S3cr3t-pw_42"
UNPARSABLE = (
    f"postgresql://officer:{SECRET}@db.intranet:port/grid",
    f"postgresql://officer:{SECRET}@db.intranet:5432:5433/grid",
    f"postgresql://officer:p@{SECRET}@db.intranet:x/grid",
    f"postgresql://officer:{SECRET}/with/slashes@db.intranet:x/grid",
    f"mysql://officer:{SECRET}@db.intranet/grid",
    f"oracle://db.intranet/grid?password={SECRET}",
)


@pytest.mark.parametrize("raw", UNPARSABLE)
def test_an_unparsable_url_is_refused_without_its_password(raw: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_database_url(raw)
    message = str(refused.value)
    assert SECRET not in message
    assert "***" in message  # the user still sees which URL it was


def test_redact_masks_passwords_in_urls_and_conninfo() -> None:
    assert redact(f"postgresql://u:{SECRET}@h/db") == "postgresql://u:***@h/db"
    assert SECRET not in redact(f"host=h password={SECRET} dbname=x")
    assert SECRET not in redact(f"host=h password='{SECRET} x' dbname=x")
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_a_driver_error_quoting_the_conninfo_is_masked() -> None:
    error = explain_connection_error(
        ValueError(f'invalid dsn: missing "=" after "x" in "host=h password={SECRET} x"'), "db"
    )
    assert SECRET not in str(error)


@pytest.mark.parametrize("raw", UNPARSABLE[:2])
def test_the_command_line_and_its_log_never_show_the_password(
    raw: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert main(["--db", raw, "db", "current"]) == EXIT_USER_ERROR
    out = capsys.readouterr()
    assert "not a valid PostgreSQL URL" in out.err
    assert SECRET not in out.out + out.err + caplog.text
    # --debug: the whole traceback on stderr, the same exit code.
    assert main(["--debug", "--db", raw, "db", "current"]) == EXIT_USER_ERROR
    shown = capsys.readouterr().err
    assert "Traceback" in shown
    assert SECRET not in shown + caplog.text


def test_an_unreachable_server_is_named_without_the_password(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = main(["--db", f"postgresql://nobody:{SECRET}@127.0.0.1:1/nothing", "db", "upgrade"])
    assert code == EXIT_USER_ERROR
    out = capsys.readouterr()
    assert "127.0.0.1:1" in out.err
    assert SECRET not in out.out + out.err + caplog.text


def _proc(pid: int, name: str) -> list[str]:
    return Path(f"/proc/{pid}/{name}").read_bytes().decode(errors="replace").split("\0")


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_the_demo_simulator_gets_the_url_from_its_environment(
    engine: Engine, db_url: URL, tmp_path: Path
) -> None:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    # The embedded server trusts its socket, so any password logs in: the one here only
    # has to be carried, and must not be seen.
    url = db_url.set(password=SECRET)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    args = argparse.Namespace(sim_seed=7, tickets_per_minute=600.0, bad_rows=0.0)
    log = (tmp_path / "simulate.log").open("wb")
    child = subprocess.Popen(
        simulator_command(args),
        env=child_environment(url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        argv = _proc(child.pid, "cmdline")
        environment = _proc(child.pid, "environ")
        assert not [a for a in argv if SECRET in a], argv
        assert "--db" not in argv
        assert any(e.startswith(f"{ENV_VAR}=") and SECRET in e for e in environment)
        deadline = time.monotonic() + 60
        reported = before
        while time.monotonic() < deadline and reported == before and child.poll() is None:
            time.sleep(0.5)
            with engine.connect() as conn:
                reported = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
        assert reported > before, (tmp_path / "simulate.log").read_text()  # it got there
        assert not [a for a in _proc(child.pid, "cmdline") if SECRET in a]
    finally:
        child.terminate()
        child.wait(timeout=20)
        log.close()
    assert os.environ.get(ENV_VAR) is None or SECRET not in os.environ[ENV_VAR]
