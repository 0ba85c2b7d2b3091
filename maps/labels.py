"""The words the page shows (legend, tooltip keys, roles, statuses), as plain data.

The page is built once, so its words cannot be baked in per language: they travel
as JSON like everything else. These are the English defaults; the desktop layer,
which owns the translations, passes its own through ``MapPanel.set_labels``.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    "legend_alerts": "Alerts",
    "on_time": "on time",
    "last_quarter": "last quarter of time",
    "overdue": "overdue",
    "emergency": "emergency",
    "legend_grids": "Grids",
    "grid_overdue": "overdue cases",
    "grid_alerts": "open alerts",
    "grid_overloaded": "> 500 households / full-timer",
    "legend_workers": "Workers",
    "full_time": "full-time",
    "part_time": "part-time",
    "volunteer": "volunteer",
    "online": "online",
    "stale": "stale",
    "offline": "offline",
    "open": "open",
    "households": "households",
    "hpw": "households / full-timer",
    "code": "code",
    "status": "status",
    "deadline": "deadline",
    "grid": "grid",
    "role": "role",
    "last_fix": "last fix",
    "reported": "reported",
    "registered": "registered",
    "dispatched": "dispatched",
    "in_progress": "in progress",
    "handled": "handled",
    "verified": "verified",
}

#: The legend, top to bottom: (label key, swatch CSS class, swatch colour); None = heading.
LEGEND: tuple[tuple[str, str | None, str], ...] = (
    ("legend_alerts", None, ""),
    ("on_time", "dot", "#22e06b"),
    ("last_quarter", "dot", "#ffd21f"),
    ("overdue", "dot", "#ff1f1f"),
    ("emergency", "dot big", "#ff1f1f"),
    ("legend_grids", None, ""),
    ("grid_overdue", "", "#b91c1c"),
    ("grid_alerts", "", "#b45309"),
    ("grid_overloaded", "", "#7c3aed"),
    ("legend_workers", None, ""),
    ("full_time", "dot", "#00e5ff"),
    ("part_time", "dot", "#5b8cff"),
    ("volunteer", "dot", "#f472ff"),
    ("offline", "dot off", "#6b7280"),
)
