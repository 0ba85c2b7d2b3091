"""The overdue forecast (超期预警): the chance an open case goes red within the hour.

A case goes red when its deadline passes before it is closed. Only a case whose
deadline falls within the horizon can go red within it; for such a case the
chance is the share of similar cases, in this district's own trace, that still
needed longer than the time it has left, given how long it has already sat in its
current step:

    risk = P(R > deadline − entered | R > now − entered)

where ``R`` is the time from entering the current status (reported, registered,
dispatched, accepted, handled, verified) to closing. "Similar" is the same status
and the same item in the same street, or, with fewer than ``MIN_SAMPLES`` such
cases that had waited as long, the same item, the same class, then every case.
Cases still open when the model learns count as censored (Kaplan–Meier). Whether
the case was accepted is its status. The assignee's load (their open cases) scales ``R`` by the
ratio the history shows between loaded and unloaded workers' times; on the demo's
seeded history, where load does not slow anyone, that ratio is about 1.

Plain Python and numpy over plain records; ``db/insight/case_history.py`` reads them.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

MIN_SAMPLES = 20
END = frozenset({"closed", "rejected"})
#: Load buckets: open cases the assignee holds (including this one).
LOAD_BUCKETS = ((0, 2, "1–2"), (3, 5, "3–5"), (6, 10_000, "6+"))


def load_bucket(load: int) -> str:
    for low, high, name in LOAD_BUCKETS:
        if low <= load <= high:
            return name
    return LOAD_BUCKETS[-1][2]


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """One case as its trace tells it: each status entered, in order, and when."""

    id: int
    code: str
    category_code: str
    class_code: str
    street: str | None
    reported_at: datetime
    deadline: datetime
    #: (status, entered at), in order; the last one is the status now.
    steps: tuple[tuple[str, datetime], ...]
    #: (worker, from, until) for each assignment, ``until`` None while it lasts.
    assignments: tuple[tuple[str, datetime, datetime | None], ...] = ()

    @property
    def ended_at(self) -> datetime | None:
        status, at = self.steps[-1]
        return at if status in END else None

    def state_at(self, moment: datetime) -> tuple[str, datetime] | None:
        """(status, entered at) at ``moment``; None before the report."""
        current = None
        for status, at in self.steps:
            if at > moment:
                break
            current = (status, at)
        return current

    def assignee_at(self, moment: datetime) -> str | None:
        for worker, start, until in self.assignments:
            if start <= moment and (until is None or moment < until):
                return worker
        return None


@dataclass(frozen=True, slots=True)
class OpenCase:
    """What the forecast needs of one open case now."""

    id: int
    code: str
    category_code: str
    class_code: str
    street: str | None
    status: str
    entered_at: datetime
    deadline: datetime
    assignee: str | None
    load: int


@dataclass(frozen=True, slots=True)
class Risk:
    ticket_id: int
    code: str
    risk: float
    deadline: datetime
    reason: str


class Survival:
    """Kaplan–Meier: the share of cases still open after a time, censored ones counted.

    A case still open when the model learns has not shown how long it will take,
    only that it took longer than it has so far; leaving it out would make every
    step look quicker than it is (the slowest cases are the ones still open).
    """

    # Slots and float arrays: a model of a city keeps tens of thousands of curves, and a
    # curve of lists and a ``__dict__`` was five objects for every full garbage collection
    # to walk (850,000 at 50,000 grids, most of one such pause); an array is not walked.
    __slots__ = ("_survival", "_times", "cases", "durations", "events")

    def __init__(self, observations: list[tuple[float, bool]]) -> None:
        observations.sort()
        self.cases = len(observations)
        self.events = sum(1 for _, ended in observations if ended)
        self.durations = array("d", (d for d, _ in observations))
        self._times = array("d")
        self._survival = array("d")
        at_risk, share, i = len(observations), 1.0, 0
        while i < len(observations):
            moment, ended, leaving = observations[i][0], 0, 0
            while i < len(observations) and observations[i][0] == moment:
                ended += observations[i][1]
                leaving += 1
                i += 1
            if ended:
                share *= 1 - ended / at_risk
                self._times.append(moment)
                self._survival.append(share)
            at_risk -= leaving

    def still_open(self, minutes: float) -> float:
        """S(minutes): the share of cases not yet closed after ``minutes``."""
        index = bisect.bisect_right(self._times, minutes) - 1
        return 1.0 if index < 0 else self._survival[index]

    def waiting(self, minutes: float) -> int:
        """How many cases were observed for longer than ``minutes``."""
        return self.cases - bisect.bisect_right(self.durations, minutes)

    def median(self) -> float:
        index = bisect.bisect_left([-s for s in self._survival], -0.5)
        return self._times[index] if index < len(self._times) else float("inf")


class OverdueModel:
    """Distributions of the time from each status to closing (Kaplan–Meier)."""

    def __init__(self) -> None:
        self._survival: dict[tuple[str, ...], Survival] = {}
        self.load_scale: dict[str, float] = {name: 1.0 for _, _, name in LOAD_BUCKETS}
        #: Accepted cases seen per load bucket (a factor needs ``MIN_SAMPLES``).
        self.load_samples: dict[str, int] = {name: 0 for _, _, name in LOAD_BUCKETS}
        self.trained_on = 0

    @classmethod
    def fit(cls, cases: Iterable[CaseHistory], until: datetime) -> OverdueModel:
        """Learn from every step taken before ``until``: closed ones and still open ones."""
        model = cls()
        cases = list(cases)
        spans = assignment_spans(cases)
        observed: dict[tuple[str, ...], list[tuple[float, bool]]] = defaultdict(list)
        accepted: list[tuple[tuple[str, ...], float, int]] = []
        for case in cases:
            end = case.ended_at
            ended = end is not None and end <= until
            stop = end if ended and end is not None else until
            learnt = False
            for status, entered in case.steps:
                if status in END or entered > until:
                    break
                learnt = True
                minutes = (stop - entered).total_seconds() / 60
                for key in _keys(status, case.category_code, case.class_code, case.street):
                    observed[key].append((minutes, ended))
                worker = case.assignee_at(entered)
                if ended and status == "in_progress" and worker is not None:
                    load = worker_load(spans[worker], entered)
                    accepted.append(((status, "item", case.category_code), minutes, load))
            model.trained_on += learnt
        model._survival = {key: Survival(values) for key, values in observed.items()}
        # Load: how much longer an accepted case took, by how many cases its worker
        # held when accepting it, against the median for its item; relative to 1–2.
        ratios: dict[str, list[float]] = defaultdict(list)
        for key, minutes, load in accepted:
            middle = model._survival[key].median()
            if 0 < middle < float("inf"):
                ratios[load_bucket(load)].append(minutes / middle)
        for bucket, found in ratios.items():
            model.load_samples[bucket] = len(found)
            if len(found) >= MIN_SAMPLES:
                model.load_scale[bucket] = float(median(found))
        base = model.load_scale[LOAD_BUCKETS[0][2]] or 1.0
        model.load_scale = {k: v / base for k, v in model.load_scale.items()}
        model._survival = _curves_that_can_be_chosen(model._survival)
        return model

    def distribution(self, case: OpenCase, waited: float) -> tuple[Survival, str]:
        """The finest group with ``MIN_SAMPLES`` cases that had waited as long as this one."""
        empty = Survival([])
        for key in _keys(case.status, case.category_code, case.class_code, case.street):
            survival = self._survival.get(key, empty)
            if survival.waiting(waited) >= MIN_SAMPLES:
                return survival, key[1]
        return self._survival.get((case.status, "all"), empty), "all"

    def risk(self, case: OpenCase, now: datetime, horizon: timedelta) -> Risk:
        if not now < case.deadline <= now + horizon:
            return Risk(case.id, case.code, 0.0, case.deadline, "deadline outside the horizon")
        scale = self.load_scale.get(load_bucket(case.load), 1.0) if case.assignee else 1.0
        waited = (now - case.entered_at).total_seconds() / 60 / scale
        survival, level = self.distribution(case, waited)
        allowed = (case.deadline - case.entered_at).total_seconds() / 60 / scale
        still = survival.waiting(waited)
        before = survival.still_open(waited)
        share = survival.still_open(allowed) / before if before > 0 else 1.0
        late = share * still
        risk = (late + 0.5) / (still + 1.0)  # smoothed: a few cases never say 0 or 1
        left = (case.deadline - now).total_seconds() / 60
        reason = (
            f"{case.status} since {case.entered_at:%H:%M}, {left:.0f} min left; "
            f"{late:.0f} of {still} such cases ({level}) took longer"
        )
        if case.assignee:
            reason += f"; {case.assignee} holds {case.load} open"
        return Risk(case.id, case.code, min(1.0, risk), case.deadline, reason)

    def forecast(self, cases: Sequence[OpenCase], now: datetime, horizon: timedelta) -> list[Risk]:
        """Every case that may go red within the horizon, riskiest first."""
        risks = [self.risk(c, now, horizon) for c in cases if now < c.deadline <= now + horizon]
        return sorted(risks, key=lambda r: (-r.risk, r.deadline))


def _curves_that_can_be_chosen(
    curves: dict[tuple[str, ...], Survival],
) -> dict[tuple[str, ...], Survival]:
    """A curve of fewer than MIN_SAMPLES cases is never chosen (``distribution``), but for a
    status's "all"; most of a city's item-and-street curves are such, kept for nothing."""
    return {k: c for k, c in curves.items() if c.cases >= MIN_SAMPLES or k[1] == "all"}


def _keys(status: str, item: str, klass: str, street: str | None) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = []
    if street:
        keys.append((status, "item+street", item, street))
    keys += [(status, "item", item), (status, "class", klass), (status, "all")]
    return keys


def assignment_spans(
    cases: Iterable[CaseHistory],
) -> dict[str, list[tuple[datetime, datetime | None]]]:
    """Each worker's assignments, (from, until): their load at any moment."""
    spans: dict[str, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for case in cases:
        for worker, start, stop in case.assignments:
            spans[worker].append((start, stop))
    return spans


def worker_load(spans: Iterable[tuple[datetime, datetime | None]], moment: datetime) -> int:
    return sum(1 for start, stop in spans if start <= moment and (stop is None or moment < stop))


#: Which column of a live ticket says when it entered its status.
ENTERED_COLUMN = {
    "reported": "reported_at",
    "registered": "registered_at",
    "dispatched": "dispatched_at",
    "in_progress": "accepted_at",
    "handled": "handled_at",
    "verified": "verified_at",
}


def open_case_of(ticket: Any, street: str | None, load: int) -> OpenCase:
    """An open case from a live ticket record (``db.live.records.TicketRecord``)."""
    entered = getattr(ticket, ENTERED_COLUMN.get(ticket.status, "updated_at"), None)
    return OpenCase(
        ticket.id,
        ticket.code,
        ticket.category_code,
        ticket.class_code,
        street,
        ticket.status,
        entered or ticket.updated_at,
        ticket.deadline,
        ticket.assignee_worker_code,
        load,
    )
