"""Basemaps: an offline MBTiles package through the URL scheme, and a GCJ-02 tile server."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path

import pytest

from gridcommand.db.gis.coords import wgs84_to_gcj02
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.tiles import read_tile
from tests.maps.conftest import counts, js
from tests.maps.factory import city


def _png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A solid-colour PNG written by hand, so the fixture needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def make_mbtiles(path: Path) -> Path:
    """z=1 holds one tile: XYZ (1, 1, 0), the north-east quarter, stored as TMS row 1."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute(
            "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
        )
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("name", "t")])
        conn.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (_png((0x33, 0x55, 0x77)),))
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
