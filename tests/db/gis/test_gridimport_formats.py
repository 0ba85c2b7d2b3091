"""gridcommand import-grids: GeoJSON, Shapefile and GeoPackage files made here, into a real database."""

from __future__ import annotations

import json
import math
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest
import shapefile
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box, shape
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.gis.coords import wgs84_to_gcj02
from gridcommand.db.gis.gridimport import import_grids
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.desktop.cli import main

X0, Y0, STEP = 113.38, 22.93, 0.004


def cell(i: int, j: int = 0) -> Polygon:
    return box(X0 + i * STEP, Y0 + j * STEP, X0 + (i + 1) * STEP, Y0 + (j + 1) * STEP)


def write_geojson(path: Path, features: list[tuple[dict[str, Any], Any]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                    for p, g in features
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def grids(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, name, community_code, households, population, boundary FROM grids")
        ).mappings()
        return {r["code"]: dict(r) for r in rows}


def test_geojson_import_and_reimport_update_in_place(engine: Engine, tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "grids.geojson",
        [
            ({"code": f"G{i}", "name": f"第{i}网格", "households": 300 + i}, cell(i))
            for i in range(3)
        ],
    )
    report = import_grids(engine, path)
    assert sorted(report.codes("added")) == ["G0", "G1", "G2"]
    assert [r.code for r in report.regions] == ["IMP-grids"]
    stored = grids(engine)
    assert stored["G1"]["households"] == 301 and stored["G1"]["name"] == "第1网格"
    assert shape(stored["G2"]["boundary"]).equals(cell(2))

    write_geojson(path, [({"code": "G1", "name": "改名", "households": 450}, cell(1))])
    again = import_grids(engine, path)
    assert again.codes("changed") == ["G1"] and not again.codes("added")
    stored = grids(engine)
    assert len(stored) == 3
    assert stored["G1"]["households"] == 450 and stored["G1"]["name"] == "改名"
    assert stored["G1"]["community_code"] == "IMP-grids"


def test_shapefile_with_mapping_and_projected_crs(engine: Engine, tmp_path: Path) -> None:
    to_mercator = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    base = tmp_path / "wangge"
    # A Chinese GIS office's file: GBK attributes and no .cpg to say so.
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON, encoding="gbk") as w:
        w.field("GRID_ID", "C", 20)
        w.field("MC", "C", 50)
        w.field("HH", "N", 10)
        w.field("RK", "N", 10)
        for i in range(2):
            ring = [to_mercator.transform(x, y) for x, y in cell(i).exterior.coords]
            w.poly([ring[::-1]])  # shapefile outer rings run clockwise
            w.record(f"S{i}", f"沙湾第{i}网格", 400, 1200)
    assert not base.with_suffix(".cpg").exists()
    report = import_grids(
        engine,
        base.with_suffix(".shp"),
        mapping_text="code=GRID_ID,name=MC,households=HH,population=RK",
        crs="EPSG:3857",
    )
    assert sorted(report.codes("added")) == ["S0", "S1"]
    stored = grids(engine)
    assert stored["S0"]["name"] == "沙湾第0网格" and stored["S0"]["population"] == 1200
    # Back in WGS-84, to well under a metre.
    assert shape(stored["S1"]["boundary"]).symmetric_difference(cell(1)).area < 1e-12


def test_self_intersecting_polygon_is_repaired_and_reported(engine: Engine, tmp_path: Path) -> None:
    bowtie = Polygon([(X0, Y0), (X0 + STEP, Y0 + STEP), (X0 + STEP, Y0), (X0, Y0 + STEP)])
    line = {"type": "LineString", "coordinates": [[X0, Y0], [X0 + 1e-3, Y0]]}
    path = tmp_path / "faults.geojson"
    write_geojson(path, [({"code": "BOW"}, bowtie), ({"code": "OK"}, cell(3))])
    data = json.loads(path.read_text())
    data["features"].append({"type": "Feature", "properties": {"code": "LINE"}, "geometry": line})
    path.write_text(json.dumps(data))
    report = import_grids(engine, path)
    repaired = [(p.grid.code, p.grid.repaired) for p in report.planned if p.grid.repaired]
    assert [code for code, _ in repaired] == ["BOW"]
    assert "Self-intersection" in repaired[0][1] and "2 polygons" in repaired[0][1]
    assert [(r.ref, r.reason) for r in report.refused] == [
        ("LINE", "the geometry is a LineString, not a polygon")
    ]
    stored = shape(grids(engine)["BOW"]["boundary"])
    assert stored.is_valid and stored.geom_type == "MultiPolygon"  # two triangles
    assert stored.area == pytest.approx(STEP * STEP / 2)


def test_overlaps_and_gaps_are_reported(engine: Engine, tmp_path: Path) -> None:
    ring = [cell(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    features = [({"code": f"R{k}"}, g) for k, g in enumerate(ring)]
    features.append(({"code": "OVER"}, cell(0).buffer(STEP / 4, join_style="mitre")))
    report = import_grids(engine, write_geojson(tmp_path / "ring.geojson", features))
    # The hole is the middle cell less the corner that OVER's buffer reaches into.
    middle_m2 = (STEP * 111_320) ** 2 * math.cos(math.radians(Y0 + 1.5 * STEP))
    assert len(report.gaps) == 1
    assert report.gaps[0].area_m2 == pytest.approx(middle_m2 * 15 / 16, rel=0.01)
    assert not report.gaps[0].existing
    assert any("OVER" in (o.a, o.b) and not o.existing for o in report.overlaps)


def test_gcj02_file_is_brought_to_wgs84(engine: Engine, tmp_path: Path) -> None:
    shifted = Polygon([wgs84_to_gcj02(x, y) for x, y in cell(0).exterior.coords])
    path = write_geojson(tmp_path / "amap.geojson", [({"code": "A"}, shifted)])
    import_grids(engine, path, crs="GCJ-02")
    stored = shape(grids(engine)["A"]["boundary"])
    assert stored.symmetric_difference(cell(0)).area < 1e-12


def _gpkg_blob(geom: Any) -> bytes:
    # Header: magic, version 0, flags (little-endian, no envelope), srs id; then WKB.
    return b"GP" + struct.pack("<BBi", 0, 0b0000_0001, 4326) + shapely.to_wkb(geom)


def test_geopackage_without_gdal(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "grids.gpkg"
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '');
        INSERT INTO gpkg_contents VALUES ('wangge', 'features');
        INSERT INTO gpkg_geometry_columns VALUES ('wangge', 'geom', 'POLYGON', 4326, 0, 0);
        CREATE TABLE wangge (fid INTEGER PRIMARY KEY, geom BLOB, bm TEXT, hs INTEGER);
        """
    )
    con.executemany(
        "INSERT INTO wangge (geom, bm, hs) VALUES (?, ?, ?)",
        [(_gpkg_blob(cell(i)), f"P{i}", 350) for i in range(2)],
    )
    con.commit()
    con.close()
    report = import_grids(engine, path, mapping_text="code=bm,households=hs")
    assert sorted(report.codes("added")) == ["P0", "P1"]
    assert shape(grids(engine)["P0"]["boundary"]).equals(cell(0))


def test_broken_files_give_one_clear_sentence(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(UserFacingError, match="is not valid GeoJSON"):
        import_grids(engine, broken)
    no_code = write_geojson(tmp_path / "nocode.geojson", [({"BM": "X"}, cell(0))])
    with pytest.raises(UserFacingError, match=r"no attribute 'code'.*BM.*--map code=FIELD"):
        import_grids(engine, no_code)
    fake_shp = tmp_path / "fake.shp"
    fake_shp.write_bytes(b"not a shapefile at all")
    with pytest.raises(UserFacingError, match="not a readable Shapefile"):
        import_grids(engine, fake_shp)
    projected = write_geojson(tmp_path / "metres.geojson", [({"code": "M"}, box(0, 0, 500, 500))])
    projected.write_text(projected.read_text().replace("500.0", "2500000.0"))
    with pytest.raises(UserFacingError, match="--crs"):
        import_grids(engine, projected)


def test_command_line(db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = db_url.render_as_string(hide_password=False)
    path = write_geojson(tmp_path / "cli.geojson", [({"code": "C1"}, cell(0))])
    assert main(["--db", url, "import-grids", str(path)]) == 0
    assert "1 grids added" in capsys.readouterr().out
    bad = tmp_path / "bad.geojson"
    bad.write_text("nonsense", encoding="utf-8")
    assert main(["--db", url, "import-grids", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gridcommand: bad.geojson is not valid GeoJSON") and "\n" not in err
