"""The overdue forecast replayed over history, against "every case past 75 % of its limit".

At every hour of the test window the cases then open are forecast with a model
trained only on cases that had ended before the window, and compared with what
happened in the following hour (went red: the deadline passed within the hour
with the case still open). The baseline flags every case past 75 % of its time
limit (the queues' yellow), ranked by how much of its limit it has used. Precision
at the top 20 is that of each list as shown (up to 20 cases an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gridcommand.db.insight.case_history import open_cases
from gridcommand.db.insight.forecast import CaseHistory, OpenCase, OverdueModel

TOP = 20
BASELINE_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Decile:
    low: float
    high: float
    cases: int
    predicted: float
    observed: float


@dataclass(frozen=True, slots=True)
class Backtest:
    snapshots: int
    trained_on: int
    #: Open cases whose deadline fell within the hour after a snapshot (the ones at stake).
    at_stake: int
    went_red: int
    precision_at_top: float
    baseline_precision_at_top: float
    brier: float
    baseline_brier: float
    #: A sharper baseline, for honesty: risk 1 for every case whose deadline is in the hour.
    deadline_brier: float
    deciles: tuple[Decile, ...]
    #: The factor the model learnt on handling time per load bucket of the assignee.
    load_scale: tuple[tuple[str, float, int], ...] = ()


def went_red(case: CaseHistory, moment: datetime, horizon: timedelta) -> bool:
    if not moment < case.deadline <= moment + horizon:
        return False
    ended = case.ended_at
    return ended is None or ended > case.deadline


def _used(case: OpenCase, reported: datetime, moment: datetime) -> float:
    limit = (case.deadline - reported).total_seconds()
    return (moment - reported).total_seconds() / limit if limit > 0 else 1.0


def run_backtest(
    cases: list[CaseHistory],
    start: datetime,
    end: datetime,
    horizon: timedelta = timedelta(hours=1),
    step: timedelta = timedelta(hours=1),
) -> Backtest:
    """Hourly snapshots from ``start`` until ``end`` − ``horizon`` (outcomes must be known)."""
    model = OverdueModel.fit(cases, until=start)
    by_id = {c.id: c for c in cases}
    pairs: list[tuple[float, bool]] = []
    hits = baseline_hits = shown = baseline_shown = 0
    brier = baseline_brier = deadline_brier = 0.0
    scored = snapshots = 0
    moment = start
    while moment + horizon <= end:
        snapshots += 1
        open_now = [c for c in open_cases(cases, moment) if c.deadline > moment]
        outcome = {c.id: went_red(by_id[c.id], moment, horizon) for c in open_now}
        risk = {c.id: model.risk(c, moment, horizon).risk for c in open_now}
        used = {c.id: _used(c, by_id[c.id].reported_at, moment) for c in open_now}
        for c in open_now:
            flagged = used[c.id] >= BASELINE_SHARE
            brier += (risk[c.id] - outcome[c.id]) ** 2
            baseline_brier += (flagged - outcome[c.id]) ** 2
            deadline_brier += ((c.deadline <= moment + horizon) - outcome[c.id]) ** 2
            scored += 1
            if c.deadline <= moment + horizon:  # at stake: it can go red within the hour
                pairs.append((risk[c.id], outcome[c.id]))
        # The list an officer sees: the cases that can go red within the hour, riskiest first.
        listed = [r.ticket_id for r in model.forecast(open_now, moment, horizon)]
        top = [c for c in open_now if c.id in set(listed[:TOP])]
        hits += sum(outcome[c.id] for c in top)
        shown += len(top)
        flagged_cases = [c for c in open_now if used[c.id] >= BASELINE_SHARE]
        baseline_top = sorted(flagged_cases, key=lambda c: -used[c.id])[:TOP]
        baseline_hits += sum(outcome[c.id] for c in baseline_top)
        baseline_shown += len(baseline_top)
        moment += step
    return Backtest(
        snapshots=snapshots,
        trained_on=model.trained_on,
        at_stake=len(pairs),
        went_red=sum(o for _, o in pairs),
        precision_at_top=hits / shown if shown else 0.0,
        baseline_precision_at_top=baseline_hits / baseline_shown if baseline_shown else 0.0,
        brier=brier / scored if scored else 0.0,
        baseline_brier=baseline_brier / scored if scored else 0.0,
        deadline_brier=deadline_brier / scored if scored else 0.0,
        deciles=deciles(pairs),
        load_scale=tuple(
            (name, scale, model.load_samples[name]) for name, scale in model.load_scale.items()
        ),
    )


def deciles(pairs: list[tuple[float, bool]]) -> tuple[Decile, ...]:
    """Calibration: cases grouped by predicted risk in tenths, predicted against observed."""
    rows: list[Decile] = []
    for tenth in range(10):
        low, high = tenth / 10, (tenth + 1) / 10
        inside = [(r, o) for r, o in pairs if low <= r < high or (tenth == 9 and r == 1.0)]
        if inside:
            rows.append(
                Decile(
                    low,
                    high,
                    len(inside),
                    sum(r for r, _ in inside) / len(inside),
                    sum(o for _, o in inside) / len(inside),
                )
            )
    return tuple(rows)
