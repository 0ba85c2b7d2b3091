"""Every example of docs/security.md runs as written: the shell lines through the real
command line, each SQL block through the real psql as the login it names, and each
refusal the page promises is the refusal the database gives.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.desktop import cli
from tests.conftest import conninfo

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"
BLOCK = re.compile(r"^```(sql|shell)\n(.*?)^```", re.S | re.M)


def blocks(kind: str) -> list[str]:
    return [body for k, body in BLOCK.findall(DOC.read_text(encoding="utf-8")) if k == kind]


def test_the_page_covers_every_role_and_each_refusal_it_promises() -> None:
    text = DOC.read_text(encoding="utf-8")
    for group in ("gc_viewer", "gc_manager", "gc_dispatcher", "gc_supervisor", "gc_field"):
        assert f"`{group}`" in text
    refusals = [b for b in blocks("sql") if "-- refused:" in b]
    assert len(refusals) >= 7
    assert all(re.match(r"-- as [\w.]+\n", b) for b in blocks("sql"))


@pytest.fixture
def provisioned(engine: Engine, db_url: URL, monkeypatch: pytest.MonkeyPatch) -> Iterator[URL]:
    """The seeded district, and the page's shell lines run as the administration."""
    seed_demo(engine, grids=12, random_seed=2, days=1)
    monkeypatch.setenv("GC_PW", "doc-password")
    made: list[str] = []
    for line in "\n".join(blocks("shell")).splitlines():
        argv = shlex.split(line)
        assert argv[0] == "gridcommand", line
        assert cli.main(["--db", conninfo(db_url), *argv[1:]]) == 0, line
        if argv[1:3] == ["logins", "add"]:
            made.append(argv[3])
    assert len(made) == 4
    yield db_url
    for login in made:
        assert cli.main(["--db", conninfo(db_url), "logins", "remove", login]) == 0


@pytest.mark.skipif(shutil.which("psql") is None, reason="needs the psql client")
def test_examples_run_as_the_logins_they_name(provisioned: URL, tmp_path: Path) -> None:
    for number, body in enumerate(blocks("sql")):
        login = re.match(r"-- as ([\w.]+)\n", body)
        assert login is not None, body
        expected = re.search(r"^-- refused: (.+)$", body, re.M)
        script = tmp_path / f"block{number}.sql"
        script.write_text(body, encoding="utf-8")
        url = conninfo(provisioned.set(username=login.group(1), password="doc-password"))
        result = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(script)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if expected is None:
            assert result.returncode == 0, (body, result.stderr)
        else:
            assert result.returncode != 0, body
            assert "ERROR:" in result.stderr and expected.group(1) in result.stderr, (
                body,
                result.stderr,
            )
    with psycopg.connect(conninfo(provisioned)) as conn:
        trace = conn.execute(
            "SELECT action, actor, actor_role, db_login, actor_verified FROM ticket_actions"
            " WHERE ticket_id = (SELECT id FROM tickets WHERE external_id = 'doc-1') ORDER BY id"
        ).fetchall()
        contact = conn.execute(
            "SELECT priority, reporter_contact FROM tickets WHERE external_id = 'doc-1'"
        ).fetchone()
    assert trace == [
        ("report", "pad.street1", "field", "pad.street1", True),
        ("dispatch", "wang.wu", "dispatcher", "wang.wu", True),
        ("escalate", "夜班 李四", "dispatcher", "console.night", False),
    ]
    assert contact == (1, "13800138000")  # refused writes left nothing behind
