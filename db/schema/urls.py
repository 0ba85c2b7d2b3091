"""Turning what a user types into a SQLAlchemy URL for psycopg 3.

Operators copy connection strings from psql, from a DBA's mail or from a service
file; all of these should work unchanged:

* ``postgresql://user@host/db?sslmode=require`` and ``postgres://...`` (libpq URIs);
* ``postgresql+psycopg://...`` (SQLAlchemy's spelling);
* ``postgresql://`` or ``postgresql:///?service=cc`` — nothing but what libpq finds in
  ``PG*`` variables, ``pg_service.conf`` and ``.pgpass``; psycopg hands empty fields
  to libpq, which fills them the usual way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from gridcommand.db.schema.errors import UserFacingError

ENV_VAR = "GRIDCOMMAND_DATABASE_URL"
REPLICA_ENV_VAR = "GRIDCOMMAND_READ_REPLICA_URL"
NO_LISTEN_ENV_VAR = "GRIDCOMMAND_NO_LISTEN"
#: ``+psycopg2`` too: copied from another tool's settings, it is run with psycopg 3.
_ACCEPTED_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")


def parse_database_url(raw: str) -> URL:
    """Return a ``postgresql+psycopg`` URL, or raise a one-sentence error."""
    text = raw.strip()
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in _ACCEPTED_SCHEMES:
        raise UserFacingError(
            f"'{redact(text)}' is not a PostgreSQL URL; "
            "give one like postgresql://user@host:5432/dbname."
        )
    if scheme == "postgres":
        text = "postgresql" + text[len("postgres") :]
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        # Not the parser's own message: it quotes the whole URL, password and all.
        raise UserFacingError(
            f"'{redact(text)}' is not a valid PostgreSQL URL; check the port and that"
            " special characters in the password are %-encoded."
        ) from None
    return url.set(drivername="postgresql+psycopg")


def configured_url(cli_value: str | None) -> URL | None:
    """The shared server the user chose (flag first, then environment), if any."""
    raw = cli_value if cli_value else os.environ.get(ENV_VAR)
    return parse_database_url(raw) if raw else None


def configured_replica_url(cli_value: str | None) -> URL | None:
    """The hot standby to read from (flag first, then environment), if any."""
    raw = cli_value if cli_value else os.environ.get(REPLICA_ENV_VAR)
    return parse_database_url(raw) if raw else None


def no_listen_configured() -> bool:
    """``GRIDCOMMAND_NO_LISTEN=1`` (or true/yes/on): the feed polls, never LISTENs."""
    return os.environ.get(NO_LISTEN_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def describe(url: URL) -> str:
    """Where a URL points, for messages: never the password."""
    host = url.host or url.query.get("host") or os.environ.get("PGHOST") or "local socket"
    if isinstance(host, tuple):
        host = host[0]
    port = f":{url.port}" if url.port else ""
    db = url.database or os.environ.get("PGDATABASE") or "default database"
    return f"{db} on {host}{port}"


_QUERY_PASSWORD = re.compile(r"(?i)(\bpassword\s*=\s*)('[^']*'|[^&\s]*)")


def redact(text: str) -> str:
    """A URL (or text holding one) safe to show and log: any password masked, parsable or not."""
    masked = _QUERY_PASSWORD.sub(r"\1***", text)
    head, sep, rest = masked.partition("://")
    if sep and "@" in rest:
        # Everything between the user's colon and the last '@' is the password, whatever
        # it contains: masking too much is better than showing any of it.
        userinfo, _, host = rest.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        if colon:
            rest = f"{user}:***@{host}"
    return head + sep + rest


def child_environment(url: URL, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child ``gridcommand`` that should use ``url``.

    The URL goes to the child through ``ENV_VAR``, not its command line, where any
    user on the machine could read the password with ``ps``.
    """
    env = dict(os.environ if base is None else base)
    env[ENV_VAR] = url.render_as_string(hide_password=False)
    return env
