"""Errors that reach an operator as one clear sentence, never as a traceback."""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError, OperationalError


class UserFacingError(Exception):
    """An error whose message is a complete sentence fit to print to a user."""


def explain_connection_error(exc: BaseException, where: str) -> UserFacingError:
    """Translate a driver error raised while connecting into one sentence."""
    detail = _first_line(exc)
    lowered = detail.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return UserFacingError(f"The database {where} refused the login: {detail}.")
    if "does not exist" in lowered and "database" in lowered:
        return UserFacingError(f"The database {where} does not exist: {detail}.")
    if isinstance(exc, OperationalError | DBAPIError) or "connection" in lowered:
        return UserFacingError(f"Cannot reach the database {where}: {detail}.")
    return UserFacingError(f"The database {where} failed: {detail}.")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    for line in text.splitlines():
        line = line.strip()
        if line:
            text = line
            break
    text = re.sub(r"^connection failed:\s*", "", text)
    # A driver may quote the connection string it could not use, password and all.
    from gridcommand.db.schema.urls import redact  # urls imports this module

    return redact(text).rstrip(".")
