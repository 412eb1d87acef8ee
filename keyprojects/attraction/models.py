"""全链条招引: the city's industry chains and their gaps, the target-enterprise library, the
attraction staff (六职+全员) and their teams, leads (招商线索) with their visits and timeline,
trips reported in advance (外出招商报备) and funds in place (到位资金) of signed projects."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.projects.models import Project

from .choices import FundSource, Gap, LeadEventType, LeadStatus, Opinion, Post, Size, TeamKind, TripStatus, VisitKind

# Who works leads and trips: the county and city staff, and the attraction cadres themselves;
# auditors read them too. Other roles (departments, dispatchers, enterprises) see none of it.
WORKERS = STAFF | {Role.ATTRACTION}
READERS = WORKERS | {Role.AUDITOR}
NOBODY = frozenset()
WRITTEN_BY_SERVICES = {Action.VIEW: READERS, Action.ADD: NOBODY, Action.CHANGE: NOBODY, Action.ARCHIVE: NOBODY}


def money(label, **kwargs):
    return models.DecimalField(label, max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], **kwargs)


class Chain(BaseModel):
    """产业链: one of the city's industry chains (食品, 装备制造 …), a tree of links below it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self):
        return self.name


class ChainLink(BaseModel):
    """链节: one link of a chain (原料, 加工, 冷链物流 …); marked as a gap to fill (补链), a way
    to extend the chain (延链) or a link to strengthen (强链). Enterprises and projects whose
    industry code starts with the link's codes sit on it."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.PROTECT, related_name="links")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent link"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    gap = models.CharField(_("gap"), max_length=12, choices=Gap.choices, blank=True, default=Gap.NONE)
    industry_codes = models.CharField(
        _("industry codes"),
        max_length=100,
        blank=True,
        help_text=_("GB/T 4754-2017 codes or their prefixes, separated by spaces (C135 C1361)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["chain", "order", "pk"]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")

    def __str__(self):
        return f"{self.chain.name} · {self.name}"

    @property
    def codes(self):
        return [c for c in self.industry_codes.replace("，", " ").replace(",", " ").split() if c]


class ChainGoal(BaseModel):
    """A chain's targets for a year: leads, signed projects and contracted investment."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.PROTECT, related_name="goals")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    leads = models.PositiveIntegerField(_("new leads"), default=0)
    signings = models.PositiveIntegerField(_("signed projects"), default=0)
    investment = money(_("contracted investment (10k yuan)"), default=0)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["chain", "-year"]
        verbose_name = _("chain goal")
        verbose_name_plural = _("chain goals")
        constraints = [models.UniqueConstraint(fields=["chain", "year"], name="chaingoal_once_per_year")]

    def __str__(self):
        return f"{self.chain} · {self.year}"


class TargetEnterprise(BaseModel):
    """目标企业: a company worth attracting. Deduplicated by 统一社会信用代码 and by normalised
    name (`name_key`), against itself and against the enterprise library (`enterprise`)."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("normalised name"), max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True, null=True, blank=True)
    headquarters = models.CharField(_("headquarters"), max_length=100, blank=True)
    industry = models.CharField(_("industry code"), max_length=5, blank=True)
    link = models.ForeignKey(
        ChainLink, verbose_name=_("chain link"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    listed = models.BooleanField(_("listed company"), default=False)
    source = models.CharField(_("source of the tip"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("in the enterprise library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope = Scope(reference=True)
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: WORKERS, Action.CHANGE: WORKERS, Action.ARCHIVE: STAFF}

    class Meta:
        ordering = ["name"]
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from keyprojects.enterprises.matching import name_key

        self.name_key = name_key(self.name)
        self.credit_code = self.credit_code or None
        super().save(*args, **kwargs)


class Team(BaseModel):
    """招商队伍: a county's or zone's 六职 team, an attraction task force (招商专班), or all staff."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")

    scope = Scope(region="region", member="cadres__user")
    rights = {Action.VIEW: READERS}

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("attraction team")
        verbose_name_plural = _("attraction teams")

    def __str__(self):
        return self.name


