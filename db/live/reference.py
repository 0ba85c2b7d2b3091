"""The slow-changing lists the filters offer: regions and the item catalogue.

Read once, off the GUI thread, when the window opens: streets, communities and the
item classes change on the scale of months, so they are not part of the live feed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from gridcommand.db.schema.models import Category, CategoryClass, Grid, Region


@dataclass(frozen=True, slots=True)
class RegionEntry:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    name: str
    class_code: str


@dataclass(frozen=True, slots=True)
class Reference:
    regions: tuple[RegionEntry, ...]
    classes: tuple[tuple[str, str], ...]
    items: tuple[CatalogueEntry, ...]
    #: Every grid as (code, name, community code), for the jurisdiction list.
    grids: tuple[tuple[str, str, str], ...] = ()


def load_reference(engine: Engine) -> Reference:
    with engine.connect() as conn:
        regions = tuple(
            RegionEntry(r.code, r.name, r.level, r.parent_code)
            for r in conn.execute(
                select(Region.code, Region.name, Region.level, Region.parent_code).order_by(
                    Region.code
                )
            )
        )
        classes = tuple(
            (r.code, r.name)
            for r in conn.execute(
                select(CategoryClass.code, CategoryClass.name).order_by(CategoryClass.code)
            )
        )
        items = tuple(
            CatalogueEntry(r.code, r.name, r.class_code)
            for r in conn.execute(
                select(Category.code, Category.name, Category.class_code).order_by(Category.code)
            )
        )
        grids = tuple(
            (r.code, r.name, r.community_code)
            for r in conn.execute(
                select(Grid.code, Grid.name, Grid.community_code).order_by(Grid.code)
            )
        )
    return Reference(regions, classes, items, grids)
