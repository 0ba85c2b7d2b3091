"""One ticket in full: its fields, photos, the trace as a timeline, its worker, actions.

The panel shows a :class:`~gridcommand.db.ticket_detail.TicketDetail` read on a
worker thread, and asks for actions through ``action_requested``; it never
writes anything itself. Buttons are enabled by the case loop (what may follow
the ticket's status) and by the operator's role. Field text is shown as plain
text, never interpreted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.db.ticket_detail import TicketDetail, TraceStep
from gridcommand.widgets.record_table import Column, RecordTableModel
from gridcommand.widgets.ticket_columns import PRIORITY_NAMES, SOURCE_NAMES, STATUS_NAMES


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketDetail", text)


ACTION_NAMES = {
    "report": _tr("Reported"),
    "register": _tr("Registered"),
    "reject": _tr("Rejected"),
    "dispatch": _tr("Dispatched"),
    "redispatch": _tr("Re-dispatched"),
    "accept": _tr("Accepted"),
    "progress": _tr("Progress"),
    "handle": _tr("Handled"),
    "verify": _tr("Verified"),
    "close": _tr("Closed"),
    "send_back": _tr("Sent back"),
    "escalate": _tr("Escalated"),
    "acknowledge": _tr("Acknowledged"),
    "reopen": _tr("Reopened"),
}

#: Which actions may follow a status (the case loop), and which roles may take them.
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    "reported": ("register", "reject", "dispatch", "escalate"),
    "registered": ("dispatch", "escalate"),
    "dispatched": ("redispatch", "escalate"),
    "in_progress": ("redispatch", "escalate"),
    "handled": ("verify", "send_back"),
    "verified": ("close", "send_back"),
}
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "manager": frozenset(),
    "dispatcher": frozenset(
        {"acknowledge", "register", "reject", "dispatch", "redispatch", "escalate"}
    ),
    "supervisor": frozenset(
        {
            "acknowledge",
            "register",
            "reject",
            "dispatch",
            "redispatch",
            "escalate",
            "verify",
            "close",
            "send_back",
        }
    ),
}
BUTTONS = (
    ("acknowledge", _tr("Acknowledge (A)")),
    ("register", _tr("Register (R)")),
    ("dispatch", _tr("Dispatch… (D)")),
    ("redispatch", _tr("Re-dispatch…")),
    ("escalate", _tr("Escalate")),
    ("reject", _tr("Reject…")),
    ("verify", _tr("Verify (V)")),
    ("close", _tr("Close (C)")),
    ("send_back", _tr("Send back… (B)")),
)


def allowed_actions(status: str, role: str) -> set[str]:
    permitted = ROLE_ACTIONS.get(role, frozenset())
    return {"acknowledge"} & permitted | set(NEXT_ACTIONS.get(status, ())) & permitted


class TicketDetailPanel(QWidget):
    action_requested = Signal(str, int)
    fly_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: TicketDetail | None = None
        self.role = "viewer"
        self.header = QLabel(_tr("Select a ticket in a queue or on the map."))
        font = self.header.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.header.setFont(font)
        self.header.setWordWrap(True)

        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("category", _tr("Category")),
            ("source", _tr("Source")),
            ("grid", _tr("Grid")),
            ("point", _tr("Location")),
            ("reporter", _tr("Reporter")),
            ("priority", _tr("Priority")),
            ("reported_at", _tr("Reported")),
            ("deadline", _tr("Deadline")),
            ("assignee", _tr("Assignee")),
            ("worker", _tr("Grid worker")),
        ):
            value = QLabel("—")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self._values[key] = value
            form.addRow(label, value)
        self.description = QPlainTextEdit()
        self.description.setReadOnly(True)
        self.description.setMaximumHeight(90)

        self._photos = QHBoxLayout()
        photo_box = QWidget()
        photo_box.setLayout(self._photos)
        photo_scroll = QScrollArea()
        photo_scroll.setWidget(photo_box)
        photo_scroll.setWidgetResizable(True)
        photo_scroll.setFixedHeight(140)

        self.trace_model: RecordTableModel[TraceStep] = RecordTableModel(
            [
                Column(_tr("Time"), lambda s: _local(s.at)),
                Column(_tr("Step"), lambda s: ACTION_NAMES.get(s.action, s.action)),
                Column(_tr("Who"), lambda s: s.actor),
                Column(_tr("Role"), lambda s: s.actor_role),
                Column(_tr("Note"), lambda s: s.note),
            ],
            key=lambda s: s.id,
        )
        trace_view = QTableView()
        trace_view.setModel(self.trace_model)
        trace_view.verticalHeader().hide()
        trace_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        trace_view.horizontalHeader().setStretchLastSection(True)
        trace_box = QGroupBox(_tr("Trace (each step, who, when)"))
        QVBoxLayout(trace_box).addWidget(trace_view)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for name, label in BUTTONS:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, n=name: self._request(n))
            self.buttons[name] = button
            actions.addWidget(button)
        self.fly_button = QPushButton(_tr("Show on map (F)"))
        self.fly_button.clicked.connect(self._on_fly)
        actions.addWidget(self.fly_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addLayout(form)
        layout.addWidget(self.description)
        layout.addWidget(photo_scroll)
        layout.addWidget(trace_box, 1)
        self._update_buttons()

    @property
    def ticket_id(self) -> int | None:
        return int(self.detail.fields["id"]) if self.detail else None

    def set_role(self, role: str) -> None:
        self.role = role
        self._update_buttons()

    def show_detail(self, detail: TicketDetail) -> None:
        self.detail = detail
        f = detail.fields
        badge = _tr("EMERGENCY") + " · " if f["is_emergency"] else ""
        self.header.setText(f"{badge}{f['code']} · {STATUS_NAMES.get(f['status'], f['status'])}")
        self.header.setStyleSheet("color:#ff5252;" if f["is_emergency"] else "")
        v = self._values
        v["category"].setText(f"{detail.category_class} / {detail.category}")
        v["source"].setText(SOURCE_NAMES.get(f["source"], f["source"]))
        v["grid"].setText(detail.grid_name or _tr("not yet assigned"))
        point = f"{f['lon']:.6f}, {f['lat']:.6f} ({f['crs']})" if f["lon"] is not None else "—"
        v["point"].setText(point)
        v["reporter"].setText(f["reporter"] or "—")
        v["priority"].setText(PRIORITY_NAMES.get(f["priority"], str(f["priority"])))
        v["reported_at"].setText(_local(f["reported_at"]))
        v["deadline"].setText(_local(f["deadline"]))
        v["assignee"].setText(f["assignee_worker_code"] or f["assignee_department"] or "—")
        worker = detail.worker
        if worker is None:
            v["worker"].setText("—")
        else:
            seen = _local(worker.last_fix_at) if worker.last_fix_at else _tr("never")
            v["worker"].setText(
                f"{worker.name} ({worker.code}) · {worker.phone_masked} · "
                + _tr("last fix %1").replace("%1", seen)
            )
        self.description.setPlainText(f["description"] or "")
        self._show_photos(detail)
        self.trace_model.set_records(detail.trace)
        self._update_buttons()

    def action_enabled(self, name: str) -> bool:
        return self.buttons[name].isEnabled()

    def _show_photos(self, detail: TicketDetail) -> None:
        while self._photos.count():
            item = self._photos.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for photo in detail.photos:
            pixmap = QPixmap()
            label = QLabel()
            if pixmap.loadFromData(photo.data):
                label.setPixmap(
                    pixmap.scaledToHeight(120, Qt.TransformationMode.SmoothTransformation)
                )
            else:
                label.setText(_tr("(unreadable photo)"))
            label.setToolTip(f"{photo.stage} · {_local(photo.taken_at)}")
            self._photos.addWidget(label)
        self._photos.addStretch(1)

    def _update_buttons(self) -> None:
        status = self.detail.fields["status"] if self.detail else ""
        allowed = allowed_actions(status, self.role) if self.detail else set()
        for name, button in self.buttons.items():
            button.setEnabled(name in allowed)
            button.setVisible(name in ROLE_ACTIONS.get(self.role, frozenset()))
        self.fly_button.setEnabled(self.detail is not None)

    def _request(self, name: str) -> None:
        if self.ticket_id is not None and self.buttons[name].isEnabled():
            self.action_requested.emit(name, self.ticket_id)

    def _on_fly(self) -> None:
        if self.ticket_id is not None:
            self.fly_requested.emit(self.ticket_id)


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
