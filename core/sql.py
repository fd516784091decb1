"""Set-based writes the ORM has no method for."""

from __future__ import annotations

import json
import time
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


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict: str = "DO NOTHING",
) -> int:
    """Insert many rows in ONE statement, ``ON CONFLICT …``; returns rows written.

    On PostgreSQL the values travel as one array per column (``INSERT … SELECT FROM
    unnest(…)``), which is many times faster than ``bulk_create`` for large batches (no SQL
    compiled per row) and one statement whatever the number of rows. Elsewhere (SQLite) it
    falls back to ``bulk_create(ignore_conflicts=True)``, so only ``DO NOTHING`` is supported
    there, and the count returned there is the rows offered, not the rows written (conflicts
    are skipped silently). ``fields`` are model field names (``agent_id`` style for foreign
    keys works too); every NOT NULL column without a database default must be among them.
    JSON fields take Python values.
    """
    if not rows:
        return 0
    meta = model._meta
    model_fields: list[Any] = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        if on_conflict.strip().upper() != "DO NOTHING":
            raise ValueError("insert_rows supports only ON CONFLICT DO NOTHING outside PostgreSQL")
        objects = [
            model(**{f.attname: value for f, value in zip(model_fields, row, strict=True)})
            for row in rows
        ]
        return len(model._default_manager.bulk_create(objects, ignore_conflicts=True))
    columns = [connection.ops.quote_name(str(field.column)) for field in model_fields]
    casts, arrays = _arrays(model_fields, rows)
    table = connection.ops.quote_name(meta.db_table)
    unnest = ", ".join(f"%s::{db_type}[]" for db_type, _values in arrays)
    aliases = ", ".join(f"c{n}" for n in range(len(arrays)))
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
        f"SELECT {', '.join(casts)} FROM unnest({unnest}) AS t({aliases}) "
        f"ON CONFLICT {on_conflict}"
    )
    return _execute_arrays(sql, [values for _db_type, values in arrays])


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Update many rows, each with its own values, in ONE statement; returns rows updated.

    Each row is ``(primary key, value of fields[0], value of fields[1], …)``. On PostgreSQL
    the values travel as one array per column (``UPDATE … FROM unnest(…)``), like
    ``insert_rows``; on SQLite as ``UPDATE … FROM (VALUES …)``. ``bulk_update`` compiles a
    ``CASE WHEN`` per row and field instead, which costs more than the update itself.
    """
    if not rows:
        return 0
    meta = model._meta
    model_fields: list[Any] = [meta.pk, *(meta.get_field(name) for name in fields)]
    table = connection.ops.quote_name(meta.db_table)
    names = [connection.ops.quote_name(str(field.column)) for field in model_fields]
    assignments = ", ".join(f"{name} = v.c{n}" for n, name in enumerate(names) if n)
    if connection.vendor == "postgresql":
        casts, arrays = _arrays(model_fields, rows)
        unnest = ", ".join(f"%s::{db_type}[]" for db_type, _values in arrays)
        aliases = ", ".join(f"c{n}" for n in range(len(arrays)))
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608 (model names)
            f"FROM (SELECT {', '.join(casts)} FROM unnest({unnest}) AS t({aliases})) "
            f"AS v({aliases}) WHERE {table}.{names[0]} = v.c0"
        )
        return _execute_arrays(sql, [values for _db_type, values in arrays])
    if connection.vendor == "sqlite":
        # in chunks: SQLite takes at most 32,766 parameters in a statement
        chunk = max(1, 30_000 // len(model_fields))
        if len(rows) > chunk:
            return sum(
                update_rows(model, fields, rows[n : n + chunk]) for n in range(0, len(rows), chunk)
            )
        values = ", ".join(["(" + ", ".join(["%s"] * len(model_fields)) + ")"] * len(rows))
        assignments = ", ".join(f"{name} = v.column{n + 1}" for n, name in enumerate(names) if n)
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608 (model names, placeholders)
            f"FROM (VALUES {values}) AS v WHERE {table}.{names[0]} = v.column1"
        )
        params = [
            field.get_db_prep_value(value, connection)
            for row in rows
            for field, value in zip(model_fields, row, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)
    objects = [
        model(**{f.attname: v for f, v in zip(model_fields, row, strict=True)}) for row in rows
    ]
    return model._default_manager.bulk_update(objects, list(fields))


def _arrays(
    model_fields: Sequence[Any], rows: Sequence[Sequence[Any]]
) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Per column: the cast that reads it back from ``unnest`` and its (type, values) array."""
    casts, arrays = [], []
    for position, field in enumerate(model_fields):
        values = [row[position] for row in rows]
        if field.get_internal_type() == "JSONField":
            casts.append(f"c{position}::jsonb")
            arrays.append(("text", [None if v is None else json.dumps(v) for v in values]))
        else:
            db_type = str(
                field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
            )
            casts.append(f"c{position}")
            arrays.append((db_type.split("(")[0], values))
    return casts, arrays


def _execute_arrays(sql: str, arrays: list[list[Any]]) -> int:
    """Run ``sql`` with one array parameter per column, bound on the server: the arrays
    travel as parameters, not quoted into the SQL text (Django's cursors bind on the client,
    which costs seconds for 100,000 values). The statement runs on Django's connection, in its
    transaction, and is logged like others."""
    import psycopg  # the PostgreSQL driver

    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, arrays)  # its errors are Django's (DatabaseError …), as elsewhere
        written = max(cursor.rowcount, 0)
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return written
