from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, Action, Role, Scope
from keyprojects.core.models import BaseModel

from .project import ListMembership, Project


class RiskModel(BaseModel):
    """延误风险模型: one trained version of the slip-risk forecast — a regularised logistic
    regression on the platform's own history — with its card: what it was trained on, its
    coefficients, and how it did in the month-by-month backtest beside the rule lights."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    as_of = models.DateField(_("history up to"))
    card = models.JSONField(_("model card"), default=dict)
    parameters = models.JSONField(_("parameters"), default=dict)  # features, means, scales, coefficients
    beats_lights = models.BooleanField(_("beats the lights"), default=False)

    scope = Scope(reference=True)
    rights = {Action.VIEW: ALL_ROLES - {Role.ENTERPRISE}}

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk model")
        verbose_name_plural = _("risk models")

    def __str__(self):
        return f"{_('risk model')} v{self.version}"


class RiskForecast(BaseModel):
    """延误风险预测: a project's probability that its next node ends more than 30 days late, with
    the reasons that drive it and its delivery confidence (交付信心), refreshed daily."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="risk_forecast"
    )
    model = models.ForeignKey(RiskModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    probability = models.DecimalField(_("probability of slipping"), max_digits=5, decimal_places=4)
    node = models.CharField(_("next node"), max_length=50, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)  # [{"code", "points", ...params}]
    confidence = models.PositiveSmallIntegerField(_("delivery confidence"), default=3, db_index=True)

    scope = ListMembership.scope
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}
    # Refreshed every day: the figures are the news of the page, not of the change log.
    log_exclude = frozenset({"updated", "model", "model_id", "as_of", "probability", "node", "reasons", "confidence"})

    class Meta:
        ordering = ["-probability", "project_id"]
        verbose_name = _("risk forecast")
        verbose_name_plural = _("risk forecasts")

    def __str__(self):
        return f"{self.project} · {self.probability}"
