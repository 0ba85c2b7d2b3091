"""Loading a grid layer that a GIS office maintains (in QGIS, ArcGIS …) into the grids table.

An office edits its layer, re-exports it and loads it again every month, so the
import is built for re-imports: grids are matched by code, only the attributes
the file carries are updated (``--replace`` clears the rest), and the report says
per grid what changed. The file may be GeoJSON, a Shapefile or a GeoPackage (read
without GDAL), in WGS-84, GCJ-02 or any EPSG system pyproj knows; it is brought
to WGS-84 lon/lat because that is what the whole product stores.

Modules: one reader per format (``geojson``, ``shp``, ``geopackage``) behind
``options.read_file``, which also checks the options and the mapping against the
file; ``crs`` (which system, and into lon/lat); ``checker`` (features → grids,
repairs, refusals); ``compare`` (the re-import rule and what changed);
``overlaps``; ``regions`` (where new communities hang); ``report``; ``writer``;
``importer`` (the order of it all).
"""

from gridcommand.db.gis.gridimport.importer import NothingImported, import_grids
from gridcommand.db.gis.gridimport.report import (
    EXIT_NOTHING_WRITTEN,
    EXIT_OK,
    EXIT_REFUSALS,
    ImportReport,
)

__all__ = [
    "EXIT_NOTHING_WRITTEN",
    "EXIT_OK",
    "EXIT_REFUSALS",
    "ImportReport",
    "NothingImported",
    "import_grids",
]
