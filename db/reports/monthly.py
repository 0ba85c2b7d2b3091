"""What a monthly (or one-grid) evaluation report holds, read in one go, no Qt.

The figures of the region for the period and the period before, the ranking of
the level below (streets of a district, communities of a street, grids of a
community, workers of a grid), a 30-day trend, and each grid's outline with its
score for the map. The PDF and XLSX writers only lay this out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text

from gridcommand.db.reports.kpi import (
    KpiRow,
    Period,
    Region,
    TrendPoint,
    compute_kpis,
    find_region,
    kpi_trend,
)

#: What a region's report ranks: the level just below it.
RANKS_BELOW = {None: "street", "district": "street", "street": "community", "community": "grid"}


@dataclass(frozen=True, slots=True)
class GridShape:
    code: str
    name: str
    boundary: dict[str, Any]
    score: float | None


@dataclass(frozen=True, slots=True)
class ReportData:
    region: Region | None
    period: Period
    now: datetime
    summary: KpiRow
    previous: KpiRow
    ranking_by: str
    ranking: tuple[KpiRow, ...]
    trend: tuple[TrendPoint, ...]
    grids: tuple[GridShape, ...]


def ranked(rows: list[KpiRow]) -> list[KpiRow]:
    """Best score first; units without a score last; ties by code."""
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0), r.code))


def load_report(
    engine: Engine,
    period: Period,
    region: str | None = None,
    now: datetime | None = None,
    *,
    with_map: bool = True,
) -> ReportData:
    """The report's data; ``with_map=False`` leaves out the grid outlines (the board has none)."""
    clock = now or datetime.now(UTC)
    with engine.connect() as conn:
        place = find_region(conn, region) if region else None
        level = place.level if place else None
        by = RANKS_BELOW.get(level, "worker")
        summary = compute_kpis(conn, period, region=region, now=clock)[0]
        previous = compute_kpis(conn, period.previous(), region=region, now=clock)[0]
        ranking = compute_kpis(conn, period, region=region, by=by, now=clock)
        trend = kpi_trend(conn, period.cut(clock), days=30, region=region, now=clock)
        scores: dict[str, float | None] = {}
        shapes: list[Any] = []
        if with_map:
            grid_rows = (
                ranking
                if by == "grid"
                else compute_kpis(conn, period, region=region, by="grid", now=clock)
            )
            scores = {r.code: r.score for r in grid_rows}
            shapes = list(
                conn.execute(
                    text(
                        "SELECT code, name, boundary FROM grids WHERE code = ANY(:codes)"
                        " ORDER BY code"
                    ),
                    {"codes": list(scores)},
                )
            )
    return ReportData(
        region=place,
        period=period,
        now=clock,
        summary=summary,
        previous=previous,
        ranking_by=by,
        ranking=tuple(ranked(ranking)),
        trend=tuple(trend),
        grids=tuple(GridShape(s.code, s.name, s.boundary, scores.get(s.code)) for s in shapes),
    )


#: The report's figures with their names in both languages, in the order of docs/kpi.md.
FIGURE_LABELS: tuple[tuple[str, str, str], ...] = (
    ("registered", "立案数", "registered"),
    ("handled_on_time_rate", "按期处置率", "handled on time"),
    ("closed_rate", "结案率", "closed"),
    ("closed_on_time_rate", "按期结案率", "closed on time"),
    ("rework_rate", "返工率", "rework"),
    ("extension_rate", "延期率", "extension"),
    ("overdue_rate", "超期率", "overdue"),
    ("mean_handling_hours", "平均处置时长(h)", "mean handling hours"),
    ("satisfaction_rate", "满意率", "satisfaction"),
    ("score", "综合得分", "score"),
)


RATE_KEYS = frozenset(
    {
        "handled_on_time_rate",
        "closed_rate",
        "closed_on_time_rate",
        "rework_rate",
        "extension_rate",
        "overdue_rate",
        "satisfaction_rate",
        "patrol",
        "reporting",
    }
)
#: Figures where less is better: their rise is shown red.
LOWER_IS_BETTER = frozenset(
    {"rework_rate", "extension_rate", "overdue_rate", "mean_handling_hours"}
)
#: Figures that are neither better nor worse when they rise (more cases reported).
NEUTRAL = frozenset({"registered"})
BETTER, WORSE, SAME = "#1b7f3a", "#c0392b", "#666666"


def shown(key: str, value: float | int | None) -> str:
    """A figure as a person reads it: rates in per cent, ``—`` for nothing to divide by."""
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def change(key: str, now: float | int | None, before: float | int | None) -> tuple[str, str]:
    """The change from the period before, as text and a colour (green better, red worse)."""
    if now is None or before is None:
        return "—", SAME
    delta = now - before
    shown_delta = round(100 * delta if key in RATE_KEYS else delta, 1)
    if shown_delta == 0:
        return "±0", SAME
    text = f"{shown_delta:+.1f} pt" if key in RATE_KEYS else f"{shown_delta:+.1f}"
    if key in NEUTRAL:
        return text, SAME
    better = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    return text, BETTER if better else WORSE


def report_sheets(data: ReportData) -> list[Any]:
    """The report as XLSX sheets: figures with the period before, the ranking, the trend."""
    from gridcommand.db.reports.export import KPI_COLUMNS, Column, Sheet

    kinds = {c.key: c.kind for c in KPI_COLUMNS}
    summary = data.summary.as_dict()
    previous = data.previous.as_dict()
    figures = [
        {
            "key": key,
            "zh": zh,
            "en": en,
            "value": summary[key],
            "previous": previous[key],
            "change": None
            if summary[key] is None or previous[key] is None
            else summary[key] - previous[key],
        }
        for key, zh, en in FIGURE_LABELS
    ]
    trend = [
        {
            "day": p.day,
            "registered": p.registered,
            "handled_on_time_rate": p.handled_on_time_rate,
            "overdue_rate": p.overdue_rate,
            "closed_rate": p.closed_rate,
        }
        for p in data.trend
    ]
    # One sheet per figure kind would need per-row formats; a rate sheet and a count
    # sheet read better than a column of mixed numbers.
    rate_keys = {k for k, v in kinds.items() if v == "rate"}
    return [
        Sheet(
            "KPI",
            (
                Column("zh", "指标"),
                Column("en", "figure"),
                Column("value", "this period / 本期", "number"),
                Column("previous", "previous / 上期", "number"),
                Column("change", "change / 变化", "number"),
            ),
            [f | {"key": None} for f in figures if f["key"] not in rate_keys],
        ),
        Sheet(
            "KPI rates",
            (
                Column("zh", "指标"),
                Column("en", "figure"),
                Column("value", "this period / 本期", "rate"),
                Column("previous", "previous / 上期", "rate"),
                Column("change", "change / 变化", "rate"),
            ),
            [f for f in figures if f["key"] in rate_keys],
        ),
        Sheet(f"Ranking ({data.ranking_by})", KPI_COLUMNS, [r.as_dict() for r in data.ranking]),
        Sheet(
            "Trend 30 days",
            (
                Column("day", "day / 日期", "date"),
                Column("registered", "registered / 立案数", "int"),
                Column("handled_on_time_rate", "handled on time / 按期处置率", "rate"),
                Column("overdue_rate", "overdue / 超期率", "rate"),
                Column("closed_rate", "closed / 结案率", "rate"),
            ),
            trend,
        ),
    ]
