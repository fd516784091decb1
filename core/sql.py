"""Set-based writes the ORM has no method for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_select(
    model: type[models.Model],
    columns: Sequence[str],
    rows: models.QuerySet[Any],
    *,
    on_conflict: str = "DO NOTHING",
) -> int:
    """``INSERT INTO <model> (<columns>) <rows' SELECT> ON CONFLICT …``; returns rows written.

    ``rows`` must be a queryset whose ``values_list`` gives the columns in the same order.
    ``on_conflict`` may be ``DO NOTHING`` or ``(<unique columns>) DO UPDATE SET …``. Works on
    PostgreSQL and SQLite (whose parser needs the SELECT to have a WHERE clause).
    """
    select, params = rows.order_by().query.sql_with_params()
    meta = model._meta
    names = ", ".join(
        connection.ops.quote_name(str(getattr(meta.get_field(c), "column", c))) for c in columns
    )
    table = connection.ops.quote_name(meta.db_table)
    if " WHERE " not in select:
        select = f"SELECT * FROM ({select}) AS rows WHERE 1 = 1"  # noqa: S608 (ORM SQL)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {select} ON CONFLICT {on_conflict}", params)
        return max(cursor.rowcount, 0)
