"""Choosing and installing the UI language (zh_CN by default, en available)."""

from __future__ import annotations

import os
from importlib.resources import as_file, files

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

SUPPORTED = ("zh_CN", "en")
ENV_VAR = "GRIDCOMMAND_LANG"


def choose_language(requested: str | None, saved: str | None) -> str:
    """Flag, then environment, then the saved choice, then the system locale.

    A machine with a C/POSIX or other locale gets Chinese: that is the users'
    language, and command-centre PCs are often installed with an English system.
    """
    for candidate in (requested, os.environ.get(ENV_VAR), saved):
        if candidate:
            return normalise(candidate)
    system = QLocale.system().name()
    return "en" if system.startswith("en") and system != "en_US_POSIX" else "zh_CN"


def normalise(name: str) -> str:
    lowered = name.replace("-", "_").lower()
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered.startswith("en"):
        return "en"
    raise ValueError(f"unsupported language {name!r}; choose one of {', '.join(SUPPORTED)}")


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install our translation and Qt's own (dialog buttons etc.); keep them referenced."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    ours = QTranslator(app)
    resource = files("gridcommand.resources") / "i18n" / f"gridcommand_{language}.qm"
    with as_file(resource) as path:
        if path.exists() and ours.load(str(path)):
            app.installTranslator(ours)
            installed.append(ours)
    QLocale.setDefault(QLocale(language))
    return installed
