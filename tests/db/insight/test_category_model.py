"""Category suggestions from free text: learnt from closed cases, measured on held-out ones."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.demo.wording import describe
from gridcommand.db.insight.category_history import (
    closed_cases,
    measure,
    split,
    train,
    train_suggester,
)
from gridcommand.db.insight.textcat import CategoryModel, ngrams

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def history(engine: Engine) -> Engine:
    seed_demo(engine, grids=300, random_seed=5, days=30, now=NOW)
    return engine


def test_ngrams_are_characters_one_to_three_long() -> None:
    assert ngrams("井盖 没") == {"井", "盖", "没", "井盖", "盖没", "井盖没"}


def test_the_model_reads_words_it_was_not_shown_whole() -> None:
    model = CategoryModel.fit(
        ["井盖缺失", "井盖被偷了", "路灯不亮", "路灯坏了", "路灯黑了", "垃圾没人收", "垃圾满了"],
        ["lid", "lid", "lamp", "lamp", "lamp", "trash", "trash"],
    )
    assert model.suggest("小区门口井盖没了")[0].category_code == "lid"
    assert model.suggest("垃圾", 3)[0].category_code == "trash"
    # Nothing known in the text: the most common items, most common first.
    assert [s.category_code for s in model.suggest("x", 2)] == ["lamp", "lid"]


def test_the_seed_words_reports_in_many_ways(history: Engine) -> None:
    """Not a lookup: one item is described in many texts, and most do not name it whole."""
    with history.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.name, t.description FROM tickets t"
                " JOIN categories c ON c.code = t.category_code"
            )
        ).all()
    by_item: dict[str, set[str]] = {}
    for name, description in rows:
        by_item.setdefault(name, set()).add(description)
    common = max(by_item, key=lambda n: len(by_item[n]))
    assert len(by_item[common]) >= 10
    named_whole = sum(name in description for name, description in rows)
    assert named_whole < 0.5 * len(rows)
    rng = random.Random(1)
    assert len({describe("路灯不亮", "02", "沙头第1网格", "hotline", rng) for _ in range(50)}) > 40


def test_suggestions_on_held_out_reports_beat_the_most_common_item(history: Engine) -> None:
    cases = closed_cases(history)
    kept, held = split(cases)
    assert len(held) > 200 and not {c.id for c in kept} & {c.id for c in held}
    accuracy = measure(history)
    assert accuracy.reports == len(held)
    assert accuracy.top1 > 2 * accuracy.baseline_top1
    assert accuracy.top3 > 2 * accuracy.baseline_top3
    assert accuracy.top3 >= accuracy.top1 > 0.5


def test_the_console_model_learns_every_closed_case(history: Engine) -> None:
    model = train(history)
    assert model.trained_on == len(closed_cases(history))
    lamp = [s.category_code for s in model.suggest("东环路12号附近路灯坏了，晚上一片漆黑")]
    with history.connect() as conn:
        code = conn.execute(
            text("SELECT code FROM categories WHERE name = '路灯不亮'")
        ).scalar_one()
    assert code in lamp


def test_a_new_district_has_no_model_yet_and_no_error(engine: Engine) -> None:
    """A fresh database has no closed case: no suggestions, and nothing logged as a failure."""
    assert train_suggester(engine) is None
