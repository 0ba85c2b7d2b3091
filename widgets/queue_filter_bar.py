"""Narrowing the queues: jurisdiction, class and item, source, priority, free text.

A street's duty officer watches their own street; a district officer hunting a
gas leak types "燃气". The bar only edits :class:`QueueFilters`; the queues'
proxies do the filtering, so the same rules serve the keyboard and the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QGridLayout, QLineEdit, QWidget

from gridcommand.db.live.reference import Reference
from gridcommand.resources.vocabulary import PRIORITIES, TICKET_SOURCES, priority_name, source_name

#: How deep each level is indented in the jurisdiction list.
INDENT = {"district": "", "street": "  ", "community": "    ", "grid": "      "}


class QueueFilterBar(QWidget):
    """Emits ``filters_changed`` with keyword arguments for ``QueuePanel.set_filters``."""

    filters_changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.region = QComboBox()
        self.region.setEditable(True)
        self.region.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.region.setMinimumContentsLength(12)
        self.region.setToolTip(self.tr("Jurisdiction: the whole district, a street, a community"))
        self.region.addItem(self.tr("Whole district"), "")
        completer = self.region.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.klass = QComboBox()
        self.klass.addItem(self.tr("All classes"), "")
        self.item = QComboBox()
        self.item.addItem(self.tr("All items"), "")
        self.item.setMinimumContentsLength(8)
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), "")
        for code in TICKET_SOURCES:
            self.source.addItem(source_name(code), str(code))
        self.priority = QComboBox()
        self.priority.addItem(self.tr("All priorities"), 0)
        for level in sorted(PRIORITIES):
            self.priority.addItem(priority_name(level), level)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("Search code, description, item, grid…"))
        self.text.setClearButtonEnabled(True)
        self._items: list[tuple[str, str, str]] = []
        # Typing should not refilter ten thousand rows per keystroke.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._emit)

        # Two rows of lists that may shrink (their full text is in the tooltip): on a
        # wall's large text or a 1280-pixel desk one row would push the map aside.
        layout = QGridLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        lists = (self.region, self.klass, self.item, self.source, self.priority)
        for n, combo in enumerate(lists):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(4)
            if combo is not self.region:  # the region's tooltip explains the list
                combo.currentIndexChanged.connect(
                    lambda _=0, c=combo: c.setToolTip(c.currentText().strip())
                )
            layout.addWidget(combo, n // 3, n % 3)
        layout.addWidget(self.text, 1, 2)
        for column in range(3):
            layout.setColumnStretch(column, 1)
        self.region.currentIndexChanged.connect(self._emit)
        self.klass.currentIndexChanged.connect(self._on_class_change)
        self.item.currentIndexChanged.connect(self._emit)
        self.source.currentIndexChanged.connect(self._emit)
        self.priority.currentIndexChanged.connect(self._emit)
        self.text.textChanged.connect(self._debounce.start)

    def set_reference(self, reference: Reference) -> None:
        """Fill the lists: streets, their communities and their grids, in tree order."""
        children: dict[str | None, list[tuple[str, str, str]]] = {}
        for r in reference.regions:
            children.setdefault(r.parent_code, []).append((r.code, r.name, r.level))
        for code, name, community in reference.grids:
            children.setdefault(community, []).append((code, name, "grid"))
        self.region.blockSignals(True)
        roots = [r for r in reference.regions if r.parent_code is None]

        def add(code: str, name: str, level: str) -> None:
            if level != "district":
                self.region.addItem(f"{INDENT.get(level, '')}{name}", code)
            for child in children.get(code, []):
                add(*child)

        for root in roots:
            add(root.code, root.name, root.level)
        self.region.blockSignals(False)
        self.klass.blockSignals(True)
        for code, name in reference.classes:
            self.klass.addItem(name, code)
        self.klass.blockSignals(False)
        self._items = [(i.code, i.name, i.class_code) for i in reference.items]

    def filters(self) -> dict[str, object]:
        return {
            "region": self.region.currentData() or "",
            "class_code": self.klass.currentData() or "",
            "category_code": self.item.currentData() or "",
            "source": self.source.currentData() or "",
            "priority": int(self.priority.currentData() or 0),
            "text": self.text.text().strip(),
        }

    def clear(self) -> None:
        """Everything shown again (an emergency must not stay hidden); one signal."""
        widgets = (self.region, self.klass, self.item, self.source, self.priority, self.text)
        for widget in widgets:
            widget.blockSignals(True)
        self.region.setCurrentIndex(0)
        self.klass.setCurrentIndex(0)
        self._on_class_change_quietly()
        self.source.setCurrentIndex(0)
        self.priority.setCurrentIndex(0)
        self.text.clear()
        self._debounce.stop()
        for widget in widgets:
            widget.blockSignals(False)
        self._emit()

    def _on_class_change_quietly(self) -> None:
        self.item.blockSignals(True)
        self.item.clear()
        self.item.addItem(self.tr("All items"), "")
        self.item.setEnabled(False)
        self.item.blockSignals(False)

    def _on_class_change(self) -> None:
        klass = self.klass.currentData() or ""
        self.item.blockSignals(True)
        self.item.clear()
        self.item.addItem(self.tr("All items"), "")
        for code, name, class_code in self._items:
            if klass and class_code == klass:
                self.item.addItem(name, code)
        self.item.setEnabled(bool(klass))
        self.item.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self.filters_changed.emit(self.filters())
