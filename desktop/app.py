"""Building the Qt application and its window around an open database."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.resources import as_file, files

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from gridcommand.desktop import i18n, theme
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.platform_check import check_platform
from gridcommand.desktop.settings import APPLICATION, ORGANIZATION, settings
from gridcommand.desktop.shutdown import SignalQuit

log = logging.getLogger(__name__)
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")


def load_bundled_fonts() -> list[str]:
    """Register the bundled Noto Sans SC (GB2312 subset) so Chinese renders everywhere.

    Command-centre PCs have Chinese fonts, but a kiosk image or a headless test box
    may not; without one every label would be a row of boxes.
    """
    families: list[str] = []
    folder = files("gridcommand.resources") / "fonts"
    for entry in folder.iterdir():
        if entry.name.endswith(".otf"):
            with as_file(entry) as path:
                font_id = QFontDatabase.addApplicationFont(str(path))
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def create_application(language: str | None = None) -> QApplication:
    """The QApplication, with translations and a font that renders Chinese."""
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        check_platform()
        # Qt wants the offline-tiles URL scheme known before the application exists.
        from gridcommand.maps.tiles import register_scheme

        register_scheme()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    chosen = i18n.choose_language(language, settings().value("ui/language"))
    app.setProperty("gridcommand_translators", i18n.install_translators(app, chosen))
    app.setProperty("gridcommand_language", chosen)
    load_bundled_fonts()
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            font = QFont(family)
            font.setPointSize(max(app.font().pointSize(), 11))
            app.setFont(font)
            break
    theme.apply(app, app.primaryScreen(), wall=False)
    return app


def create_window(location: str) -> MainWindow:
    return MainWindow(settings(), location)


def run_window(db: object, args: argparse.Namespace | None = None) -> int:
    """Open the window on ``db`` and run the event loop until it closes."""
    from gridcommand.desktop.basemap_choice import choose_basemap
    from gridcommand.desktop.wiring import wire_window

    language = getattr(args, "lang", None)
    app = create_application(language)
    basemap = choose_basemap(
        settings(), getattr(args, "basemap", None), getattr(args, "basemap_crs", None)
    )
    window = create_window(getattr(db, "where", ""))
    session = wire_window(
        window,
        db,
        basemap=basemap,
        operator_login=getattr(args, "operator", None),
        operator_role=getattr(args, "role", None),
    )
    window.show_for_wall()
    if getattr(args, "wall", False) or settings().value("ui/wall") in (True, "true"):
        window.set_wall(True)
    screens = getattr(args, "screens", None)
    if screens is not None:
        window.place_on_screens(*screens)

    def close_on_signal(signum: int) -> None:
        window.close()  # saves the layout and settings, as Ctrl+Q does
        app.quit()

    signals = SignalQuit(close_on_signal)
    log.info("window open")
    try:
        return app.exec()
    finally:
        if window.isVisible():  # the loop ended some other way: still save
            window.save_settings()
        session.stop()
        signals.restore()
