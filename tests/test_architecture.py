"""The direction of the data flow is enforced, not hoped for: import-linter's contracts.

``db/`` (the schema, the feed, the store) knows nothing of Qt or of the views; the
views and the map never reach up into the application, nor into each other (what they
share, words and colours, is in ``resources/``, below both); the field simulator
writes through the field contract and knows nothing of the command centre.
"""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold() -> None:
    here = Path.cwd()
    os.chdir(ROOT)  # import-linter reads pyproject.toml from the working directory
    try:
        exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(here)
    assert exit_code == 0, "an import contract is broken: run 'lint-imports' to see which"
