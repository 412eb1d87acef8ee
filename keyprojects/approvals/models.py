"""The approval green channel (审批绿色通道): the catalogue of matters (事项目录), each project's
approval plan (审批计划) with one row per matter and its working-day clock, and the zone-wide
assessments (区域评估) that projects in a zone reuse instead of applying themselves."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.orgs.choices import OfficeKind
from keyprojects.projects.models import Project

from .choices import (
    OPEN,
    RUNNING,
    ApprovalMode,
    ApprovalStatus,
    AssessmentKind,
    EventType,
    ProjectKind,
    ReformStage,
)

# Who works a matter: its department; the county and the city follow and may record for it.
WORKERS = STAFF | {Role.DEPARTMENT_STAFF}


class ApprovalMatter(BaseModel):
    """事项目录: one approval matter of Henan's 联审联批 list, in its reform stage, with the
    department that answers for it, its statutory working days and the modes it allows."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    stage = models.CharField(_("reform stage"), max_length=20, choices=ReformStage.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    department_name = models.CharField(
        _("responsible department (as listed)"), max_length=100, help_text=_("For example 发展改革部门.")
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_matters",
        help_text=_("The city's department that handles it; its staff see the matter's queue."),
    )
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    allowed_modes = models.JSONField(
        _("allowed modes"), default=list, help_text=_("The modes this matter may be handled in.")
    )
    kinds = models.JSONField(
        _("in the templates of"), default=list, blank=True, help_text=_("Project kinds whose plan includes it.")
    )
    needed_for_start = models.BooleanField(_("needed to start construction"), default=True)
    assessment_kind = models.CharField(
        _("covered by zone assessment"),
        max_length=20,
        choices=AssessmentKind.choices,
        blank=True,
        help_text=_("A valid zone assessment of this kind replaces the project's own application."),
    )

    scope = Scope(reference=True)

    class Meta:
        ordering = ["stage", "order", "pk"]
        verbose_name = _("approval matter")
        verbose_name_plural = _("approval matters")

    def __str__(self):
        return self.name

    def clean(self):
        modes = self.allowed_modes or []
        if not isinstance(modes, list) or not modes or any(m not in ApprovalMode.values for m in modes):
            raise ValidationError({"allowed_modes": _("Choose at least one mode from the list.")})
        kinds = self.kinds or []
        if not isinstance(kinds, list) or any(k not in ProjectKind.values for k in kinds):
            raise ValidationError({"kinds": _("Choose project kinds from the list.")})

    def get_allowed_modes_display(self):
        labels = dict(ApprovalMode.choices)
        return "、".join(str(labels.get(m, m)) for m in self.allowed_modes or [])

    def get_kinds_display(self):
        labels = dict(ProjectKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds or [])


