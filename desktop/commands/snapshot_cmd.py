"""``gridcommand snapshot``: the window's pictures and what the page shows, without a screen.

For a report, a wall-screen check, or a test on a box with no display: it opens
the real window against the configured database, waits until the page shows what
the store holds, and writes PNGs plus ``snapshot.json``. With ``--at`` it shows the
district as it was then, through replay (回放), with the replay banner on the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gridcommand.db.replay.frame import FrameReader
from gridcommand.db.replay.moments import check_replayable, parse_moment
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.desktop.commands.app_cmd import (
    add_window_options,
    open_window_database,
    prepare_schema,
)

if TYPE_CHECKING:
    from gridcommand.desktop.wiring import WindowSession


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "snapshot",
        help="write PNGs of the map and panels and snapshot.json of what the page shows",
        description="Open the window against the database without a screen, wait until the "
        "map shows what the database holds, then write map.png, window.png, one PNG per "
        "panel and snapshot.json (the page's own counts beside the store's).",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up if the data is not shown within this time (60)",
    )
    parser.add_argument(
        "--size", type=_size, default=(1920, 1080), metavar="WxH", help="window size (1920x1080)"
    )
    parser.add_argument(
        "--at",
        type=str,
        default=None,
        metavar="TIME",
        help='the district as it was then (回放), e.g. "2026-11-30 09:00+08"; '
        "without an offset, this computer's local time",
    )
    add_window_options(parser)
    parser.set_defaults(func=run)


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a size such as 1920x1080") from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"{value} is too small for the window")
    return width, height


def headless_environment() -> None:
    """No display: Qt's offscreen platform; as root, Chromium refuses its sandbox."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


def _settle(session: WindowSession) -> None:
    """Charts drawn now rather than on their 5 s timer; the map fitted to the final size."""
    session.refresh_charts()
    if session.map is not None:
        session.map.bridge.send_command("fit")


def run(args: argparse.Namespace) -> int:
    headless_environment()
    at = parse_moment(args.at) if args.at is not None else None
    with open_window_database(args) as db:
        prepare_schema(db)
        if at is not None:
            earliest, now = FrameReader(db.read_engine).bounds()
            check_replayable(at, earliest, now)
        return _snapshot(db, args, at)


def _snapshot(db: object, args: argparse.Namespace, at: datetime | None = None) -> int:
    from PySide6.QtCore import QSettings

    from gridcommand.desktop.app import create_application
    from gridcommand.desktop.basemap_choice import choose_basemap
    from gridcommand.desktop.main_window import MainWindow
    from gridcommand.desktop.settings import settings
    from gridcommand.desktop.snapshot import SnapshotResult, Snapshotter, to_json
    from gridcommand.desktop.wiring import wire_window

    app = create_application(args.lang)
    basemap = choose_basemap(settings(), args.basemap, args.basemap_crs)
    with tempfile.TemporaryDirectory(prefix="gridcommand-snapshot-") as scratch:
        # A layout of its own: the operator's remembered window is neither used nor changed.
        layout = QSettings(str(Path(scratch) / "layout.ini"), QSettings.Format.IniFormat)
        window = MainWindow(layout, getattr(db, "where", ""))
        session = wire_window(
            window,
            db,
            basemap=basemap,
            operator_login=args.operator,
            operator_role=args.role,
            map_probes=True,  # the page's own counts are what the snapshot waits for
        )
        width, height = args.size
        window.resize(width, height)
        window.show()
        # The wall screen's first-start layout (the map gets the most room); the window
        # has no public hook for it yet.
        window._apply_first_layout()
        snapper = Snapshotter(
            session, args.out, args.wait, before_grab=lambda: _settle(session), at=at
        )
        outcome: list[SnapshotResult | str] = []

        def done(value: SnapshotResult | str) -> None:
            outcome.append(value)
            app.quit()

        snapper.finished.connect(done)
        snapper.failed.connect(done)
        snapper.start()
        try:
            app.exec()
        finally:
            session.stop()
            window.close()
    if not outcome:
        raise UserFacingError("The window closed before the snapshot was taken.")
    result = outcome[0]
    if isinstance(result, str):
        raise UserFacingError(result)
    counts = to_json(result)
    when = f" as at {at.astimezone():%Y-%m-%d %H:%M:%S %z}" if at is not None else ""
    print(
        f"Wrote {len(result.files)} PNGs and snapshot.json to {result.out}: "
        f"{counts['grids']} grids, {counts['alerts']} alerts{when} "
        f"({counts['alerts_pulsing']} pulsing), workers {counts['workers']}; "
        f"map.png: {result.map_png}.",
        file=sys.stderr,
    )
    return 0
