"""Rows into a table with COPY: one stream per table instead of statements of values.

A city of 50,000 grids is 200,000 workers, their fixes, 60,000 cases and 400,000
trace rows. Sent as multi-row INSERTs they cost the client more than the server
(each statement of a thousand rows is built, then split and parsed again by the
driver); COPY sends the rows as they are, in the seed's own transaction. Triggers
and constraints run as for an INSERT.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, text


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY ``rows`` (values in the order of ``columns``) into ``table``; how many went.

    A ``dict`` or ``list`` value is sent as JSON (the JSONB columns).
    """
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    count = 0
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_plain(v) for v in row])
            count += 1
    return count


def next_ids(conn: Connection, table: str, count: int) -> list[int]:
    """``count`` fresh values of ``table``'s id sequence, so rows can be sent with theirs."""
    query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
    return sorted(conn.execute(query, {"table": table, "n": count}).scalars())


def _plain(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, (dict, list)) else value
