"""What the district's history predicts, measured on a seeded month: ``docs/BENCHMARKS.md``.

``python -m gridcommand.desktop.bench.insight [--grids N] [--out DIR]`` seeds a
temporary city (never the user's database), measures the category suggestions on
the held-out fifth of its closed cases, and writes the section
"Category suggested for free text" into ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gridcommand.db.insight.category_history import closed_cases, measure
from gridcommand.db.insight.textcat import Accuracy
from gridcommand.desktop.bench.city import build_city
from gridcommand.desktop.bench.sections import replace_section

DEFAULT_GRIDS = 1000


def category_section(grids: int, days: int, cases: int, seconds: float, a: Accuracy) -> str:
    return "\n".join(
        [
            "## Category suggested for free text (自动生成事件类别)",
            "",
            f"Seeded district of {grids} grids, {days} days of history; {cases} closed cases,"
            " every fifth (by id) held out, the model (complement naive Bayes over character"
            " 1–3-grams, `db/insight/textcat.py`) trained on the other four fifths."
            " Descriptions are worded by `db/demo/wording.py`: synonyms, parts of names,"
            " typing slips, places and fillers; fewer than half name the item whole, and a"
            " few say nothing about it at all.",
            "",
            "| | top-1 | top-3 |",
            "| --- | --- | --- |",
            f"| model, {a.reports} held-out reports | {a.top1:.1%} | {a.top3:.1%} |",
            f"| always the most common item(s) | {a.baseline_top1:.1%} | {a.baseline_top3:.1%} |",
            "",
            f"Training and measuring took {seconds:.1f} s.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grids", type=int, default=DEFAULT_GRIDS)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    city = build_city(args.grids, 7, lambda stage, done, total: None)
    try:
        started = time.monotonic()
        accuracy = measure(city.engine)
        seconds = time.monotonic() - started
        cases = len(closed_cases(city.engine))
        section = category_section(args.grids, 30, cases, seconds, accuracy)
    finally:
        city.close()
    replace_section(args.out / "BENCHMARKS.md", "category-suggestions", section)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
