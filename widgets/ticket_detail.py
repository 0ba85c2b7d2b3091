"""One ticket in full: its fields, photos, the trace as a timeline, its worker, actions.

The panel shows a :class:`~gridcommand.db.reports.ticket_detail.TicketDetail` read on a
worker thread, and asks for actions through ``action_requested``; it never
writes anything itself. Buttons are enabled by the case loop (what may follow
the ticket's status) and by the operator's role, from the same table
(``gridcommand.db.actions.caseloop``) that the service layer enforces. Field text is shown as plain
text, never interpreted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
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

from gridcommand.db.actions.caseloop import ROLE_ACTIONS, CaseAction, allowed_actions
from gridcommand.db.actions.evaluation_steps import DECISIONS
from gridcommand.db.reports.ticket_detail import TicketDetail, TraceStep
from gridcommand.resources.palette import ALARM_TEXT
from gridcommand.resources.vocabulary import (
    action_name,
    operator_role_name,
    priority_name,
    source_name,
    ticket_status_name,
)
from gridcommand.widgets.plain import plain, tooltip
from gridcommand.widgets.record_table import Column, RecordTableModel


def _tr(text: object) -> str:
    # ``text`` is a QT_TRANSLATE_NOOP source string (typed ``object`` in PySide6's stubs).
    return QCoreApplication.translate("TicketDetail", str(text))


BUTTONS: tuple[tuple[CaseAction, object], ...] = (
    (CaseAction.ACKNOWLEDGE, QT_TRANSLATE_NOOP("TicketDetail", "Acknowledge (A)")),
    (CaseAction.REGISTER, QT_TRANSLATE_NOOP("TicketDetail", "Register (R)")),
    (CaseAction.DISPATCH, QT_TRANSLATE_NOOP("TicketDetail", "Dispatch… (D)")),
    (CaseAction.REDISPATCH, QT_TRANSLATE_NOOP("TicketDetail", "Re-dispatch…")),
    (CaseAction.ESCALATE, QT_TRANSLATE_NOOP("TicketDetail", "Escalate")),
    (CaseAction.REJECT, QT_TRANSLATE_NOOP("TicketDetail", "Reject…")),
    (CaseAction.VERIFY, QT_TRANSLATE_NOOP("TicketDetail", "Verify (V)")),
    (CaseAction.CLOSE, QT_TRANSLATE_NOOP("TicketDetail", "Close (C)")),
    (CaseAction.SEND_BACK, QT_TRANSLATE_NOOP("TicketDetail", "Send back… (B)")),
    (CaseAction.APPROVE_EXTENSION, QT_TRANSLATE_NOOP("TicketDetail", "Approve extension")),
    (CaseAction.REFUSE_EXTENSION, QT_TRANSLATE_NOOP("TicketDetail", "Refuse extension…")),
)


#: How many suggested categories the panel offers (keys K, then 1, 2, 3).
SUGGESTIONS = 3
#: Who wrote a trace row, besides the console's roles: the systems that write too.
TRACE_WRITERS = {
    "field": QT_TRANSLATE_NOOP("TicketDetail", "field system"),
    "system": QT_TRANSLATE_NOOP("TicketDetail", "system"),
    # The tables' owner acting without a declared role (a seed, the administration).
    "admin": QT_TRANSLATE_NOOP("TicketDetail", "administration"),
}


def trace_role_name(role: str) -> str:
    source = TRACE_WRITERS.get(role)
    if source is None:
        return operator_role_name(role)
    return QCoreApplication.translate("TicketDetail", str(source))


class TicketDetailPanel(QWidget):
    action_requested = Signal(str, int)
    fly_requested = Signal(int)
    #: A ticket's detail is on screen (its id): suggestions may follow it.
    detail_shown = Signal(int)
    #: The officer took a suggested category: ticket id, item code.
    category_chosen = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: TicketDetail | None = None
        self.role = "viewer"
        self.header = QLabel(self.tr("Select a ticket in a queue or on the map."))
        font = self.header.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.header.setFont(font)
        self.header.setWordWrap(True)
        plain(self.header)

        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("category", self.tr("Category")),
            ("source", self.tr("Source")),
            ("grid", self.tr("Grid")),
            ("point", self.tr("Location")),
            ("reporter", self.tr("Reporter")),
            ("contact", self.tr("Reporter's phone")),
            ("priority", self.tr("Priority")),
            ("reported_at", self.tr("Reported")),
            ("deadline", self.tr("Deadline")),
            ("assignee", self.tr("Assignee")),
            ("worker", self.tr("Grid worker")),
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
                Column(self.tr("Time"), lambda s: _local(s.at)),
                Column(
                    self.tr("Step"),
                    lambda s: action_name(s.action),
                ),
                Column(self.tr("Who"), lambda s: s.actor),
                Column(self.tr("Role"), lambda s: trace_role_name(s.actor_role)),
                Column(self.tr("Note"), lambda s: s.note),
            ],
            key=lambda s: s.id,
        )
        trace_view = QTableView()
        trace_view.setModel(self.trace_model)
        trace_view.verticalHeader().hide()
        trace_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        trace_view.horizontalHeader().setStretchLastSection(True)
        trace_box = QGroupBox(self.tr("Trace (each step, who, when)"))
        QVBoxLayout(trace_box).addWidget(trace_view)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for name, source in BUTTONS:
            button = QPushButton(_tr(source))
            button.clicked.connect(lambda _=False, n=name: self._request(n))
            self.buttons[name] = button
            actions.addWidget(button)
        self.suggested: list[tuple[str, str, float]] = []
        self.suggestion_buttons: list[QPushButton] = []
        suggestions = QHBoxLayout()
        self.suggestion_label = QLabel(self.tr("Suggested category (K, then 1–3):"))
        suggestions.addWidget(self.suggestion_label)
        for index in range(SUGGESTIONS):
            choice = QPushButton()
            choice.clicked.connect(lambda _=False, i=index: self.choose_suggestion(i))
            self.suggestion_buttons.append(choice)
            suggestions.addWidget(choice)
        suggestions.addStretch(1)
        self.can_recategorize = False
        self.fly_button = QPushButton(self.tr("Show on map (F)"))
        self.fly_button.clicked.connect(self._on_fly)
        actions.addWidget(self.fly_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addLayout(suggestions)  # beside the category it would change, always in view
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
        badge = self.tr("EMERGENCY") + " · " if f["is_emergency"] else ""
        self.header.setText(f"{badge}{f['code']} · {ticket_status_name(f['status'])}")
        self.header.setStyleSheet(f"color:{ALARM_TEXT};" if f["is_emergency"] else "")
        v = self._values
        v["category"].setText(f"{detail.category_class} / {detail.category}")
        v["source"].setText(source_name(f["source"]))
        v["grid"].setText(detail.grid_name or self.tr("not yet assigned"))
        point = f"{f['lon']:.6f}, {f['lat']:.6f} ({f['crs']})" if f["lon"] is not None else "—"
        v["point"].setText(point)
        v["reporter"].setText(f["reporter"] or "—")
        # The database masks the number for every role without the need to call back.
        v["contact"].setText(
            (f.get("reporter_contact_masked") or "—")
            + " · "
            + self.tr("full number: dispatchers and supervisors only")
        )
        v["priority"].setText(priority_name(f["priority"]))
        v["reported_at"].setText(_local(f["reported_at"]))
        deadline = _local(f["deadline"])
        if detail.extension is not None:  # 延期: what the assignee asked for, and why
            asked = self.tr("extension asked → %1: %2")
            deadline += " · " + asked.replace("%1", _local(detail.extension.new_deadline)).replace(
                "%2", detail.extension.reason
            )
        v["deadline"].setText(deadline)
        v["assignee"].setText(f["assignee_worker_code"] or f["assignee_department"] or "—")
        worker = detail.worker
        if worker is None:
            v["worker"].setText("—")
        else:
            seen = _local(worker.last_fix_at) if worker.last_fix_at else self.tr("never")
            v["worker"].setText(
                f"{worker.name} ({worker.code}) · {worker.phone_masked} · "
                + self.tr("last fix %1").replace("%1", seen)
            )
        self.description.setPlainText(f["description"] or "")
        self._show_photos(detail)
        self.trace_model.set_records(detail.trace)
        self.suggested = []
        self._update_buttons()
        self.detail_shown.emit(int(f["id"]))

    def show_suggestions(
        self, ticket_id: int, suggested: list[tuple[str, str, float]], can_change: bool
    ) -> None:
        """The likeliest items for the description: (code, name, score), best first.

        ``can_change``: this officer may correct this ticket's category now.
        """
        if ticket_id != self.ticket_id:
            return  # the officer has moved on to another ticket
        self.suggested = suggested[:SUGGESTIONS]
        self.can_recategorize = can_change
        self._update_suggestions()

    def choose_suggestion(self, index: int) -> None:
        if self.ticket_id is None or index >= len(self.suggested):
            return
        if self.suggestion_buttons[index].isEnabled():
            self.category_chosen.emit(self.ticket_id, self.suggested[index][0])

    def _update_suggestions(self) -> None:
        current = self.detail.fields["category_code"] if self.detail else None
        for index, button in enumerate(self.suggestion_buttons):
            if index < len(self.suggested):
                code, name, _ = self.suggested[index]
                mark = " ✓" if code == current else ""
                button.setText(f"{index + 1} · {name}{mark}")
                button.setEnabled(self.can_recategorize and code != current)
                button.setVisible(True)
            else:
                button.setVisible(False)
        self.suggestion_label.setVisible(bool(self.suggested))

    def action_enabled(self, name: str) -> bool:
        return self.buttons[name].isEnabled()

    def _show_photos(self, detail: TicketDetail) -> None:
        while self._photos.count():
            item = self._photos.takeAt(0)
            assert item is not None  # count() > 0, so there is an item at index 0
            widget = item.widget()
            if widget:
                widget.deleteLater()
        for photo in detail.photos:
            pixmap = QPixmap()
            label = QLabel()
            if pixmap.loadFromData(photo.data):
                label.setPixmap(
                    pixmap.scaledToHeight(120, Qt.TransformationMode.SmoothTransformation)
                )
            else:
                label.setText(self.tr("(unreadable photo)"))
            label.setToolTip(tooltip(f"{photo.stage} · {_local(photo.taken_at)}"))
            self._photos.addWidget(label)
        self._photos.addStretch(1)

    def _update_buttons(self) -> None:
        status = self.detail.fields["status"] if self.detail else ""
        allowed = set(allowed_actions(status, self.role)) if self.detail else set()
        if self.detail is None or self.detail.extension is None:
            allowed -= set(DECISIONS)  # nothing asked, nothing to decide
        if self.detail and any(step.action == "acknowledge" for step in self.detail.trace):
            allowed.discard("acknowledge")  # once is enough: the siren already stopped
        for name, button in self.buttons.items():
            button.setEnabled(name in allowed)
            button.setVisible(name in ROLE_ACTIONS.get(self.role, frozenset()))
        self.fly_button.setEnabled(self.detail is not None)
        self._update_suggestions()

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
