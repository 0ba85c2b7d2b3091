"""The evaluation report as a PDF, drawn by Qt itself (``QPdfWriter`` + ``QTextDocument``).

The page holds the region's figures beside the period before, a 30-day trend chart,
the ranking of the level below and a map of the grids coloured by their score. The
charts are painted with ``QPainter`` into images the document embeds, so the
report needs no screen, no browser and no network. Labels are in both languages:
a report is read by people who asked for either.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPolygonF,
    QTextDocument,
)

from gridcommand.db.reports.kpi import LOCAL, TrendPoint
from gridcommand.db.reports.monthly import FIGURE_LABELS, GridShape, ReportData, change, shown

UNIT_NAMES = {
    "street": "街道 streets",
    "community": "社区 communities",
    "grid": "网格 grids",
    "worker": "网格员 workers",
}
BAR = QColor("#4a7bd0")
LINE = QColor("#d0582a")
FONT = "Noto Sans CJK SC"


def trend_image(points: Sequence[TrendPoint], width: int = 1600, height: int = 520) -> QImage:
    """Bars: cases registered a day; line: the share of them handled on time."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont(FONT, 20))
    left, right, top, bottom = 90, 90, 50, 70
    plot = QRectF(left, top, width - left - right, height - top - bottom)
    top_count = max([p.registered for p in points] + [1])
    step = max(1, math.ceil(top_count / 5))
    ceiling = step * math.ceil(top_count / step)
    painter.setPen(QPen(QColor("#cccccc"), 1))
    for n in range(0, ceiling + 1, step):
        y = plot.bottom() - plot.height() * n / ceiling
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(0, y - 15, left - 10, 30), Qt.AlignmentFlag.AlignRight, str(n))
        painter.setPen(QPen(QColor("#cccccc"), 1))
    painter.setPen(QColor("#333333"))
    for share in (0, 50, 100):
        y = plot.bottom() - plot.height() * share / 100
        painter.drawText(QRectF(plot.right() + 8, y - 15, right, 30), f"{share}%")
    slot = plot.width() / max(len(points), 1)
    line: list[QPointF] = []
    for i, p in enumerate(points):
        x = plot.left() + slot * i
        h = plot.height() * p.registered / ceiling
        painter.fillRect(QRectF(x + slot * 0.15, plot.bottom() - h, slot * 0.7, h), BAR)
        if p.handled_on_time_rate is not None:
            y = plot.bottom() - plot.height() * p.handled_on_time_rate
            line.append(QPointF(x + slot / 2, y))
        if i % 5 == 0 or i == len(points) - 1:
            painter.drawText(
                QRectF(x - 40, plot.bottom() + 8, slot + 80, 30),
                Qt.AlignmentFlag.AlignHCenter,
                f"{p.day:%m-%d}",
            )
    painter.setPen(QPen(LINE, 4))
    if len(line) > 1:
        painter.drawPolyline(QPolygonF(line))
    for point in line:
        painter.setBrush(LINE)
        painter.drawEllipse(point, 5, 5)
    painter.setPen(QColor("#333333"))
    painter.fillRect(QRectF(left, 12, 24, 24), BAR)
    painter.drawText(QPointF(left + 32, 32), "立案数 registered a day")
    painter.fillRect(QRectF(left + 420, 22, 30, 5), LINE)
    painter.drawText(QPointF(left + 460, 32), "按期处置率 handled on time")
    painter.end()
    return image


def score_colour(score: float | None) -> QColor:
    if score is None:
        return QColor("#d9d9d9")
    if score >= 90:
        return QColor("#2e9e55")
    if score >= 75:
        return QColor("#9ccc65")
    if score >= 60:
        return QColor("#f2b33d")
    return QColor("#d9534f")


def _rings(boundary: dict[str, object]) -> list[list[tuple[float, float]]]:
    kind = boundary.get("type")
    coords = boundary.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list):
        return [[(float(x), float(y)) for x, y, *_ in coords[0]]]
    if kind == "MultiPolygon" and isinstance(coords, list):
        return [[(float(x), float(y)) for x, y, *_ in poly[0]] for poly in coords]
    return []


