"""Who should go: available workers ranked for one ticket, the best first.

A duty officer confirms the first suggestion with Enter, so the first must be
the right person: a worker who can be reached (offline workers come last), of the
grid's own team (they know the place and answer for it), online before stale (a
stale position makes "nearest" a guess, and says so), then the nearest, then the
least loaded. The ranking is a pure function over plain records, so it can be
checked on a constructed case; :func:`load_suggestions` feeds it from the
database on a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select, true

from gridcommand.db.actions import refusals
from gridcommand.db.actions.types import TicketNotFound
from gridcommand.db.gis.locate import locate_grid
from gridcommand.db.schema.models import Ticket, Worker, WorkerPosition

EARTH_RADIUS_M = 6_371_008.8
#: The same thresholds as the live store's, so the dialog and the map agree.
STALE_AFTER = timedelta(minutes=10)
OFFLINE_AFTER = timedelta(hours=1)
#: Workers of other grids are considered when their last fix is this close.
SEARCH_RADIUS_M = 5_000.0
#: Open load: cases handed to a worker that they still have to do.
WORKING_STATUSES = ("dispatched", "in_progress")
_STATUS_RANK = {"online": 0, "stale": 1, "offline": 2}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A worker as the ranking needs them: their team, their last fix, their load."""

    worker_code: str
    worker_name: str
    role: str
    grid_code: str
    last_fix_at: datetime | None
    lon: float | None
    lat: float | None
    open_load: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One row of the dispatch dialog (satisfies ``widgets.dispatch_dialog.SuggestionLike``)."""

    worker_code: str
    worker_name: str
    role: str
    status: str
    distance_m: float | None
    open_load: int
    same_grid: bool
    warning: str
    #: Seconds since the last fix, for a view that words the warning itself.
    fix_age_s: float | None


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _status(age: timedelta | None, stale_after: timedelta, offline_after: timedelta) -> str:
    if age is None or age >= offline_after:
        return "offline"
    return "stale" if age >= stale_after else "online"


def _warning(status: str, age: timedelta | None) -> str:
    if age is None:
        return "offline: no position ever received"
    minutes = int(age.total_seconds() // 60)
    if status == "stale":
        return f"stale position: last fix {minutes} min ago"
    if status == "offline":
        return f"offline: last fix {minutes // 60} h {minutes % 60} min ago"
    return ""


def rank(
    candidates: Iterable[Candidate],
    ticket_point: tuple[float, float] | None,
    ticket_grid: str | None,
    now: datetime,
    *,
    stale_after: timedelta = STALE_AFTER,
    offline_after: timedelta = OFFLINE_AFTER,
    include_offline: bool = True,
) -> list[Suggestion]:
    """Order workers for a ticket at ``ticket_point`` (lon, lat) in ``ticket_grid``."""
    out: list[tuple[tuple[object, ...], Suggestion]] = []
    for c in candidates:
        age = now - c.last_fix_at if c.last_fix_at is not None else None
        status = _status(age, stale_after, offline_after)
        if status == "offline" and not include_offline:
            continue
        distance = None
        if ticket_point is not None and c.lon is not None and c.lat is not None:
            distance = haversine_m(ticket_point[0], ticket_point[1], c.lon, c.lat)
        same_grid = ticket_grid is not None and c.grid_code == ticket_grid
        suggestion = Suggestion(
            worker_code=c.worker_code,
            worker_name=c.worker_name,
            role=c.role,
            status=status,
            distance_m=distance,
            open_load=c.open_load,
            same_grid=same_grid,
            warning=_warning(status, age),
            fix_age_s=age.total_seconds() if age is not None else None,
        )
        key = (
            status == "offline",
            not same_grid,
            _STATUS_RANK[status],
            distance if distance is not None else math.inf,
            c.open_load,
            c.worker_code,
        )
        out.append((key, suggestion))
    out.sort(key=lambda pair: pair[0])
    return [s for _, s in out]


def load_suggestions(
    engine: Engine,
    ticket_id: int,
    *,
    now: datetime | None = None,
    limit: int = 20,
    radius_m: float = SEARCH_RADIUS_M,
    stale_after: timedelta = STALE_AFTER,
    offline_after: timedelta = OFFLINE_AFTER,
    include_offline: bool = True,
    located_grid: str | None = None,
) -> list[Suggestion]:
    """Suggestions for one ticket: its grid's team and every worker last seen nearby.

    A citizen's report (hotline, WeChat, a sensor) names no grid: its grid is the one
    its point lies in, ``located_grid`` when the caller already knows it (the live
    store's), else located here by the feed's rule, so that grid's own team ranks
    first as it does for a patrol report.

    Only workers within ``radius_m`` of the ticket (by their last fix) or of its own
    grid are read, so a city of thousands of workers stays one quick query.
    """
    with engine.connect() as conn:
        ticket = conn.execute(
            select(Ticket.grid_code, Ticket.lon, Ticket.lat, Ticket.crs, func.now()).where(
                Ticket.id == ticket_id
            )
        ).one_or_none()
        if ticket is None:
            raise TicketNotFound(refusals.NOT_FOUND, ticket=ticket_id)
        latest = (
            select(WorkerPosition.recorded_at, WorkerPosition.lon, WorkerPosition.lat)
            .where(WorkerPosition.worker_code == Worker.code)
            .order_by(WorkerPosition.recorded_at.desc())
            .limit(1)
            .lateral("p")
        )
        load = (
            select(func.count())
            .where(
                Ticket.assignee_worker_code == Worker.code,
                Ticket.status.in_(WORKING_STATUSES),
            )
            .scalar_subquery()
        )
        grid = ticket.grid_code or located_grid
        if grid is None and ticket.lon is not None and ticket.lat is not None:
            grid = locate_grid(conn, ticket.lon, ticket.lat, ticket.crs)
        nearby = [Worker.grid_code == grid]
        if ticket.lon is not None and ticket.lat is not None:
            dlat = math.degrees(radius_m / EARTH_RADIUS_M)
            dlon = dlat / max(math.cos(math.radians(ticket.lat)), 1e-6)
            nearby.append(
                and_(
                    latest.c.lat.between(ticket.lat - dlat, ticket.lat + dlat),
                    latest.c.lon.between(ticket.lon - dlon, ticket.lon + dlon),
                )
            )
        rows = conn.execute(
            select(
                Worker.code,
                Worker.name,
                Worker.role,
                Worker.grid_code,
                latest.c.recorded_at,
                latest.c.lon,
                latest.c.lat,
                load,
            )
            .select_from(Worker)
            .outerjoin(latest, true())
            .where(Worker.active, or_(*nearby))
        ).all()
    point = (ticket.lon, ticket.lat) if ticket.lon is not None else None
    ranked = rank(
        (Candidate(*row) for row in rows),
        point,
        grid,
        now or ticket.now or datetime.now(UTC),
        stale_after=stale_after,
        offline_after=offline_after,
        include_offline=include_offline,
    )
    return ranked[:limit]
