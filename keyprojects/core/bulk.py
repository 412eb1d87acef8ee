"""Set-based writes PostgreSQL does far faster than Django's ORM can ask it to: a deliberate
departure (STYLE.md, "one named home and a note").

`copy_upsert` inserts or replaces many rows by one COPY into a temporary table and one
INSERT … SELECT … ON CONFLICT DO UPDATE. Measured on the 1,000,000-row fact feed
(bench/policies.py, bench/RESULTS.md): Django's bulk_create(update_conflicts=True) quotes every
parameter in Python and sends 2,000 rows a statement, about 50 s of the database's and Python's
time for a million rows; the COPY path is a fraction of that. SQLite keeps bulk_create.
"""

from django.db import connections


def copy_upsert(model, columns: list[str], rows, *, unique: list[str], update: list[str], using="default") -> None:
    """Insert `rows` (tuples in the order of `columns`, column names) into `model`'s table,
    replacing the `update` columns of rows whose `unique` columns already exist."""
    from .models import copy_values

    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    staging = quote(f"{model._meta.db_table}_staging")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA")
    copy_values(connection, model._meta.db_table + "_staging", columns, rows)
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in update)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO UPDATE SET {assignments}"
        )
        cursor.execute(f"DROP TABLE {staging}")