def map_image(grids: Sequence[GridShape], width: int = 1600, height: int = 1000) -> QImage:
    """The grids of the region, each filled by its score (a choropleth with a legend)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    rings = [(g, ring) for g in grids for ring in _rings(g.boundary)]
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if rings:
        xs = [x for _, r in rings for x, _ in r]
        ys = [y for _, r in rings for _, y in r]
        squash = math.cos(math.radians((min(ys) + max(ys)) / 2))
        span_x = max((max(xs) - min(xs)) * squash, 1e-9)
        span_y = max(max(ys) - min(ys), 1e-9)
        scale = min((width - 60) / span_x, (height - 140) / span_y)
        ox = (width - span_x * scale) / 2
        oy = 40 + (height - 140 - span_y * scale) / 2

        def at(x: float, y: float) -> QPointF:
            return QPointF(ox + (x - min(xs)) * squash * scale, oy + (max(ys) - y) * scale)

        painter.setPen(QPen(QColor("#555555"), 1.5))
        for grid, ring in rings:
            path = QPainterPath()
            path.addPolygon(QPolygonF([at(x, y) for x, y in ring]))
            painter.fillPath(path, score_colour(grid.score))
            painter.drawPath(path)
    painter.setFont(QFont(FONT, 20))
    legend = (("≥ 90", 95.0), ("75–90", 80.0), ("60–75", 65.0), ("< 60", 10.0), ("—", None))
    x = 30
    for label, sample in legend:
        painter.fillRect(QRectF(x, height - 60, 34, 34), score_colour(sample))
        painter.setPen(QColor("#333333"))
        painter.drawText(QPointF(x + 44, height - 34), label)
        x += 170
    painter.drawText(QPointF(x + 20, height - 34), "综合得分 score")
    painter.end()
    return image


def report_html(data: ReportData) -> str:
    where = data.region.name if data.region else "全区 whole district"
    start = data.period.start.astimezone(LOCAL)
    end = data.period.end.astimezone(LOCAL)
    summary, previous = data.summary.as_dict(), data.previous.as_dict()
    rows = []
    for key, zh, en in FIGURE_LABELS:
        delta, colour = change(key, summary[key], previous[key])
        rows.append(
            f"<tr><td>{zh}</td><td>{en}</td><td align='right'><b>{shown(key, summary[key])}</b>"
            f"</td><td align='right'>{shown(key, previous[key])}</td>"
            f"<td align='right' style='color:{colour}'>{delta}</td></tr>"
        )
    ranking = []
    for n, r in enumerate(data.ranking[:15], start=1):
        ranking.append(
            f"<tr><td align='right'>{n}</td><td>{html.escape(r.name)}</td>"
            f"<td align='right'><b>{shown('score', r.score)}</b></td>"
            f"<td align='right'>{r.registered}</td>"
            f"<td align='right'>{shown('handled_on_time_rate', r.handled_on_time_rate)}</td>"
            f"<td align='right'>{shown('closed_rate', r.closed_rate)}</td>"
            f"<td align='right'>{shown('overdue_rate', r.overdue_rate)}</td>"
            f"<td align='right'>{shown('satisfaction_rate', r.satisfaction_rate)}</td></tr>"
        )
    return f"""
<html><body style="font-family:'{FONT}'; font-size:9pt">
<h2>综合评价报告 · Evaluation report — {html.escape(where)}</h2>
<p>{start:%Y-%m-%d} – {end:%Y-%m-%d} (不含 exclusive) · 上期 previous period:
{data.period.previous().start.astimezone(LOCAL):%Y-%m-%d} –
{start:%Y-%m-%d} · 生成 generated {data.now.astimezone(LOCAL):%Y-%m-%d %H:%M} ·
定义见 definitions in docs/kpi.md</p>
<table border="1" cellspacing="0" cellpadding="3" width="100%">
<tr bgcolor="#e8eef8"><th>指标</th><th>figure</th><th>本期 this period</th>
<th>上期 previous</th><th>变化 change</th></tr>
{"".join(rows)}
</table>
<h3>近30日趋势 · 30-day trend</h3>
<img src="gc:trend" width="640">
<h3>排名 · Ranking of {UNIT_NAMES.get(data.ranking_by, data.ranking_by)}</h3>
<table border="1" cellspacing="0" cellpadding="3" width="100%">
<tr bgcolor="#e8eef8"><th>#</th><th>名称 name</th><th>得分 score</th><th>立案 reg.</th>
<th>按期处置 on time</th><th>结案 closed</th><th>超期 overdue</th><th>满意 satisfied</th></tr>
{"".join(ranking)}
</table>
<h3 style="page-break-before: always">网格得分 · Grid scores</h3>
<img src="gc:map" width="640">
</body></html>
"""


def write_pdf(data: ReportData, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(150)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QPageLayout().margins(), QPageLayout.Unit.Millimeter)
    writer.setTitle("综合评价报告 Evaluation report")
    writer.setCreator("gridcommand")
    document = QTextDocument()
    document.setDefaultFont(QFont(FONT, 9))
    document.addResource(
        QTextDocument.ResourceType.ImageResource, QUrl("gc:trend"), trend_image(data.trend)
    )
    document.addResource(
        QTextDocument.ResourceType.ImageResource, QUrl("gc:map"), map_image(data.grids)
    )
    document.setHtml(report_html(data))
    document.print_(writer)
