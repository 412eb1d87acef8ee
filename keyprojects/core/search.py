"""Global search: each app's search.py registers what it offers; results go through restrict()."""

from importlib import import_module

from django.apps import apps

SEARCHABLE = []  # (model, fields)


def register(model, *fields):
    SEARCHABLE.append((model, fields))


def autodiscover():
    for config in apps.get_app_configs():
        if config.name.startswith("keyprojects.") and config.label != "core":
            try:
                import_module(f"{config.name}.search")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.search":
                    raise


def contains_lookup(text):
    """`icontains` only when case can matter: text with no cased letters (Chinese names, phone
    numbers) matches the same with `contains`, which PostgreSQL runs without UPPER() on each
    row, about twice as fast over a large table."""
    return "icontains" if text.lower() != text.upper() else "contains"


def search(user, text, limit=10):
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    text = text.strip()
    if not text:
        return []
    results = []
    for model, fields in SEARCHABLE:
        lookup = contains_lookup(text)
        q = reduce(or_, (Q(**{f"{f}__{lookup}": text}) for f in fields))
        queryset = model.objects.restrict(user).filter(q)
        if hasattr(model, "archived_at"):
            queryset = queryset.filter(archived_at__isnull=True)
        hits = list(queryset[:limit])
        if hits:
            results.append((model._meta.verbose_name_plural, hits))
    return results
