"""The UI ships in Chinese: every string is translated and the compiled file is current."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from gridcommand.db.actions.caseloop import ACTIONS, ROLES
from gridcommand.db.schema.models import TicketSource, TicketStatus, WorkerRole
from gridcommand.desktop import i18n
from gridcommand.resources import i18n_tool, vocabulary


def _unfinished(ts: Path) -> list[str]:
    root = ElementTree.parse(ts).getroot()
    return [
        m.findtext("source") or ""
        for m in root.iter("message")
        if (t := m.find("translation")) is not None
        and (t.get("type") == "unfinished" or not "".join(t.itertext()).strip())
    ]


def test_every_committed_string_is_translated() -> None:
    assert _unfinished(i18n_tool.ts_path("zh_CN")) == []


def test_no_ui_string_is_missing_from_the_translation(tmp_path: Path) -> None:
    copy = tmp_path / "gridcommand_zh_CN.ts"
    shutil.copy(i18n_tool.ts_path("zh_CN"), copy)
    i18n_tool.update([copy])
    missing = _unfinished(copy)
    assert missing == [], (
        "new UI strings need translating: run python -m gridcommand.resources.i18n_tool update"
    )


def test_compiled_translation_matches_the_source(tmp_path: Path) -> None:
    qm = tmp_path / "check.qm"
    subprocess.run(
        [i18n_tool.tool("lrelease"), str(i18n_tool.ts_path("zh_CN")), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )
    assert qm.read_bytes() == i18n_tool.ts_path("zh_CN").with_suffix(".qm").read_bytes()


def test_chinese_is_installed_and_used(qapp: QApplication) -> None:
    translators = i18n.install_translators(qapp, "zh_CN")
    try:
        assert QCoreApplication.translate("Queues", "Overdue") == "已超时"
        assert QCoreApplication.translate("MainWindow", "Data quality") == "数据质量"
        # One vocabulary for every view and the map, in the language installed now.
        assert vocabulary.ticket_status_name("reported") == "已上报"
        assert vocabulary.worker_role_name("full_time") == "专职"
        assert vocabulary.worker_status_name("stale") == "信号滞后"
        assert vocabulary.action_name("send_back") == "已退回返工"
        assert vocabulary.operator_role_name("dispatcher") == "调度员"
        labels = vocabulary.map_labels()
        assert labels["legend_alerts"] == "告警" and labels["closed"] == "已结案"
        assert QCoreApplication.translate("WorkersPanel", "%1 ago") == "%1前"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("Queues", "Overdue") == "Overdue"
    assert vocabulary.ticket_status_name("reported") == "Reported"
    assert vocabulary.ticket_status_name("no_such_status") == "no_such_status"


def test_every_code_has_a_name() -> None:
    assert set(vocabulary.TICKET_STATUSES) == set(TicketStatus)
    assert set(vocabulary.TICKET_SOURCES) == set(TicketSource)
    assert set(vocabulary.WORKER_ROLES) == set(WorkerRole)
    assert set(vocabulary.OPERATOR_ROLES) == set(ROLES)
    assert set(ACTIONS) <= set(vocabulary.ACTIONS)


def test_language_choice() -> None:
    assert i18n.choose_language("en", None) == "en"
    assert i18n.choose_language(None, "zh-CN") == "zh_CN"
    assert i18n.normalise("zh_TW") == "zh_CN"


def test_emergency_is_the_only_thing_called_urgent_in_chinese(qapp: QApplication) -> None:
    translators = i18n.install_translators(qapp, "zh_CN")
    try:
        priorities = [vocabulary.priority_name(p) for p in vocabulary.PRIORITIES]
        assert priorities == ["特急", "较急", "一般", "较缓"]
        assert all("紧急" not in name for name in priorities)  # 紧急 = is_emergency only
        assert vocabulary.map_labels()["emergency"] == "紧急"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
