"""A missing X11 library is named in one sentence, with the package to install."""

from __future__ import annotations

import pytest

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.desktop.platform_check import check_platform, uses_xcb


def test_a_missing_xcb_library_names_its_package() -> None:
    def finder(name: str) -> str | None:
        return None if name == "xcb-icccm" else f"lib{name}.so"

    with pytest.raises(UserFacingError) as caught:
        check_platform({"QT_QPA_PLATFORM": "xcb"}, finder)
    message = str(caught.value)
    assert "libxcb-icccm" in message and "apt-get install libxcb-icccm4" in message
    assert "xcb-cursor0" not in message  # Qt's own message blamed the wrong one
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence


def test_nothing_is_checked_off_x11() -> None:
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"})
    assert uses_xcb({"DISPLAY": ":0"})
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    check_platform({"QT_QPA_PLATFORM": "offscreen"}, lambda name: None)
