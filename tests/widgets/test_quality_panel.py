"""The data-quality panel lists refused rows and filters them by problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pytestqt.qtbot import QtBot

from gridcommand.widgets.quality_panel import QualityPanel


@dataclass(frozen=True)
class Rej:
    id: int
    detected_at: datetime
    source_table: str
    row_ref: str
    reason_code: str
    reason: str
    payload: dict[str, Any] | None


def test_rows_listed_and_filtered(qtbot: QtBot) -> None:
    panel = QualityPanel()
    qtbot.addWidget(panel)
    t = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    panel.add_rejections(
        [
            Rej(
                1,
                t,
                "tickets",
                "17",
                "swapped_lat_lon",
                "latitude and longitude are swapped",
                {"lon": 22.9, "lat": 113.4},
            ),
            Rej(
                2, t, "tickets", "18", "outside_district", "the point lies outside every grid", None
            ),
            Rej(
                3,
                t,
                "grids",
                "G9",
                "broken_geojson",
                "boundary is not a polygon",
                {"boundary": "<img src=x onerror=alert(1)>"},
            ),
        ]
    )
    assert panel.proxy.rowCount() == 3
    assert "3" in panel.summary.text()
    index = panel.kind.findData("swapped_lat_lon")
    assert index > 0 and "(1)" in panel.kind.itemText(index)
    panel.kind.setCurrentIndex(index)
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 2).data() == "17"
    panel.kind.setCurrentIndex(0)
    assert panel.proxy.rowCount() == 3
