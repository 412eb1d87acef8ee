from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core import display
from keyprojects.core.access import STAFF, Action, Role
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel

from ..choices import REPORTED, DocumentKind, EventType, ReportStatus, RequestStatus, Stage
from .project import FILERS, ListMembership, Project

PROJECT_SCOPE = ListMembership.scope


class Milestone(BaseModel):
    """时间节点: a dated node (拿地, 开工, 主体封顶 …) with planned and actual dates."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(_("node"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    responsible_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
        help_text=_("The department that answers for this node; it sees the node and its project."),
    )
    responsible_unit = models.CharField(
        _("responsible unit (note)"), max_length=100, blank=True, help_text=_("Free text kept as a note.")
    )

    # A department sees the nodes it answers for (and every node of a project it answers for).
    scope = Project.scope.via("project", department=("responsible_department", "project__department"))
    rights = {Action.CHANGE: STAFF | {Role.DEPARTMENT_STAFF}}

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # "has this project reached node X?" (the campaign's 履约率 asks it of every entry)
            models.Index(
                fields=["project", "name"],
                condition=models.Q(actual_date__isnull=False, archived_at__isnull=True),
                name="milestone_reached",
            )
        ]

    def __str__(self):
        return self.name


class YearPlan(BaseModel):
    """年度计划: the year's planned investment and node targets."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="year_plans")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    planned_investment = models.DecimalField(
        _("planned investment (10k yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    node_targets = models.TextField(_("node targets"), blank=True)

    scope = PROJECT_SCOPE
    rights = {Action.CHANGE: STAFF}

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year plan")
        verbose_name_plural = _("year plans")
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="yearplan_one_per_year")]

    def __str__(self):
        return f"{self.project} · {self.year}"


class ProgressReport(BaseModel):
    """月度进度: investment completed in a month and what was physically built (形象进度)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month"), help_text=_("The first day of the reported month."))
    investment = models.DecimalField(
        _("investment this month (10k yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    cumulative_investment = models.DecimalField(
        _("cumulative investment (10k yuan)"), max_digits=14, decimal_places=2, default=0, editable=False
    )
    physical_progress = models.TextField(_("physical progress"))
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("node reached"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    photo = models.FileField(_("photo"), upload_to="reports/%Y/%m/", blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    next_plan = models.TextField(_("next month's plan"), blank=True)
    correction_note = models.CharField(_("correction note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    return_reason = models.CharField(_("return reason"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope = PROJECT_SCOPE
    rights = {Action.ADD: FILERS, Action.CHANGE: FILERS, "submit": FILERS, "review": STAFF}

    class Meta:
        # project_id, not project: "project" would expand to the project's own ordering (a join
        # sorted by total investment) and no index could serve the list (bench/RESULTS.md).
        ordering = ["-month", "project_id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="report_one_per_month")]
        indexes = [
            models.Index(fields=["project", "-month"]),
            models.Index(fields=["status", "month"]),
            # The list's default order, and the late filers' "filed for month M" read from the index alone.
            models.Index(fields=["-month", "project", "status"]),
        ]

    def __str__(self):
        return f"{self.project} · {self.month:%Y-%m}"

    @property
    def reported(self):
        """Submitted or accepted: counted in every figure. A draft or returned report is not,
        and is the one its county may still edit and submit."""
        return self.status in REPORTED


class ProjectDocument(BaseModel):
    """文件资料: a contract, permit or other file kept with a project, besides the evidence of its
    stage changes and the photos of its monthly reports (the documents tab lists them all)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = PROJECT_SCOPE
    # Added by whoever files the project's monthly figures (services.add_document checks it).
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset()}

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self):
        return self.title


def _replanned_text(event):
    from ..choices import ReplanReason

    data = event.data or {}
    reason = ReplanReason(data["reason"]).label if data.get("reason") in ReplanReason.values else ""
    if data.get("slip_days") is None:
        return _("Re-planned as baseline %(number)s (%(reason)s).") % {"number": data.get("number"), "reason": reason}
    return _("Re-planned as baseline %(number)s (%(reason)s): the key date moves %(days)s days.") % {
        "number": data.get("number"),
        "reason": reason,
        "days": data["slip_days"],
    }


def _signboard_text(event):
    return _("Signboard published.") if event.data.get("published") else _("Signboard withdrawn.")


class ProjectEvent(Event):
    """A line of a project's timeline: stage changes with evidence, corrections, report reviews."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)

    scope = PROJECT_SCOPE
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}  # by services
    texts = {
        EventType.STAGE: _("Moved from “%(from)s” to “%(to)s”, reached on %(date)s."),
        EventType.CORRECTION: _("Corrected from “%(from)s” back to “%(to)s” (%(date)s)."),
        EventType.TERMINATED: _("Terminated on %(date)s, from “%(from)s”."),
        EventType.REPORT_SUBMITTED: _("Monthly report for %(month)s submitted."),
        EventType.REPORT_ACCEPTED: _("Monthly report for %(month)s accepted."),
        EventType.REPORT_RETURNED: _("Monthly report for %(month)s returned."),
        EventType.SIGNBOARD: _signboard_text,
        EventType.REPLANNED: _replanned_text,
        EventType.STAGE_REQUESTED: _("Asked to move to “%(to)s”, reached on %(date)s; the county confirms it."),
        EventType.STAGE_REQUEST_REJECTED: _("The request to move to “%(to)s” was rejected."),
    }

    class Meta(Event.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")

    def __str__(self):
        return f"{self.get_type_display()} · {self.project}"

    def sentence_params(self):
        return {
            **super().sentence_params(),
            "from": self.get_from_stage_display(),
            "to": self.get_to_stage_display(),
            "date": display.day(self.date) if self.date else "",
            "month": display.month(self.date) if self.date else "",
        }


class StageRequest(BaseModel):
    """申请变更阶段: a stage change an enterprise or its service officer asks for, with its date
    and evidence; the county confirms it (the stage then changes through advance_stage) or
    rejects it with a reason. Nobody certifies their own project's stage."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="stage_requests"
    )
    to_stage = models.CharField(_("requested stage"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("reached on"))
    dates = models.JSONField(_("dates of skipped stages"), default=dict, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    reason = models.CharField(_("reason (for a correction or termination)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    scope = PROJECT_SCOPE
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), "confirm": STAFF, "reject": STAFF}

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("stage change request")
        verbose_name_plural = _("stage change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="pending"), name="stagerequest_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.project} → {self.get_to_stage_display()}"

    @property
    def pending(self):
        return self.status == RequestStatus.PENDING