class Cadre(BaseModel):
    """招商人员: an official who attracts investment, by post (六职, 专班, 全员), in a team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="cadre"
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="cadres"
    )

    scope = Scope(region="region", member=("user", "team__cadres__user"))
    rights = {Action.VIEW: READERS}

    class Meta:
        ordering = ["region__code", "post", "pk"]
        verbose_name = _("attraction cadre")
        verbose_name_plural = _("attraction cadres")

    def __str__(self):
        name = self.user.get_full_name() or self.user.username
        return f"{name}（{self.get_post_display()}）"


class YearGoal(BaseModel):
    """年度目标: what a cadre is to achieve in a year; a team's and a county's are the sums."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="goals")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    leads = models.PositiveIntegerField(_("new leads"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    signings = models.PositiveIntegerField(_("signed projects"), default=0)
    investment = money(_("contracted investment (10k yuan)"), default=0)
    funds = money(_("funds in place (10k yuan)"), default=0)

    scope = Cadre.scope.via("cadre")
    rights = {Action.VIEW: READERS, Action.ADD: STAFF, Action.CHANGE: STAFF, Action.ARCHIVE: STAFF}

    class Meta:
        ordering = ["-year", "cadre"]
        verbose_name = _("year goal")
        verbose_name_plural = _("year goals")
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="yeargoal_once_per_year")]

    def __str__(self):
        return f"{self.cadre} · {self.year}"


