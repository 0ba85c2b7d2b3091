"""Subcommands of ``gridcommand``; each module has ``register(subparsers)``.

The list is explicit (not discovered) so that ``--help`` shows commands in a
sensible order and a broken module fails loudly.
"""

from __future__ import annotations

from types import ModuleType

from gridcommand.desktop.commands import (
    app_cmd,
    bench_cmd,
    db_cmd,
    demo_cmd,
    forecast_cmd,
    import_cmd,
    kpi_cmd,
    logins_cmd,
    report_cmd,
    seed_cmd,
    simulate_cmd,
    snapshot_cmd,
)

COMMAND_MODULES: list[ModuleType] = [
    demo_cmd,
    app_cmd,
    db_cmd,
    seed_cmd,
    simulate_cmd,
    import_cmd,
    logins_cmd,
    snapshot_cmd,
    bench_cmd,
    forecast_cmd,
    kpi_cmd,
    report_cmd,
]
