"""Correcting a report's category: traced, locked, refused where it makes no sense."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from gridcommand.db.actions.service import ActionRefused, Operator, StaleTicket, perform
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo

LI = Operator("li.na", "李娜", "dispatcher", "district", DISTRICT_CODE)
VIEWER = Operator("wall", "wall", "viewer", "district", DISTRICT_CODE)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return engine


def _report(engine: Engine, status: str = "reported", code: str = "0201") -> tuple[int, int]:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, status,"
                " description) VALUES ('hotline', :c, (SELECT min(code) FROM grids),"
                " 113.38, 22.93, :s, '路灯坏了一片漆黑') RETURNING id, version"
            ),
            {"s": status, "c": code},
        ).one()
    return row.id, row.version


def _codes(engine: Engine) -> tuple[str, str]:
    with engine.connect() as conn:
        lamp = conn.execute(
            text("SELECT code FROM categories WHERE name = '路灯不亮'")
        ).scalar_one()
        other = conn.execute(
            text("SELECT code FROM categories WHERE name = '其他城市管理问题'")
        ).scalar_one()
    return lamp, other


def test_a_new_category_is_written_with_its_trace(seeded: Engine) -> None:
    lamp, other = _codes(seeded)
    tid, version = _report(seeded, code=other)
    result = perform(seeded, LI, "recategorize", tid, version, category_code=lamp)
    assert result.action == "recategorize"
    assert result.version == version + 1
    assert result.from_status == result.to_status == "reported"
    with seeded.connect() as conn:
        code = conn.execute(
            text("SELECT category_code FROM tickets WHERE id = :id"), {"id": tid}
        ).scalar_one()
        trace = conn.execute(
            text("SELECT action, actor, actor_role, note FROM ticket_actions WHERE id = :t"),
            {"t": result.trace_id},
        ).one()
    assert code == lamp
    assert trace.action == "recategorize"
    assert trace.actor == "李娜 (li.na)" and trace.actor_role == "dispatcher"
    assert trace.note == f"其他城市管理问题 ({other}) → 路灯不亮 ({lamp})"


def test_a_stale_version_unknown_item_or_wrong_role_is_refused(seeded: Engine) -> None:
    lamp, _ = _codes(seeded)
    tid, version = _report(seeded)
    with pytest.raises(StaleTicket):
        perform(seeded, LI, "recategorize", tid, version + 5, category_code=lamp)
    with pytest.raises(ActionRefused, match="no item type"):
        perform(seeded, LI, "recategorize", tid, version, category_code="nope")
    with pytest.raises(ActionRefused, match="viewer"):
        perform(seeded, VIEWER, "recategorize", tid, version, category_code=lamp)
    with seeded.connect() as conn:
        current = conn.execute(
            text("SELECT category_code FROM tickets WHERE id = :id"), {"id": tid}
        ).scalar_one()
    with pytest.raises(ActionRefused, match="already filed"):
        perform(seeded, LI, "recategorize", tid, version, category_code=current)


def test_a_handled_case_keeps_its_category(seeded: Engine) -> None:
    lamp, _ = _codes(seeded)
    tid, version = _report(seeded, "handled")
    with pytest.raises(ActionRefused, match="handled"):
        perform(seeded, LI, "recategorize", tid, version, category_code=lamp)
