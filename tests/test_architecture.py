"""The direction of the data flow is enforced, not hoped for: import-linter's contracts.

``desktop`` wires everything; ``maps`` and ``widgets`` sit beside each other below it;
both may use the shared vocabulary in ``resources``; everything may use ``db``, which
imports no Qt at all, not even through another module. The field simulator writes
through the field contract and knows nothing of the command centre. The second test
proves the contracts have teeth: each wrong import, added to the real graph, fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from importlinter.application import use_cases
from importlinter.application.app_config import settings
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def at_root() -> Iterator[None]:
    here = Path.cwd()
    os.chdir(ROOT)  # import-linter reads pyproject.toml from the working directory
    try:
        yield
    finally:
        os.chdir(here)


def _lint() -> int:
    return int(lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True))


def test_the_import_contracts_hold(at_root: None) -> None:
    assert _lint() == 0, "an import contract is broken: run 'lint-imports' to see which"


class _WithOneMoreImport:
    """Builds the real graph, then adds one import that the code does not (yet) have."""

    def __init__(self, real: Any, importer: str, imported: str) -> None:
        self.real, self.importer, self.imported = real, importer, imported

    def build(self, **options: Any) -> Any:
        graph = self.real.build(**options)
        graph.add_import(importer=self.importer, imported=self.imported)
        return graph


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("gridcommand.db.live.store", "PySide6"),  # Qt in the data layer
        ("gridcommand.db.schema.models", "gridcommand.widgets.queues"),  # db reaching up
        ("gridcommand.widgets.queues", "gridcommand.maps.panel"),  # siblings stay apart
        ("gridcommand.maps.page", "gridcommand.desktop.wiring"),  # a view reaching up
        ("gridcommand.resources.i18n_tool", "gridcommand.widgets.queues"),
        ("gridcommand.db.fieldsim.runner", "gridcommand.db.actions.service"),  # field ≠ centre
        ("gridcommand.db.fieldsim.contract", "sqlalchemy"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    at_root: None, monkeypatch: pytest.MonkeyPatch, importer: str, imported: str
) -> None:
    real = settings.GRAPH_BUILDER
    monkeypatch.setattr(settings, "GRAPH_BUILDER", _WithOneMoreImport(real, importer, imported))
    assert use_cases.settings is settings  # the patched builder is the one lint-imports uses
    assert _lint() == 1, f"{importer} → {imported} should break a contract"
