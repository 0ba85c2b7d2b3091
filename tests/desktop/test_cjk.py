"""Chinese text renders even on a machine with no Chinese font installed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication

from gridcommand.desktop.app import load_bundled_fonts


def test_bundled_font_covers_the_ui_and_seed_text(qapp: QApplication) -> None:
    families = load_bundled_fonts()
    assert "Noto Sans CJK SC" in families
    metrics = QFontMetrics(QFont("Noto Sans CJK SC", 14))
    for ch in "网格化服务管理指挥中心番禺示范区市桥街道第网格王芳紧急超时":
        assert metrics.inFontUcs4(ord(ch)), ch


def test_chinese_label_draws_glyphs_not_boxes(qapp: QApplication) -> None:
    load_bundled_fonts()
    font = QFont("Noto Sans CJK SC", 28)

    def draw(text: str) -> QImage:
        image = QImage(200, 60, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return image

    # Two different characters must draw differently: missing glyphs draw identical boxes.
    a, b = draw("网"), draw("格")
    assert a != b
    assert any(a.pixelColor(x, y).value() < 128 for x in range(200) for y in range(60))
