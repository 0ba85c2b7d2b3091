"""A demo district modelled on the real figures of ``shared/domain.md``.

Sizes run from a demo (about 100 grids) to a large city (``grids=10_000``). The
hierarchy is district → streets (about ten communities each) → communities
(about fifteen grids each, Panyu's ratio) → grids of 300–500 households, a few
overloaded; one full-time worker per grid plus part-timers and volunteers; the
176 item types of Panyu's catalogue; and thirty days of ticket history whose
traces carry historic times. Everything is drawn from one ``random.Random`` so a
given ``random_seed`` gives the same district every time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine, func, insert, select, text

from gridcommand.db.demo import names, tiling
from gridcommand.db.demo.bulk import copy_rows
from gridcommand.db.demo.catalogue import CatalogueItem, write_catalogue
from gridcommand.db.demo.evaluation import write_evaluation_history
from gridcommand.db.demo.history import HistoryPlan, write_history
from gridcommand.db.gis.geometry import random_point_in
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.models import Grid, Region

Progress = Callable[[str, int, int], None]

#: Panyu district, Guangzhou (番禺区); its administrative code is 440113.
DISTRICT_CODE = "440113"
DISTRICT_NAME = "番禺示范区"
CENTER = (113.384, 22.938)
GRIDS_PER_COMMUNITY = 15
COMMUNITIES_PER_STREET = 10
OVERLOADED_SHARE = 0.03
#: Rows a COPY between two progress reports.
GRIDS_PER_COPY = 5_000
WORKERS_PER_COPY = 20_000


@dataclass(frozen=True)
class SeedSummary:
    streets: int
    communities: int
    grids: int
    workers: int
    categories: int
    tickets: int


def seed_demo(
    engine: Engine,
    grids: int = 100,
    random_seed: int = 7,
    days: int = 30,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SeedSummary:
    """Fill an empty, migrated database with a demo district, in one transaction."""
    if grids < 2:
        raise UserFacingError("A demo district needs at least 2 grids.")
    report = progress or (lambda stage, done, total: None)
    rng = random.Random(random_seed)
    clock = now or datetime.now(UTC)
    with engine.begin() as conn:
        _refuse_if_seeded(conn)
        conn.execute(text("SELECT set_config('gridcommand.bulk_load', 'on', true)"))
        report("categories", 0, 1)
        items = write_catalogue(conn)
        report("categories", 1, 1)
        layout = _write_regions_and_grids(conn, grids, rng, report)
        workers = _write_workers(conn, layout, rng, clock, report)
        plan = HistoryPlan(days=days, now=clock)
        tickets = write_history(conn, plan, layout.grids, workers, items, rng, report)
        write_evaluation_history(conn, plan, rng)
    # Statistics now, not whenever autovacuum gets round to it: without them the change
    # feed's watermark queries scanned whole tables (a 1,000-grid city: 33 ms a catch-up
    # instead of under 1 ms; a replica's polling feed pays that several times a second).
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return SeedSummary(
        streets=layout.streets,
        communities=layout.communities,
        grids=len(layout.grids),
        workers=sum(len(team) for team in workers.values()),
        categories=len(items),
        tickets=tickets,
    )


def _refuse_if_seeded(conn: Connection) -> None:
    count = conn.execute(select(func.count()).select_from(Grid)).scalar_one()
    if count:
        raise UserFacingError(
            f"The database already holds {count} grids; seed only fills an empty database "
            "(start from a new data directory or database to seed again)."
        )


@dataclass
class SeededGrid:
    code: str
    name: str
    community_code: str
    geometry: BaseGeometry
    households: int


@dataclass
class Layout:
    streets: int
    communities: int
    grids: list[SeededGrid]


def _write_regions_and_grids(
    conn: Connection, grid_count: int, rng: random.Random, report: Progress
) -> Layout:
    communities_wanted = max(2, round(grid_count / GRIDS_PER_COMMUNITY))
    streets_wanted = max(2, round(communities_wanted / COMMUNITIES_PER_STREET))
    communities_wanted = max(communities_wanted, streets_wanted)
    district = tiling.district_outline(CENTER, grid_count, rng)
    report("boundaries", 0, grid_count)
    street_cells = tiling.split(district, streets_wanted, rng)
    community_cells = tiling.split_all(street_cells, communities_wanted, rng)
    grid_cells = tiling.split_all([c.geometry for c in community_cells], grid_count, rng)
    report("boundaries", grid_count, grid_count)

    used: set[str] = set()
    regions: list[dict[str, object]] = [
        {
            "code": DISTRICT_CODE,
            "name": DISTRICT_NAME,
            "level": "district",
            "parent_code": None,
            "boundary": mapping(district),
        }
    ]
    street_codes = []
    for i, geom in enumerate(street_cells, start=1):
        code = f"{DISTRICT_CODE}{i:03d}"
        street_codes.append(code)
        regions.append(
            {
                "code": code,
                "name": names.street(rng, used),
                "level": "street",
                "parent_code": DISTRICT_CODE,
                "boundary": mapping(geom),
            }
        )
    community_codes: list[str] = []
    community_names: list[str] = []
    per_street: dict[int, int] = {}
    for cell in community_cells:
        per_street[cell.parent] = per_street.get(cell.parent, 0) + 1
        code = f"{street_codes[cell.parent]}{per_street[cell.parent]:03d}"
        name = names.community(rng, used)
        community_codes.append(code)
        community_names.append(name)
        regions.append(
            {
                "code": code,
                "name": name,
                "level": "community",
                "parent_code": street_codes[cell.parent],
                "boundary": mapping(cell.geometry),
            }
        )
    conn.execute(insert(Region), regions)

    seeded: list[SeededGrid] = []
    per_community: dict[int, int] = {}
    for cell in grid_cells:
        n = per_community[cell.parent] = per_community.get(cell.parent, 0) + 1
        overloaded = rng.random() < OVERLOADED_SHARE
        households = rng.randint(520, 1800) if overloaded else rng.randint(300, 500)
        seeded.append(
            SeededGrid(
                code=f"{community_codes[cell.parent]}{n:03d}",
                name=names.grid(community_names[cell.parent], n),
                community_code=community_codes[cell.parent],
                geometry=cell.geometry,
                households=households,
            )
        )
    rows = [
        (
            g.code,
            g.name,
            g.community_code,
            mapping(g.geometry),
            g.households,
            round(g.households * rng.uniform(2.6, 3.1)),
        )
        for g in seeded
    ]
    columns = ("code", "name", "community_code", "boundary", "households", "population")
    for start in range(0, len(rows), GRIDS_PER_COPY):
        copy_rows(conn, "grids", columns, rows[start : start + GRIDS_PER_COPY])
        report("grids", min(start + GRIDS_PER_COPY, len(rows)), len(rows))
    return Layout(len(street_cells), len(community_cells), seeded)


def _write_workers(
    conn: Connection,
    layout: Layout,
    rng: random.Random,
    now: datetime,
    report: Progress,
) -> dict[str, list[str]]:
    """One full-timer per grid, 0–2 part-timers, 1–3 volunteers; a last fix for most."""
    teams: dict[str, list[str]] = {}
    workers: list[tuple[object, ...]] = []
    fixes: list[tuple[object, ...]] = []
    seq = 0
    for grid in layout.grids:
        roles = (
            ["full_time"] + ["part_time"] * rng.randint(0, 2) + ["volunteer"] * rng.randint(1, 3)
        )
        team: list[str] = []
        for role in roles:
            seq += 1
            code = f"W{seq:06d}"
            team.append(code)
            workers.append((code, names.person(rng), role, grid.code, names.phone(rng)))
            if role != "volunteer" or rng.random() < 0.3:
                lon, lat = random_point_in(grid.geometry, rng)
                silence = rng.choice((rng.uniform(0, 4), rng.uniform(0, 4), rng.uniform(12, 50)))
                at = now - timedelta(minutes=silence)
                fixes.append((code, lon, lat, at, round(rng.uniform(3, 25), 1), "pad"))
        teams[grid.code] = team
    columns = ("code", "name", "role", "grid_code", "phone")
    for start in range(0, len(workers), WORKERS_PER_COPY):
        copy_rows(conn, "workers", columns, workers[start : start + WORKERS_PER_COPY])
        report("workers", min(start + WORKERS_PER_COPY, len(workers)), len(workers))
    fix_columns = ("worker_code", "lon", "lat", "recorded_at", "accuracy_m", "source")
    copy_rows(conn, "worker_positions", fix_columns, fixes)
    return teams


__all__ = ["CatalogueItem", "SeedSummary", "seed_demo"]
