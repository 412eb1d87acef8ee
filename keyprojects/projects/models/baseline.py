from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action
from keyprojects.core.models import BaseModel, LoggedQuerySet

from ..choices import BaselineStatus, ReplanReason
from .project import ListMembership, Project

# The plan a baseline freezes; none of it, nor what it is and why, ever changes once written.
PLAN_FIELDS = (
    "planned_sign_date",
    "planned_start_date",
    "planned_production_date",
    "planned_capacity_date",
    "total_investment",
    "nodes",
)
FROZEN = ("project_id", "number", "reason", "note", "proposed_by_id", *PLAN_FIELDS)
# The date a slip is counted on: the first of these both plans have (production is what the
# campaign and the leaders watch).
KEY_DATES = ("planned_production_date", "planned_start_date", "planned_capacity_date", "planned_sign_date")


class BaselineFrozen(ValidationError):
    """Raised by any write that would change a baseline."""


def _refuse():
    raise BaselineFrozen(_("A baseline is never changed: re-plan the project to make a new one."), code="frozen")


class BaselineQuerySet(LoggedQuerySet):
    def update(self, **kwargs):
        if set(kwargs) & ({name.removesuffix("_id") for name in FROZEN} | set(FROZEN)):
            _refuse()
        return super().update(**kwargs)


class Baseline(BaseModel):
    """基线: a project's plan frozen at a moment — its stage dates, node dates and total
    investment. Baseline 1 is the plan when the project was first listed (or frozen on demand);
    each re-plan (重新计划) adds baseline N with its reason, a note and the county's approval.
    Nothing overwrites a baseline: the only change a row knows is a proposal's decision."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="baselines")
    number = models.PositiveSmallIntegerField(_("baseline"))
    reason = models.CharField(_("reason"), max_length=20, choices=ReplanReason.choices, default=ReplanReason.FIRST)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BaselineStatus.choices, default=BaselineStatus.APPROVED, db_index=True
    )
    planned_sign_date = models.DateField(_("planned signing date"), null=True, blank=True)
    planned_start_date = models.DateField(_("planned start date"), null=True, blank=True)
    planned_production_date = models.DateField(_("planned production date"), null=True, blank=True)
    planned_capacity_date = models.DateField(_("planned capacity date"), null=True, blank=True)
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    nodes = models.JSONField(_("node dates"), default=list, blank=True)  # [{"id", "name", "planned_date"}]
    slip_days = models.IntegerField(
        _("days slipped"),
        null=True,
        blank=True,
        help_text=_("How far the key date (production, else start) moves against the plan this one replaces."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    objects = BaselineQuerySet.as_manager()
    scope = ListMembership.scope
    # Written by services only (freeze, re-plan, approve, reject); the county approves.
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: frozenset(),
        Action.CHANGE: frozenset(),
        Action.ARCHIVE: frozenset(),
        "approve": STAFF,
        "reject": STAFF,
    }

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_once"),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="proposed"), name="baseline_one_proposed"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {_('baseline')} {self.number}"

    def before_write(self):
        if self._state.adding or self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).values(*FROZEN, "status").first()
        if stored is None:
            return
        if any(stored[name] != getattr(self, name) for name in FROZEN):
            _refuse()
        if stored["status"] != self.status and stored["status"] != BaselineStatus.PROPOSED:
            _refuse()  # a decision is taken once

    @property
    def proposed(self):
        return self.status == BaselineStatus.PROPOSED

    def key_date(self, original: "Baseline"):
        """(field, this date, the original's date) the slip is counted on, or None."""
        for name in KEY_DATES:
            mine, theirs = getattr(self, name), getattr(original, name)
            if mine and theirs:
                return name, mine, theirs
        return None
