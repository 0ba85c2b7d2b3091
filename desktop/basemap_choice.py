"""Which basemap the window draws: from the command line, else the saved setting.

The default is no tiles at all (isolated government networks have no tile
server); an intranet XYZ template or an offline MBTiles file is one option away,
and is remembered for the next start.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.maps.basemap import Basemap

SOURCE_KEY = "map/basemap"
CRS_KEY = "map/basemap_crs"


def parse_basemap(source: str, crs: str = "WGS84") -> Basemap:
    """``none``, an XYZ URL template with {z}/{x}/{y}, or a path to an .mbtiles file."""
    source = source.strip()
    try:
        if not source or source.lower() == "none":
            return Basemap.none()
        if "{z}" in source and "{x}" in source and "{y}" in source:
            return Basemap.xyz(source, crs)
        if source.lower().endswith(".mbtiles"):
            if not Path(source).is_file():
                raise UserFacingError(f"The basemap file {source} does not exist.")
            return Basemap.mbtiles(source, crs)
    except ValueError as exc:
        raise UserFacingError(f"The basemap is not usable: {exc}.") from None
    raise UserFacingError(
        f"The basemap {source!r} is neither 'none', an XYZ URL template with {{z}}, {{x}} and "
        "{y}, nor an .mbtiles file."
    )


def choose_basemap(settings: QSettings, source: str | None, crs: str | None) -> Basemap:
    """The CLI's choice (saved for next time) or the saved one; none by default."""
    if source is not None:
        basemap = parse_basemap(source, crs or "WGS84")
        settings.setValue(SOURCE_KEY, source)
        settings.setValue(CRS_KEY, crs or "WGS84")
        return basemap
    saved = str(settings.value(SOURCE_KEY, "none") or "none")
    saved_crs = str(settings.value(CRS_KEY, "WGS84") or "WGS84")
    try:
        return parse_basemap(saved, crs or saved_crs)
    except UserFacingError:
        return Basemap.none()  # a tile file moved away must not keep the window from opening
