"""What a simulation run is asked to do, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimOptions:
    """The knobs of a run; defaults match ``gridcommand simulate`` without options.

    ``speed`` compresses the field's behaviour, not the clock: handlers accept,
    work and walk ``speed`` times faster and phones come back sooner, while the
    report rate and the position interval stay the real-time rates given, and
    every row carries the real time of its write.
    """

    position_interval: float = 5.0
    tickets_per_minute: float = 6.0
    random_seed: int = 1
    speed: float = 1.0
    bad_rows: float = 0.0
    #: Share of reports that are emergencies (only categories where one is possible).
    emergency_share: float = 0.03
    #: Share of walkers whose phone goes off now and then.
    flaky_share: float = 0.2
    #: Mean minutes a flaky phone stays on between silences.
    mean_on_minutes: float = 12.0
    #: Share of accepted tickets reported handled after their deadline.
    late_share: float = 0.1
    #: Share of dispatched tickets the field sends back to the command centre.
    return_share: float = 0.05
    #: Seconds between the handlers' looks at what was dispatched to them.
    handler_poll: float = 5.0
    #: Seconds a grid stays broken (bad-rows "broken GeoJSON") before it is restored.
    broken_grid_seconds: float = 20.0
    #: Keep a journal of every write (for determinism tests; grows without bound).
    journal: bool = False

    def __post_init__(self) -> None:
        if self.position_interval <= 0 or self.speed <= 0 or self.handler_poll <= 0:
            raise ValueError("intervals and speed must be positive")
        if self.tickets_per_minute < 0:
            raise ValueError("the report rate cannot be negative")
        if not 0.0 <= self.bad_rows <= 1.0:
            raise ValueError("the share of bad rows must lie between 0 and 1")
