import re
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action, Role, Scope
from keyprojects.core.models import BaseModel, LoggedQuerySet
from keyprojects.orgs.choices import OfficeKind

from ..choices import TIER_FLOORS, AttractionSource, Field, Light, MemberRole, Nature, Stage, Tier

# Who files monthly figures: the county, and the enterprise itself (or its service officer).
FILERS = STAFF | {Role.ENTERPRISE, Role.SERVICE_OFFICER}
PROJECT_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
_region_codes = ContextVar("region_codes", default=None)


@contextmanager
def region_codes_read_once():
    """Within: the region codes a project code may name are read once, not once per code (an
    import checks thousands)."""
    from keyprojects.orgs.models import Region

    token = _region_codes.set(set(Region.objects.exclude(code=None).values_list("code", flat=True)))
    try:
        yield
    finally:
        _region_codes.reset(token)


def validate_project_code(value):
    """项目代码 YYMM-RRRRRR-DD-TT-NNNNNN: the region part must be a known region code or its prefix."""
    from keyprojects.orgs.models import Region

    match = PROJECT_CODE.match(value or "")
    if not match:
        raise ValidationError(
            _("A project code looks like 2401-411100-04-01-123456 (YYMM-region-DD-TT-serial)."), code="shape"
        )
    month = int(match.group(1)[2:])
    if not 1 <= month <= 12:
        raise ValidationError(_("The project code's month %(month)s is not 01–12."), params={"month": month})
    region = match.group(2)
    prefixes = {region, region[:4] + "00", region[:2] + "0000"}
    known = _region_codes.get()
    if not (prefixes & known if known is not None else Region.objects.filter(code__in=prefixes).exists()):
        raise ValidationError(
            _("The region part %(region)s of the project code is not a known region."), params={"region": region}
        )


