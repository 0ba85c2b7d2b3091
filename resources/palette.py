"""Every colour the command centre uses, in one place: the map page's and the Qt side's.

Two families, because they sit on different grounds: the map is a dark wall screen
(bright, saturated marks on near-black, read from across the room), the Qt panels
use the desktop's own ground (Material tones). The page gets ``MAP`` as data in its
config (``maps/page.py``), so its script keeps no colour of its own.
"""

from __future__ import annotations

from typing import Any

# -- the map page -------------------------------------------------------------------

#: Keys are what gridmap/styles.js and friends read from ``cfg.palette``.
MAP: dict[str, Any] = {
    "background": "#05070d",
    # alerts, by the time left against their deadline (time_state)
    "alert_time": {"green": "#22e06b", "yellow": "#ffd21f", "red": "#ff1f1f"},
    "alert_edge": "#2a0000",
    "emergency_edge": "#ffffff",
    # an emergency's own fill, whatever its deadline light (the light rings it instead)
    "emergency": "#ff1f1f",
    "halo": "#ff2a2a",
    # the dashed ring round an alert likely to go red within the hour (gridmap/atrisk.js)
    "at_risk": "#ff8a00",
    # grids, by state (maps/features.py)
    "grid_edge": "#7f9cff",
    "grid_fill": {
        "normal": "#1b2a44",
        "alerts": "#b45309",
        "overdue": "#b91c1c",
        "overloaded": "#7c3aed",
    },
    "street_line": "#c7d2fe",
    "community_line": "#8ea2e8",
    # workers, by role; offline ones grey whatever their role
    "worker_role": {"full_time": "#00e5ff", "part_time": "#5b8cff", "volunteer": "#f472ff"},
    "worker_edge": "#ffffff",
    "worker_offline": "#6b7280",
    "worker_offline_edge": "#9ca3af",
    # zoomed out, a count of workers per cell: a dark badge, quieter than any alert
    "worker_cell": {"fill": "rgba(6, 12, 28, 0.9)", "text": "#f1f5f9", "text_offline": "#cbd5e1"},
    "track": "#00e5ff",
    "highlight": "#ffffff",
    # the hot-spot layer (gridmap/hotspots.js): cases per grid, few to many, a sequential
    # steel blue, low in saturation: the warning points and the workers stay the vivid ones
    "hotspot_ramp": ["#1f2f46", "#2f4868", "#46648a", "#6683a9", "#8fa9c8"],
}

# -- the Qt panels ------------------------------------------------------------------

#: A ticket's traffic light against its deadline (queues, charts).
LIGHT = {"green": "#43a047", "yellow": "#fdd835", "red": "#e53935"}
#: A ticket with no light (closed, or no deadline).
NO_LIGHT = "#78909c"
#: A worker's position feed (workers table, dispatch suggestions, charts).
WORKER_STATUS = {"online": "#43a047", "stale": "#fdd835", "offline": "#90a4ae"}
#: Bars that stand for no state (cases by class).
CHART_ACCENT = "#42a5f5"
#: Cases reported per day in a grid's drill-down.
CASES_BAR = "#ef5350"

#: A grid's trend by class: the five busiest classes in their own colour, then "other".
CLASS_STACK = ("#ef5350", "#ffa726", "#42a5f5", "#66bb6a", "#ab47bc")
CLASS_OTHER = "#78909c"
#: Text that needs the operator's eye (an emergency, an overloaded or overdue grid).
ALARM_TEXT = "#ff5252"
#: A row of rejected field input.
REJECTED_TEXT = "#ffb74d"
#: Secondary text (key hints).
HINT_TEXT = "#9e9e9e"
#: The count of cases likely to go red within the hour (amber: not yet overdue).
AT_RISK = "#ffb300"
#: An unacknowledged emergency's row, flashing between the two.
FLASH_ON, FLASH_OFF = "#b71c1c", "#4a0e0e"
#: Its text in both phases (white reads on the bright and on the dark red alike).
FLASH_TEXT = "#ffffff"
#: The database connection, in the status bar and the banner.
CONNECTION = {
    "connected": "#2e7d32",
    "connecting": "#37474f",
    "reconnecting": "#b26a00",
    "lost": "#b00020",
}

# -- the panels' dark theme (desktop/theme.py) -----------------------------------------

#: The docks beside the dark map: the page's near-black ground, light text, one accent.
#: High contrast on purpose: read from 3 m on a wall screen.
PANEL_THEME = {
    "background": "#080c18",
    "panel": "#0f172a",
    "alternate": "#16213a",
    "raised": "#1e293b",
    "border": "#334155",
    "text": "#f1f5f9",
    "muted": "#94a3b8",
    "accent": "#38bdf8",
    "selection": "#1d4ed8",
}
#: The alarm banner: unacknowledged emergencies (bright) and "sound off" alone (deep red).
ALARM_BANNER = {"emergency": "#d50000", "sound_only": "#7f0000", "text": "#ffffff"}
#: Replay (回放): a colour used for nothing live, so history is never taken for now.
REPLAY_BANNER = {
    "background": "#0057d9",
    "text": "#ffffff",
    "controls": "#0b2a5c",
    "live": "#2e7d32",
}
#: "Sound off" in the status bar.
SOUND_OFF = "#b00020"
