"""Text from the database shown as text: never as markup, never reordered.

A QLabel guesses whether its text is rich (``Qt.AutoText``): a ticket code
``<a href=…>`` would become a link that opens a browser, ``<img>`` would load an
image. Every label that can show what the field wrote is set to plain text here,
and tooltips (which Qt always guesses about) get the text escaped inside a rich
paragraph, so that ``<b>`` reads as ``<b>``. Bidirectional controls are replaced
as well (``db.live.text``), for text that did not come through the records.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from gridcommand.db.live.text import neutralise


def plain(*labels: QLabel) -> None:
    """Show these labels' text as plain text, with no link to follow."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setOpenExternalLinks(False)


def plain_box(box: QMessageBox) -> QMessageBox:
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally (Qt reads every tooltip as maybe rich)."""
    if not text:
        return ""
    body = escape(neutralise(text), quote=False)
    return f"<p style='white-space:pre-wrap'>{body}</p>"
