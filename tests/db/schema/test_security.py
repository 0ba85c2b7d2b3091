"""Every write issue 11 lists, tried through plain SQL as real logins, and refused.

The logins are made with ``gridcommand logins add`` (one per role, plus field logins),
with a password read from the environment; the embedded server is told to demand
that password from them (scram), so each test connects exactly as a person or a
tablet would. Every refusal is asserted by its SQLSTATE and its words.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.actions import service as actions
from gridcommand.db.actions.operator import current_operator
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.desktop import cli
from tests.conftest import conninfo

COMMUNITY = "440113001001"
OTHER_COMMUNITY = "440113002001"
PREFIX = "sec_"
PRIVILEGE = "42501"  # insufficient_privilege: grants, row security and the triggers
CHECK = "23514"  # check_violation


@pytest.fixture(scope="module", autouse=True)
def passwords_required(pg_server: embedded.EmbeddedServer) -> None:
    """Logins named ``sec_*`` must give their password (everyone else keeps trust)."""
    hba = pg_server.pgdata / "pg_hba.conf"
    lines = f"local all /^{PREFIX} scram-sha-256\nhost all /^{PREFIX} all scram-sha-256\n"
    body = hba.read_text()
    if lines not in body:
        hba.write_text(lines + body)
    with psycopg.connect(conninfo(pg_server.admin_url), autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")


@dataclass
class Person:
    login: str
    password: str
    url: URL

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(conninfo(self.url), autocommit=True)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return engine


def make_people(
    db_url: URL, monkeypatch: pytest.MonkeyPatch, plan: dict[str, tuple[str, str, tuple[str, ...]]]
) -> dict[str, Person]:
    """Logins made by the command line, each with its own password from the environment."""
    made: dict[str, Person] = {}
    for key, (role, region, extra) in plan.items():
        login = f"{PREFIX}{key}_{uuid.uuid4().hex[:6]}"
        password = uuid.uuid4().hex
        monkeypatch.setenv("SEC_PW", password)
        argv = ["--db", conninfo(db_url), "logins", "add", login, "--role", role]
        argv += ["--region", region, "--password-from-env", "SEC_PW", *extra]
        assert cli.main(argv) == 0
        made[key] = Person(login, password, db_url.set(username=login, password=password))
    return made


def drop_people(db_url: URL, people: dict[str, Person]) -> None:
    for person in people.values():
        assert cli.main(["--db", conninfo(db_url), "logins", "remove", person.login]) == 0


@pytest.fixture
def people(
    seeded: Engine, db_url: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[dict[str, Person]]:
    """One login per role (district-wide), a field login per community, a shared console."""
    made = make_people(
        db_url,
        monkeypatch,
        {
            "viewer": ("viewer", DISTRICT_CODE, ()),
            "dispatcher": ("dispatcher", DISTRICT_CODE, ()),
            "supervisor": ("supervisor", DISTRICT_CODE, ()),
            "manager": ("manager", DISTRICT_CODE, ()),
            "field": ("field", COMMUNITY, ()),
            "other_field": ("field", OTHER_COMMUNITY, ()),
            "console": ("dispatcher", DISTRICT_CODE, ("--shared",)),
        },
    )
    out = capsys.readouterr().out
    assert f"Login {made['field'].login} added: field in {COMMUNITY}, with a password." in out
    yield made
    drop_people(db_url, made)


def refused(
    conn: psycopg.Connection[Any],
    statement: str,
    params: Any = None,
    *,
    sqlstate: str,
    match: str,
    settings: dict[str, str] | None = None,
) -> None:
    """The statement fails with exactly this SQLSTATE and these words; nothing stays."""
    with pytest.raises(psycopg.Error) as info, conn.transaction():
        for key, value in (settings or {}).items():
            conn.execute("SELECT set_config(%s, %s, true)", (key, value))
        conn.execute(statement, params)
    assert info.value.sqlstate == sqlstate, (statement, info.value.sqlstate, str(info.value))
    assert re.search(match, str(info.value)), (statement, str(info.value))


def worker_in(engine: Engine, community: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "SELECT min(w.code) FROM workers w JOIN grids g ON g.code = w.grid_code"
                    " WHERE g.community_code = :c AND w.active"
                ),
                {"c": community},
            ).scalar_one()
        )


def ticket(engine: Engine, community: str, status: str, worker: str | None = None) -> int:
    """A ticket the administration (the owner) puts in place, for a login to act on."""
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "INSERT INTO tickets (source, category_code, grid_code, lon, lat, status,"
                    " assignee_worker_code, description, reporter_contact)"
                    " VALUES ('hotline', (SELECT min(code) FROM categories),"
                    " (SELECT min(code) FROM grids WHERE community_code = :c), 113.38, 22.93,"
                    " :s, :w, '井盖缺失', '13800138000') RETURNING id"
                ),
                {"c": community, "s": status, "w": worker},
            ).scalar_one()
        )


def row(engine: Engine, query: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(query), params).one()


def test_logins_are_made_listed_and_need_their_password(
    people: dict[str, Person], db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    field = people["field"]
    with field.connect() as conn:
        assert conn.execute("SELECT session_user, current_user").fetchone() == (
            field.login,
            field.login,
        )
        assert conn.execute("SELECT gc_login_role(session_user)").fetchone() == ("field",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(conninfo(field.url.set(password="wrong"))).close()
    assert cli.main(["--db", conninfo(db_url), "logins", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"{field.login}\tfield\t{COMMUNITY}" in listing
    assert f"{people['console'].login}\tdispatcher\t{DISTRICT_CODE}\tshared" in listing
    bad = ["--db", conninfo(db_url), "logins", "add", "Bad Name", "--role", "viewer"]
    assert cli.main([*bad, "--region", DISTRICT_CODE]) == cli.EXIT_USER_ERROR
    assert "is not a login name" in capsys.readouterr().err


def test_nobody_writes_the_trace_but_the_database(
    seeded: Engine, people: dict[str, Person]
) -> None:
    worker = worker_in(seeded, COMMUNITY)
    tid = ticket(seeded, COMMUNITY, "in_progress", worker)
    forged = (
        "INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor, actor_role)"
        " VALUES (%s, %s, 'handled', 'closed', '主管 (boss)', 'supervisor')"
    )
    for key in ("viewer", "manager", "dispatcher", "supervisor"):
        with people[key].connect() as conn:
            for verb in ("close", "acknowledge"):
                refused(
                    conn,
                    forged,
                    (tid, verb),
                    sqlstate=PRIVILEGE,
                    match="permission denied for table ticket_actions",
                )
    progress = (
        "INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor,"
        " actor_role, note) VALUES (%s, 'progress', 'x', 'y', %s, 'supervisor', '到场')"
    )
    with people["field"].connect() as conn:
        for verb in ("close", "acknowledge", "verify"):
            refused(
                conn,
                forged,
                (tid, verb),
                sqlstate=PRIVILEGE,
                match="only the database writes the trace",
            )
        refused(
            conn,
            progress,
            (tid, "W999999"),
            sqlstate=PRIVILEGE,
            match="progress note names the worker in charge",
        )
        conn.execute(progress, (tid, worker))  # the one row a field login writes itself
    with people["other_field"].connect() as conn:
        refused(
            conn,
            progress,
            (tid, worker),
            sqlstate=PRIVILEGE,
            match="progress note names the worker in charge",
        )
    note = row(
        seeded,
        "SELECT action, actor, actor_role, from_status, to_status, db_login, actor_verified"
        " FROM ticket_actions WHERE ticket_id = :t ORDER BY id DESC LIMIT 1",
        t=tid,
    )
    assert tuple(note) == (
        "progress",
        worker,
        "field",
        "in_progress",
        "in_progress",
        people["field"].login,
        True,
    )


def test_settings_cannot_promote_a_login(seeded: Engine, people: dict[str, Person]) -> None:
    worker = worker_in(seeded, COMMUNITY)
    tid = ticket(seeded, COMMUNITY, "dispatched", worker)
    accept = "UPDATE tickets SET status = 'in_progress' WHERE id = %s"
    with people["field"].connect() as conn:
        refused(
            conn,
            accept,
            (tid,),
            sqlstate=PRIVILEGE,
            match="a field login may not verify",
            settings={"gridcommand.action": "verify", "gridcommand.actor_role": "supervisor"},
        )
        refused(
            conn,
            accept,
            (tid,),
            sqlstate=PRIVILEGE,
            match=f"login {people['field'].login} does not serve worker 主管",
            settings={"gridcommand.actor": "主管"},
        )
        refused(
            conn,
            "UPDATE tickets SET status = 'closed' WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match="a field login may not close",
        )
    with people["dispatcher"].connect() as conn:
        refused(
            conn,
            "UPDATE tickets SET status = 'verified' WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match="a dispatcher login may not verify",
            settings={"gridcommand.actor_role": "supervisor"},
        )
        refused(
            conn,
            "UPDATE tickets SET priority = 2 WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match=r"may act only in its own name, not as 王五 \(wangwu\)",
            settings={"gridcommand.actor": "王五 (wangwu)"},
        )
    assert tuple(row(seeded, "SELECT status, version FROM tickets WHERE id = :t", t=tid)) == (
        "dispatched",
        1,
    )


def test_a_field_login_is_bound_to_its_workers(seeded: Engine, people: dict[str, Person]) -> None:
    mine, theirs = worker_in(seeded, COMMUNITY), worker_in(seeded, OTHER_COMMUNITY)
    colleague = str(
        row(
            seeded,
            "SELECT max(w.code) FROM workers w JOIN grids g ON g.code = w.grid_code"
            " WHERE g.community_code = :c",
            c=COMMUNITY,
        )[0]
    )
    assert colleague != mine
    my_case = ticket(seeded, COMMUNITY, "dispatched", mine)
    their_case = ticket(seeded, OTHER_COMMUNITY, "dispatched", theirs)
    fix = "INSERT INTO worker_positions (worker_code, lon, lat) VALUES (%s, 113.38, 22.93)"
    report = (
        "INSERT INTO tickets (source, category_code, grid_code, description)"
        " VALUES ('patrol', '0207', (SELECT min(code) FROM grids WHERE community_code = %s),"
        " '垃圾')"
    )
    with people["field"].connect() as conn:
        conn.execute(fix, (mine,))
        refused(
            conn,
            fix,
            (theirs,),
            sqlstate=PRIVILEGE,
            match='new row violates row-level security policy for table "worker_positions"',
        )
        # Another region's case is not there to accept, hand back or take over.
        for statement in (
            "UPDATE tickets SET status = 'in_progress' WHERE id = %s",
            "UPDATE tickets SET status = 'handled' WHERE id = %s",
            "UPDATE tickets SET status = 'registered', assignee_worker_code = NULL WHERE id = %s",
        ):
            assert conn.execute(statement, (their_case,)).rowcount == 0
        refused(
            conn,
            "UPDATE tickets SET assignee_worker_code = %s WHERE id = %s",
            (colleague, my_case),
            sqlstate=PRIVILEGE,
            match="a field login may not redispatch",
        )
        refused(
            conn,
            "UPDATE tickets SET status = 'handled' WHERE id = %s",
            (my_case,),
            sqlstate=PRIVILEGE,
            match="is dispatched: handle cannot take it to handled",
        )
        for statement in (
            "UPDATE tickets SET priority = 1 WHERE id = %s",
            "UPDATE tickets SET accepted_at = '2000-01-01' WHERE id = %s",
            "UPDATE tickets SET version = 1 WHERE id = %s",
        ):
            refused(
                conn,
                statement,
                (my_case,),
                sqlstate=PRIVILEGE,
                match="permission denied for table tickets",
            )
        refused(
            conn,
            "UPDATE grids SET boundary = '{}'::jsonb WHERE code = (SELECT min(code) FROM grids)",
            sqlstate=PRIVILEGE,
            match="permission denied for table grids",
        )
        for column, value in (
            ("status", "'closed'"),
            ("code", "'T1'"),
            ("version", "9"),
            ("deadline", "'2099-01-01'"),
            ("dispatched_at", "now()"),
        ):
            refused(
                conn,
                f"INSERT INTO tickets (source, category_code, description, {column})"
                f" VALUES ('patrol', '0207', '垃圾', {value})",
                sqlstate=PRIVILEGE,
                match="permission denied for table tickets",
            )
        refused(
            conn,
            report,
            (OTHER_COMMUNITY,),
            sqlstate=PRIVILEGE,
            match='new row violates row-level security policy for table "tickets"',
        )
        refused(
            conn,
            "INSERT INTO tickets (source, external_id, category_code, description)"
            " VALUES ('patrol', '  ', '0207', '空编号')",
            sqlstate=CHECK,
            match="ck_tickets_external_id_not_blank",
        )
        conn.execute(report, (COMMUNITY,))
        with conn.transaction():
            conn.execute("SELECT set_config('gridcommand.actor', %s, true)", (mine,))
            done = conn.execute(
                "UPDATE tickets SET status = 'in_progress' WHERE id = %s"
                " AND status = 'dispatched' AND assignee_worker_code = %s",
                (my_case, mine),
            )
            assert done.rowcount == 1
    accepted = row(
        seeded,
        "SELECT t.accepted_at IS NOT NULL AS stamped, a.action, a.actor, a.db_login,"
        " a.actor_verified FROM tickets t JOIN ticket_actions a ON a.ticket_id = t.id"
        " WHERE t.id = :t ORDER BY a.id DESC LIMIT 1",
        t=my_case,
    )
    assert tuple(accepted) == (True, "accept", mine, people["field"].login, True)


def test_operators_cannot_rewrite_history(seeded: Engine, people: dict[str, Person]) -> None:
    tid = ticket(seeded, COMMUNITY, "reported")
    handled = ticket(seeded, COMMUNITY, "handled", worker_in(seeded, COMMUNITY))
    with people["dispatcher"].connect() as conn:
        for column, value in (
            ("dispatched_at", "'2000-01-01'"),
            ("registered_at", "now()"),
            ("version", "1"),
            ("closed_at", "now()"),
            ("code", "'X'"),
        ):
            refused(
                conn,
                f"UPDATE tickets SET {column} = {value} WHERE id = %s",
                (tid,),
                sqlstate=PRIVILEGE,
                match="permission denied for table tickets",
            )
        refused(
            conn,
            "UPDATE tickets SET status = 'in_progress' WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match="a dispatcher login may not accept",
        )
        refused(
            conn,
            "UPDATE tickets SET status = 'dispatched' WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match="a dispatcher login may not verify",
            settings={"gridcommand.action": "verify"},
        )
    with people["supervisor"].connect() as conn:
        refused(
            conn,
            "UPDATE tickets SET verified_at = '2000-01-01' WHERE id = %s",
            (handled,),
            sqlstate=PRIVILEGE,
            match="permission denied for table tickets",
        )
        refused(
            conn,
            "UPDATE tickets SET status = 'closed' WHERE id = %s",
            (tid,),
            sqlstate=PRIVILEGE,
            match="ticket T.* is reported: close cannot take it to closed",
        )
        conn.execute("UPDATE tickets SET status = 'verified' WHERE id = %s", (handled,))
    for key in ("viewer", "manager"):
        with people[key].connect() as conn:
            refused(
                conn,
                "UPDATE tickets SET acknowledged_at = now() WHERE id = %s",
                (tid,),
                sqlstate=PRIVILEGE,
                match="permission denied for table tickets",
            )
    verified = row(
        seeded,
        "SELECT status, version, verified_at > now() - interval '1 minute' AS now"
        " FROM tickets WHERE id = :t",
        t=handled,
    )
    assert tuple(verified) == ("verified", 2, True)


def test_every_change_is_traced_with_its_login(seeded: Engine, people: dict[str, Person]) -> None:
    worker, other = worker_in(seeded, COMMUNITY), worker_in(seeded, OTHER_COMMUNITY)
    tid = ticket(seeded, COMMUNITY, "reported")
    dispatcher = people["dispatcher"]
    eng = make_engine(dispatcher.url)
    try:
        operator = current_operator(eng)
        assert operator is not None and operator.role == "dispatcher"
        done = actions.dispatch(eng, operator, tid, 1, worker_code=worker)  # emergency path
        moved = actions.redispatch(eng, operator, tid, done.version, worker_code=other)
        up = actions.escalate(eng, operator, tid, moved.version)
        heard = actions.acknowledge(eng, operator, tid, up.version)
        assert heard.version == up.version  # silencing an alarm is not a change of the case
    finally:
        eng.dispose()
    with dispatcher.connect() as conn:
        conn.execute("UPDATE tickets SET priority = 3 WHERE id = %s", (tid,))  # by hand
    with people["console"].connect() as conn, conn.transaction():
        conn.execute("SELECT set_config('gridcommand.actor', '值班员 张三', true)")
        conn.execute("UPDATE tickets SET priority = 2 WHERE id = %s", (tid,))
    with seeded.connect() as owner:
        steps = owner.execute(
            text(
                "SELECT action, actor, actor_role, db_login, actor_verified FROM ticket_actions"
                " WHERE ticket_id = :t ORDER BY id"
            ),
            {"t": tid},
        ).all()
    login = dispatcher.login
    assert [tuple(s) for s in steps[1:]] == [
        ("register", login, "dispatcher", login, True),
        ("dispatch", login, "dispatcher", login, True),
        ("redispatch", login, "dispatcher", login, True),
        ("escalate", login, "dispatcher", login, True),
        ("acknowledge", login, "dispatcher", login, True),
        ("prioritise", login, "dispatcher", login, True),
        ("prioritise", "值班员 张三", "dispatcher", people["console"].login, False),
    ]
    assert steps[0].action == "report" and steps[0].db_login != login


def test_phones_are_masked_for_those_who_need_not_call(
    seeded: Engine, people: dict[str, Person]
) -> None:
    tid = ticket(seeded, COMMUNITY, "reported")
    worker = worker_in(seeded, COMMUNITY)
    full_phone = row(seeded, "SELECT phone FROM workers WHERE code = :w", w=worker).phone
    for key in ("viewer", "manager", "field"):
        with people[key].connect() as conn:
            refused(
                conn,
                "SELECT reporter_contact FROM tickets WHERE id = %s",
                (tid,),
                sqlstate=PRIVILEGE,
                match="permission denied for table tickets",
            )
            refused(
                conn,
                "SELECT phone FROM workers WHERE code = %s",
                (worker,),
                sqlstate=PRIVILEGE,
                match="permission denied for table workers",
            )
            got = conn.execute(
                "SELECT reporter_contact_masked FROM tickets WHERE id = %s", (tid,)
            ).fetchone()
            assert got == ("138****8000",)
            masked = conn.execute(
                "SELECT phone_masked FROM workers WHERE code = %s", (worker,)
            ).fetchone()
            assert masked == (full_phone[:3] + "****" + full_phone[-4:],)
    for key in ("dispatcher", "supervisor"):
        with people[key].connect() as conn:
            got = conn.execute(
                "SELECT reporter_contact FROM tickets WHERE id = %s", (tid,)
            ).fetchone()
            assert got == ("13800138000",)
            phone = conn.execute("SELECT phone FROM workers WHERE code = %s", (worker,))
            assert phone.fetchone() == (full_phone,)
