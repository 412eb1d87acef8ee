"""Aggregate figures (indicators, dashboards) computed once per change of the data they read.

An aggregate over the whole campaign reads every entry; at province scale that is a second of
database time, while the figures change only when somebody writes. Every write goes through the
change log (`ObjectChange`, see models.py), so the newest change to each table a query reads is
its data version.

Two ways of keeping figures, by what the caller can promise:

- `cached_rows()` / `cached_count()`: the rows are cached under the query's SQL and that version;
  the first request after a write computes them again, whole.
- `cached_groups()`: for `values().annotate()` figures whose aggregates add up across projects
  (counts, sums, distinct counts of the projects themselves). The rows are computed once per
  *part* (the projects whose ids fall in the same block of BLOCK ids) and summed; after a write
  the change log names the projects written (a project, or a row with a foreign key to one: an
  entry, a milestone, a report) and only their parts are computed again — an index range on the
  foreign key — their old rows subtracted from the totals and the new ones added. At province
  scale (50,000 projects, 196 parts) that reads ~550 entries instead of 108,000
  (bench/RESULTS.md, "figures after a write"). A change that names no project (a phase, a region),
  or one that touches more than a quarter of the parts (an import), computes the whole.

Commit order: the change log's ids are given in the order their transactions commit, because
every writer of the log holds the audit chain's head row locked from its first entry to its
commit (core/audit.py; SQLite has one writer at a time anyway). So a version read by one statement
already shows every transaction committed before the newest change it names, and a transaction
that commits later gets a higher id: there is no out-of-order commit to miss, and figures are
never served stale until they expire. KEYPROJECTS_FIGURES_CACHE_SECONDS only bounds how long
figures nobody reads stay in the cache.
"""

import hashlib
import re
import uuid
from functools import cache, reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as django_cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Aggregate, BigIntegerField, Count, ExpressionWrapper, F, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

TABLE = re.compile(r'(?:FROM|JOIN) "([^"]+)"')
BLOCK = 256  # project ids per part of a grouped figure (see cached_groups)
PART = "kp_part"  # the part a row of the partitioned query belongs to
ROWS = "kp_rows"  # how many rows a group counts: a group whose last row left is dropped
MAX_CHANGES = 2000  # more changes since the cached version than this: compute the whole


@cache
def _models_by_table():
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _logged_models(sql):
    """The models of the tables the SQL reads (a logged model's many-to-many table counts as that
    model: its changes are logged on it, core/m2m.py), or None when one is not logged, since then a
    change to it could not be seen."""
    from . import m2m
    from .models import LoggedModel

    models = [_models_by_table().get(table) for table in sorted(set(TABLE.findall(sql)))]
    models = list(dict.fromkeys(m2m.owners().get(model, (model,))[0] for model in models))  # a link: its owner
    if not all(model is not None and issubclass(model, LoggedModel) for model in models):
        return None
    return models


def _content_types(models):
    get = ContentType.objects.get_for_model
    return tuple(get(model, for_concrete_model=True).pk for model in models)


def data_version(sql):
    """The newest change (id and chain hash) to each table the SQL reads, in one query of short index
    reads; None when a table's writes are not logged, since then a change could not be seen."""
    models = _logged_models(sql)
    if models is None:
        return None
    if not models:
        return ()
    return models_version(*models)


