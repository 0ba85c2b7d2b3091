"""The map into an image, both ways, on the test's own (offscreen) platform."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from gridcommand.maps.capture import capture, grab_view, is_blank, print_view
from gridcommand.maps.panel import MapPanel
from tests.maps.conftest import counts
from tests.maps.factory import city


def _drawn(qtbot, panel: MapPanel, store) -> None:
    panel.on_store_changed(store.apply(city(grids=12, tickets=4)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 4, timeout=5000)
    panel.set_hotspots({"G00": 3, "G01": 1}, "城市管理", "本月", "立案")
    qtbot.wait(500)


def test_a_flat_frame_is_blank_and_a_drawn_one_is_not() -> None:
    flat = QImage(300, 200, QImage.Format.Format_RGB32)
    flat.fill(QColor("#05070d"))
    assert is_blank(flat) and is_blank(QImage())
    flat.setPixelColor(150, 100, QColor("red"))
    flat.setPixelColor(0, 0, QColor("white"))
    flat.setPixelColor(299, 199, QColor("blue"))
    assert not is_blank(flat)


def test_the_page_printed_and_grabbed_gives_the_map(qtbot, panel: MapPanel, store) -> None:
    _drawn(qtbot, panel, store)
    printed: list[QImage | None] = []
    print_view(panel, printed.append)
    qtbot.waitUntil(lambda: bool(printed), timeout=20_000)
    image = printed[0]
    assert image is not None and not is_blank(image)
    assert image.size() == panel.view.size()

    grabbed = grab_view(panel)
    # Chromium composites in software here, so the grab has the picture too; capture
    # takes it and says so. (Under a GPU compositor it may be blank: then it prints.)
    assert not is_blank(grabbed)
    got: list[tuple[QImage | None, str]] = []
    capture(panel, lambda i, how: got.append((i, how)))
    qtbot.waitUntil(lambda: bool(got), timeout=20_000)
    assert got[0][1] == "grab" and got[0][0] is not None
