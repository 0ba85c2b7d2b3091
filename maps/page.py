"""The map page, composed once by folium from local files and written to disk.

The page is loaded from a file, not ``setHtml`` (limited to 2 MB), and is never
rebuilt: rebuilding with 10,000 markers takes seconds and loses the operator's
zoom, while updating them through the bridge takes tens of milliseconds. Every
script and style is a local file, so the page works on a network with no internet.

The page script is several plain files under ``static/gridmap/``, one concern each,
loaded in the order of ``SCRIPTS``. ``probes.js`` (timings and read-backs for the
tests, the bench and ``gridcommand snapshot``) is only in the page built with
``probes=True``; the production page does not carry it. Its words and colours come
from ``resources/vocabulary.py`` and ``resources/palette.py`` in the page's config.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import re
import shutil
import tempfile
from html import escape, unescape
from importlib.resources import as_file, files
from pathlib import Path

import folium
from branca.element import Element, Figure
from PySide6 import QtWebChannel  # noqa: F401 - its library holds the channel script
from PySide6.QtCore import QFile, QIODevice

from gridcommand.maps.basemap import MBTILES_SCHEME
from gridcommand.maps.features import WORKER_SHARDS
from gridcommand.resources import palette
from gridcommand.resources.vocabulary import map_labels

#: Canvas panes bottom to top: each gets its own canvas renderer (gridmap/main.js).
PANES = {
    "grids": 401,
    "outlines": 402,
    "track": 403,
    "workers": 404,
    "alerts": 405,
    "halos": 406,
}
LAYERS = ("grids", "outlines", "alerts", "workers", "track")
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")
#: Qt's channel script, copied beside the page so that it too comes from the page's own origin.
QWEBCHANNEL_QRC = ":/qtwebchannel/qwebchannel.js"
QWEBCHANNEL_URL = "qwebchannel.js"
BUNDLED_FONTS = (("NotoSansSC-Regular-GB2312.otf", 400), ("NotoSansSC-Bold-GB2312.otf", 700))
#: The page script, in load order: the namespace first, start-up last (static/gridmap/).
SCRIPTS = (
    "core.js",
    "styles.js",
    "cards.js",
    "layers.js",
    "workers.js",
    "aggregation.js",
    "halos.js",
    "atrisk.js",
    "commands.js",
    "hotspots.js",
    "workerscore.js",
    "pointer.js",
    "bridge.js",
    "main.js",
)
#: Loaded after ``main.js``, only by the page built with probes (tests, bench, snapshot).
PROBES = "probes.js"
SCRIPT_DIR = "gridmap"

_ALERT = palette.MAP["alert_time"]
_GRID = palette.MAP["grid_fill"]
_ROLE = palette.MAP["worker_role"]
#: The legend, top to bottom: (label key, swatch CSS class, swatch colour); None = heading.
LEGEND: tuple[tuple[str, str | None, str], ...] = (
    ("legend_alerts", None, ""),
    ("on_time", "dot", _ALERT["green"]),
    ("last_quarter", "dot", _ALERT["yellow"]),
    ("overdue", "dot", _ALERT["red"]),
    ("emergency", "dot big", palette.MAP["emergency"]),
    ("legend_grids", None, ""),
    ("grid_overdue", "", _GRID["overdue"]),
    ("grid_alerts", "", _GRID["alerts"]),
    ("grid_overloaded", "", _GRID["overloaded"]),
    ("legend_workers", None, ""),
    ("full_time", "dot", _ROLE["full_time"]),
    ("part_time", "dot", _ROLE["part_time"]),
    ("volunteer", "dot", _ROLE["volunteer"]),
    ("offline", "dot off", palette.MAP["worker_offline"]),
    ("worker_cells", "pill", _ROLE["full_time"]),  # zoomed out: a count per cell (workers.js)
)


def legend_html(labels: dict[str, str]) -> str:
    """The legend's markup: swatches from the palette, words by key (replaceable later)."""
    rows = ['<div class="gc-legend">']
    for key, swatch, colour in LEGEND:
        text = escape(labels.get(key, key))
        if swatch is None:
            rows.append(f'<h4 data-label="{key}">{text}</h4>')
        else:
            style = f"background:{colour}"
            if "pill" in swatch.split():  # a dark badge edged in the colour, as drawn
                style = f"border-color:{colour}"
            if "off" in swatch.split():
                style += f";border-color:{palette.MAP['worker_offline_edge']}"
            rows.append(
                f'<div><i class="{swatch}" style="{style}"></i>'
                f'<span data-label="{key}">{text}</span></div>'
            )
    rows.append("</div>")
    return "\n".join(rows)


def script_urls(probes: bool = False) -> list[tuple[str, str]]:
    """The page's own scripts as folium links (name, relative URL), in load order."""
    names = [*SCRIPTS, PROBES] if probes else list(SCRIPTS)
    return [(f"gridmap_{name[:-3]}", f"{SCRIPT_DIR}/{name}") for name in names]


class _LocalMap(folium.Map):
    """folium's Map with its CDN scripts (Leaflet, jQuery, Bootstrap…) replaced by local files."""

    default_js = [  # noqa: RUF012 - folium reads these class attributes
        ("leaflet", "leaflet.js"),
        ("qwebchannel", QWEBCHANNEL_URL),
    ]
    default_css = [  # noqa: RUF012
        ("leaflet_css", "leaflet.css"),
        ("fonts_css", "fonts.css"),
        ("gridmap_css", "gridmap.css"),
    ]


