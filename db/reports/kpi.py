"""The evaluation figures (综合评价) of ``docs/kpi.md``, computed by the database.

Every figure is one SQL aggregation over the tickets of a region registered in a
period; no ticket is loaded into Python, only one row of counts per unit (street,
community, grid, worker or department). The composite score weighs four
components by the ``kpi_weights`` table. The grid drill-down's "system score" is
:func:`grid_score`, the same code. Plain SQLAlchemy and SQL; no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Engine, text

from gridcommand.db.schema.errors import UserFacingError

#: China Standard Time: the calendar in which periods and patrol days are counted.
LOCAL = timezone(timedelta(hours=8))
UNITS: tuple[str, ...] = ("street", "community", "grid", "worker", "department")
RATE_KEYS: tuple[str, ...] = (
    "handled_on_time_rate",
    "closed_rate",
    "closed_on_time_rate",
    "rework_rate",
    "extension_rate",
    "overdue_rate",
    "satisfaction_rate",
)
KPI_KEYS: tuple[str, ...] = ("registered", *RATE_KEYS[:6], "mean_handling_hours", RATE_KEYS[6])
COMPONENTS: tuple[str, ...] = ("patrol", "on_time", "reporting", "satisfaction")
DEFAULT_WEIGHTS: dict[str, float] = {
    "patrol": 0.4,
    "on_time": 0.4,
    "reporting": 0.2,
    "satisfaction": 0.2,
}
#: A grid is expected to send one patrol report every five days.
REPORTS_PER_DAY = 0.2
SATISFIED = ("satisfied", "basically_satisfied")


class KpiError(UserFacingError):
    """A period, a region or a weight that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open interval ``[start, end)`` of time."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs times with a zone")
        if self.end <= self.start:
            raise KpiError(
                f"The period ends ({self.end.astimezone(LOCAL):%Y-%m-%d}) before it starts "
                f"({self.start.astimezone(LOCAL):%Y-%m-%d})."
            )

    @classmethod
    def of_days(cls, first: date, last_exclusive: date) -> Period:
        return cls(local_midnight(first), local_midnight(last_exclusive))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return cls.of_days(date(year, month, 1), nxt)

    @classmethod
    def this_month(cls, now: datetime) -> Period:
        today = now.astimezone(LOCAL).date()
        return cls.month(today.year, today.month)

    @classmethod
    def this_week(cls, now: datetime) -> Period:
        today = now.astimezone(LOCAL).date()
        monday = today - timedelta(days=today.weekday())
        return cls.of_days(monday, monday + timedelta(days=7))

    def previous(self) -> Period:
        """The period of the same length just before this one (a month: the month before)."""
        first = self.start.astimezone(LOCAL)
        last = self.end.astimezone(LOCAL)
        if first.day == 1 and last.day == 1 and first.time() == time() == last.time():
            months = (last.year - first.year) * 12 + last.month - first.month
            back = (first.year * 12 + first.month - 1) - months
            return Period(local_midnight(date(back // 12, back % 12 + 1, 1)), self.start)
        return Period(self.start - (self.end - self.start), self.start)

    def cut(self, now: datetime) -> datetime:
        return min(self.end, now)

    def days(self, now: datetime) -> int:
        """Local days of the period up to the cut-off (at least one)."""
        span = (self.cut(now) - self.start).total_seconds() / 86400
        return max(1, math.ceil(span))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL)


@dataclass(frozen=True, slots=True)
class KpiRow:
    """The figures of one unit over one period; rates are ``None`` with nothing to divide."""

    code: str
    name: str
    registered: int
    handled_on_time_rate: float | None
    closed_rate: float | None
    closed_on_time_rate: float | None
    rework_rate: float | None
    extension_rate: float | None
    overdue_rate: float | None
    mean_handling_hours: float | None
    satisfaction_rate: float | None
    patrol: float | None
    reporting: float | None
    score: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # district, street, community or grid


@contextmanager
def _connected(db: Engine | Connection) -> Iterator[Connection]:
    if isinstance(db, Connection):
        yield db
    else:
        with db.connect() as conn:
            yield conn


# Where a ticket lies: grid → community → street → district.
_TICKET_PLACE = (
    " LEFT JOIN grids g ON g.code = t.grid_code"
    " LEFT JOIN regions c ON c.code = g.community_code"
    " LEFT JOIN regions s ON s.code = c.parent_code"
)
# A street's, community's or grid's cases are found through their grids' codes (resolved
# first), so the index on (grid_code, registered_at) reads only that region's cases.
_IN_REGION = {
    None: "true",
    "district": "(s.parent_code = :region OR t.grid_code IS NULL)",
    "street": "t.grid_code = ANY(:region_grids)",
    "community": "t.grid_code = ANY(:region_grids)",
    "grid": "t.grid_code = :region",
}
_TICKET_UNIT = {
    None: "''",
    "street": "s.code",
    "community": "c.code",
    "grid": "t.grid_code",
    "worker": "t.assignee_worker_code",
    "department": "t.assignee_department",
    # Not a ranking unit: the trend groups by the local day of registration.
    "day": "(t.registered_at AT TIME ZONE 'Asia/Shanghai')::date",
}

_FIGURES = """
WITH r AS (
    SELECT t.id, t.deadline, t.status, t.closed_at, {unit} AS unit
      FROM tickets t {place}
     WHERE t.registered_at >= :start AND t.registered_at < :end AND {region}
), f AS (
    -- The first of each step overall is the first before the cut-off, if it is before it.
    SELECT r.*,
           CASE WHEN k.first_handle_at < :cut THEN k.first_handle_at END AS first_handle,
           CASE WHEN k.first_dispatch_at < :cut THEN k.first_dispatch_at END AS first_dispatch,
           coalesce(k.first_send_back_at < :cut, false) AS sent_back,
           coalesce(k.first_extension_at < :cut, false) AS extended,
           (r.status = 'closed' AND r.closed_at < :cut) AS closed
      FROM r LEFT JOIN ticket_kpi_facts k ON k.ticket_id = r.id
)
SELECT unit,
       count(*) AS registered,
       count(first_handle) AS handled,
       count(*) FILTER (WHERE first_handle <= deadline) AS handled_on_time,
       count(*) FILTER (WHERE closed) AS closed,
       count(*) FILTER (WHERE closed AND closed_at <= deadline) AS closed_on_time,
       count(*) FILTER (WHERE first_handle IS NOT NULL AND sent_back) AS reworked,
       count(*) FILTER (WHERE extended) AS extended,
       count(*) FILTER (WHERE first_handle > deadline
                           OR (first_handle IS NULL AND deadline < :cut)) AS overdue,
       avg(extract(epoch FROM first_handle - first_dispatch) / 3600.0)
           FILTER (WHERE first_handle IS NOT NULL AND first_dispatch IS NOT NULL)
           AS mean_handling_hours
  FROM f
 WHERE unit IS NOT NULL
 GROUP BY unit
"""

_SATISFACTION = """
SELECT {unit} AS unit,
       count(*) AS answered,
       count(*) FILTER (WHERE fb.result IN ('satisfied', 'basically_satisfied')) AS satisfied
  FROM ticket_feedback fb JOIN tickets t ON t.id = fb.ticket_id {place}
 WHERE fb.ticket_closed_at >= :start AND fb.ticket_closed_at < :end
   AND fb.recorded_at < :cut AND {region}
 GROUP BY 1
"""

# Patrol days and patrol reports per grid (the grid parts of the score).
_GRID_PATROL = """
SELECT w.grid_code AS unit,
       count(DISTINCT (p.recorded_at AT TIME ZONE 'Asia/Shanghai')::date) AS days
  FROM worker_positions p JOIN workers w ON w.code = p.worker_code
 WHERE p.recorded_at >= :start AND p.recorded_at < :cut AND w.grid_code = ANY(:grids)
 GROUP BY 1
"""
_GRID_REPORTS = """
SELECT t.grid_code AS unit, count(*) AS reports
  FROM tickets t
 WHERE t.source = 'patrol' AND t.reported_at >= :start AND t.reported_at < :cut
   AND t.grid_code = ANY(:grids)
 GROUP BY 1
"""
_WORKER_PATROL = """
SELECT p.worker_code AS unit,
       count(DISTINCT (p.recorded_at AT TIME ZONE 'Asia/Shanghai')::date) AS days
  FROM worker_positions p
 WHERE p.recorded_at >= :start AND p.recorded_at < :cut AND p.worker_code = ANY(:workers)
 GROUP BY 1
"""
_WORKER_REPORTS = """
SELECT a.actor AS unit, count(*) AS reports
  FROM ticket_actions a JOIN tickets t ON t.id = a.ticket_id
 WHERE a.action = 'report' AND t.source = 'patrol'
   AND t.reported_at >= :start AND t.reported_at < :cut AND a.actor = ANY(:workers)
 GROUP BY 1
"""

# The units of a ranking, so that a unit with no case still has its row.
_UNIT_LISTS = {
    "street": "SELECT s.code, s.name FROM regions s WHERE s.level = 'street' AND {region}",
    "community": "SELECT c.code, c.name FROM regions c LEFT JOIN regions s"
    " ON s.code = c.parent_code WHERE c.level = 'community' AND {region}",
    "grid": "SELECT g.code, g.name FROM grids g JOIN regions c ON c.code = g.community_code"
    " LEFT JOIN regions s ON s.code = c.parent_code WHERE {region}",
    "worker": "SELECT w.code, w.name FROM workers w JOIN grids g ON g.code = w.grid_code"
    " JOIN regions c ON c.code = g.community_code LEFT JOIN regions s ON s.code = c.parent_code"
    " WHERE w.active AND {region}",
}
# The same region filters, for lists that have no ticket (``t``) in them.
_LIST_IN_REGION = {
    None: "true",
    "district": "s.parent_code = :region",
    "street": "s.code = :region",
    "community": "c.code = :region",
    "grid": "g.code = :region",
}
_GRIDS_OF_UNIT = {
    None: "''",
    "street": "s.code",
    "community": "c.code",
    "grid": "g.code",
}


def find_region(db: Engine | Connection, code: str) -> Region:
    """The district, street, community or grid called ``code``."""
    with _connected(db) as conn:
        row = conn.execute(
            text(
                "SELECT code, name, level FROM regions WHERE code = :code"
                " UNION ALL SELECT code, name, 'grid' FROM grids WHERE code = :code"
            ),
            {"code": code},
        ).first()
    if row is None:
        raise KpiError(f"There is no district, street, community or grid with the code {code!r}.")
    return Region(row.code, row.name, row.level)


def load_weights(db: Engine | Connection) -> dict[str, float]:
    with _connected(db) as conn:
        rows = conn.execute(text("SELECT component, weight FROM kpi_weights")).all()
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({r.component: float(r.weight) for r in rows})
    return weights


def set_weight(engine: Engine, component: str, weight: float) -> None:
    """Change one weight of the composite score (a manager's decision)."""
    if component not in COMPONENTS:
        raise KpiError(
            f"{component!r} is not a part of the score; the parts are {', '.join(COMPONENTS)}."
        )
    if not 0 <= weight <= 100 or weight != weight:
        raise KpiError(f"A weight is a number from 0 to 100, not {weight}.")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO kpi_weights (component, weight) VALUES (:c, :w)"
                " ON CONFLICT (component) DO UPDATE SET weight = :w, updated_at = now()"
            ),
            {"c": component, "w": weight},
        )


