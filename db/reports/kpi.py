"""The evaluation figures (综合评价) of ``docs/kpi.md``, computed by the database.

Every figure is one SQL aggregation per query; no ticket is loaded into Python, only
one row of counts per unit (street, community, grid, worker or department). A district's,
street's or community's figures sum the per-day, per-community counts the triggers of
migration 0008 keep, corrected for the cases settled after the cut-off; a grid's,
worker's or department's count their cases' facts one by one. The composite score weighs four
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
def connected(db: Engine | Connection) -> Iterator[Connection]:
    """The reports' convention: an ``Engine`` lends a connection for the call; an open
    ``Connection`` is used as it is (the caller's transaction and login)."""
    if isinstance(db, Connection):
        yield db
    else:
        with db.connect() as conn:
            yield conn


# The figures' counts. Two routes give them, and add up:
# - the day route: ``kpi_daily`` holds, per local day of registration and community,
#   the counts as the cases stand now (migration 0008). A case whose every step and
#   (while unhandled) deadline lies before the cut-off (``settled_at < cut``) counts now
#   exactly as it did at the cut-off, so a day's counts are the figure's once they are
#   corrected for its cases settled later: what such a case counts at the cut-off less
#   what it counts now. Those cases are found in the index of ``ticket_kpi_facts``
#   (community, registration, settled_at), only on days whose ``settled_until`` says
#   they have any;
# - the case route: ``ticket_kpi_facts``, one row per case, judged at the cut-off, for
#   the partial days at the ends of a period and for the units the days do not know
#   (grids, workers, departments).
_AT_CUT = {
    "registered": "true",
    "handled": "f.first_handle_at < {cut}",
    "handled_on_time": "f.first_handle_at < {cut} AND f.first_handle_at <= f.deadline",
    "closed": "f.closed_at < {cut}",
    "closed_on_time": "f.closed_at < {cut} AND f.closed_at <= f.deadline",
    "reworked": "f.first_handle_at < {cut} AND f.first_send_back_at < {cut}",
    "extended": "f.first_extension_at < {cut}",
    # first handled after the deadline, or not by the cut-off while the deadline fell before it
    "overdue": "f.deadline < {cut} AND (f.first_handle_at IS NULL"
    " OR f.first_handle_at > f.deadline)",
    "timed": "f.first_handle_at < {cut} AND f.first_dispatch_at < {cut}",
}
_SECONDS = (
    "coalesce(sum(extract(epoch FROM f.first_handle_at - f.first_dispatch_at))"
    " FILTER (WHERE {when}), 0)"
)


def _counts_at(cut: str) -> str:
    """The select list counting each figure's cases at the cut-off ``cut`` (SQL)."""
    parts = [f"count(*) FILTER (WHERE {w.format(cut=cut)}) AS {k}" for k, w in _AT_CUT.items()]
    seconds = _SECONDS.format(when=_AT_CUT["timed"].format(cut=cut))
    return ",\n    ".join([*parts, f"{seconds} AS handling_seconds"])


def _counts_late() -> str:
    """What the cases settled at or after the cut-off count then, less what they count now."""
    at, now = ":cut", "'infinity'::timestamptz"
    parts = [
        f"count(*) FILTER (WHERE {w.format(cut=at)}) - count(*) FILTER (WHERE {w.format(cut=now)})"
        f" AS {k}"
        for k, w in _AT_CUT.items()
    ]
    timed = _AT_CUT["timed"]
    seconds = (
        f"{_SECONDS.format(when=timed.format(cut=at))}"
        f" - {_SECONDS.format(when=timed.format(cut=now))}"
    )
    return ",\n    ".join([*parts, f"{seconds} AS handling_seconds"])


_SUMS = """
SELECT unit, sum(registered)::bigint AS registered, sum(handled)::bigint AS handled,
       sum(handled_on_time)::bigint AS handled_on_time, sum(closed)::bigint AS closed,
       sum(closed_on_time)::bigint AS closed_on_time, sum(reworked)::bigint AS reworked,
       sum(extended)::bigint AS extended, sum(overdue)::bigint AS overdue,
       sum(handling_seconds) / nullif(sum(timed), 0) / 3600.0 AS mean_handling_hours
  FROM counted
 WHERE unit IS NOT NULL
 GROUP BY unit
"""
_LOCAL_DAY = "(f.registered_at AT TIME ZONE 'Asia/Shanghai')::date"
_DAY_START = "({day})::timestamp AT TIME ZONE 'Asia/Shanghai'"
# A community's street; the community route's units.
_PLACE = (
    " LEFT JOIN regions c ON c.code = {t}.community_code"
    " LEFT JOIN regions s ON s.code = c.parent_code"
)
_DAY_UNIT = {
    None: "''",
    "street": "s.code",
    "community": "nullif({t}.community_code, '')",
    "day": "{t}.day",
}
_CASE_UNIT = {
    None: "''",
    "street": "s.code",
    "community": "nullif({t}.community_code, '')",
    "grid": "{t}.grid_code",
    "worker": "f.assignee_worker_code",
    "department": "f.assignee_department",
    "day": _LOCAL_DAY,
}

_BY_DAYS = f"""
WITH whole AS (
    SELECT x.*, {{day_unit}} AS unit FROM kpi_daily x {{day_place}}
     WHERE x.day >= :first_day AND x.day < :last_day AND {{day_region}}
), counted AS (
    SELECT unit, registered, handled, handled_on_time, closed, closed_on_time, reworked,
           extended, overdue, timed, handling_seconds
      FROM whole
    UNION ALL
    -- One range of the index (community, registration, settled_at) per day and community
    -- with a case settled after the cut-off; the row comparisons keep the planner on it.
    SELECT w.unit, late.*
      FROM whole w CROSS JOIN LATERAL (
           SELECT {_counts_late()}
             FROM ticket_kpi_facts f
            WHERE (f.community_code, f.registered_at)
                  >= (w.community_code, {_DAY_START.format(day="w.day")})
              AND (f.community_code, f.registered_at)
                  < (w.community_code, {_DAY_START.format(day="w.day + 1")})
              AND f.settled_at >= :cut) late
     WHERE w.settled_until >= :cut
    UNION ALL
    SELECT {{case_unit}}, {_counts_at(":cut")}
      FROM ticket_kpi_facts f {{case_place}}
     WHERE ((f.registered_at >= :start AND f.registered_at < :whole_start)
            OR (f.registered_at >= :whole_end AND f.registered_at < :end))
       AND {{case_region}}
     GROUP BY 1
)
{_SUMS}
"""
_BY_CASES = f"""
WITH counted AS (
    SELECT {{case_unit}} AS unit, {_counts_at(":cut")}
      FROM ticket_kpi_facts f {{case_place}}
     WHERE f.registered_at >= :start AND f.registered_at < :end AND {{case_region}}
     GROUP BY 1
)
{_SUMS}
"""

_SATISFIED = "count(*) FILTER (WHERE fb.result IN ('satisfied', 'basically_satisfied'))"
# The call-backs about closures of the period recorded before the cut-off, by the same
# two routes: ``kpi_satisfaction_daily`` per local day of the judged closure and
# community, less the call-backs recorded at or after the cut-off; and the call-backs
# themselves (``ticket_feedback`` carries its case's community and grid).
_SATISFACTION = f"""
WITH whole AS (
    SELECT x.*, {{day_unit}} AS unit FROM kpi_satisfaction_daily x {{day_place}}
     WHERE x.day >= :first_day AND x.day < :last_day AND {{day_region}}
), counted AS (
    SELECT unit, answered, satisfied FROM whole
    UNION ALL
    SELECT w.unit, -late.answered, -late.satisfied
      FROM whole w CROSS JOIN LATERAL (
           SELECT count(*) AS answered, {_SATISFIED} AS satisfied
             FROM ticket_feedback fb
            WHERE (fb.community_code, fb.ticket_closed_at)
                  >= (w.community_code, {_DAY_START.format(day="w.day")})
              AND (fb.community_code, fb.ticket_closed_at)
                  < (w.community_code, {_DAY_START.format(day="w.day + 1")})
              AND fb.recorded_at >= :cut) late
     WHERE w.settled_until >= :cut
    UNION ALL
    SELECT {{feedback_unit}}, count(*), {_SATISFIED}
      FROM ticket_feedback fb {{feedback_place}}
     WHERE ((fb.ticket_closed_at >= :start AND fb.ticket_closed_at < :whole_start)
            OR (fb.ticket_closed_at >= :whole_end AND fb.ticket_closed_at < :end))
       AND fb.recorded_at < :cut AND {{feedback_region}}
     GROUP BY 1
)
SELECT unit, sum(answered)::bigint AS answered, sum(satisfied)::bigint AS satisfied
  FROM counted WHERE unit IS NOT NULL GROUP BY unit
"""
_SATISFACTION_BY_CASES = f"""
SELECT * FROM (
    SELECT {{feedback_unit}} AS unit, count(*) AS answered, {_SATISFIED} AS satisfied
      FROM ticket_feedback fb {{feedback_place}}
     WHERE fb.ticket_closed_at >= :start AND fb.ticket_closed_at < :end
       AND fb.recorded_at < :cut AND {{feedback_region}}
     GROUP BY 1
) counted
 WHERE unit IS NOT NULL
"""

# Patrol days and patrol reports per grid (the grid parts of the score).
# Patrol days, from the days kept by migration 0011 (its docstring says why this is
# exact): the days inside the period by their rows, the last by its first fix, the
# first, when the period starts after its midnight, by a fix of the worker after the start.
_PATROL_DAYS = """
  FROM worker_patrol_days d {join}
 WHERE d.day >= :patrol_first_day AND d.day <= :patrol_last_day AND d.first_at < :cut
   AND {units}
   AND (d.day > :patrol_first_day OR :patrol_start_whole OR EXISTS (
        SELECT 1 FROM worker_positions p
         WHERE p.worker_code = d.worker_code
           AND p.recorded_at >= :start AND p.recorded_at < :patrol_first_day_end))
 GROUP BY 1
"""
_GRID_PATROL = "SELECT w.grid_code AS unit, count(DISTINCT d.day) AS days" + _PATROL_DAYS.format(
    join="JOIN workers w ON w.code = d.worker_code", units="w.grid_code = ANY(:grids)"
)
# Patrol reports per grid: whole local months from ``kpi_grid_monthly``, the rest case by case.
_GRID_REPORTS = """
SELECT grid_code AS unit, sum(n)::bigint AS reports FROM (
    SELECT m.grid_code, m.patrol_reports AS n FROM kpi_grid_monthly m
     WHERE m.month >= :first_month AND m.month < :last_month AND m.grid_code = ANY(:grids)
    UNION ALL
    SELECT f.grid_code, 1 FROM ticket_kpi_facts f
     WHERE ((f.patrol_reported_at >= :start AND f.patrol_reported_at < :months_start)
            OR (f.patrol_reported_at >= :months_end AND f.patrol_reported_at < :cut))
       AND f.grid_code = ANY(:grids)
) reports
 GROUP BY 1
"""
_WORKER_PATROL = "SELECT d.worker_code AS unit, count(*) AS days" + _PATROL_DAYS.format(
    join="", units="d.worker_code = ANY(:workers)"
)
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
    with connected(db) as conn:
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
    with connected(db) as conn:
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


def communities_of(conn: Connection, place: Region | None) -> list[str] | None:
    """The communities (``''``: cases in no grid, the district's) of a region; None: all.

    A grid's is the one it lies in.
    """
    if place is None:
        return None
    if place.level == "grid":
        return list(
            conn.execute(
                text("SELECT community_code FROM grids WHERE code = :g"), {"g": place.code}
            ).scalars()
        )
    if place.level == "community":
        return [place.code]
    below = (
        "SELECT c.code FROM regions c WHERE c.parent_code = :region"
        if place.level == "street"
        else "SELECT c.code FROM regions c JOIN regions s ON s.code = c.parent_code"
        " WHERE s.parent_code = :region"
    )
    codes = list(conn.execute(text(below), {"region": place.code}).scalars())
    return [*codes, ""] if place.level == "district" else codes


def whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The local midnights that bound the whole days of ``[start, end)``; none: ``(end, end)``."""
    first = start.astimezone(LOCAL)
    begin = local_midnight(first.date())
    if begin < first:
        begin = local_midnight(first.date() + timedelta(days=1))
    finish = local_midnight(end.astimezone(LOCAL).date())
    return (begin, finish) if begin < finish else (end, end)


def whole_months(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The local month starts that bound the whole months of ``[start, end)``."""
    first = start.astimezone(LOCAL)
    begin = local_midnight(first.date().replace(day=1))
    if begin < first:
        begin = Period.month(first.year, first.month).end
    last = end.astimezone(LOCAL)
    finish = local_midnight(last.date().replace(day=1))
    return (begin, finish) if begin < finish else (end, end)


def _question(
    conn: Connection, period: Period, cut: datetime, place: Region | None
) -> dict[str, Any]:
    """The parameters every figure query of one period and region takes."""
    whole_start, whole_end = whole_days(period.start, period.end)
    communities = communities_of(conn, place)
    return {
        "start": period.start,
        "end": period.end,
        "cut": cut,
        "region": place.code if place else None,
        "communities": communities or [],
        "whole_start": whole_start,
        "whole_end": whole_end,
        "first_day": whole_start.astimezone(LOCAL).date(),
        "last_day": whole_end.astimezone(LOCAL).date(),
    }


def _figure_sql(query: str, unit: str | None, place: Region | None, *, by_days: bool) -> str:
    level = place.level if place else None
    if level == "grid":  # the community first: the call-backs are found by it
        region = "{t}.community_code = ANY(:communities) AND {t}.grid_code = :region"
    elif level is None:
        region = "true"
    else:
        region = "{t}.community_code = ANY(:communities)"
    # A call-back's worker or department is its case's, read from the case's facts.
    facts = " JOIN ticket_kpi_facts f ON f.ticket_id = fb.ticket_id"
    return query.format(
        day_unit=_DAY_UNIT[unit].format(t="x") if by_days else "",
        day_place=_PLACE.format(t="x") if unit == "street" else "",
        day_region="true" if level is None else "x.community_code = ANY(:communities)",
        case_unit=_CASE_UNIT[unit].format(t="f"),
        case_place=_PLACE.format(t="f") if unit == "street" else "",
        case_region=region.format(t="f"),
        feedback_unit=_CASE_UNIT[unit].format(t="fb"),
        feedback_place=(_PLACE.format(t="fb") if unit == "street" else "")
        + (facts if unit in ("worker", "department") else ""),
        feedback_region=region.format(t="fb"),
    )


def _figures(
    conn: Connection,
    params: dict[str, Any],
    unit: str | None,
    place: Region | None,
    *,
    with_answers: bool = True,
) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The counts of the figures and of the call-backs, per unit."""
    # The days know communities; a grid's, a worker's or a department's cases are few
    # enough (or asked rarely enough) to be counted one by one.
    by_days = unit in _DAY_UNIT and (place is None or place.level != "grid")
    figures_sql, answers_sql = (
        (_BY_DAYS, _SATISFACTION) if by_days else (_BY_CASES, _SATISFACTION_BY_CASES)
    )

    def run(query: str) -> dict[Any, Any]:
        sql = _figure_sql(query, unit, place, by_days=by_days)
        return {r.unit: r for r in conn.execute(text(sql), params)}

    return run(figures_sql), run(answers_sql) if with_answers else {}


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
    with connected(db) as conn:
        place = find_region(conn, region) if region else None
        level = place.level if place else None
        params = _question(conn, period, period.cut(clock), place)
        figures, answers = _figures(conn, params, by, place)
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


def _patrol_days(start: datetime, cut: datetime) -> dict[str, Any]:
    """The parameters of ``_PATROL_DAYS``: the period's first and last local day, and
    whether the first is whole (else where its part in the period ends)."""
    first = start.astimezone(LOCAL).date()
    return {
        "patrol_first_day": first,
        "patrol_last_day": cut.astimezone(LOCAL).date(),
        "patrol_start_whole": start == local_midnight(first),
        "patrol_first_day_end": min(cut, local_midnight(first + timedelta(days=1))),
    }


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
    params = {**params, **_patrol_days(params["start"], params["cut"])}
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
    months_start, months_end = whole_months(params["start"], params["cut"])
    p = {
        **params,
        "grids": grids,
        "months_start": months_start,
        "months_end": months_end,
        "first_month": months_start.astimezone(LOCAL).date(),
        "last_month": months_end.astimezone(LOCAL).date(),
    }
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
    with connected(db) as conn:
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
    with connected(db) as conn:
        place = find_region(conn, region) if region else None
        params = _question(conn, period, period.cut(clock), place)
        rows, _ = _figures(conn, params, "day", place, with_answers=False)
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
