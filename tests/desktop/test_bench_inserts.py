"""The bench's inserters write reports the console takes, even when they share a place.

Two phases of one bench run once drew the same place at random and wrote the same
reporter's report there within 10 minutes; the console rightly set the second aside as a
duplicate, and the bench counted a point "missing" on the replica-fed page.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gridcommand.desktop.bench import inserts
from gridcommand.desktop.bench.inserts import Inserter
from gridcommand.desktop.wiring import WindowSession
from tests.conftest import conninfo

#: Every insert at one place, as a small city's random draw can make it.
ONE_PLACE = (
    "SELECT grid_code, lon, lat FROM tickets WHERE lon IS NOT NULL AND grid_code IS NOT NULL"
    " ORDER BY id LIMIT 1 + 0 * %s"
)


def _insert(qtbot: QtBot, url: URL, reporter: str) -> list[int]:
    inserter = Inserter(conninfo(url), 2, 20.0, reporter)
    with qtbot.waitSignal(inserter.finished, timeout=20_000):
        inserter.start()
    inserter.stop()
    assert inserter.error is None, inserter.error
    return list(inserter.started_at)


def test_two_inserters_at_one_place_are_both_taken(
    qtbot: QtBot, session: WindowSession, db_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inserts, "PLACES", ONE_PLACE)
    ids = _insert(qtbot, db_url, "bench") + _insert(qtbot, db_url, "bench-replica")
    assert len(ids) == 4

    store = session.store
    qtbot.waitUntil(lambda: all(i in store.tickets for i in ids), timeout=20_000)
    refused = {r.row_ref for r in store.rejections.values() if r.source_table == "tickets"}
    assert refused.isdisjoint(str(i) for i in ids)
