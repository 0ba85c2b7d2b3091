"""Re-importing a layer a GIS office maintains: what is kept, what changes, what the report says."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.affinity import scale, translate
from shapely.geometry import box, shape
from sqlalchemy import Engine, text

from gridcommand.db.gis.gridimport import import_grids
from tests.db.gis.files import FORMATS, STEP, X0, Y0, Row, cell, stored, write_any


@pytest.mark.parametrize("kind", FORMATS)
def test_names_are_kept_when_the_file_does_not_carry_them(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    first = [
        ({"code": f"G{i}", "name": f"第{i}网格", "households": 300 + i}, cell(i)) for i in range(2)
    ]
    import_grids(engine, write_any(kind, tmp_path, "v1", first))
    # Next month's export: QGIS dropped the name column, households were corrected.
    second: list[Row] = [({"code": "G0", "households": 420}, cell(0)), ({"code": "G1"}, cell(1))]
    report = import_grids(engine, write_any(kind, tmp_path, "v2", second))
    rows = stored(engine)
    assert rows["G0"]["name"] == "第0网格" and rows["G1"]["name"] == "第1网格"
    assert rows["G0"]["households"] == 420 and rows["G1"]["households"] == 301
    assert report.codes("changed") == ["G0"] and report.codes("unchanged") == ["G1"]
    assert report.grid("G0").attributes == {"households": (300, 420)}
    assert "name" in report.not_carried
    assert any(
        "not in the file: name, population, community (kept on grids already stored)" in line
        for line in report.lines()
    )


@pytest.mark.parametrize("kind", FORMATS)
def test_replace_clears_what_the_file_does_not_carry(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    first = [({"code": "G0", "name": "沙湾", "households": 300, "population": 900}, cell(0))]
    import_grids(engine, write_any(kind, tmp_path, "v1", first))
    report = import_grids(
        engine, write_any(kind, tmp_path, "v2", [({"code": "G0"}, cell(0))]), replace=True
    )
    row = stored(engine)["G0"]
    assert (row["name"], row["households"], row["population"]) == ("G0", 0, 0)
    assert report.grid("G0").attributes == {
        "name": ("沙湾", "G0"),
        "households": (300, 0),
        "population": (900, 0),
    }
    assert any("(cleared by --replace on grids already stored)" in line for line in report.lines())


def test_moved_and_reshaped_grids_are_told_apart(engine: Engine, tmp_path: Path) -> None:
    rows = [({"code": f"G{i}", "name": f"N{i}"}, cell(i)) for i in range(3)]
    import_grids(engine, write_any("geojson", tmp_path, "v1", rows))
    metres_per_deg_lon = 111_320 * 0.9209  # cos(22.93°)
    moved = translate(cell(0), xoff=620 / metres_per_deg_lon)
    grown = scale(cell(1), xfact=1.25, yfact=1.0, origin=(X0 + STEP, Y0))
    rows = [({"code": "G0"}, moved), ({"code": "G1"}, grown), ({"code": "G2"}, cell(2))]
    report = import_grids(engine, write_any("geojson", tmp_path, "v2", rows))
    g0, g1 = report.grid("G0").geometry, report.grid("G1").geometry
    assert g0 is not None and g0.kind == "moved"
    assert g0.moved_m == pytest.approx(620, abs=5)
    assert g1 is not None and g1.kind == "reshaped"
    assert g1.area_change_pct == pytest.approx(25, abs=0.1)
    assert report.codes("unchanged") == ["G2"]
    lines = report.lines()
    assert "changed G0: moved 620 m" in lines
    assert any(
        line.startswith("changed G1: reshaped, area") and "(+25.0%)" in line for line in lines
    )
    as_json = {g["code"]: g for g in report.as_json()["grids"]}
    assert as_json["G0"]["geometry"]["change"] == "moved"
    assert as_json["G1"]["geometry"]["area_change_pct"] == pytest.approx(25, abs=0.1)
    assert as_json["G2"] == {"code": "G2", "outcome": "unchanged"}
    assert shape(stored(engine)["G0"]["boundary"]).equals(moved)


def test_overlaps_with_stored_grids(engine: Engine, tmp_path: Path) -> None:
    streets = [({"code": f"E{i}{j}"}, cell(i, j)) for i in range(4) for j in range(3)]
    first = import_grids(engine, write_any("geojson", tmp_path, "existing", streets))
    # A first import names a few added grids on screen, not every one of them.
    assert sum(line.startswith("added ") for line in first.lines()) == 10
    assert "… and 2 more added (each in --report)" in first.lines()
    assert len(first.as_json()["grids"]) == 12
    # A district polygon drawn over all of them, in a file of its own.
    district = box(X0 - STEP, Y0 - STEP, X0 + 5 * STEP, Y0 + 4 * STEP)
    report = import_grids(
        engine, write_any("gpkg", tmp_path, "district", [({"code": "D1"}, district)])
    )
    against = [o for o in report.overlaps if o.existing]
    assert {o.b for o in against} == {code for (p, _) in streets for code in [p["code"]]}
    assert all(o.a == "D1" for o in against)
    line = next(x for x in report.lines() if x.startswith("overlap with stored grids"))
    assert "D1 covers 12 of them" in line and "and 8 more" in line


def test_gap_between_imported_and_stored_grids(engine: Engine, tmp_path: Path) -> None:
    # Stored: a 3×3 block without its middle and east-middle cells, open to the east.
    ring = [
        ({"code": f"R{i}{j}"}, cell(i, j))
        for i in range(3)
        for j in range(3)
        if (i, j) not in ((1, 1), (2, 1))
    ]
    first = import_grids(engine, write_any("geojson", tmp_path, "ring", ring))
    assert first.gaps == []
    # Closing it on the east leaves the middle a hole bordered by stored and imported grids.
    report = import_grids(engine, write_any("shp", tmp_path, "east", [({"code": "Y"}, cell(2, 1))]))
    assert len(report.gaps) == 1 and report.gaps[0].existing
    cell_m2 = (STEP * 111_320) ** 2 * 0.9209
    assert report.gaps[0].area_m2 == pytest.approx(cell_m2, rel=0.01)
    assert "(between imported and stored grids)" in "\n".join(report.lines())
    assert report.as_json()["gaps"][0]["with_stored"] is True


def test_new_community_is_placed_under_a_street(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO regions (code, name, level) VALUES"
                " ('D', '番禺区', 'district'), ('S1', '沙湾街', 'street')"
            )
        )
        conn.execute(text("UPDATE regions SET parent_code = 'D' WHERE code = 'S1'"))
    path = write_any("geojson", tmp_path, "new", [({"code": "N1", "community": "C9"}, cell(0))])
    report = import_grids(engine, path, dry_run=True)
    assert report.regions[0].parent is None
    assert (
        "would create community C9 (no street holds it; give --parent STREET to place it)"
        in report.lines()
    )
    assert stored(engine) == {}
    from gridcommand.db.schema.errors import UserFacingError

    with pytest.raises(UserFacingError, match="--parent D is a district"):
        import_grids(engine, path, parent="D")
    report = import_grids(engine, path, parent="S1")
    assert "created community C9 under street S1 (given with --parent)" in report.lines()
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT parent_code FROM regions WHERE code = 'C9'")).scalar() == "S1"
        )
