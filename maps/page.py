"""The map page, composed once by folium from local files and written to disk.

The page is loaded from a file, not ``setHtml`` (limited to 2 MB), and is never
rebuilt: rebuilding with 10,000 markers takes seconds and loses the operator's
zoom, while updating them through the bridge takes tens of milliseconds. Every
script and style is a local file, so the page works on a network with no internet.
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
#: Qt's channel script, copied beside the page so that it too comes from the page's own origin.
QWEBCHANNEL_QRC = ":/qtwebchannel/qwebchannel.js"
QWEBCHANNEL_URL = "qwebchannel.js"
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
        pane = folium.map.CustomPane(f"gc-{name}", z_index=z)
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
    for name in ("gridmap.js", "gridmap.css"):
        with as_file(ours / name) as src:
            shutil.copyfile(src, directory / name)
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