def compose(probes: bool = False) -> str:
    """The page's HTML: a dark map, empty layers, a legend and the config the script needs.

    The words are translated now, by whatever translator is installed; a panel sends
    them again on every load (``MapPanel.set_labels``), so a page built earlier in
    another language still reads right.
    """
    m = _LocalMap(
        location=(0.0, 0.0),
        zoom_start=2,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        max_zoom=20,
    )
    # Per instance: the class list is shared, and only the probed page has probes.js.
    m.default_js = [*_LocalMap.default_js, *script_urls(probes)]
    panes = {}
    for name, z in PANES.items():
        # The pointer passes through every pane to the map, which hit-tests the
        # canvases itself, top first (gridmap.js): a pane that took it would hide
        # the panes below it from the mouse.
        pane = folium.map.CustomPane(f"gc-{name}", z_index=z, pointer_events=False)
        pane.add_to(m)
        panes[name] = f"gc-{name}"
    layers = {}
    for name in LAYERS:
        group = folium.FeatureGroup(name=name, control=False)
        group.add_to(m)
        layers[name] = group.get_name()
    labels = map_labels()
    config = {
        "map": m.get_name(),
        "layers": layers,
        "panes": panes,
        "labels": labels,
        "palette": palette.MAP,
        "worker_shards": WORKER_SHARDS,
    }
    data = json.dumps(config).replace("</", "<\\/")
    root = m.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(Element(f'<script type="application/json" id="gc-config">{data}</script>'))
    root.html.add_child(Element(legend_html(labels)))
    return with_policy(root.render())


# -- Content-Security-Policy ----------------------------------------------------------------
# The page runs only what it was built with: its own files, folium's inline blocks (by hash,
# so a script slipped in later does not run), no network of any kind. Tiles come through our
# own scheme (maps/tiles.py), which is the only other place an image may come from.
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(html: str, image_schemes: tuple[str, ...] = ()) -> str:
    """The policy for ``html``: 'self' plus the hashes of the inline blocks it holds."""
    scripts = sorted({_sha256(s) for s in _INLINE_SCRIPT.findall(html)})
    styles = sorted({_sha256(s) for s in _INLINE_STYLE.findall(html)})
    attributes = sorted({_sha256(unescape(s)) for s in _STYLE_ATTRIBUTE.findall(html)})
    style_src = ["'self'", *styles]
    if attributes:
        style_src += ["'unsafe-hashes'", *attributes]
    images = ["'self'", *(f"{scheme}:" for scheme in image_schemes)]
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *scripts],
        "style-src": style_src,
        "img-src": images,
        "font-src": ["'self'"],
        # The page talks to Python over the channel's transport, never over the network.
        "connect-src": ["'none'"],
        "media-src": ["'none'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "manifest-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def with_policy(html: str) -> str:
    """``html`` with its Content-Security-Policy as the first element of its head."""
    # data: for Leaflet's blank tile (an inline GIF it shows while a tile is dropped).
    policy = escape(content_security_policy(html, (MBTILES_SCHEME, "data")), quote=True)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head, found, rest = html.partition("<head>")
    if not found:
        raise ValueError("the page has no <head> to hold its policy")
    return f"{head}<head>\n    {meta}{rest}"


def _copy_static(directory: Path) -> None:
    leaflet = files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    for name in LEAFLET_FILES:
        with as_file(leaflet / name) as src:
            dst = directory / name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copyfile(src, dst)
    ours = files("gridcommand.maps") / "static"
    with as_file(ours / "gridmap.css") as src:
        shutil.copyfile(src, directory / "gridmap.css")
    (directory / SCRIPT_DIR).mkdir(exist_ok=True)
    for name in (*SCRIPTS, PROBES):
        with as_file(ours / SCRIPT_DIR / name) as src:
            shutil.copyfile(src, directory / SCRIPT_DIR / name)
    _copy_qwebchannel(directory)
    _copy_fonts(directory)


def _copy_qwebchannel(directory: Path) -> None:
    source = QFile(QWEBCHANNEL_QRC)
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Qt's {QWEBCHANNEL_QRC} is missing")
    try:
        (directory / QWEBCHANNEL_URL).write_bytes(bytes(source.readAll().data()))
    finally:
        source.close()


def _copy_fonts(directory: Path) -> None:
    """The project's bundled Chinese font, so names render on a PC without a CJK font."""
    faces = []
    fonts = files("gridcommand.resources") / "fonts"
    for name, weight in BUNDLED_FONTS:
        with as_file(fonts / name) as src:
            if not src.is_file():
                continue
            shutil.copyfile(src, directory / name)
        face = f'font-family: "GC Sans SC"; src: url("{name}"); font-weight: {weight};'
        faces.append(f"@font-face {{ {face} }}")
    (directory / "fonts.css").write_text("\n".join(faces) + "\n", encoding="utf-8")


_directory: Path | None = None
_built: dict[bool, Path] = {}


def page_file(probes: bool = False) -> Path:
    """The page on disk, built on first use and reused by every panel in the process.

    The page with probes is a second file beside the first (``index-probes.html``),
    sharing its scripts, styles and fonts.
    """
    global _directory
    index = _built.get(probes)
    if index is not None and index.exists():
        return index
    if _directory is None or not _directory.exists():
        _directory = Path(tempfile.mkdtemp(prefix="gridcommand-map-"))
        atexit.register(shutil.rmtree, _directory, ignore_errors=True)
        _copy_static(_directory)
        _built.clear()
    index = _directory / ("index-probes.html" if probes else "index.html")
    index.write_text(compose(probes), encoding="utf-8")
    _built[probes] = index
    return index
