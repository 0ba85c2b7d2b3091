"""``gridcommand import-grids`` through the real entry point: exit codes, words, the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import LineString
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

from gridcommand.desktop.cli import main
from tests.db.gis.files import cell, stored, write_any, write_geojson, write_geopackage


def run(db_url: URL, *args: str) -> int:
    return main(["--db", db_url.render_as_string(hide_password=False), "import-grids", *args])


def one_sentence(err: str) -> str:
    """The error on stderr, apart from the progress lines ("  reading: 3/3") before it."""
    lines = [x for x in err.splitlines() if x and not x.startswith("  ")]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("gridcommand: ") and line.endswith(".")
    return line


def test_exit_codes_0_3_2(db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_any("shp", tmp_path, "good", [({"code": "A"}, cell(0)), ({"code": "B"}, cell(1))])
    assert run(db_url, str(good)) == 0
    capsys.readouterr()

    mixed = write_geojson(
        tmp_path / "mixed.geojson",
        [
            ({"code": "C"}, cell(2)),
            ({"code": "L"}, LineString([(113.3, 22.9), (113.31, 22.9)])),
            ({"code": ""}, cell(3)),
        ],
    )
    report_path = tmp_path / "report.json"
    assert run(db_url, str(mixed), "--report", str(report_path)) == 3
    out = capsys.readouterr().out
    assert "refused L: the geometry is a LineString, not a polygon" in out
    assert "refused feature 3: it has no grid code" in out
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["exit_code"] == 3 and report["summary"]["refused"] == 2
    assert {
        "code": None,
        "feature": 3,
        "outcome": "refused",
        "reason": "it has no grid code",
    } in report["grids"]
    assert {
        "code": "L",
        "feature": 2,
        "outcome": "refused",
        "reason": "the geometry is a LineString, not a polygon",
    } in report["grids"]
    assert report["crs"] == {
        "applied": "EPSG:4326 (WGS 84)",
        "source": "assumed: the file declares none",
    }

    nothing = write_geojson(
        tmp_path / "lines.geojson", [({"code": "M"}, LineString([(0, 0), (1, 1)]))]
    )
    assert run(db_url, str(nothing), "--report", str(report_path)) == 2
    err = one_sentence(capsys.readouterr().err)
    assert "nothing was written" in err
    assert json.loads(report_path.read_text(encoding="utf-8"))["exit_code"] == 2
    engine = create_engine(db_url)
    assert sorted(stored(engine)) == ["A", "B", "C"]
    engine.dispose()


def test_unknown_mapping_field_is_one_sentence_and_exit_2(
    db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_any("gpkg", tmp_path, "bm", [({"BM": "A", "MC": "一"}, cell(0))])
    assert run(db_url, str(path), "--map", "code=BM,name=NAME") == 2
    err = one_sentence(capsys.readouterr().err)
    assert err == (
        "gridcommand: bm.gpkg has no field 'NAME' for --map name=NAME; its fields are fid, BM, MC."
    )
    assert run(db_url, str(path), "--map", "code=bm") == 2
    assert "(did you mean BM?)" in one_sentence(capsys.readouterr().err)
    engine = create_engine(db_url)
    assert stored(engine) == {}
    engine.dispose()


def test_options_that_do_not_apply_are_refused(
    db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_geojson(tmp_path / "g.geojson", [({"code": "A"}, cell(0))])
    assert run(db_url, str(path), "--layer", "wangge") == 2
    assert "--layer applies only to GeoPackage files" in one_sentence(capsys.readouterr().err)
    gpkg = write_geopackage(
        tmp_path / "two.gpkg", {"wangge": [({"code": "A"}, cell(0))], "roads": []}
    )
    assert run(db_url, str(gpkg)) == 2
    assert "has 2 feature layers (roads, wangge)" in one_sentence(capsys.readouterr().err)
    assert run(db_url, str(gpkg), "--layer", "grids") == 2
    assert "no feature layer 'grids'" in one_sentence(capsys.readouterr().err)
    assert run(db_url, str(path), "--parent", "NOPE") == 2
    assert "--parent NOPE is not a region" in one_sentence(capsys.readouterr().err)
    missing = tmp_path / "no-such-folder" / "r.json"
    assert run(db_url, str(path), "--report", str(missing)) == 2
    assert "--report" in one_sentence(capsys.readouterr().err)
    assert run(db_url, str(gpkg), "--layer", "wangge") == 0


def test_dry_run_says_would_and_writes_nothing(
    db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_any("geojson", tmp_path, "dry", [({"code": "A", "name": "甲"}, cell(0))])
    assert run(db_url, str(path), "--dry-run") == 0
    captured = capsys.readouterr()
    assert "1 grids would be added" in captured.out
    assert "would create community IMP-dry" in captured.out
    assert "created" not in captured.out.replace("would create", "")
    assert "Dry run: nothing was written." in captured.out
    assert "reading: 1/1" in captured.err and "checking: 1/1" in captured.err
    engine = create_engine(db_url)
    assert stored(engine) == {}
    engine.dispose()
