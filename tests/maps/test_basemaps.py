"""Basemaps: an offline MBTiles package through the URL scheme, and a GCJ-02 tile server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from gridcommand.db.coords import wgs84_to_gcj02
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.tiles import read_tile
from tests.maps.conftest import counts, js
from tests.maps.factory import city


def _png(colour: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    return bytes(buffer.data().data())


def make_mbtiles(path: Path) -> Path:
    """z=1 holds one tile: XYZ (1, 1, 0), the north-east quarter, stored as TMS row 1."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute(
            "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
        )
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("name", "t")])
        conn.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (_png("#335577"),))
    return path


def test_read_tile_flips_y(tmp_path):
    path = make_mbtiles(tmp_path / "t.mbtiles")
    tile = read_tile(path, 1, 1, 0)
    assert tile is not None and tile[1] == b"image/png" and tile[0][:4] == b"\x89PNG"
    assert read_tile(path, 1, 1, 1) is None  # the south-east quarter is not in the package


def test_mbtiles_tile_served_to_page(qtbot, panel, tmp_path, interceptor):
    path = make_mbtiles(tmp_path / "t.mbtiles")
    panel.set_basemap(Basemap.mbtiles(path, max_zoom=1))
    js(qtbot, panel, "gridmap.map().setView([40, 90], 1, {animate: false}) && 1")
    qtbot.waitUntil(lambda: panel.tiles.served >= 1, timeout=5000)
    loaded = "document.querySelectorAll('.leaflet-tile-loaded').length"
    qtbot.waitUntil(lambda: js(qtbot, panel, loaded) >= 1, timeout=5000)
    assert not [u for u in interceptor.urls if u.startswith(("http:", "https:"))]


def test_gcj02_basemap_moves_points_onto_its_streets(qtbot, panel, store):
    panel.on_store_updated(store.apply(city(grids=4, tickets=2)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 2, timeout=5000)
    t = store.tickets[1]
    before = js(qtbot, panel, "gridmap.alert(1)")
    assert (before["lat"], before["lng"]) == (pytest.approx(t.lat), pytest.approx(t.lon))
    panel.set_basemap(Basemap.xyz("http://tiles.intranet/{z}/{x}/{y}.png", crs="GCJ-02"))
    lng, lat = wgs84_to_gcj02(t.lon, t.lat)
    qtbot.waitUntil(
        lambda: js(qtbot, panel, "gridmap.alert(1)")["lng"] == pytest.approx(lng, abs=1e-6),
        timeout=5000,
    )
    after = js(qtbot, panel, "gridmap.alert(1)")
    assert after["lat"] == pytest.approx(lat, abs=1e-6)
    assert counts(qtbot, panel)["grids"] == 4  # the grids were moved, not duplicated


def test_basemap_config_is_checked():
    assert Basemap().data_crs == "WGS84"
    assert Basemap.xyz("http://t/{z}/{x}/{y}.png", crs="BD09").data_crs == "BD09"
    with pytest.raises(ValueError):
        Basemap("xyz", "", "WGS84")
    with pytest.raises(ValueError):
        Basemap.xyz("http://t/{z}/{x}/{y}.png", crs="EPSG:3857")
