"""Roles and jurisdiction enforced by PostgreSQL itself, through real logins."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from alembic import command
from psycopg import sql
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ProgrammingError

from gridcommand.db.actions import service as actions
from gridcommand.db.actions.operator import current_operator
from gridcommand.db.actions.service import ActionRefused, Operator, TicketNotFound
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.conftest import conninfo

STREET = "440113001"
COMMUNITY = "440113001001"
OTHER_COMMUNITY = "440113002001"
GROUPS = ("gc_viewer", "gc_dispatcher", "gc_supervisor", "gc_manager", "gc_field")

Login = Callable[[str, str | None], tuple[str, Engine]]


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return engine


@pytest.fixture
def login(pg_server: embedded.EmbeddedServer, db_url: URL, engine: Engine) -> Iterator[Login]:
    """Make a LOGIN role in a group, scoped to a region, and an engine connected as it."""
    made: list[tuple[str, Engine]] = []

    def make(group: str, region: str | None) -> tuple[str, Engine]:
        name = f"t_{group.removeprefix('gc_')}_{uuid.uuid4().hex[:8]}"
        _admin(
            pg_server,
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                sql.Identifier(name), sql.Identifier(group)
            ),
        )
        if region is not None:
            with engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO operator_scopes (login, region_code) VALUES (:l, :r)"),
                    {"l": name, "r": region},
                )
        eng = make_engine(db_url.set(username=name))
        made.append((name, eng))
        return name, eng

    yield make
    for name, eng in made:
        eng.dispose()
        _admin(pg_server, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def _admin(server: embedded.EmbeddedServer, statement: sql.Composed) -> None:
    with psycopg.connect(conninfo(server.admin_url), autocommit=True) as conn:
        conn.execute(statement)


def _count(engine: Engine, query: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(query), params).scalar_one())


def _ticket_in(engine: Engine, community: str, status: str = "reported") -> tuple[int, int]:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, status)"
                " VALUES ('hotline', (SELECT min(code) FROM categories),"
                " (SELECT min(code) FROM grids WHERE community_code = :c), 113.38, 22.93, :s)"
                " RETURNING id, version"
            ),
            {"c": community, "s": status},
        ).one()
    return row.id, row.version


def test_roles_are_nologin_groups(engine: Engine) -> None:
    with engine.connect() as conn:
        rows: dict[str, bool] = dict(
            conn.execute(
                text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(:g)"),
                {"g": list(GROUPS)},
            ).all()
        )
        assert rows == dict.fromkeys(GROUPS, False)
        for member in ("gc_dispatcher", "gc_supervisor", "gc_manager"):
            assert conn.execute(
                text("SELECT pg_has_role(:m, 'gc_viewer', 'MEMBER')"), {"m": member}
            ).scalar_one()


def test_a_viewer_cannot_update_a_ticket_even_by_sql(seeded: Engine, login: Login) -> None:
    tid, version = _ticket_in(seeded, COMMUNITY)
    name, viewer = login("gc_viewer", DISTRICT_CODE)
    assert _count(viewer, "SELECT count(*) FROM tickets WHERE id = :id", id=tid) == 1
    with pytest.raises(ProgrammingError, match="permission denied"), viewer.begin() as conn:
        conn.execute(text("UPDATE tickets SET status = 'closed' WHERE id = :id"), {"id": tid})
    with pytest.raises(ProgrammingError, match="permission denied"), viewer.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_actions (ticket_id, action, actor, actor_role)"
                " VALUES (:id, 'close', 'me', 'viewer')"
            ),
            {"id": tid},
        )
    # Even a window that believed the login were a dispatcher is refused by the database.
    posing = Operator(name, "冒充", "dispatcher", "district", DISTRICT_CODE)
    with pytest.raises(ActionRefused, match="database refused"):
        actions.register(viewer, posing, tid, version)
    assert _count(seeded, "SELECT version FROM tickets WHERE id = :id", id=tid) == version


def test_scope_limits_the_rows_a_login_sees(seeded: Engine, login: Login) -> None:
    for code in (COMMUNITY, OTHER_COMMUNITY):
        _ticket_in(seeded, code)
    with seeded.begin() as conn:  # a citizen's report not yet located in a grid
        conn.execute(
            text(
                "INSERT INTO tickets (source, category_code) VALUES"
                " ('wechat', (SELECT min(code) FROM categories))"
            )
        )
    everything = {
        table: _count(seeded, f"SELECT count(*) FROM {table}")
        for table in ("grids", "workers", "worker_positions", "tickets", "ticket_actions")
    }
    in_street = {
        "grids": _count(
            seeded,
            "SELECT count(*) FROM grids g JOIN regions c ON c.code = g.community_code"
            " WHERE c.parent_code = :s",
            s=STREET,
        ),
        "tickets": _count(
            seeded,
            "SELECT count(*) FROM tickets t JOIN grids g ON g.code = t.grid_code"
            " JOIN regions c ON c.code = g.community_code WHERE c.parent_code = :s",
            s=STREET,
        ),
        "workers": _count(
            seeded,
            "SELECT count(*) FROM workers w JOIN grids g ON g.code = w.grid_code"
            " JOIN regions c ON c.code = g.community_code WHERE c.parent_code = :s",
            s=STREET,
        ),
    }
    in_community = _count(
        seeded, "SELECT count(*) FROM grids WHERE community_code = :c", c=COMMUNITY
    )
    _, district = login("gc_manager", DISTRICT_CODE)
    _, street = login("gc_viewer", STREET)
    _, community = login("gc_dispatcher", COMMUNITY)
    _, nobody = login("gc_viewer", None)
    for table, total in everything.items():
        assert _count(district, f"SELECT count(*) FROM {table}") == total, table
        assert _count(nobody, f"SELECT count(*) FROM {table}") == 0, table
    for table, total in in_street.items():
        assert 0 < _count(street, f"SELECT count(*) FROM {table}") == total < everything[table]
    assert _count(community, "SELECT count(*) FROM grids") == in_community
    outside = "SELECT count(*) FROM grids g JOIN regions c ON c.code = g.community_code"
    assert _count(community, outside + " WHERE c.code <> :c", c=COMMUNITY) == 0
    unlocated = "SELECT count(*) FROM tickets WHERE grid_code IS NULL"
    assert _count(district, unlocated) == 1 and _count(street, unlocated) == 0
    with seeded.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO rejected_input (source_table, row_ref, reason_code, reason)"
                " VALUES ('tickets', '1', 'bad_point', 'a point at sea')"
            )
        )
    assert _count(district, "SELECT count(*) FROM rejected_input") == 1
    assert _count(street, "SELECT count(*) FROM rejected_input") == 0
    assert _count(street, "SELECT count(*) FROM operator_scopes") == 1  # its own row only


def test_a_dispatcher_login_acts_in_scope_and_the_feed_still_hears_it(
    seeded: Engine, login: Login, db_url: URL
) -> None:
    mine, version = _ticket_in(seeded, COMMUNITY)
    theirs, their_version = _ticket_in(seeded, OTHER_COMMUNITY)
    name, eng = login("gc_dispatcher", COMMUNITY)
    operator = Operator(name, "赵敏", "dispatcher", "community", COMMUNITY)
    with psycopg.connect(conninfo(db_url), autocommit=True) as listener:
        listener.execute("LISTEN gridcommand_changes")
        result = actions.register(eng, operator, mine, version)
        heard = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=2)]
    assert {"t": "tickets", "id": str(mine), "op": "U"} in heard
    assert result.to_status == "registered"
    with seeded.connect() as conn:
        actor = conn.execute(
            text("SELECT actor FROM ticket_actions WHERE id = :t"), {"t": result.trace_id}
        ).scalar_one()
    assert actor == f"赵敏 ({name})"
    with pytest.raises(TicketNotFound):  # another community's ticket is not even visible
        actions.register(eng, operator, theirs, their_version)
    # A dispatcher may not verify or close, whatever SQL they write.
    closing = text("UPDATE tickets SET status = 'closed' WHERE id = :id")
    with (
        pytest.raises(ProgrammingError, match="a dispatcher login may not close"),
        eng.begin() as c,
    ):
        c.execute(closing, {"id": mine})


def test_the_operator_is_read_from_the_login(seeded: Engine, login: Login) -> None:
    name, eng = login("gc_dispatcher", COMMUNITY)
    assert current_operator(eng) == Operator(name, name, "dispatcher", "community", COMMUNITY)
    assert current_operator(seeded) is None  # the owner is nobody's operator
    _, unscoped = login("gc_viewer", None)
    assert current_operator(unscoped) is None


def test_a_supervisor_login_verifies_and_closes(seeded: Engine, login: Login) -> None:
    tid, version = _ticket_in(seeded, COMMUNITY, "handled")
    _, eng = login("gc_supervisor", STREET)
    operator = current_operator(eng)
    assert operator is not None and operator.role == "supervisor"
    verified = actions.verify(eng, operator, tid, version)
    closed = actions.close(eng, operator, tid, verified.version)
    assert closed.to_status == "closed"
    assert actions.acknowledge(eng, operator, tid, closed.version).changed


def test_the_field_role_reports_and_steps_but_cannot_close(seeded: Engine, login: Login) -> None:
    _, field = login("gc_field", DISTRICT_CODE)  # a field login serves its region's workers
    with seeded.connect() as conn:
        worker, grid = conn.execute(text("SELECT code, grid_code FROM workers LIMIT 1")).one()
    with field.begin() as conn:
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, external_id, category_code, grid_code, lon, lat,"
                " reporter, is_emergency) VALUES ('patrol', 'pad-1',"
                " (SELECT min(code) FROM categories), :g, 113.38, 22.93, :w, true) RETURNING id"
            ),
            {"g": grid, "w": worker},
        ).scalar_one()
        conn.execute(
            text("INSERT INTO ticket_photos (ticket_id, data) VALUES (:t, '\\x89504e47')"),
            {"t": tid},
        )
        conn.execute(
            text("INSERT INTO worker_positions (worker_code, lon, lat) VALUES (:w, 113.38, 22.93)"),
            {"w": worker},
        )
    with seeded.begin() as conn:
        conn.execute(
            text(
                "UPDATE tickets SET status = 'dispatched', assignee_worker_code = :w WHERE id = :t"
            ),
            {"w": worker, "t": tid},
        )
    with field.begin() as conn:
        accepted = conn.execute(
            text(
                "UPDATE tickets SET status = 'in_progress' WHERE id = :t AND status = 'dispatched'"
                " AND assignee_worker_code = :w"
            ),
            {"t": tid, "w": worker},
        )
        assert accepted.rowcount == 1
    closing = text("UPDATE tickets SET status = 'closed' WHERE id = :t")
    with pytest.raises(ProgrammingError, match="a field login may not close"), field.begin() as c:
        c.execute(closing, {"t": tid})
    with pytest.raises(ProgrammingError, match="permission denied"), field.begin() as conn:
        conn.execute(text("UPDATE tickets SET priority = 4 WHERE id = :t"), {"t": tid})
    steps = _count(seeded, "SELECT count(*) FROM ticket_actions WHERE ticket_id = :t", t=tid)
    assert steps == 3  # report, dispatch, accept


def _downgrade(engine: Engine, target: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def test_migration_0002_goes_down_and_up_where_the_roles_exist(empty_db_url: URL) -> None:
    engine = make_engine(empty_db_url)
    try:
        existing = _count(
            engine, "SELECT count(*) FROM pg_roles WHERE rolname = ANY(:g)", g=list(GROUPS)
        )
        assert existing == len(GROUPS)  # the template's migration made them, cluster-wide
        assert upgrade(engine) == head_revision()
        _downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        assert _count(engine, "SELECT count(*) FROM pg_policies") == 0
        assert _count(engine, "SELECT count(*) FROM pg_class WHERE relrowsecurity") == 0
        assert (
            _count(engine, "SELECT count(*) FROM pg_tables WHERE tablename = 'operator_scopes'")
            == 0
        )
        grants = "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = ANY(:g)"
        assert _count(engine, grants, g=list(GROUPS)) == 0
        assert _count(
            engine, "SELECT count(*) FROM pg_roles WHERE rolname = ANY(:g)", g=list(GROUPS)
        ) == len(GROUPS)
        assert upgrade(engine) == head_revision()
        assert _count(engine, "SELECT count(*) FROM pg_policies") > 0
    finally:
        engine.dispose()


def test_a_dispatcher_login_may_correct_a_category_in_scope(seeded: Engine, login: Login) -> None:
    mine, version = _ticket_in(seeded, COMMUNITY)
    name, eng = login("gc_dispatcher", COMMUNITY)
    operator = Operator(name, "赵敏", "dispatcher", "community", COMMUNITY)
    result = actions.perform(eng, operator, "recategorize", mine, version, category_code="0248")
    assert result.action == "recategorize"
    assert _count(seeded, "SELECT count(*) FROM tickets WHERE category_code = '0248'") >= 1
    # The grant is for category_code, not for every column.
    with pytest.raises(ProgrammingError, match="permission denied"), eng.begin() as conn:
        conn.execute(text("UPDATE tickets SET description = 'x' WHERE id = :id"), {"id": mine})
    # The database traced it (0004's trigger, under the login) and stamped the version.
    assert result.version == version + 1
    with seeded.connect() as conn:
        trace = conn.execute(
            text(
                "SELECT action, from_status = to_status, db_login, actor_verified, note"
                " FROM ticket_actions WHERE ticket_id = :id ORDER BY id DESC LIMIT 1"
            ),
            {"id": mine},
        ).one()
    assert trace[:4] == ("recategorize", True, name, True)
    assert "(0248)" in trace.note
    # A category changed by hand under no step's name would go untraced: refused.
    refused = pytest.raises(ProgrammingError, match="changes only by recategorize")
    with refused, eng.begin() as conn:
        conn.execute(text("UPDATE tickets SET category_code = '0201' WHERE id = :id"), {"id": mine})
    # Nor can an operator write the trace row himself.
    with pytest.raises(ProgrammingError, match="permission denied"), eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor,"
                " actor_role) VALUES (:id, 'recategorize', 'reported', 'reported', :n,"
                " 'dispatcher')"
            ),
            {"id": mine, "n": name},
        )
