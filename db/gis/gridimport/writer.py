"""Writing the planned grids and new communities, in one transaction.

Only what changed is written: an unchanged grid is not touched (so the change
feed does not redraw a city's grids after a monthly re-import), and a changed
grid's UPDATE sets only the columns that differ, so a column the file does not
carry is never overwritten, even by the value read a moment earlier.
"""

from __future__ import annotations

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert

from gridcommand.db.gis.gridimport.compare import ATTRIBUTE_COLUMNS, Planned
from gridcommand.db.gis.gridimport.regions import NewRegion
from gridcommand.db.gis.gridimport.source import Progress
from gridcommand.db.schema.models import Grid, Region

_COLUMN = dict(ATTRIBUTE_COLUMNS)


def write(
    engine: Engine,
    planned: list[Planned],
    regions: list[NewRegion],
    areas: dict[str, BaseGeometry],
    say: Progress,
) -> None:
    todo = [p for p in planned if p.outcome != "unchanged"]
    with engine.begin() as conn:
        for r in regions:
            conn.execute(
                insert(Region).values(
                    code=r.code,
                    name=r.code,
                    level="community",
                    parent_code=r.parent,
                    boundary=mapping(areas[r.code]),
                )
            )
        for done, p in enumerate(todo, start=1):
            say("writing", done, len(todo))
            if p.added:
                conn.execute(insert(Grid).values(code=p.grid.code, **p.row))
                continue
            values = {_COLUMN[attr]: p.row[_COLUMN[attr]] for attr in p.attributes}
            if p.geometry is not None:
                values["boundary"] = p.row["boundary"]
            conn.execute(update(Grid).where(Grid.code == p.grid.code).values(**values))
