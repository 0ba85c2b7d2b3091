"""Basemap configuration: plain data the desktop layer fills from settings or the CLI.

Government networks are often cut off from the internet, so the default draws no
tiles at all. A basemap also names its coordinate system, because AMap/Tencent
tiles are GCJ-02 and Baidu's BD-09: the data must be shifted into that system or
every point sits 300–700 m off its street.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gridcommand.db.gis.coords import from_wgs84

BasemapKind = Literal["none", "xyz", "mbtiles"]
MBTILES_SCHEME = "gcmbtiles"


@dataclass(frozen=True, slots=True)
class Basemap:
    """What to draw under the data, and in which coordinate system it is drawn."""

    kind: BasemapKind = "none"
    #: An XYZ template (``http://tiles.intranet/{z}/{x}/{y}.png``) or an MBTiles path.
    source: str = ""
    crs: str = "WGS84"
    attribution: str = ""
    min_zoom: int = 0
    #: Tiles exist up to here; closer zooms enlarge the last level instead of asking for more.
    max_zoom: int = 19

    def __post_init__(self) -> None:
        if self.kind not in ("none", "xyz", "mbtiles"):
            raise ValueError(f"unknown basemap kind {self.kind!r}; use none, xyz or mbtiles")
        if self.kind != "none" and not self.source:
            raise ValueError(f"a {self.kind} basemap needs a source")
        from_wgs84(0.0, 0.0, self.crs)  # raises ValueError naming the known systems

    @classmethod
    def none(cls) -> Basemap:
        return cls()

    @classmethod
    def xyz(
        cls, template: str, crs: str = "WGS84", attribution: str = "", max_zoom: int = 19
    ) -> Basemap:
        return cls("xyz", template, crs, attribution, max_zoom=max_zoom)

    @classmethod
    def mbtiles(
        cls, path: str | Path, crs: str = "WGS84", attribution: str = "", max_zoom: int = 19
    ) -> Basemap:
        return cls("mbtiles", str(Path(path).resolve()), crs, attribution, max_zoom=max_zoom)

    @property
    def data_crs(self) -> str:
        """The system the data must be converted to (WGS-84 when there are no tiles)."""
        return "WGS84" if self.kind == "none" else self.crs

    def to_page(self, mbtiles_key: str = "") -> dict[str, object]:
        """The JSON the page's tile layer is made from; every tile goes through our scheme."""
        url = self.source
        if self.kind == "mbtiles":
            url = f"{MBTILES_SCHEME}://tiles/{mbtiles_key}/{{z}}/{{x}}/{{y}}"
        elif self.kind == "xyz":
            # The page loads images from its own schemes only: Qt fetches the server's tiles.
            url = f"{MBTILES_SCHEME}://xyz/{mbtiles_key}/{{z}}/{{x}}/{{y}}"
        return {
            "kind": self.kind,
            "url": url if self.kind != "none" else "",
            "attribution": self.attribution,
            "minZoom": self.min_zoom,
            "maxZoom": self.max_zoom,
        }
