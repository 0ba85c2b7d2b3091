"""The map page, composed once by folium from local files and written to disk.

The page is loaded from a file, not ``setHtml`` (limited to 2 MB), and is never
rebuilt: rebuilding with 10,000 markers takes seconds and loses the operator's
zoom, while updating them through the bridge takes tens of milliseconds. Every
script and style is a local file, so the page works on a network with no internet.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from html import escape
from importlib.resources import as_file, files
from pathlib import Path

import folium
from branca.element import Element, Figure

from gridcommand.maps.features import WORKER_SHARDS
from gridcommand.maps.labels import LABELS, LEGEND

#: Canvas panes bottom to top: each gets its own canvas renderer in gridmap.js.
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
QWEBCHANNEL_URL = "qrc:///qtwebchannel/qwebchannel.js"
BUNDLED_FONTS = (("NotoSansSC-Regular-GB2312.otf", 400), ("NotoSansSC-Bold-GB2312.otf", 700))


def legend_html() -> str:
    """The legend's markup: fixed swatches, words from ``LABELS`` (replaceable by key)."""
    rows = ['<div class="gc-legend">']
    for key, swatch, colour in LEGEND:
        text = escape(LABELS[key])
        if swatch is None:
            rows.append(f'<h4 data-label="{key}">{text}</h4>')
        else:
            rows.append(
                f'<div><i class="{swatch}" style="background:{colour}"></i>'
                f'<span data-label="{key}">{text}</span></div>'
            )
    rows.append("</div>")
    return "\n".join(rows)


class _LocalMap(folium.Map):
    """folium's Map with its CDN scripts (Leaflet, jQuery, Bootstrap…) replaced by local files."""

    default_js = [  # noqa: RUF012 - folium reads these class attributes
        ("leaflet", "leaflet.js"),
        ("qwebchannel", QWEBCHANNEL_URL),
        ("gridmap", "gridmap.js"),
    ]
    default_css = [  # noqa: RUF012
        ("leaflet_css", "leaflet.css"),
        ("fonts_css", "fonts.css"),
        ("gridmap_css", "gridmap.css"),
    ]


def compose() -> str:
    """The page's HTML: a dark map, empty layers, a legend and the names gridmap.js needs."""
    m = _LocalMap(
        location=(0.0, 0.0),
        zoom_start=2,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        max_zoom=20,
    )
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
    config = {
        "map": m.get_name(),
        "layers": layers,
        "panes": panes,
        "labels": LABELS,
        "worker_shards": WORKER_SHARDS,
    }
    data = json.dumps(config).replace("</", "<\\/")
    root = m.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(Element(f'<script type="application/json" id="gc-config">{data}</script>'))
    root.html.add_child(Element(legend_html()))
    return root.render()


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
    for name in ("gridmap.js", "gridmap.css"):
        with as_file(ours / name) as src:
            shutil.copyfile(src, directory / name)
    _copy_fonts(directory)


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


_built: Path | None = None


def page_file() -> Path:
    """The page on disk, built on first use and reused by every panel in the process."""
    global _built
    if _built is None or not _built.exists():
        directory = Path(tempfile.mkdtemp(prefix="gridcommand-map-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        _copy_static(directory)
        index = directory / "index.html"
        index.write_text(compose(), encoding="utf-8")
        _built = index
    return _built
