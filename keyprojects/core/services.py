"""State changes core offers every app: archive and restore (nothing users created is deleted)."""

from django.db import transaction
from django.utils import timezone

from .access import Action
from .context import acting


@transaction.atomic
def archive(obj, *, by):
    """Take an object out of every default list; it stays in history and can be restored.
    A model whose rows become part of a record (an entry of a locked phase list) refuses by
    `archive_problem()`: a message, or None."""
    refuse_if_frozen(obj)
    with acting(by):
        obj.archived_at = timezone.now()
        obj.save(update_fields=["archived_at", "updated"])
    return obj


@transaction.atomic
def restore(obj, *, by):
    refuse_if_frozen(obj)
    with acting(by):
        obj.archived_at = None
        obj.save(update_fields=["archived_at", "updated"])
    return obj


def refuse_if_frozen(obj):
    from django.core.exceptions import ValidationError

    problem = obj.archive_problem() if hasattr(obj, "archive_problem") else None
    if problem:
        raise ValidationError(problem)


def check_in_scope(obj, user, action=Action.CHANGE):
    """Read a just-written object back through the user's scope, inside the same transaction,
    so that a write landing outside it is rolled back instead of leaking."""
    from django.core.exceptions import PermissionDenied

    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
