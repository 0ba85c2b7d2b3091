"""Every SQL example of docs/field-contract.md runs, as written, through the real psql,
as the field login the page tells the administration to make (``gridcommand logins add``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import DISTRICT_CODE
from gridcommand.desktop import cli
from tests.conftest import conninfo

DOC = Path(__file__).resolve().parents[3] / "docs" / "field-contract.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)


def sql_blocks() -> list[str]:
    return SQL_BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_document_has_examples_for_each_field_step() -> None:
    text = "\n".join(sql_blocks())
    for needle in (
        "INSERT INTO worker_positions",
        "INSERT INTO tickets",
        "SET status = 'in_progress'",
        "SET status = 'handled'",
        "INSERT INTO ticket_photos",
        "'GCJ02'",
        "INSERT INTO ticket_extensions",
        "INSERT INTO ticket_feedback",
    ):
        assert needle in text


@pytest.fixture
def demo_logins(seeded: str, db_url: URL) -> Iterator[str]:
    """The page's two logins, made as the page says; the field login's conninfo."""
    db = conninfo(db_url)
    logins = (("pad.demo", "field"), ("officer.demo", "dispatcher"), ("chief.demo", "supervisor"))
    for login, role in logins:
        argv = ["--db", db, "logins", "add", login, "--role", role, "--region", DISTRICT_CODE]
        assert cli.main(argv) == 0
    yield conninfo(db_url.set(username="pad.demo"))
    for login, _ in logins:
        assert cli.main(["--db", db, "logins", "remove", login]) == 0


def test_the_page_names_the_logins_it_uses() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "gridcommand logins add pad.demo --role field --region 440113" in text
    assert "gridcommand logins add officer.demo --role dispatcher --region 440113" in text
    assert "gridcommand logins add chief.demo --role supervisor --region 440113" in text


@pytest.mark.skipif(shutil.which("psql") is None, reason="needs the psql client")
def test_examples_run_through_psql(seeded: str, demo_logins: str, tmp_path: Path) -> None:
    script = tmp_path / "contract.sql"
    script.write_text("\n".join(sql_blocks()), encoding="utf-8")
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", demo_logins, "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with psycopg.connect(seeded) as conn:
        steps = conn.execute(
            "SELECT action, to_status, db_login FROM ticket_actions a"
            " JOIN tickets t ON t.id = a.ticket_id WHERE a.actor = 'W000001' ORDER BY a.id"
        ).fetchall()
        dispatched = conn.execute(
            "SELECT DISTINCT actor, actor_role, db_login FROM ticket_actions"
            " WHERE action = 'dispatch' AND db_login = 'officer.demo'"
        ).fetchall()
        crs = conn.execute("SELECT crs FROM tickets WHERE source = 'wechat'").fetchall()
        photos = conn.execute("SELECT count(*) FROM ticket_photos").fetchone()
        extension = conn.execute(
            "SELECT status, old_deadline < new_deadline FROM ticket_extensions"
        ).fetchall()
        feedback = conn.execute(
            "SELECT f.result, a.action, t.status FROM ticket_feedback f"
            " JOIN tickets t ON t.id = f.ticket_id"
            " JOIN ticket_actions a ON a.ticket_id = f.ticket_id AND a.action = 'feedback'"
            " AND a.db_login = 'pad.demo' AND f.caller = '12345-seat-07'"
        ).fetchall()
    actions = [s[0] for s in steps]
    # The extension is asked after the case was given back and dispatched again.
    assert actions[-5:] == ["accept", "progress", "handle", "return", "request_extension"]
    assert {s[2] for s in steps[-5:]} == {"pad.demo"}  # the login, recorded by the database
    assert dispatched == [("officer.demo", "dispatcher", "officer.demo")]
    assert extension == [("pending", True)]
    assert feedback == [("basically_satisfied", "feedback", "closed")]
    assert ("GCJ02",) in crs
    assert photos is not None and photos[0] == 2
