"""Icons shipped with the package (SVG under ``icons/``), never glyphs from an emoji font.

A wall PC without an emoji font draws 🚨 as an empty box; an SVG draws the same
everywhere. This module only finds the files; the widgets make ``QIcon``s of them.
"""

from __future__ import annotations

from importlib.resources import files

NAMES = ("emergency", "sound_off", "sound_muted")


def icon_path(name: str) -> str:
    """The path of ``icons/<name>.svg`` inside the installed package."""
    if name not in NAMES:
        raise KeyError(f"no icon called {name!r}")
    return str(files("gridcommand.resources") / "icons" / f"{name}.svg")
