"""Case density by grid (the map's hot-spot layer), counted by the database.

The cases of a period ``[start, end)`` (by ``registered_at``, as every figure of
``docs/kpi.md``), of a region and optionally of one category class, counted per grid
in one SQL aggregation: one row per grid that has a case, never a ticket in Python.
Plain SQLAlchemy and SQL; no Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from gridcommand.db.reports.kpi import find_region


@dataclass(frozen=True, slots=True)
class HotSpot:
    """The number of cases of one grid over the period."""

    grid_code: str
    count: int


# The region's grids, resolved by the same path as the figures: grid → community → street.
_IN_REGION = {
    None: "true",
    "district": "s.parent_code = :region",
    "street": "s.code = :region",
    "community": "c.code = :region",
    "grid": "g.code = :region",
}

_HOTSPOTS = """
SELECT t.grid_code, count(*) AS n
  FROM tickets t
  JOIN grids g ON g.code = t.grid_code
  JOIN regions c ON c.code = g.community_code
  LEFT JOIN regions s ON s.code = c.parent_code
  {category}
 WHERE t.registered_at >= :start AND t.registered_at < :end AND {region}
 GROUP BY t.grid_code
 ORDER BY t.grid_code
"""


@contextmanager
def _connected(db: Engine | Connection | Session) -> Iterator[Connection]:
    if isinstance(db, Connection):
        yield db
    elif isinstance(db, Session):
        yield db.connection()
    else:
        with db.connect() as conn:
            yield conn


def hotspots(
    db: Engine | Connection | Session,
    start: datetime,
    end: datetime,
    region: str | None = None,
    class_code: str | None = None,
) -> list[HotSpot]:
    """Cases registered in ``[start, end)`` per grid of ``region`` (all when ``None``).

    ``class_code`` keeps only the cases of one category class (大类). Grids without a
    case in the period have no row. Ordered by grid code.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("a period needs times with a zone")
    with _connected(db) as conn:
        level = find_region(conn, region).level if region else None
        sql = _HOTSPOTS.format(
            region=_IN_REGION[level],
            category=(
                "JOIN categories k ON k.code = t.category_code AND k.class_code = :class_code"
                if class_code
                else ""
            ),
        )
        params: dict[str, Any] = {
            "start": start,
            "end": end,
            "region": region,
            "class_code": class_code,
        }
        return [HotSpot(r.grid_code, int(r.n)) for r in conn.execute(text(sql), params)]
