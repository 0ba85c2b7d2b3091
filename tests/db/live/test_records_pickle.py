"""Records cross a pipe from the feed's process: each must come back equal, field for field."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from gridcommand.db.live.records import (
    ActionRecord,
    ChangeBatch,
    FeedState,
    GridRecord,
    PositionRecord,
    RejectionRecord,
    WorkerRecord,
)

AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def test_every_record_of_a_batch_comes_back_equal() -> None:
    batch = ChangeBatch(
        grids=(
            GridRecord(
                "G1",
                "一网格",
                "C1",
                None,
                {"type": "Polygon", "coordinates": []},
                10,
                30,
                community_name="东社区",
            ),
        ),
        workers=(WorkerRecord("W1", "张三", "grid_worker", "G1", "138****0000", True),),
        positions=(PositionRecord(7, "W1", AT, 113.38, 22.93, None, "tablet"),),
        actions=(ActionRecord(1, 2, "acknowledge", None, None, "duty1", "duty", AT, "已确认"),),
        rejections=(
            RejectionRecord(3, AT, "tickets", "9", "unknown_grid", "没有这个网格", {"lon": 1.0}),
        ),
        initial=True,
    )
    back = pickle.loads(pickle.dumps(batch))
    assert back == batch
    assert back.grids[0].community_name == "东社区" and back.positions[0].accuracy_m is None
    state = FeedState("lost", AT, "server closed the connection", mode="poll", lag_s=2.5)
    assert pickle.loads(pickle.dumps(state)) == state
