"""The map's words in the user's language, handed to the page as data.

The page is built once and cannot be re-rendered per language; the translations
live here, on the desktop side that owns the QTranslator, and travel as JSON.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from gridcommand.maps.labels import LABELS

#: The English source of every label, marked for lupdate (context "MapLabels").
SOURCES: dict[str, object] = {
    "legend_alerts": QT_TRANSLATE_NOOP("MapLabels", "Alerts"),
    "on_time": QT_TRANSLATE_NOOP("MapLabels", "on time"),
    "last_quarter": QT_TRANSLATE_NOOP("MapLabels", "last quarter of time"),
    "overdue": QT_TRANSLATE_NOOP("MapLabels", "overdue"),
    "emergency": QT_TRANSLATE_NOOP("MapLabels", "emergency"),
    "legend_grids": QT_TRANSLATE_NOOP("MapLabels", "Grids"),
    "grid_overdue": QT_TRANSLATE_NOOP("MapLabels", "overdue cases"),
    "grid_alerts": QT_TRANSLATE_NOOP("MapLabels", "open alerts"),
    "grid_overloaded": QT_TRANSLATE_NOOP("MapLabels", "> 500 households / full-timer"),
    "legend_workers": QT_TRANSLATE_NOOP("MapLabels", "Workers"),
    "full_time": QT_TRANSLATE_NOOP("MapLabels", "full-time"),
    "part_time": QT_TRANSLATE_NOOP("MapLabels", "part-time"),
    "volunteer": QT_TRANSLATE_NOOP("MapLabels", "volunteer"),
    "online": QT_TRANSLATE_NOOP("MapLabels", "online"),
    "stale": QT_TRANSLATE_NOOP("MapLabels", "stale"),
    "offline": QT_TRANSLATE_NOOP("MapLabels", "offline"),
    "open": QT_TRANSLATE_NOOP("MapLabels", "open"),
    "households": QT_TRANSLATE_NOOP("MapLabels", "households"),
    "hpw": QT_TRANSLATE_NOOP("MapLabels", "households / full-timer"),
    "code": QT_TRANSLATE_NOOP("MapLabels", "code"),
    "status": QT_TRANSLATE_NOOP("MapLabels", "status"),
    "deadline": QT_TRANSLATE_NOOP("MapLabels", "deadline"),
    "grid": QT_TRANSLATE_NOOP("MapLabels", "grid"),
    "role": QT_TRANSLATE_NOOP("MapLabels", "role"),
    "last_fix": QT_TRANSLATE_NOOP("MapLabels", "last fix"),
    "reported": QT_TRANSLATE_NOOP("MapLabels", "reported"),
    "registered": QT_TRANSLATE_NOOP("MapLabels", "registered"),
    "dispatched": QT_TRANSLATE_NOOP("MapLabels", "dispatched"),
    "in_progress": QT_TRANSLATE_NOOP("MapLabels", "in progress"),
    "handled": QT_TRANSLATE_NOOP("MapLabels", "handled"),
    "verified": QT_TRANSLATE_NOOP("MapLabels", "verified"),
}


def translated_labels() -> dict[str, str]:
    """Every label the page knows, translated where a translation is installed."""
    out = dict(LABELS)
    for key, source in SOURCES.items():
        out[key] = QCoreApplication.translate("MapLabels", str(source))
    return out
