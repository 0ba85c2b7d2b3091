"""Hot spots (案件热点): how many cases each grid registered over a period, by the database.

The map's hot-spot layer shows case density by item class over the board's period and
region. The count is the population of ``docs/kpi.md``'s figures: the cases registered
(``registered_at``) in ``[start, end)``, per grid, so a grid's hot spot and the board's
立案数 count the same cases. Whole local months are read from ``kpi_grid_monthly`` (per
month, grid and item class, kept by triggers, migration 0008) and the partial months
at the ends from ``ticket_kpi_facts``, so a month of a city of a million cases a year
sums about ten thousand rows instead of reading its cases. Plain SQL; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, text

from gridcommand.db.reports.kpi import (
    LOCAL,
    Period,
    communities_of,
    connected,
    find_region,
    whole_months,
)


@dataclass(frozen=True, slots=True)
class HotSpot:
    """One grid's cases registered in the period (only grids with at least one)."""

    grid_code: str
    count: int


_HOTSPOTS = """
SELECT grid_code, sum(n)::bigint AS cases FROM (
    SELECT m.grid_code, m.registered AS n FROM kpi_grid_monthly m
     WHERE m.month >= :first_month AND m.month < :last_month
       AND {month_region} AND (m.class_code = :class_code OR :any_class)
    UNION ALL
    SELECT f.grid_code, 1 FROM ticket_kpi_facts f
     WHERE ((f.registered_at >= :start AND f.registered_at < :months_start)
            OR (f.registered_at >= :months_end AND f.registered_at < :end))
       AND f.grid_code IS NOT NULL AND {case_region}
       AND (f.class_code = :class_code OR :any_class)
) counted
 GROUP BY grid_code
HAVING sum(n) > 0
 ORDER BY cases DESC, grid_code
"""


def hotspots(
    db: Engine | Connection,
    start: datetime,
    end: datetime,
    region: str | None = None,
    class_code: str | None = None,
) -> list[HotSpot]:
    """Cases registered in ``[start, end)`` per grid of ``region``, most first.

    ``db`` follows :mod:`gridcommand.db.reports.kpi`: an ``Engine`` (a connection is
    taken for the call and given back) or an open ``Connection`` (used as it is, in the
    caller's transaction, as the caller's login: row-level security limits a street's or
    community's login to its own grids). A SQLAlchemy ``Session`` is not taken: pass
    ``session.connection()``. ``start`` and ``end`` need a time zone; ``region`` is a
    district, street, community or grid code (``None``: everything the login sees);
    ``class_code`` an item class (``category_classes.code``; ``None``: every class).
    Grids without a case are left out; ties are in the order of their codes.
    """
    period = Period(start, end)
    months_start, months_end = whole_months(period.start, period.end)
    with connected(db) as conn:
        place = find_region(conn, region) if region else None
        communities = communities_of(conn, place)
        if place is not None and place.level == "grid":
            month_region, case_region = "m.grid_code = :region", "f.grid_code = :region"
        elif communities is None:
            month_region = case_region = "true"
        else:
            month_region = (
                "m.grid_code IN (SELECT code FROM grids WHERE community_code = ANY(:communities))"
            )
            case_region = "f.community_code = ANY(:communities)"
        rows = conn.execute(
            text(_HOTSPOTS.format(month_region=month_region, case_region=case_region)),
            {
                "start": period.start,
                "end": period.end,
                "months_start": months_start,
                "months_end": months_end,
                "first_month": months_start.astimezone(LOCAL).date(),
                "last_month": months_end.astimezone(LOCAL).date(),
                "region": region,
                "communities": communities or [],
                "class_code": class_code,
                "any_class": class_code is None,
            },
        ).all()
    return [HotSpot(r.grid_code, int(r.cases)) for r in rows]