class Tag(BaseModel):
    """项目标签: 战略性新兴产业, 高技术制造业, 数字经济, 专精特新, 招商引资 …"""

    name = models.CharField(_("name"), max_length=50, unique=True)

    scope = Scope(reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class ProjectList(BaseModel):
    """名单: 省重点 / 市重点 / 县重点 and any list an administrator defines."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    open_data = models.BooleanField(
        _("open data"),
        default=False,
        help_text=_(
            "The projects on this list are published as open data (OC4IDS), as those with a public signboard are."
        ),
    )

    scope = Scope(reference=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("project list")
        verbose_name_plural = _("project lists")

    def __str__(self):
        return self.name


class ProjectQuerySet(LoggedQuerySet):
    def with_tier(self):
        """Tier computed in the database so lists filter and count by it."""
        return self.annotate(
            tier_code=Case(
                *[When(total_investment__gte=floor, then=Value(tier.value)) for tier, floor in TIER_FLOORS],
                default=Value(Tier.OTHER.value),
                output_field=models.CharField(),
            )
        )


class Project(BaseModel):
    """重点项目: one master record per project, from first lead to full capacity."""

    code = models.CharField(
        _("project code"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_project_code],
        help_text=_("National investment-project code, e.g. 2401-411100-04-01-123456; optional before filing."),
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("bundle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For a sub-project of a bundled (打捆) project; totals count the bundle once."),
    )
    owner = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("owner enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("site"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices, default=Field.INDUSTRY)
    industry_code = models.CharField(
        _("industry code"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(r"^[A-T](\d{2,4})?$", _("A GB/T 4754-2017 code: a section letter A–T, then 2–4 digits."))
        ],
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="projects")
    attraction_source = models.CharField(
        _("investment source"), max_length=20, choices=AttractionSource.choices, blank=True, default=""
    )
    nature = models.CharField(_("construction nature"), max_length=20, choices=Nature.choices, default=Nature.NEW)
    # Many projects are published before their investment is settled: blank until the project is
    # signed (advance_stage() asks for it then), shown as "not given" wherever it is displayed.
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # A project already building when the city starts reporting on the platform brings what it
    # has completed so far; its monthly reports add to it.
    prior_investment = models.DecimalField(
        _("completed before monthly reports (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Investment completed before the first monthly report here, e.g. to the end of last year."),
    )
    funding_sources = models.CharField(_("funding sources"), max_length=200, blank=True)
    construction_content = models.TextField(_("construction content"), blank=True)
    designed_capacity = models.CharField(_("designed capacity"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNED, db_index=True)
    stage_date = models.DateField(_("stage reached on"), null=True, blank=True)
    termination_reason = models.CharField(_("termination reason"), max_length=200, blank=True)
    planned_sign_date = models.DateField(_("planned signing date"), null=True, blank=True)
    actual_sign_date = models.DateField(_("signed on"), null=True, blank=True)
    planned_start_date = models.DateField(_("planned start date"), null=True, blank=True)
    actual_start_date = models.DateField(_("started on"), null=True, blank=True)
    planned_production_date = models.DateField(_("planned production date"), null=True, blank=True)
    actual_production_date = models.DateField(_("in production since"), null=True, blank=True)
    planned_capacity_date = models.DateField(_("planned capacity date"), null=True, blank=True)
    actual_capacity_date = models.DateField(_("at capacity since"), null=True, blank=True)
    in_statistics = models.BooleanField(_("registered in statistics"), default=False)  # 入统
    statistics_date = models.DateField(_("registered in statistics on"), null=True, blank=True)
    statistics_id = models.CharField(_("statistics id"), max_length=50, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    service_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chief service officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_projects",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    # Derived, kept by services.refresh_lights() so that lists filter and sort by them at scale.
    cumulative_investment = models.DecimalField(
        _("cumulative investment (10k yuan)"), max_digits=14, decimal_places=2, default=0, editable=False
    )
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, default=Light.GREEN, editable=False)
    light_reasons = models.JSONField(_("why"), default=list, blank=True, editable=False)
    signboard_published = models.BooleanField(_("signboard published"), default=False, editable=False)
    signboard_token = models.CharField(max_length=32, unique=True, editable=False, default="")

    objects = ProjectQuerySet.as_manager()
    # Derived daily (history is in events), or a secret that must not show in the log.
    log_exclude = frozenset({"updated", "light", "light_reasons", "signboard_token"})
    scope = Scope(
        region="region",
        # the department answering for the project, or for one of its nodes (拿地 → 自然资源)
        department=("department", "milestones__responsible_department"),
        # what each of the four offices oversees: 统筹 and 财政 and 监管 every key project,
        # 建设调度 those under construction
        office_remit={
            OfficeKind.COORDINATION: {},
            OfficeKind.FINANCE: {},
            OfficeKind.SUPERVISION: {},
            OfficeKind.CONSTRUCTION: {"stage": Stage.STARTED},
        },
        leader="leader",
        service_officer="service_officer",
        enterprise_user="owner__users",
    )
    # Counties register and keep their projects; an enterprise or its service officer asks for
    # a stage change that the county confirms with the evidence (StageRequest).
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: STAFF,
        Action.CHANGE: STAFF,
        Action.ARCHIVE: STAFF,
        "advance": STAFF,
        "request_stage": frozenset({Role.ENTERPRISE, Role.SERVICE_OFFICER}),
        "publish": STAFF,
        "report": FILERS,  # file a monthly report for it (ProgressReport's project choices)
        "freeze_baseline": STAFF,  # freeze its plan as baseline 1 on demand
        "replan": FILERS,  # propose a new plan (baseline N), which the county approves
    }

    class Meta:
        ordering = ["-total_investment", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["region", "stage"]),
            models.Index(fields=["light", "-total_investment"]),
            models.Index(fields=["name"]),
            models.Index(fields=["-total_investment", "id"]),  # the list's default order (bench)
            # The unfiltered list's count by an index-only scan: 13–27 → 6 ms at 50,000 projects.
            models.Index(fields=["id"], condition=models.Q(archived_at__isnull=True), name="project_live"),
        ]

    def __str__(self):
        return self.name

    def before_write(self):
        if self._state.adding and not self.cumulative_investment:  # no reports yet: what it brought
            self.cumulative_investment = self.prior_investment or 0
        if not self.signboard_token:
            self.signboard_token = secrets.token_urlsafe(16)[:22]

    @property
    def list_names(self):
        """The lists the project is on today, for the ledger; prefetch memberships__list."""
        today = timezone.localdate()
        on = [m for m in self.memberships.all() if m.archived_at is None and m.start <= today]
        return "、".join(m.list.name for m in on if m.end is None or m.end >= today)

    @property
    def tag_names(self):
        return "、".join(tag.name for tag in self.tags.all())

    @property
    def tier(self):
        for tier, floor in TIER_FLOORS:
            if self.total_investment is not None and self.total_investment >= floor:
                return tier
        return Tier.OTHER

    @property
    def total_investment_yi(self):
        """亿元 with 2 decimals, as users expect to read it."""
        return None if self.total_investment is None else round(self.total_investment / 10000, 2)

    def clean(self):
        if (
            self.prior_investment
            and self.total_investment is not None
            and self.prior_investment > self.total_investment
        ):
            raise ValidationError({"prior_investment": _("More than the total investment: check both figures.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A project cannot be its own bundle.")})
        if self.parent and self.parent.parent_id:
            raise ValidationError({"parent": _("Bundles are one level deep: this parent is itself a sub-project.")})


class ListMembership(BaseModel):
    """A project's dated place on a list (省重点 2024 …), so one project sits on many lists uncopied."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="memberships"
    )
    list = models.ForeignKey(ProjectList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)

    scope = Project.scope.via("project")
    rights = {Action.CHANGE: STAFF}

    class Meta:
        ordering = ["-start"]
        verbose_name = _("list membership")
        verbose_name_plural = _("list memberships")

    def __str__(self):
        return f"{self.list} · {self.project}"

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})


class ProjectMember(BaseModel):
    """指挥部 + 工作专班 members and the owner's contacts."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    scope = ListMembership.scope
    rights = {Action.CHANGE: STAFF | {Role.SERVICE_OFFICER}, Action.ADD: STAFF | {Role.SERVICE_OFFICER}}

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"
