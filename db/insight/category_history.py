"""The district's closed cases as training text, and a held-out part to measure on.

Closed cases are the ones whose category the command centre has stood behind to
the end (a category corrected on the way is the corrected one). Every fifth case
by id is held out, so a measurement never sees its own training text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL

from gridcommand.db.insight.textcat import Accuracy, CategoryModel, evaluate
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.models import Category, Ticket, TicketStatus

HOLDOUT_EVERY = 5
MAX_CASES = 100_000


@dataclass(frozen=True, slots=True)
class ClosedCase:
    id: int
    description: str
    category_code: str


def closed_cases(engine: Engine, limit: int = MAX_CASES) -> list[ClosedCase]:
    """The newest closed cases with a description, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Ticket.id, Ticket.description, Ticket.category_code)
            .where(Ticket.status == TicketStatus.CLOSED.value, Ticket.description != "")
            .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
            .limit(limit)
        ).all()
    return [ClosedCase(*row) for row in rows]


def train(engine: Engine) -> CategoryModel:
    """A model of every closed case (for the console: nothing is held back)."""
    cases = closed_cases(engine)
    return CategoryModel.fit([c.description for c in cases], [c.category_code for c in cases])


@dataclass(frozen=True, slots=True)
class TrainedSuggester:
    """A trained model with the names of the items it may suggest (for the console)."""

    model: CategoryModel
    names: dict[str, str]

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, str, float]]:
        """(code, name, score), most likely first."""
        return [
            (s.category_code, self.names.get(s.category_code, s.category_code), s.score)
            for s in self.model.suggest(text, k)
        ]


def train_suggester(engine: Engine) -> TrainedSuggester | None:
    """None while the district has no closed case to learn from (a new database)."""
    if not closed_cases(engine, limit=1):
        return None
    model = train(engine)
    with engine.connect() as conn:
        names = {code: name for code, name in conn.execute(select(Category.code, Category.name))}
    return TrainedSuggester(model, names)


def train_suggester_at(url: URL) -> TrainedSuggester | None:
    """``train_suggester`` with an engine of its own (for a process of its own)."""
    engine = make_engine(url)
    try:
        return train_suggester(engine)
    finally:
        engine.dispose()


def split(cases: list[ClosedCase]) -> tuple[list[ClosedCase], list[ClosedCase]]:
    kept = [c for c in cases if c.id % HOLDOUT_EVERY]
    held = [c for c in cases if not c.id % HOLDOUT_EVERY]
    return kept, held


def measure(engine: Engine) -> Accuracy:
    """Train on four fifths of the closed cases, measure on the fifth held out."""
    kept, held = split(closed_cases(engine))
    labels = [c.category_code for c in kept]
    model = CategoryModel.fit([c.description for c in kept], labels)
    return evaluate(model, [c.description for c in held], [c.category_code for c in held], labels)
