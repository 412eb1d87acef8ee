"""Aggregate figures (indicators, dashboards) computed once per change of the data they read.

An aggregate over the whole campaign reads every entry; at province scale that is a second of
database time, while the figures change only when somebody writes. Every write goes through the
change log (`ObjectChange`, see models.py), so the newest change to each table a query reads is
its data version: the rows are cached under the query's SQL and that version, and the first
request after a write computes them again.

One known gap, bounded by KEYPROJECTS_FIGURES_CACHE_SECONDS (default 300): a transaction that
commits after a later one has already committed leaves a version that does not show its change,
until the cached rows expire.
"""

import hashlib
import re
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as django_cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Subquery

TABLE = re.compile(r'(?:FROM|JOIN) "([^"]+)"')


@cache
def _models_by_table():
    return {model._meta.db_table: model for model in apps.get_models()}


def data_version(sql):
    """The newest change (id and time) to each table the SQL reads, in one query of short index
    reads; None when a table's writes are not logged (a many-to-many table, say), since then a
    change could not be seen."""
    from django.db import connection

    from .models import LoggedModel

    models = [_models_by_table().get(table) for table in sorted(set(TABLE.findall(sql)))]
    if not all(model is not None and issubclass(model, LoggedModel) for model in models):
        return None
    if not models:
        return ()
    get = ContentType.objects.get_for_model
    with connection.cursor() as cursor:
        cursor.execute(*_version_query(tuple(get(model, for_concrete_model=True).pk for model in models)))
        return cursor.fetchone()


def models_version(*models):
    """The newest change (id and time) to each of these logged models, in one query of short
    index reads: a version stamp for data a process keeps in memory (the working-day calendar)."""
    from django.db import connection

    get = ContentType.objects.get_for_model
    with connection.cursor() as cursor:
        cursor.execute(*_version_query(tuple(get(model, for_concrete_model=True).pk for model in models)))
        return cursor.fetchone()


@cache
def _version_query(content_types):
    """The SQL and parameters of data_version(), built by the ORM once per set of content types:
    compiling its two subqueries per table for every call was a tenth of a list page."""
    from .models import ObjectChange

    latest = {}
    for content_type in content_types:
        newest = ObjectChange.objects.filter(content_type=content_type).order_by("-pk")
        latest[f"id_{content_type}"] = Subquery(newest.values("pk")[:1])
        latest[f"time_{content_type}"] = Subquery(newest.values("time")[:1])
    versions = ContentType.objects.filter(pk=content_types[0]).annotate(**latest).values_list(*latest)
    return versions.query.sql_with_params()


def cached_rows(queryset):
    """The rows of a `values()` queryset (plain dicts), from the cache while no table it reads
    has changed. The key is the SQL with its parameters, so the user's scope, the grouping and
    every definition in the query are part of it."""
    return _cached("rows", queryset, lambda: list(queryset))


def cached_count(queryset):
    """How many rows a queryset has, from the cache while no table it reads has changed: a
    list's paginator counted 611,291 reports, or searched 50,000 projects, on every page."""
    return _cached("count", queryset.order_by().values("pk"), queryset.count)


def _cached(kind, queryset, compute):
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing to read (`none()`, an empty `__in`): Django asks no query
        return compute()
    version = data_version(sql)
    if version is None:
        return compute()
    raw = repr((kind, queryset.db, sql, [str(p) for p in params], version))
    key = "kp:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    value = django_cache.get(key)
    if value is None:
        value = compute()
        django_cache.set(key, value, settings.KEYPROJECTS_FIGURES_CACHE_SECONDS)
    return value
