from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import STAFF, Action, RestrictedQuerySet, Role, Scope, roles
from keyprojects.core.models import BaseModel
from keyprojects.orgs.choices import OfficeKind
from keyprojects.orgs.models import Region, phone_validator

from .choices import FACT_KINDS, FactField, FactKind, FactPeriod, IndustrySection
from .validators import (
    normalise_credit_code,
    normalise_industry_code,
    validate_credit_code,
    validate_industry_code,
)

# Who the enterprise is; kept by staff. Its own users keep the rest (representative, contact).
IDENTITY_FIELDS = ("name", "credit_code", "region")
# An enterprise's region, its parent and grandparent, to the policies issued there
# (policies.Policy.region) and on to their department: see Enterprise.scope.
POLICY_REACH = (
    "region__policies__department",
    "region__parent__policies__department",
    "region__parent__parent__policies__department",
)


def keeps_identity(user):
    """Staff change an enterprise's name, code and region; its own users may not: a new region
    would move it, and its projects' owner, into another county's scope."""
    return user.is_superuser or bool(roles(user) - {Role.ENTERPRISE})


class Enterprise(BaseModel):
    """企业: a company that owns projects, identified by its 统一社会信用代码; its enterprise
    users (企业用户) act for it and see its projects."""

    name = models.CharField(_("name"), max_length=200)
    # Optional: a builder a ledger names is registered before its code is known (新建企业); one
    # given is unique. Blank is stored as NULL, which unique lets many rows share.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100-2015; the last one is a check character."),
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises")
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[phone_validator])
    industry = models.CharField(
        _("industry code"),
        max_length=5,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754-2017: a section letter, optionally with 2–4 digits (C1353)."),
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(
        _("bank account"), max_length=40, blank=True, help_text=_("Where grants without application are paid.")
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enterprise users"),
        blank=True,
        related_name="enterprises",
    )

    # A service officer serves the enterprises whose projects it serves; the supervision and
    # coordination offices (监管服务办, 统筹办) see every enterprise. A department that issues
    # 惠企 policies reads the enterprises where its policies apply: the policy's region and the
    # regions below it (a city policy: every enterprise of the city), up to three levels down.
    scope = Scope(
        region="region",
        department=POLICY_REACH,
        service_officer="projects__service_officer",
        enterprise_user="users",
        office_remit={OfficeKind.SUPERVISION: {}, OfficeKind.COORDINATION: {}},
    )
    rights = {Action.CHANGE: STAFF | {Role.SERVICE_OFFICER, Role.ENTERPRISE}}

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    @property
    def industry_section(self):
        return IndustrySection(self.industry[0]).label if self.industry[:1] in IndustrySection.values else ""

    def clean_fields(self, exclude=None):
        # Normalised before the field validators run, so that a full-width or lower-case
        # code from a ledger or an API client is checked (and stored) in its canonical form.
        self.clean()
        super().clean_fields(exclude=exclude)

    def clean(self):
        self.credit_code = normalise_credit_code(self.credit_code)
        self.industry = normalise_industry_code(self.industry)


class EnterpriseFact(models.Model):
    """企业数据: one figure, date or flag about an enterprise for a year or a quarter, as a
    department's feed stated it (source, as-of date). The policy engine reads these.

    Deliberately not a `BaseModel`: facts arrive by the million from feeds and API pushes, and
    each load is recorded once as its background job (who, when, the file) instead of a change-log
    row per fact; a newer feed replaces a period's value (`job` says which load wrote it)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="facts"
    )
    field = models.CharField(_("fact field"), max_length=30, choices=FactField.choices)
    period = models.CharField(_("period"), max_length=10, choices=FactPeriod.choices, default=FactPeriod.YEAR)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0 for the whole year"))
    # Money in 万元 with six decimals (exact to the fen), counts, kWh, or 1/0 for a flag.
    number = models.DecimalField(_("value"), max_digits=22, decimal_places=6, null=True, blank=True)
    day = models.DateField(_("date"), null=True, blank=True)
    text = models.CharField(_("code"), max_length=20, blank=True)
    source = models.CharField(_("source department"), max_length=100)
    as_of = models.DateField(_("as of"))
    job = models.ForeignKey(
        "core.Job", verbose_name=_("loaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Enterprise.scope.via("enterprise")
    # Departments feed facts by job or API; enterprises read their own.
    rights = {Action.ADD: STAFF | {Role.DEPARTMENT_STAFF}, Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}

    class Meta:
        ordering = ["enterprise", "field", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "field", "year", "quarter"], name="fact_one_per_period")
        ]
        indexes = [models.Index(fields=["field", "year", "quarter"])]
        verbose_name = _("enterprise fact")
        verbose_name_plural = _("enterprise facts")

    def __str__(self):
        return f"{self.enterprise_id} {self.get_field_display()} {self.period_label}"

    @property
    def period_label(self):
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def kind(self):
        return FACT_KINDS[self.field]

    @property
    def plain_number(self):
        """The number without the storage's trailing zeros (50, not 50.000000)."""
        if self.number is None:
            return None
        found = self.number.normalize()
        return found.quantize(1) if found.as_tuple().exponent > 0 else found

    @property
    def value(self):
        if self.kind == FactKind.DATE:
            return self.day
        if self.kind == FactKind.CODE:
            return self.text
        if self.kind == FactKind.FLAG:
            return None if self.number is None else bool(self.number)
        return self.number
