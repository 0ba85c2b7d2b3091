"""The alternative the bridge replaces: rebuild the folium page with every marker, reload it.

Measured in the same run so the comparison is on the same machine under the same
load: compose the page in Python, write it, load it into a second web view and
wait for ``loadFinished``. The grid boundaries are left out, which flatters it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView

from gridcommand.db.live.store import StateStore
from gridcommand.maps.page import page_file

LOCAL_FILES = ("leaflet.js", "leaflet.css")
#: The naive page is built with at most this many markers. At 10,000 grids a city has
#: about 32,500 (all of them drawn); at 50,000 grids about 160,000, which folium composes
#: at about 0.8 ms each on the GUI thread and which a loaded machine took over half an
#: hour to compose. The report says how many of how many were drawn.
MAX_MARKERS = 50_000


class _OfflineMap(folium.Map):
    """folium's Map with only Leaflet, from local files (no CDN, as on a government LAN)."""

    default_js = [("leaflet", "leaflet.js")]  # noqa: RUF012 - folium reads class attributes
    default_css = [("leaflet_css", "leaflet.css")]  # noqa: RUF012


@dataclass
class NaiveTiming:
    markers: int
    #: Markers the city has (``markers`` is fewer when ``MAX_MARKERS`` capped the page).
    of_markers: int
    build_ms: float
    load_ms: float
    html_mb: float
    ok: bool

    @property
    def total_ms(self) -> float:
        return self.build_ms + self.load_ms


def compose_naive(store: StateStore, limit: int = MAX_MARKERS) -> tuple[str, int, int]:
    """Every open alert and every located worker as a ``folium.CircleMarker``.

    Alerts first, then workers, up to ``limit``; returns the page, the markers drawn and
    the markers the city has.
    """
    points = [(t.lat, t.lon, "#ff2a2a") for t in store.open_tickets() if t.lat and t.lon]
    points += [
        (s.position.lat, s.position.lon, "#00e5ff")
        for s in store.workers.values()
        if s.position is not None and s.record.active
    ]
    everything = len(points)
    points = points[:limit]
    centre = (points[0][0], points[0][1]) if points else (22.938, 113.384)
    m = _OfflineMap(location=centre, zoom_start=12, tiles=None, prefer_canvas=True)
    for lat, lon, colour in points:
        folium.CircleMarker((lat, lon), radius=5, color=colour, fill=True, fill_opacity=0.9).add_to(
            m
        )
    return m.get_root().render(), len(points), everything


class NaiveReload:
    """Builds and loads the naive page once; calls ``done`` with the timing."""

    def __init__(self, store: StateStore, done: Callable[[NaiveTiming], None]) -> None:
        self.store = store
        self.done = done
        self.folder = Path(tempfile.mkdtemp(prefix="gridcommand-naive-"))
        self.view = QWebEngineView()
        self.view.resize(1280, 800)
        self.view.loadFinished.connect(self._on_loaded)
        self._timing: NaiveTiming | None = None
        self._load_started = 0.0

    def start(self) -> None:
        started = time.perf_counter()
        html, markers, everything = compose_naive(self.store)
        shipped = page_file().parent
        for name in LOCAL_FILES:
            shutil.copyfile(shipped / name, self.folder / name)
        index = self.folder / "naive.html"
        index.write_text(html, encoding="utf-8")
        built = time.perf_counter()
        self._timing = NaiveTiming(
            markers, everything, (built - started) * 1000, 0.0, len(html.encode()) / 1e6, False
        )
        self.view.show()
        self._load_started = time.perf_counter()
        # A city's page is far over setHtml's 2 MB, so it is loaded from a file.
        self.view.load(QUrl.fromLocalFile(str(index)))

    def _on_loaded(self, ok: bool) -> None:
        timing = self._timing
        if timing is None:
            return
        timing.load_ms = (time.perf_counter() - self._load_started) * 1000
        timing.ok = ok
        self._timing = None
        self.done(timing)

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()
        shutil.rmtree(self.folder, ignore_errors=True)
