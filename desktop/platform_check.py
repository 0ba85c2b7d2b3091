"""Before Qt opens a window on X11: are the system libraries its xcb plugin needs there?

Without them Qt prints a page about "xcb-cursor0" (even when that one is present
and another is missing) and aborts the process. Here the libraries are looked up
first and a missing one is named in one sentence with the Debian/Ubuntu package
that provides it.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

from gridcommand.db.schema.errors import UserFacingError

#: The shared libraries Qt's xcb platform plugin loads, and the package that has each.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("xcb-cursor", "libxcb-cursor0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-shape", "libxcb-shape0"),
    ("xcb-randr", "libxcb-randr0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("xcb-util", "libxcb-util1"),
)
APT_LINE = "sudo apt-get install " + " ".join(package for _, package in XCB_LIBRARIES)


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    """Whether Qt will open its windows through X11 (xcb) on this machine."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_libraries(find: object = ctypes.util.find_library) -> list[tuple[str, str]]:
    finder = find if callable(find) else ctypes.util.find_library
    return [(lib, package) for lib, package in XCB_LIBRARIES if finder(lib) is None]


def check_platform(environ: dict[str, str] | None = None, find: object = None) -> None:
    """Raise one sentence naming the package(s) to install when an xcb library is missing."""
    if not uses_xcb(environ):
        return
    missing = missing_libraries(find or ctypes.util.find_library)
    if missing:
        libraries = ", ".join(f"lib{lib}" for lib, _ in missing)
        packages = " ".join(package for _, package in missing)
        raise UserFacingError(
            f"The window cannot open: the system library {libraries} is missing; install it "
            f"with 'sudo apt-get install {packages}' (or the same packages on your system)."
        )
