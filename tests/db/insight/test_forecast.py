"""The overdue forecast: its arithmetic, and a backtest on a seeded month against the baseline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.insight import forecast
from gridcommand.db.insight.backtest import run_backtest
from gridcommand.db.insight.case_history import load_cases, open_cases
from gridcommand.db.insight.forecast import CaseHistory, OpenCase, OverdueModel

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _ended(i: int, minutes: float) -> CaseHistory:
    start = T0 + timedelta(hours=i)
    return CaseHistory(
        i,
        f"H{i}",
        "0201",
        "02",
        "s1",
        start,
        start + timedelta(hours=12),
        (("reported", start), ("closed", start + timedelta(minutes=minutes))),
    )


def test_the_risk_is_the_share_of_similar_cases_that_took_longer() -> None:
    # Forty cases closed after 1..40 hours: half took longer than 20 h.
    now = T0 + timedelta(days=5)
    model = OverdueModel.fit([_ended(i, 60 * (i + 1)) for i in range(40)], until=now)
    case = OpenCase(
        99,
        "T99",
        "0201",
        "02",
        "s1",
        "reported",
        now - timedelta(hours=19, minutes=30),
        now + timedelta(minutes=30),
        None,
        0,
    )
    risk = model.risk(case, now, timedelta(hours=1))
    # 21 of 40 took longer than 19.5 h; 20 of those longer than 20 h: (20 + .5) / (21 + 1).
    assert risk.risk == pytest.approx(20.5 / 22)
    assert "20 of 21" in risk.reason
    later = OpenCase(
        98, "T98", "0201", "02", "s1", "reported", now, now + timedelta(hours=3), None, 0
    )
    assert model.risk(later, now, timedelta(hours=1)).risk == 0.0  # cannot go red this hour
    assert [r.code for r in model.forecast([later, case], now, timedelta(hours=1))] == ["T99"]


def test_cases_still_open_count_as_taking_longer() -> None:
    """Twenty closed within the hour, twenty still open after ten: the slow ones count."""
    until = T0 + timedelta(days=3)
    quick = [_ended(i, 60) for i in range(20)]
    slow = [
        CaseHistory(
            100 + i,
            f"S{i}",
            "0201",
            "02",
            "s1",
            until - timedelta(hours=10),
            until + timedelta(hours=2),
            (("reported", until - timedelta(hours=10)),),
        )
        for i in range(20)
    ]
    model = OverdueModel.fit(quick + slow, until=until)
    assert model.trained_on == 40
    now = until + timedelta(hours=1)
    case = OpenCase(
        1,
        "T1",
        "0201",
        "02",
        "s1",
        "reported",
        now - timedelta(hours=5),
        now + timedelta(minutes=30),
        None,
        0,
    )
    # Learnt from the closed ones alone, nothing would ever take over an hour: risk ~0.
    assert model.risk(case, now, timedelta(hours=1)).risk > 0.9


@pytest.fixture
def history(engine: Engine) -> Engine:
    seed_demo(engine, grids=300, random_seed=5, days=30, now=NOW)
    return engine


def test_open_cases_are_read_in_the_status_they_had(history: Engine) -> None:
    cases = load_cases(history, NOW - timedelta(days=31))
    moment = NOW - timedelta(days=3)
    found = open_cases(cases, moment)
    assert found
    by_id = {c.id: c for c in cases}
    for case in found[:50]:
        steps = by_id[case.id].steps
        assert (case.status, case.entered_at) in steps and case.entered_at <= moment


def test_the_backtest_beats_every_case_past_75_percent(history: Engine) -> None:
    cases = load_cases(history, NOW - timedelta(days=31))
    result = run_backtest(cases, NOW - timedelta(days=10), NOW)
    print(result)
    assert result.snapshots >= 200 and result.went_red > 50
    assert result.brier < result.baseline_brier
    assert result.precision_at_top > result.baseline_precision_at_top


def test_the_curves_never_chosen_are_not_kept_and_no_risk_changes(
    history: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = load_cases(history, NOW - timedelta(days=31))
    until = NOW - timedelta(days=10)
    kept = OverdueModel.fit(cases, until)
    monkeypatch.setattr(forecast, "_curves_that_can_be_chosen", lambda curves: curves)
    every = OverdueModel.fit(cases, until)

    assert len(kept._survival) < len(every._survival) / 2
    assert all(c.cases >= forecast.MIN_SAMPLES or k[1] == "all" for k, c in kept._survival.items())
    compared = 0
    for days in range(1, 10):
        moment = until + timedelta(days=days)
        found = open_cases(cases, moment)
        for case in found:
            assert kept.risk(case, moment, timedelta(hours=4)) == every.risk(
                case, moment, timedelta(hours=4)
            )
        compared += len(found)
    assert compared > 500
