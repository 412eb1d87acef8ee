"""A logged record's many-to-many fields are logged like its other fields: a change to a
project's tags or an enterprise's users is one UPDATE entry on each record whose set changed,
with the ids before and after, whichever side wrote it (`project.tags.set()`, `tag.projects.add()`)
and whatever path (form, API, importer). So the change log holds every change, and a cached figure
may read a many-to-many table: its data version is its owner's (core.figures).

A seed or an import that writes many links at once goes through `add_links()`, which logs them the
same way (one entry per record) without a signal per link."""

from functools import cache

from django.apps import apps
from django.db.models.signals import m2m_changed

BEFORE = "_m2m_before"  # on the instance between the pre_ and post_ signals: {field: {pk: ids}}


@cache
def owners() -> dict:
    """Each automatic many-to-many table of a logged model → (the model, the field)."""
    from .models import LoggedModel

    found = {}
    for model in apps.get_models():
        if issubclass(model, LoggedModel):
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    found[through] = (model, field)
    return found


def connect():
    for through in owners():
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"keyprojects.m2m.{through._meta.label}")


def _ids(through, field, owner_ids) -> dict:
    """owner pk → sorted ids of the other side, for these owners."""
    own, other = field.m2m_column_name(), field.m2m_reverse_name()
    current = {pk: [] for pk in owner_ids}
    rows = through.objects.filter(**{f"{own}__in": current}).order_by(other).values_list(own, other)
    for owner_id, other_id in rows:
        current[owner_id].append(other_id)
    return current


def _changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"}:
        return
    model, field = owners()[sender]
    stored = instance.__dict__.setdefault(BEFORE, {})
    if action.startswith("pre_"):
        if not reverse:
            touched = {instance.pk}
        elif pk_set is not None:
            touched = set(pk_set)
        else:  # tag.projects.clear(): every owner linked to it now
            linked = sender.objects.filter(**{field.m2m_reverse_name(): instance.pk})
            touched = set(linked.values_list(field.m2m_column_name(), flat=True))
        stored[field.name] = _ids(sender, field, touched)
        return
    before = stored.pop(field.name, {})
    _log(model, field, before, _ids(sender, field, before), [instance] if not reverse else None)


def _log(model, field, before: dict, after: dict, instances=None):
    from .models import ChangeAction, ObjectChange

    changed = {pk for pk in after if before.get(pk, []) != after[pk]}
    if not changed:
        return
    if instances is None:
        instances = model._base_manager.filter(pk__in=changed).order_by("pk")
    records = [r for r in instances if r.pk in changed]
    ObjectChange.log_many(
        [(r, ChangeAction.UPDATE, {field.name: [before.get(r.pk, []), after[r.pk]]}) for r in records]
    )


def add_links(model, name: str, pairs):
    """Many links (owner pk, other pk) of `model.name` written at once and logged per owner."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    pairs = list(pairs)
    owner_ids = {owner for owner, _other in pairs}
    before = _ids(through, field, owner_ids)
    own, other = field.m2m_column_name(), field.m2m_reverse_name()
    through.objects.bulk_create([through(**{own: a, other: b}) for a, b in pairs], ignore_conflicts=True)
    _log(model, field, before, _ids(through, field, owner_ids))