class Lead(BaseModel):
    """招商线索: a prospective investment by a target enterprise, from found to handed over as a
    signed project (or dropped with a reason). Its state changes only through the verbs."""

    name = models.CharField(_("project name"), max_length=200)
    target = models.ForeignKey(
        TargetEnterprise, verbose_name=_("target enterprise"), on_delete=models.PROTECT, related_name="leads"
    )
    link = models.ForeignKey(
        ChainLink, verbose_name=_("chain link"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("landing region"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(Cadre, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="leads")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.FOUND, editable=False
    )
    found_on = models.DateField(_("found on"))
    investment = money(_("intended investment (10k yuan)"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    last_activity_on = models.DateField(_("last activity"), editable=False)
    # 项目预估评审: what the committee weighed, and its scored opinion
    land_mu = models.DecimalField(
        _("land (mu)"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    energy_tce = models.DecimalField(
        _("energy use (tce/year)"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    tax_per_mu = models.DecimalField(
        _("tax per mu (10k yuan)"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    output = models.DecimalField(
        _("annual output (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True, editable=False)
    score = models.PositiveSmallIntegerField(_("evaluation score"), null=True, blank=True, editable=False)
    opinion = models.CharField(
        _("committee opinion"), max_length=12, choices=Opinion.choices, blank=True, editable=False
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True, editable=False)
    agreement = models.FileField(_("signed agreement"), upload_to="agreements/%Y/%m/", blank=True, editable=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    contracted_investment = models.DecimalField(
        _("contracted investment (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    project = models.OneToOneField(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
        editable=False,
    )
    drop_reason = models.CharField(_("reason dropped"), max_length=200, blank=True, editable=False)

    scope = Scope(region="region", member=("owner__user", "team__cadres__user"))
    rights = {
        Action.VIEW: READERS,
        Action.ADD: WORKERS,
        Action.CHANGE: WORKERS,
        Action.ARCHIVE: STAFF,
        "contact": WORKERS,
        "visit": WORKERS,
        "negotiate": WORKERS,
        "evaluate": STAFF,  # the pre-evaluation committee sits at the city or the county
        "sign": WORKERS,
        "hand_over": STAFF,
        "drop": WORKERS,
    }

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["-found_on", "-id"], name="lead_list_order"),  # the list's order: a page, not a sort
            models.Index(fields=["status", "-investment"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "last_activity_on"]),
        ]

    def __str__(self):
        return self.name


class Visit(BaseModel):
    """拜访 / 来访: one meeting with a lead's enterprise: who met, when, what was said."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.OUTGOING)
    date = models.DateField(_("date"))
    people = models.CharField(_("people"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    trip = models.ForeignKey(
        "Trip", verbose_name=_("trip"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )

    scope = Lead.scope.via("lead")
    rights = WRITTEN_BY_SERVICES  # through the lead's "visit" verb, which checks the dates

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["lead", "date"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.lead} · {self.date:%Y-%m-%d}"


class LeadEvent(Event):
    """A line of a lead's timeline (线索动态), written by the service of each verb."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=LeadEventType.choices)

    scope = Lead.scope.via("lead")
    rights = WRITTEN_BY_SERVICES
    texts = {
        LeadEventType.FOUND: _("The lead was found."),
        LeadEventType.CONTACTED: _("First contact with the enterprise."),
        LeadEventType.VISIT: _("Visit on %(date)s: %(people)s."),
        LeadEventType.NEGOTIATING: _("Negotiations began."),
        LeadEventType.EVALUATED: _("Pre-evaluated: %(score)s points, %(opinion)s."),
        LeadEventType.SIGNED: _("Agreement signed on %(date)s."),
        LeadEventType.HANDED_OVER: _("Handed over as the project “%(project)s”."),
        LeadEventType.DROPPED: _("Dropped: %(reason)s"),
        LeadEventType.STALE: _("No activity for %(days)s working days; the owner was reminded."),
    }

    class Meta(Event.Meta):
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")

    def sentence_params(self):
        from datetime import date

        from keyprojects.core import display

        data = dict(self.data or {})
        if data.get("date"):  # stored ISO, read the reader's way
            try:
                data["date"] = display.day(date.fromisoformat(data["date"]))
            except (TypeError, ValueError):
                pass
        if data.get("opinion") in Opinion.values:
            data["opinion"] = Opinion(data["opinion"]).label
        return data

    def __str__(self):
        return f"{self.get_type_display()} · {self.lead}"


class Trip(BaseModel):
    """外出招商报备: a trip reported before it starts (who, where, whom, why), approved by the
    right level (the city for a county's 党政一把手), and its outcome recorded after."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="trips")
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("destination"), max_length=100)
    whom = models.CharField(_("whom to meet"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("to"))
    reported_on = models.DateField(_("reported on"), editable=False)
    late_reason = models.CharField(_("reason for reporting late"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.REPORTED, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True, editable=False)
    outcome = models.TextField(_("outcome"), blank=True, editable=False)

    scope = Scope(region="region", member=("cadre__user", "cadre__team__cadres__user"))
    rights = {
        Action.VIEW: READERS,
        Action.ADD: WORKERS,
        Action.CHANGE: WORKERS,
        Action.ARCHIVE: STAFF,
        "approve": STAFF,
        "reject": STAFF,
        "record_visit": WORKERS,
        "conclude": WORKERS,
    }

    class Meta:
        ordering = ["-start_on", "-pk"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        indexes = [models.Index(fields=["start_on", "end_on"])]

    def __str__(self):
        return f"{self.cadre.user.get_full_name() or self.cadre.user} → {self.destination} ({self.start_on:%m-%d})"


class FundsInPlace(BaseModel):
    """到位资金: money that actually arrived for a signed project in a month, by source."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="funds")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    source = models.CharField(_("source"), max_length=20, choices=FundSource.choices)
    amount = money(_("amount (10k yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Project.scope.via("project")
    rights = {Action.ADD: STAFF, Action.CHANGE: STAFF, Action.ARCHIVE: STAFF}

    class Meta:
        ordering = ["-month", "project"]
        verbose_name = _("funds in place")
        verbose_name_plural = _("funds in place")
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "source"], name="funds_once_per_month_source")
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.project} · {self.month:%Y-%m} · {self.get_source_display()}"
