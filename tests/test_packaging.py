"""A normal (non-editable) install must carry every package: the mapping is by hand."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("db", "desktop", "widgets", "maps", "resources")


def test_every_subpackage_is_declared_and_mapped() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    declared = set(setuptools["packages"])
    mapping = setuptools["package-dir"]
    found = {
        "gridcommand." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - declared == set(), "add these to [tool.setuptools] packages"
    for package in declared:
        root = next(
            (p for p in sorted(mapping, key=len, reverse=True) if package.startswith(p)), None
        )
        assert root is not None, f"{package} lies under no package-dir entry"
        folder = Path(mapping[root], *package[len(root) :].split(".")[1:])
        assert (ROOT / folder / "__init__.py").is_file(), f"{package} maps to {folder}"
