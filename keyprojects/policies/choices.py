from django.db import models
from django.utils.translation import gettext_lazy as _

from .semantics import AMBIGUOUS, MISSING, NO, YES


class GrantMode(models.TextChoices):
    """How a benefit reaches the enterprise."""

    AUTOMATIC = "automatic", _("granted without application")
    INSTANT = "instant", _("granted at once on application")
    APPLY = "apply", _("by application")


class Outcome(models.IntegerChoices):
    """The engine's four honest answers."""

    NOT_ELIGIBLE = NO, _("not eligible")
    ELIGIBLE = YES, _("eligible")
    INSUFFICIENT = MISSING, _("insufficient data")
    AMBIGUOUS = AMBIGUOUS, _("ambiguous")


class Rounding(models.TextChoices):
    FEN = "fen", _("to the fen")
    YUAN = "yuan", _("to the yuan")
    HUNDRED = "hundred", _("to 100 yuan")
    THOUSAND = "thousand", _("to 1,000 yuan")
    WAN = "wan", _("to 10,000 yuan")


class RoundingMode(models.TextChoices):
    HALF_UP = "half_up", _("half up")
    FLOOR = "floor", _("rounded down")


class GrantStatus(models.TextChoices):
    """免申即享: matched by a run, reviewed by the policy's department, pushed to the enterprise,
    confirmed by it, paid from the budget pool, archived."""

    MATCHED = "matched", _("matched")
    REVIEWED = "reviewed", _("reviewed")
    REJECTED = "rejected", _("rejected")
    PUSHED = "pushed", _("pushed")
    CONFIRMED = "confirmed", _("confirmed")
    FULFILLED = "fulfilled", _("paid")
    ARCHIVED = "archived", _("archived")


class Risk(models.TextChoices):
    """Why a reviewer should look twice."""

    STALE = "stale", _("data stale or missing")
    NEAR = "near", _("near a threshold")
    AMBIGUOUS = "ambiguous", _("ambiguous reading")
    BLACKLISTED = "blacklisted", _("on the credit blacklist")


class GrantEventType(models.TextChoices):
    MATCHED = "matched", _("matched")
    CHANGED = "changed", _("changed by a new run")
    CLAWBACK = "clawback", _("flagged for clawback")
    REVIEWED = "reviewed", _("reviewed")
    REJECTED = "rejected", _("rejected")
    PUSHED = "pushed", _("pushed")
    OBJECTED = "objected", _("objection received")
    CONFIRMED = "confirmed", _("confirmed")
    FULFILLED = "fulfilled", _("paid")
    REFUSED = "refused", _("payment refused")
    ARCHIVED = "archived", _("archived")
