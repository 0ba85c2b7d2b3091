"""The alarm sounds until every emergency is acknowledged."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridcommand.desktop.alarm import Alarm


def test_alarm_runs_until_acknowledged(qtbot: QtBot) -> None:
    alarm = Alarm()
    states: list[bool] = []
    alarm.state_changed.connect(states.append)
    if alarm.audible:  # Qt Multimedia loaded: the siren is our bundled WAV
        assert alarm._siren is not None  # audible means the siren loaded
        assert alarm._siren.source().toLocalFile().endswith("emergency.wav")
    alarm.raise_emergency(7)
    alarm.raise_emergency(9)
    assert alarm.sounding
    assert alarm.acknowledge({7}) == {7}
    assert alarm.sounding  # 9 still waits
    alarm.set_muted(True)
    assert not alarm.sounding
    alarm.set_muted(False)
    assert alarm.acknowledge() == {9}
    assert not alarm.sounding
    assert states == [True, False, True, False]
