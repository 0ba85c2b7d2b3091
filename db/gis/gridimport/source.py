"""What every reader hands on: the features as read, the attribute names, the declared CRS.

The three readers differ in how they find attributes and coordinate systems, but
everything after reading (the mapping check, the geometry check, the comparison
with the database) must not care which format a grid came from; this is the one
shape they agree on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

#: ``(stage, done, total)``; called per feature, the caller throttles what it shows.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default when nobody watches."""


@dataclass(frozen=True)
class Feature:
    """One drawn grid: its attributes and geometry as read, before any checking."""

    index: int
    attributes: dict[str, Any]
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class SourceFile:
    """A grid file as read: its features and what it says about itself."""

    name: str
    format: str
    features: list[Feature]
    #: Attribute names in the file's own order (a Shapefile's columns, a GeoJSON's keys).
    fields: list[str]
    #: The coordinate system the file declares (WKT, ``EPSG:4547``, a URN), if any.
    declared_crs: str | None
    #: Where the declaration was found, for the report ("the .prj file", …).
    declared_in: str


def geometry_from_geojson(raw: object) -> BaseGeometry | None:
    """A shapely geometry, or None for a missing or malformed one (refused later, with why)."""
    if raw is None:
        return None
    try:
        return shape(raw)
    except Exception:  # malformed geometry raises many kinds of error
        return None
