"""要素保障: whitelists of major projects given full element guarantee (or exemption from
construction stops), each project's element demands (requested against guaranteed, by whom and
by when), and the stoppage orders and power-rationing lists checked against the whitelists."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action, Role, Scope
from keyprojects.core.models import BaseModel
from keyprojects.orgs.choices import OfficeKind
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project

from .choices import UNITS, Element, EntryStatus, OrderKind, Source, WhitelistKind

CITY = frozenset({Role.CITY_ADMIN})
KEEPERS = STAFF | {Role.OFFICE_STAFF}


class Whitelist(BaseModel):
    """白名单: a list of projects given full element guarantee (要素保障白名单) or exempted from
    construction stops (不间断施工 / 重污染天气豁免), with its criteria, validity and the year whose
    planned key-project investment it must cover (四保: at least 70%)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=WhitelistKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The plan year it covers."),
    )
    target_share = models.DecimalField(
        _("coverage target"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the year's planned key-project investment (四保: 0.70)."),
    )
    required_list = models.ForeignKey(
        "projects.ProjectList",
        verbose_name=_("key-project list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Criterion: the project is on this list."),
    )
    stages = models.JSONField(
        _("stages"), default=list, blank=True, help_text=_("Criterion: the project is at one of these stages.")
    )
    min_investment = models.DecimalField(
        _("minimum total investment (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    good_credit = models.BooleanField(_("no bad credit record"), default=True)
    note = models.TextField(_("note"), blank=True)

    scope = Scope(reference=True)
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: CITY, Action.CHANGE: CITY, Action.ARCHIVE: CITY}

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("whitelist")
        verbose_name_plural = _("whitelists")

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})
        if not isinstance(self.stages, list) or any(s not in Stage.values for s in self.stages):
            raise ValidationError({"stages": _("Choose stages from the list.")})


class WhitelistEntry(BaseModel):
    """白名单项目: a project on a whitelist, with why; revoked with a reason, never deleted."""

    whitelist = models.ForeignKey(
        Whitelist, verbose_name=_("whitelist"), on_delete=models.PROTECT, related_name="entries"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="whitelist_entries"
    )
    reason = models.TextField(_("why it is on the list"))
    added_on = models.DateField(_("added on"), blank=True, help_text=_("Today when left empty."))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True, editable=False)
    revoke_reason = models.TextField(_("why revoked"), blank=True, editable=False)

    scope = Project.scope.via("project")
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: CITY, Action.CHANGE: CITY, Action.ARCHIVE: CITY, "revoke": CITY}

    class Meta:
        ordering = ["whitelist", "-added_on", "pk"]
        verbose_name = _("whitelist entry")
        verbose_name_plural = _("whitelist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["whitelist", "project"], condition=models.Q(status="active"), name="whitelist_one_active_entry"
            )
        ]

    def __str__(self):
        return f"{self.whitelist} · {self.project}"


class ElementDemand(BaseModel):
    """要素需求: one element a project needs (land, energy, power, water, gas, funding,
    environment capacity): requested against guaranteed, by which department and by when."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="element_demands"
    )
    element = models.CharField(_("element"), max_length=20, choices=Element.choices)
    requested = models.DecimalField(_("requested"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    guaranteed = models.DecimalField(
        _("guaranteed"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source or method"), max_length=20, choices=Source.choices, blank=True)
    standard_land = models.BooleanField(_("standard land (标准地)"), default=False)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("guaranteeing department"),
        on_delete=models.PROTECT,
        related_name="element_demands",
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    guarantee_by = models.DateField(_("guaranteed by (date)"))
    guaranteed_on = models.DateField(_("fully guaranteed on"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    scope = Project.scope.via(
        "project",
        department="department",
        office_remit={
            OfficeKind.FINANCE: {"element": Element.FUNDING},
            OfficeKind.CONSTRUCTION: {},
            OfficeKind.COORDINATION: {},
        },
    )
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: KEEPERS,
        Action.CHANGE: KEEPERS | {Role.DEPARTMENT_STAFF},
        Action.ARCHIVE: STAFF,
    }

    class Meta:
        ordering = ["project", "element", "pk"]
        verbose_name = _("element demand")
        verbose_name_plural = _("element demands")
        indexes = [models.Index(fields=["department", "guarantee_by"])]

    def __str__(self):
        return f"{self.project} · {self.get_element_display()}"

    @property
    def unit(self):
        return UNITS.get(self.element, "")

    @property
    def shortfall(self):
        return max(self.requested - self.guaranteed, 0) if self.requested is not None else None

    def clean(self):
        if self.requested is not None and self.guaranteed is not None and self.guaranteed > self.requested:
            if not (self.note or "").strip():
                raise ValidationError(
                    {"guaranteed": _("The guaranteed amount is above the requested one: say why in the note.")}
                )


class StoppageOrder(BaseModel):
    """停工令 / 限电名单: an order that stops construction or cuts power for the projects it
    names; a whitelisted project among them raises a priority problem."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        "orgs.Department", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    projects = models.ManyToManyField(Project, verbose_name=_("projects named"), related_name="stoppage_orders")
    text = models.TextField(_("text"), blank=True)

    scope = Scope(reference=True)
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: KEEPERS, Action.CHANGE: CITY, Action.ARCHIVE: CITY}

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("stoppage order")
        verbose_name_plural = _("stoppage orders")

    def __str__(self):
        return self.title
