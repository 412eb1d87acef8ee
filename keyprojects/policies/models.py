"""惠企政策 and 兑现事项: policy documents and their benefits with rules as data; 兑现记录
(grants) carry a benefit through 免申即享 from a match to the payment.

Amounts here are integers of fen (`*_fen`), as the engine computes them: exact, and shown in
元 or 万元 by `policies.display`. (Elsewhere money is Decimal in 万元; a grant of 154,320.99 元
would need six decimals there.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, Action, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.choices import OfficeKind
from keyprojects.orgs.models import Department, Region

from .choices import GrantEventType, GrantMode, GrantStatus, Outcome, Rounding, RoundingMode

KEEPERS = frozenset({Role.CITY_ADMIN, Role.DEPARTMENT_STAFF})


def kept_by(department) -> str:
    """The refusal a user reads on a policy another department keeps."""
    return gettext(
        "This policy is kept by %(department)s: only its staff and the city administrator may change it, "
        "run the match, revise its rules or top up its pools. Nothing was changed."
    ) % {"department": department}


class Policy(BaseModel):
    """惠企政策: a published policy document (文号, issuer, dates, full text and 解读) whose
    benefits are its items. Public: everyone signed in reads it; the city and departments keep it."""

    number = models.CharField(_("document number"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="policies",
        help_text=_("The department that reviews and pays its grants."),
    )  # fmt: skip
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="policies")
    published = models.DateField(_("published"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("assessment year"), help_text=_("The year whose figures it rewards."))
    as_of = models.DateField(
        _("reference date"),
        help_text=_(
            "Titles held and ages are counted at this date, and facts older than the window before it are stale."
        ),
    )
    text = models.TextField(_("full text"), blank=True)
    interpretation = models.TextField(_("interpretation"), blank=True)
    total_cap_fen = models.BigIntegerField(
        _("total per enterprise (fen)"), null=True, blank=True,
        help_text=_("The sum of the items for one enterprise, in fen."),
    )  # fmt: skip
    stale_days = models.PositiveSmallIntegerField(
        _("facts older than (days)"), default=550, help_text=_("Older facts count as missing data.")
    )
    objection_days = models.PositiveSmallIntegerField(_("objection window (days)"), default=7)

    # Published: everyone signed in reads it; its department (and the city) keeps it.
    scope = Scope(department="department", public=True)
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: KEEPERS,
        Action.CHANGE: KEEPERS,
        Action.ARCHIVE: KEEPERS,
        "run": KEEPERS,
        "import_rules": KEEPERS,
    }

    class Meta:
        ordering = ["-published", "pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self):
        return self.title

    def refusal(self, action) -> str:
        return kept_by(self.department)


class PolicyItem(BaseModel):
    """兑现事项: one benefit of a policy — its mode, eligibility rule and amount formula as data
    (see language.py), rounding, cap and budget pool. A new version of the rule is a new row
    with the same code; the old one is closed (valid_to) and archived, and keeps its grants."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("item code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=GrantMode.choices, default=GrantMode.AUTOMATIC)
    condition = models.JSONField(_("eligibility rule"), default=dict)
    formula = models.JSONField(_("amount formula"), default=dict)
    rounding = models.CharField(_("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.YUAN)
    rounding_mode = models.CharField(
        _("rounding mode"), max_length=10, choices=RoundingMode.choices, default=RoundingMode.HALF_UP
    )
    cap_fen = models.BigIntegerField(_("cap (fen)"), null=True, blank=True)
    budget_fen = models.BigIntegerField(_("budget pool (fen)"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    condition_text = models.TextField(_("eligibility rule (text)"), blank=True)
    formula_text = models.TextField(_("amount formula (text)"), blank=True)

    scope = Scope(department="policy__department", public=True)
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: KEEPERS,
        Action.CHANGE: KEEPERS,
        Action.ARCHIVE: KEEPERS,
        "revise": KEEPERS,
        "top_up": KEEPERS,
    }

    class Meta:
        ordering = ["policy", "order", "code", "-version"]
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")

    def __str__(self):
        return f"{self.code} {self.name}"

    def refusal(self, action) -> str:
        return kept_by(self.policy.department)

    def before_write(self):
        from .language import cond_text, expr_text

        if self.condition:
            self.condition_text = cond_text(self.condition)
        if self.formula:
            self.formula_text = expr_text(self.formula)

    @property
    def version_label(self):
        return f"{self.code} v{self.version} ({self.valid_from:%Y-%m-%d})"


class MatchRun(BaseModel):
    """匹配运行: one evaluation of a policy's items over every enterprise in the database."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="runs")
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("run by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enterprises = models.PositiveIntegerField(_("enterprises"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    seconds = models.FloatField(_("engine seconds"), default=0)

    scope = Scope(reference=True)
    rights = {Action.VIEW: KEEPERS | {Role.AUDITOR}, Action.ADD: frozenset(), Action.CHANGE: frozenset()}

    class Meta:
        ordering = ["-created"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self):
        return f"{self.policy} {self.created:%Y-%m-%d %H:%M}"


GRANT_SCOPE = Scope(
    region="enterprise__region",
    department="item__policy__department",
    enterprise_user="enterprise__users",
    office_remit={OfficeKind.SUPERVISION: {}, OfficeKind.FINANCE: {}},
)


class Grant(BaseModel):
    """兑现记录: one enterprise and one item — what the engine found (outcome, both amounts when
    ambiguous, the explanation), and where the grant is in 免申即享."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="grants"
    )
    item = models.ForeignKey(PolicyItem, verbose_name=_("policy item"), on_delete=models.PROTECT, related_name="grants")
    run = models.ForeignKey(
        MatchRun, verbose_name=_("run"), null=True, on_delete=models.SET_NULL, related_name="grants"
    )
    outcome = models.PositiveSmallIntegerField(_("answer"), choices=Outcome.choices)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.MATCHED)
    amount_fen = models.BigIntegerField(_("amount (fen)"), default=0)
    amount_b_fen = models.BigIntegerField(_("other reading's amount (fen)"), default=0)
    granted_fen = models.BigIntegerField(_("granted amount (fen)"), null=True, blank=True)
    risks = models.JSONField(_("risk flags"), default=list, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    rerun_amount_fen = models.BigIntegerField(_("amount by the latest run (fen)"), null=True, blank=True)
    rerun_outcome = models.PositiveSmallIntegerField(_("answer of the latest run"), null=True, choices=Outcome.choices)
    clawback = models.BooleanField(_("clawback flagged"), default=False)
    objection_until = models.DateField(_("objection window until"), null=True, blank=True)
    data_as_of = models.DateField(_("data as of"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    scope = GRANT_SCOPE
    rights = {
        Action.ADD: frozenset(),
        Action.CHANGE: frozenset(),
        Action.ARCHIVE: frozenset(),
        "review": KEEPERS,
        "push": KEEPERS,
        "confirm": frozenset({Role.ENTERPRISE}),
        "fulfil": KEEPERS,
        "object": KEEPERS,
        "close": KEEPERS,
    }

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "item"], name="grant_one_per_item")]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self):
        return f"{self.enterprise} · {self.item.name}"

    @property
    def amount_due_fen(self) -> int:
        return self.granted_fen if self.granted_fen is not None else self.amount_fen