def models_version(*models):
    """The newest change (id and chain hash) to each of these logged models, in one query of
    short index reads: a version stamp for data a process keeps in memory (the working-day calendar)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*_version_query(_content_types(models)))
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
        latest[f"hash_{content_type}"] = Subquery(newest.values("hash")[:1])
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


def _key(*parts):
    return "kp:figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached(kind, queryset, compute):
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing to read (`none()`, an empty `__in`): Django asks no query
        return compute()
    version = data_version(sql)
    if version is None:
        return compute()
    key = _key(kind, queryset.db, sql, [str(p) for p in params], version)
    value = django_cache.get(key)
    if value is None:
        value = compute()
        django_cache.set(key, value, settings.KEYPROJECTS_FIGURES_CACHE_SECONDS)
    return value


# --- grouped figures kept up to date part by part -------------------------------------------


def cached_groups(queryset, keys, aggregates, *, order=(), partition="project"):
    """The rows of `queryset.values(*keys).annotate(**aggregates).order_by(*order)` (plain dicts),
    kept in the cache and brought up to date after a write by computing again only the parts of
    the projects it touched (see the module's docstring).

    `partition` names the queryset's foreign key to the projects (or any model) the rows belong
    to; every aggregate must add up across parts: Count, Sum (optionally in Coalesce), or a
    distinct Count of `partition` itself. `order` holds names among the keys and aggregates
    ("-n" descending). A sum over no rows may read 0 rather than None."""
    field = queryset.model._meta.get_field(partition)
    names = _additive(aggregates, field)
    query = _partitioned(queryset, keys, aggregates, field)
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return []
    models = _logged_models(sql)
    if models is None:  # a table whose writes leave no trace: nothing to know a change by
        return _ordered(_totals(list(query), keys, names), order)
    types = _content_types(models)
    version = _versions(types, models)
    key = _key("groups", query.db, sql, [str(p) for p in params])
    head = django_cache.get(key)
    if head is not None and head["version"] == version:
        return head["rows"]
    touched = None if head is None else _touched(head["version"], version, field.related_model, len(head["tokens"]))
    totals, tokens = None, {}
    if touched is not None:
        totals, tokens = _refresh(key, head, touched, queryset, keys, aggregates, field, names)
    if totals is None:
        totals, tokens = _whole(key, query, keys, names)
    rows = _ordered(totals, order)
    django_cache.set(
        key,
        {"version": version, "totals": totals, "tokens": tokens, "rows": rows},
        settings.KEYPROJECTS_FIGURES_CACHE_SECONDS,
    )
    return rows


def _additive(aggregates, field):
    """The names of the aggregates, once each is known to add up across parts."""
    for name, aggregate in aggregates.items():
        inner = aggregate.source_expressions[0] if isinstance(aggregate, Coalesce) else aggregate
        if isinstance(inner, Sum) or (isinstance(inner, Count) and not inner.distinct):
            continue
        if isinstance(inner, Count) and isinstance(inner.source_expressions[0], F):
            if inner.source_expressions[0].name in (field.name, field.attname):
                continue
        kind = type(inner).__name__ if isinstance(inner, Aggregate) else repr(inner)
        raise ValueError(f"cached_groups: {name} ({kind}) does not add up across parts of {field.name}.")
    return [*aggregates, ROWS]


def _partitioned(queryset, keys, aggregates, field, parts=None):
    part = ExpressionWrapper(F(field.attname) / Value(BLOCK), output_field=BigIntegerField())
    queryset = queryset.order_by().annotate(**{PART: part})
    if parts is not None:  # ranges of the foreign key: its index, not a scan
        ranges = [Q(**{f"{field.attname}__gte": p * BLOCK, f"{field.attname}__lt": (p + 1) * BLOCK}) for p in parts]
        queryset = queryset.filter(reduce(or_, sorted(ranges, key=str)))
    return queryset.values(*keys, PART).annotate(**aggregates, **{ROWS: Count("pk")}).order_by()


def _versions(types, models):
    """{content type: (newest change id, its chain hash)} of the tables read: the hash tells a
    reset or restored log whose ids came round again."""
    values = models_version(*models)
    return {ct: (values[2 * i], values[2 * i + 1]) for i, ct in enumerate(types)}


def _touched(old, new, target, parts):
    """The parts of the `target` rows (projects) written between two versions, or None when a
    change cannot be pinned to them (another table, a reset log, too many changes)."""
    from .models import ObjectChange

    ids = set()
    for ct, (newest, stamp) in new.items():
        if old.get(ct) == (newest, stamp):
            continue
        if newest is None or ct not in old:
            return None
        since, since_stamp = old[ct]
        model = ContentType.objects.get_for_id(ct).model_class()
        if model is None:  # a content type whose model is gone
            return None
        links = ["pk"] if model is target else [f.attname for f in _links(model, target)]
        if not links:
            return None
        changes = list(
            ObjectChange._base_manager.filter(content_type_id=ct, pk__gte=since or 0)
            .order_by("pk")
            .values_list("pk", "hash", "object_id", "changes")[: MAX_CHANGES + 1]
        )
        if since is not None and (not changes or changes[0][:2] != (since, since_stamp)):
            return None  # the version's own entry is gone: a restored or reset log
        changes = [c for c in changes if c[0] != since]
        if len(changes) > MAX_CHANGES:
            return None
        objects = {c[2] for c in changes}
        if links == ["pk"]:
            ids |= objects
        else:
            for row in model._base_manager.filter(pk__in=objects).values_list(*links):
                ids.update(row)
            for *_, written in changes:  # a row moved from one project to another touches both
                for link in links:
                    if isinstance(written, dict) and link in written:
                        ids.update(written[link])
    touched = {int(i) // BLOCK for i in ids if i is not None}
    return touched if len(touched) <= max(4, parts // 4) else None


@cache
def _links(model, target):
    return tuple(f for f in model._meta.concrete_fields if f.is_relation and f.related_model is target)


def _whole(key, query, keys, names):
    """Every part computed: their totals, each part's rows stored under a fresh token."""
    by_part = {}
    for row in query:
        by_part.setdefault(int(row.pop(PART)), []).append(row)
    tokens = {part: uuid.uuid4().hex for part in by_part}
    django_cache.set_many(
        {f"{key}:{part}:{tokens[part]}": rows for part, rows in by_part.items()},
        settings.KEYPROJECTS_FIGURES_CACHE_SECONDS,
    )
    return _totals([row for rows in by_part.values() for row in rows], keys, names), tokens


def _refresh(key, head, parts, queryset, keys, aggregates, field, names):
    """The totals with the touched parts computed again: their old rows out, the new ones in.
    (None, None) when an old part's rows have left the cache."""
    tokens = dict(head["tokens"])
    known = [f"{key}:{part}:{tokens[part]}" for part in parts if part in tokens]  # a new block has no rows yet
    stored = django_cache.get_many(known)
    if len(stored) != len(known):
        return None, None
    totals = head["totals"]
    for rows in stored.values():
        _add(totals, rows, keys, names, -1)
    fresh = {part: [] for part in parts}
    for row in _partitioned(queryset, keys, aggregates, field, parts):
        fresh[int(row.pop(PART))].append(row)
    for part, rows in fresh.items():
        _add(totals, rows, keys, names, 1)
        tokens[part] = uuid.uuid4().hex  # a new key per version: a reader never mixes two
    django_cache.set_many(
        {f"{key}:{part}:{tokens[part]}": rows for part, rows in fresh.items()},
        settings.KEYPROJECTS_FIGURES_CACHE_SECONDS,
    )
    for part in [p for p, rows in fresh.items() if not rows]:
        del tokens[part]
    for group in [g for g, row in totals.items() if not row[ROWS]]:
        del totals[group]
    return totals, tokens


def _totals(rows, keys, names):
    totals = {}
    _add(totals, rows, keys, names, 1)
    return totals


def _add(totals, rows, keys, names, sign):
    for row in rows:
        row.pop(PART, None)
        group = tuple(row[k] for k in keys)
        total = totals.get(group)
        if total is None:
            totals[group] = total = {**{k: row[k] for k in keys}, **dict.fromkeys(names)}
        for name in names:
            value = row[name]
            if value is not None:
                total[name] = (total[name] or 0) + sign * value


def _ordered(totals, order):
    rows = [{k: v for k, v in row.items() if k != ROWS} for row in totals.values()]
    for name in reversed(order):
        field = name.lstrip("-")
        # NULLs last ascending and first descending, as PostgreSQL orders them
        rows.sort(key=lambda row: (row[field] is None, row[field]), reverse=name.startswith("-"))
    return rows