def _region_grids(conn: Connection, level: str | None, region: str | None) -> list[str]:
    if level not in ("street", "community"):
        return []
    return list(
        conn.execute(
            text(
                "SELECT g.code FROM grids g JOIN regions c ON c.code = g.community_code"
                f" LEFT JOIN regions s ON s.code = c.parent_code WHERE {_LIST_IN_REGION[level]}"
            ),
            {"region": region},
        ).scalars()
    )


def composite_score(
    components: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """``100 × Σ wᵢcᵢ / Σ wᵢ`` over the components that have a value (docs/kpi.md)."""
    present = [(weights.get(k, 0.0), v) for k, v in components.items() if v is not None]
    total = sum(w for w, _ in present)
    if not present or total <= 0:
        return None
    return round(100 * sum(w * v for w, v in present) / total, 1)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_kpis(
    db: Engine | Connection,
    period: Period,
    *,
    region: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[KpiRow]:
    """The figures of ``region`` (all of it when ``None``) over ``period``, per unit ``by``.

    ``by=None`` gives one row for the whole region. Rows come in the order of their
    codes; rankings sort them as they need.
    """
    if by is not None and by not in UNITS:
        raise KpiError(f"Figures can be given by {', '.join(UNITS)}, not by {by!r}.")
    clock = now or datetime.now(UTC)
    with _connected(db) as conn:
        place = find_region(conn, region) if region else None
        level = place.level if place else None
        params: dict[str, Any] = {
            "start": period.start,
            "end": period.end,
            "cut": period.cut(clock),
            "region": region,
            "region_grids": _region_grids(conn, level, region),
        }
        sql = {"unit": _TICKET_UNIT[by], "place": _TICKET_PLACE, "region": _IN_REGION[level]}
        figures = {r.unit: r for r in conn.execute(text(_FIGURES.format(**sql)), params)}
        answers = {r.unit: r for r in conn.execute(text(_SATISFACTION.format(**sql)), params)}
        units = _units(conn, by, level, params, place, figures)
        patrol, reporting = _field_parts(conn, by, level, params, period.days(clock), units)
        if by is None:  # one row for the whole region, under the region's own code
            whole = units[0][0]
            figures, answers, patrol, reporting = (
                _as_whole(whole, parts) for parts in (figures, answers, patrol, reporting)
            )
        chosen = weights if weights is not None else load_weights(conn)
    rows = []
    for code, name in units:
        f = figures.get(code)
        a = answers.get(code)
        registered = f.registered if f else 0
        handled = f.handled if f else 0
        closed = f.closed if f else 0
        row = KpiRow(
            code=code,
            name=name,
            registered=registered,
            handled_on_time_rate=_share(f.handled_on_time, handled) if f else None,
            closed_rate=_share(closed, registered),
            closed_on_time_rate=_share(f.closed_on_time, closed) if f else None,
            rework_rate=_share(f.reworked, handled) if f else None,
            extension_rate=_share(f.extended, registered) if f else None,
            overdue_rate=_share(f.overdue, registered) if f else None,
            mean_handling_hours=float(f.mean_handling_hours)
            if f is not None and f.mean_handling_hours is not None
            else None,
            satisfaction_rate=_share(a.satisfied, a.answered) if a else None,
            patrol=patrol.get(code),
            reporting=reporting.get(code),
            score=None,
        )
        parts = {
            "patrol": row.patrol,
            "on_time": row.handled_on_time_rate,
            "reporting": row.reporting,
            "satisfaction": row.satisfaction_rate,
        }
        rows.append(replace(row, score=composite_score(parts, chosen)))
    return rows


def _as_whole(code: str, parts: Mapping[Any, Any]) -> dict[Any, Any]:
    """The one group of a whole-region query (keyed ``''``), under the region's code."""
    return {code: value for value in parts.values()}  # noqa: B035 (at most one group)


def _units(
    conn: Connection,
    by: str | None,
    level: str | None,
    params: dict[str, Any],
    place: Region | None,
    figures: Mapping[Any, Any],
) -> list[tuple[str, str]]:
    if by is None:
        return [(place.code, place.name) if place else ("", "")]
    if by == "department":
        return [(code, code) for code in sorted(figures)]
    listed = conn.execute(
        text(_UNIT_LISTS[by].format(region=_LIST_IN_REGION[level]) + " ORDER BY 1"), params
    ).all()
    return [(r.code, r.name) for r in listed]


def _field_parts(
    conn: Connection,
    by: str | None,
    level: str | None,
    params: dict[str, Any],
    days: int,
    units: list[tuple[str, str]],
) -> tuple[dict[str, float], dict[str, float]]:
    """The patrol and reporting components per unit (none for departments)."""
    expected = max(days * REPORTS_PER_DAY, 1.0)
    if by == "department":
        return {}, {}
    if by == "worker":
        workers = [code for code, _ in units]
        p = {**params, "workers": workers}
        days_of = {r.unit: r.days for r in conn.execute(text(_WORKER_PATROL), p)}
        reports = {r.unit: r.reports for r in conn.execute(text(_WORKER_REPORTS), p)}
        return (
            {w: min(1.0, days_of.get(w, 0) / days) for w in workers},
            {w: min(1.0, reports.get(w, 0) / expected) for w in workers},
        )
    grid_units = conn.execute(
        text(
            f"SELECT g.code AS grid, {_GRIDS_OF_UNIT[by]} AS unit FROM grids g"
            " JOIN regions c ON c.code = g.community_code"
            " LEFT JOIN regions s ON s.code = c.parent_code"
            f" WHERE {_LIST_IN_REGION[level]}"
        ),
        params,
    ).all()
    grids = [r.grid for r in grid_units]
    p = {**params, "grids": grids}
    days_of = {r.unit: r.days for r in conn.execute(text(_GRID_PATROL), p)}
    reports = {r.unit: r.reports for r in conn.execute(text(_GRID_REPORTS), p)}
    patrol: dict[str, list[float]] = {}
    reporting: dict[str, list[float]] = {}
    for r in grid_units:
        patrol.setdefault(r.unit, []).append(min(1.0, days_of.get(r.grid, 0) / days))
        reporting.setdefault(r.unit, []).append(min(1.0, reports.get(r.grid, 0) / expected))
    return (
        {u: sum(v) / len(v) for u, v in patrol.items()},
        {u: sum(v) / len(v) for u, v in reporting.items()},
    )


def grid_score(db: Engine | Connection, grid_code: str, now: datetime, days: int = 30) -> KpiRow:
    """One grid's figures and score over the last ``days`` days (the drill-down's score)."""
    period = Period(now - timedelta(days=days), now)
    return compute_kpis(db, period, region=grid_code, by="grid", now=now)[0]


def worker_score(
    db: Engine | Connection, worker_code: str, now: datetime, days: int = 30
) -> KpiRow | None:
    """One worker's figures and score over the last ``days`` days (a worker's card)."""
    period = Period(now - timedelta(days=days), now)
    with _connected(db) as conn:
        grid = conn.execute(
            text("SELECT grid_code FROM workers WHERE code = :code"), {"code": worker_code}
        ).scalar_one_or_none()
        if grid is None:
            return None
        rows = compute_kpis(conn, period, region=grid, by="worker", now=now)
    return next((r for r in rows if r.code == worker_code), None)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One local day: the cases registered that day and how they fared by the cut-off."""

    day: date
    registered: int
    handled_on_time_rate: float | None
    overdue_rate: float | None
    closed_rate: float | None


def kpi_trend(
    db: Engine | Connection,
    end: datetime,
    *,
    days: int = 30,
    region: str | None = None,
    now: datetime | None = None,
) -> list[TrendPoint]:
    """The ``days`` local days before ``end``, one point each (days without cases too)."""
    clock = now or datetime.now(UTC)
    last = end.astimezone(LOCAL)
    last_day = last.date() if last.time() != time() else last.date() - timedelta(days=1)
    first_day = last_day - timedelta(days=days - 1)
    period = Period.of_days(first_day, last_day + timedelta(days=1))
    with _connected(db) as conn:
        level = find_region(conn, region).level if region else None
        sql = {"unit": _TICKET_UNIT["day"], "place": _TICKET_PLACE, "region": _IN_REGION[level]}
        params = {
            "start": period.start,
            "end": period.end,
            "cut": period.cut(clock),
            "region": region,
            "region_grids": _region_grids(conn, level, region),
        }
        rows = {r.unit: r for r in conn.execute(text(_FIGURES.format(**sql)), params)}
    points = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        f = rows.get(day)
        points.append(
            TrendPoint(
                day=day,
                registered=f.registered if f else 0,
                handled_on_time_rate=_share(f.handled_on_time, f.handled) if f else None,
                overdue_rate=_share(f.overdue, f.registered) if f else None,
                closed_rate=_share(f.closed, f.registered) if f else None,
            )
        )
    return points