class GrantEvent(Event):
    """A line of a grant's timeline."""

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=GrantEventType.choices)

    scope = GRANT_SCOPE.via("grant")
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}
    texts = {
        GrantEventType.MATCHED: _("Matched by the run: %(answer)s, %(amount)s."),
        GrantEventType.CHANGED: _("A new run changed it: %(before)s → %(after)s."),
        GrantEventType.CLAWBACK: _("A new run finds %(after)s after %(before)s was granted: flagged for clawback."),
        GrantEventType.REVIEWED: _("Reviewed: %(amount)s granted."),
        GrantEventType.REJECTED: _("Rejected: %(reason)s"),
        GrantEventType.PUSHED: _("Pushed to the enterprise; objections until %(until)s."),
        GrantEventType.OBJECTED: _("Objection while made public: %(reason)s"),
        GrantEventType.CONFIRMED: _("Confirmed by the enterprise."),
        GrantEventType.FULFILLED: _("Paid: %(amount)s."),
        GrantEventType.REFUSED: _("Payment refused: %(reason)s"),
        GrantEventType.ARCHIVED: _("Archived."),
    }

    def sentence_params(self):
        from .services import fen_text

        params = super().sentence_params()
        for key, value in list(params.items()):
            if key.endswith("_fen"):
                params[key[:-4]] = fen_text(value)
        if "outcome" in params:
            params["answer"] = Outcome(params["outcome"]).label
            if params["outcome"] == Outcome.AMBIGUOUS and "amount_b_fen" in params:
                params["amount"] = f"{fen_text(params['amount_fen'])} / {fen_text(params['amount_b_fen'])}"
        return params

    class Meta(Event.Meta):
        verbose_name = _("grant event")
        verbose_name_plural = _("grant events")
