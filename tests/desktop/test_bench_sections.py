"""Sections other measurements write into BENCHMARKS.md survive a bench rewrite."""

from __future__ import annotations

from pathlib import Path

from gridcommand.desktop.bench.sections import kept_sections, replace_section


def test_a_section_is_added_replaced_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Figures\n\n| a | 1 |\n", encoding="utf-8")
    replace_section(path, "category-suggestions", "## Category\n\ntop-1 80%")
    replace_section(path, "forecast", "## Forecast\n\np@20 0.5")
    replace_section(path, "category-suggestions", "## Category\n\ntop-1 90%")
    text = path.read_text(encoding="utf-8")
    assert "top-1 90%" in text and "top-1 80%" not in text
    assert text.index("## Figures") < text.index("## Category") < text.index("## Forecast")
    kept = kept_sections(text)
    assert kept.startswith("<!-- section:category-suggestions -->\n## Category")
    assert "p@20 0.5" in kept and "## Figures" not in kept
