"""Coordinate systems: the file's own unless --crs overrides it, and lon/lat noise at the edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine

from gridcommand.db.gis.gridimport import import_grids
from gridcommand.db.schema.errors import UserFacingError
from tests.db.gis.files import cell, stored, write_geojson, write_shapefile

NOISE = 180.00000000000006  # what a world-countries Shapefile carries at the antimeridian


def projected(geom: BaseGeometry, crs: str) -> BaseGeometry:
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def test_polygon_touching_the_antimeridian_is_lonlat(engine: Engine, tmp_path: Path) -> None:
    fiji = Polygon([(177.0, -18.5), (NOISE, -18.5), (NOISE, -16.0), (177.0, -16.0)])
    chukotka = Polygon([(-NOISE, 65.0), (-169.0, 65.0), (-169.0, 69.0), (-NOISE, 69.0)])
    path = write_shapefile(
        tmp_path / "countries.shp", [({"code": "FJI"}, fiji), ({"code": "RUS"}, chukotka)]
    )
    report = import_grids(engine, path, dry_run=True)
    assert report.exit_code == 0 and sorted(report.codes("added")) == ["FJI", "RUS"]
    assert report.crs == "EPSG:4326 (WGS 84)" and report.crs_source == "declared in countries.prj"
    import_grids(engine, path)
    rows = stored(engine)
    assert shape(rows["FJI"]["boundary"]).bounds == (177.0, -18.5, 180.0, -16.0)
    assert shape(rows["RUS"]["boundary"]).bounds[0] == -180.0
    # Beyond noise, it is not lon/lat, and the hint does not suggest a Chinese projection.
    over = write_geojson(tmp_path / "over.geojson", [({"code": "O"}, box(179, 0, 180.5, 1))])
    with pytest.raises(UserFacingError, match="not longitude/latitude") as err:
        import_grids(engine, over)
    assert "4547" not in str(err.value)


def test_crs_option_overrides_the_declared_one(engine: Engine, tmp_path: Path) -> None:
    metres = projected(cell(0), "EPSG:3857")
    # An export labelled WGS-84 whose coordinates are really Web Mercator.
    path = write_shapefile(tmp_path / "mislabelled.shp", [({"code": "M"}, metres)])
    with pytest.raises(UserFacingError) as err:
        import_grids(engine, path)
    assert "the system declared in mislabelled.prj" in str(err.value)
    assert "give the right one with --crs" in str(err.value)
    report = import_grids(engine, path, crs="EPSG:3857")
    assert report.crs.startswith("EPSG:3857") and report.crs_source == "--crs"
    assert report.notes == ["--crs overrode the file's own EPSG:4326 (WGS 84)."]
    assert shape(stored(engine)["M"]["boundary"]).symmetric_difference(cell(0)).area < 1e-12


def test_wrong_crs_option_is_blamed_not_asked_for(engine: Engine, tmp_path: Path) -> None:
    # A GIS office's Gauss-Krüger export, its .prj saying so; the operator adds --crs anyway.
    gk = pyproj.CRS.from_epsg(4547)
    path = write_shapefile(
        tmp_path / "gk.shp",
        [({"code": "K"}, projected(cell(0), "EPSG:4547"))],
        prj=gk.to_wkt(pyproj.enums.WktVersion.WKT1_ESRI),
    )
    with pytest.raises(UserFacingError) as err:
        import_grids(engine, path, crs="EPSG:4326")
    text = str(err.value)
    assert "with --crs EPSG:4326 (WGS 84); check that --crs names" in text
    assert "(the file itself declares EPSG:4547" in text
    report = import_grids(engine, path)
    assert report.crs.startswith("EPSG:4547") and report.crs_source == "declared in gk.prj"
    assert shape(stored(engine)["K"]["boundary"]).symmetric_difference(cell(0)).area < 1e-12
    no_prj = write_geojson(tmp_path / "m.geojson", [({"code": "P"}, box(0, 0, 5e5, 5e5))])
    with pytest.raises(UserFacingError, match=r"declares no coordinate system.*EPSG:4547"):
        import_grids(engine, no_prj)