class ZoneAssessment(BaseModel):
    """区域评估: an assessment a zone (经开区 …) made once for its whole area, valid for a time,
    that every project in the zone reuses instead of its own application."""

    region = models.ForeignKey("orgs.Region", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("assessment"), max_length=20, choices=AssessmentKind.choices)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = Scope(region="region")
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: STAFF, Action.CHANGE: STAFF, Action.ARCHIVE: STAFF}

    class Meta:
        ordering = ["region__path", "kind", "-valid_until"]
        verbose_name = _("zone assessment")
        verbose_name_plural = _("zone assessments")

    def __str__(self):
        return f"{self.region} · {self.get_kind_display()}"

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})

    def expired_on(self, day=None) -> bool:
        return self.valid_until < (day or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.expired_on()


class ApprovalPlan(BaseModel):
    """审批计划: a project's approvals, built from the template of its kind (备案类, 核准类,
    政府投资); `ready_on` is the day every matter construction needs was cleared."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="approval_plan"
    )
    kind = models.CharField(_("project kind"), max_length=20, choices=ProjectKind.choices)
    ready_on = models.DateField(_("ready to start on"), null=True, blank=True, editable=False)

    scope = Project.scope.via("project", department=("project__department", "approvals__department"))
    rights = {Action.VIEW: ALL_ROLES, Action.ADD: STAFF, Action.CHANGE: STAFF, Action.ARCHIVE: STAFF}

    class Meta:
        ordering = ["-created", "pk"]
        verbose_name = _("approval plan")
        verbose_name_plural = _("approval plans")

    def __str__(self):
        return str(self.project)


class ProjectApproval(BaseModel):
    """审批事项: one matter of one project's plan: its mode, status, dates, 文号 and file, and
    its clock in working days (running from acceptance, paused while 待补正)."""

    plan = models.ForeignKey(ApprovalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="approvals")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(ApprovalMatter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ApprovalMode.choices, default=ApprovalMode.REGULAR)
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_STARTED, db_index=True
    )
    statutory_days = models.PositiveSmallIntegerField(_("statutory working days"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paused_on = models.DateField(_("paused since"), null=True, blank=True, editable=False)
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0, editable=False)
    due = models.DateField(_("due"), null=True, blank=True, editable=False)
    working_days = models.PositiveIntegerField(_("working days taken"), null=True, blank=True, editable=False)
    remaining_days = models.IntegerField(_("working days left"), null=True, blank=True, editable=False)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)  # 文号
    file = models.FileField(_("file"), upload_to="approvals/%Y/%m/", blank=True)
    missing_documents = models.TextField(_("missing documents"), blank=True)
    supplement_deadline = models.DateField(_("supplement by"), null=True, blank=True)
    supplied_on = models.DateField(_("supplied on"), null=True, blank=True)
    zone_assessment = models.ForeignKey(
        ZoneAssessment,
        verbose_name=_("zone assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    note = models.TextField(_("note"), blank=True)

    log_exclude = frozenset({"updated", "remaining_days"})  # derived daily
    scope = Project.scope.via(
        "project",
        department="department",
        office_remit={OfficeKind.COORDINATION: {}, OfficeKind.SUPERVISION: {}},
    )
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: STAFF,
        Action.CHANGE: STAFF,
        Action.ARCHIVE: STAFF,
        "apply": WORKERS | {Role.ENTERPRISE, Role.SERVICE_OFFICER},
        "accept": WORKERS,
        "review": WORKERS,
        "ask_supplement": WORKERS,
        "resume": WORKERS,
        "supplied": WORKERS,
        "approve": WORKERS,
        "refuse": WORKERS,
        "withdraw": WORKERS | {Role.ENTERPRISE},
    }

    class Meta:
        ordering = ["matter__stage", "matter__order", "pk"]
        verbose_name = _("project approval")
        verbose_name_plural = _("project approvals")
        constraints = [models.UniqueConstraint(fields=["plan", "matter"], name="approval_one_matter_per_plan")]
        indexes = [
            models.Index(fields=["department", "status", "remaining_days"]),
            models.Index(fields=["status", "due"]),
        ]

    def __str__(self):
        return f"{self.project} · {self.matter}"

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def paused(self) -> bool:
        return self.status == ApprovalStatus.AWAITING_APPLICANT

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def overdue(self) -> bool:
        return self.remaining_days is not None and self.remaining_days < 0 and self.status in OPEN


class ApprovalEvent(Event):
    """事项动态: a dated line of a matter's history: previous status, new status, by whom."""

    approval = models.ForeignKey(
        ProjectApproval, verbose_name=_("approval"), on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    on = models.DateField(_("date"))
    previous_status = models.CharField(_("previous status"), max_length=20, choices=ApprovalStatus.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ApprovalStatus.choices, blank=True)

    scope = ProjectApproval.scope.via("approval")
    texts = {
        EventType.STATUS: _("%(previous)s → %(status)s on %(on)s"),
        EventType.OVERDUE: _("Overdue: %(days)s working days past the statutory limit"),
    }

    class Meta(Event.Meta):
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")

    def sentence_params(self):
        return {
            **super().sentence_params(),
            "previous": self.get_previous_status_display() or "—",
            "status": self.get_status_display(),
            "on": self.on.isoformat() if self.on else "",
        }
