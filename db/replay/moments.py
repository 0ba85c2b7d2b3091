"""A moment typed by a person ("2026-11-30 09:00+08"), and whether replay can show it."""

from __future__ import annotations

from datetime import datetime, timedelta

from gridcommand.db.live.validation import DEFAULT_RETENTION
from gridcommand.db.schema.errors import UserFacingError

EXAMPLE = "2026-11-30 09:00+08"


def parse_moment(text: str) -> datetime:
    """ISO 8601 with or without its offset (without: this computer's local time)."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(
            f"'{text}' is not a time such as \"{EXAMPLE}\" (date, time and UTC offset)."
        ) from None
    return at if at.tzinfo is not None else at.astimezone()


def check_replayable(
    at: datetime,
    earliest: datetime | None,
    now: datetime,
    retention: timedelta = DEFAULT_RETENTION,
) -> None:
    """One sentence when the database cannot show ``at``: future, past retention, or empty."""
    shown = f"{at.astimezone():%Y-%m-%d %H:%M %z}"
    if at > now:
        raise UserFacingError(f"{shown} is in the future; replay shows only what has happened.")
    if at < now - retention:
        raise UserFacingError(
            f"{shown} is older than the retention of {retention.days} days; "
            f"choose a time after {(now - retention).astimezone():%Y-%m-%d %H:%M %z}."
        )
    if earliest is None or at < earliest:
        since = f"{earliest.astimezone():%Y-%m-%d %H:%M %z}" if earliest else "any time"
        raise UserFacingError(
            f"The database holds nothing before {since}, so {shown} cannot be shown."
        )
