"""Typed events and transitions, shared by every timeline and every lifecycle.

`Event` is the abstract base of a timeline line (ProjectEvent, PhaseEvent and the coming
problem, approval and inspection timelines): a type, the actor, the time, a note and a small
JSON of what changed. Each subclass says in `texts` how each type reads as a sentence, and
`core/_timeline.html` renders any of them the same way.

`Lifecycle` declares a state field's allowed moves with their guards: a service asks it
`check(obj, to, **params)` for the move (and the data its event records) before it writes, so
the rules of who may go where live in one table instead of hand-written branches.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import LoggedModel, LoggedQuerySet


class Event(LoggedModel):
    """A typed line of an object's timeline (动态), written by the service that made the change."""

    type = models.CharField(_("type"), max_length=20)
    time = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = LoggedQuerySet.as_manager()
    # type -> the sentence it reads as, with %(name)s from sentence_params(), or a function of
    # the event; a type without one reads as its label
    texts: ClassVar[dict[str, str | Promise | Callable]] = {}

    class Meta:
        abstract = True
        ordering = ["-time", "-pk"]

    def sentence_params(self) -> dict[str, Any]:
        """What a sentence may name: the event's data, plus what a subclass adds."""
        return dict(self.data or {})

    @property
    def sentence(self) -> str:
        text = self.texts.get(self.type)
        if text is None:
            return str(self.get_type_display())
        if callable(text):
            return str(text(self))
        try:
            return str(text) % self.sentence_params()
        except (KeyError, TypeError, ValueError):  # an older row without the data a newer text names
            return str(self.get_type_display())

    @property
    def evidence_file(self):
        return getattr(self, "evidence", None) or None


# --- lifecycles -------------------------------------------------------------------------------


def _anywhere(source, target) -> bool:
    return True


@dataclass(frozen=True)
class Move:
    """One allowed kind of move of a state field: from `sources` to `targets` (when `applies`
    to the pair), checked by `guard(obj, target, **params)`, which raises ValidationError or
    returns what the move's event records. `name` is the event type it writes."""

    name: str
    sources: frozenset
    targets: frozenset
    guard: Callable[..., dict | None] | None = None
    applies: Callable[[Any, Any], bool] = _anywhere


@dataclass(frozen=True)
class Lifecycle:
    """The allowed moves of a model's state field; `final` states allow none."""

    field: str
    moves: tuple[Move, ...]
    # Refusals; each may name the record as %(obj)s.
    final: dict = field(default_factory=dict)  # state -> why nothing can follow it
    same: str | Promise = _("It is already in this state.")
    nowhere: str | Promise = _("This change is not allowed from the current state.")

    def moves_from(self, state) -> list[Move]:
        return [m for m in self.moves if state in m.sources]

    def targets_from(self, state) -> list:
        """Where a record in `state` may go (a form's choices)."""
        found = []
        for move in self.moves_from(state):
            found += [t for t in move.targets if t != state and move.applies(state, t) and t not in found]
        return found

    def check(self, obj, to, **params) -> tuple[Move, dict]:
        """The move from obj's state to `to`, after its guard: (move, event data), or raises."""
        state = getattr(obj, self.field)
        named = {"obj": obj}
        if state in self.final:
            raise ValidationError(str(self.final[state]) % named)
        if to == state:
            raise ValidationError({"to": str(self.same) % named})
        for move in self.moves_from(state):
            if to in move.targets and move.applies(state, to):
                data = move.guard(obj, to, **params) if move.guard else None
                return move, data or {}
        raise ValidationError(str(self.nowhere) % named)


def states(values: Iterable) -> frozenset:
    return frozenset(values)
