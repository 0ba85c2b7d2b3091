"""What the map shows, as an image: the canvases, the names and both legends.

Two ways, tried in order:

1. ``QWidget.grab()`` of the web view: Chromium's own composited frame, exactly what
   the operator sees. It works on a real screen (xcb, Xvfb) and, with Chromium's
   software compositing, on Qt's offscreen platform too; but a GPU-composited view
   can come back blank (one flat colour), so the result is checked.
2. The page printed to PDF at the view's size (``QWebEnginePage.printToPdf``, the
   same layout, since the page is as large as the view) and the page rendered back
   to an image with ``QtPdf``. It needs no screen at all.

``capture`` calls back on the GUI thread with the image and the way that worked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument

from gridcommand.maps.panel import MapPanel

Captured = Callable[[QImage | None, str], None]
#: Points sampled (per side) to tell a picture from a blank frame.
SAMPLES = 48
#: A printed page's CSS pixels are 1/96 in, a PDF point 1/72 in.
POINTS_PER_PIXEL = 72 / 96


def is_blank(image: QImage) -> bool:
    """One or two colours over the whole frame: nothing was drawn into it."""
    if image.isNull() or image.width() < 2 or image.height() < 2:
        return True
    seen: set[int] = set()
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x = (i * (image.width() - 1)) // (SAMPLES - 1)
            y = (j * (image.height() - 1)) // (SAMPLES - 1)
            seen.add(image.pixel(x, y) & 0xFFFFFF)
            if len(seen) > 2:
                return False
    return True


def grab_view(panel: MapPanel) -> QImage:
    return panel.view.grab().toImage()


def print_view(panel: MapPanel, done: Callable[[QImage | None], None]) -> None:
    """The page printed at the view's size and rendered back (no screen needed)."""
    size = panel.view.size()
    zoom = panel.view.zoomFactor()
    page = QSizeF(size.width() / zoom * POINTS_PER_PIXEL, size.height() / zoom * POINTS_PER_PIXEL)
    layout = QPageLayout(
        QPageSize(page, QPageSize.Unit.Point),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
    )

    def printed(data: QByteArray) -> None:
        pdf = bytes(data.data()) if isinstance(data, QByteArray) else bytes(data)
        if not pdf:
            done(None)
            return
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        image = document.render(0, size) if document.pageCount() else QImage()
        document.close()
        done(None if image.isNull() else image)

    panel.page.printToPdf(printed, layout)


def capture(panel: MapPanel, done: Captured) -> None:
    """The map as shown, by the first way that gives a picture (``done(None, "")``: none)."""
    grabbed = grab_view(panel)
    if not is_blank(grabbed):
        done(grabbed, "grab")
        return

    def printed(image: QImage | None) -> None:
        if image is not None and not is_blank(image):
            done(image, "print")
        else:
            done(None, "")

    print_view(panel, printed)
