from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyprojects.core import display
from keyprojects.core.access import ALL_ROLES, STAFF, Action, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.orgs.choices import OfficeKind

from .choices import DONE, ActionType, Category, Level, ProblemClass, Source, Status

OFFICE = frozenset({Role.OFFICE_STAFF})
# Who raises problems: counties, offices, service officers on an enterprise's behalf, enterprises.
RAISERS = STAFF | OFFICE | {Role.SERVICE_OFFICER, Role.ENTERPRISE}
# Who takes a problem in and hands it to a department: the county and the four offices.
DISPATCHERS = STAFF | OFFICE
# Who works a problem: its departments, and the county and offices that follow it.
WORKERS = DISPATCHERS | {Role.DEPARTMENT_STAFF}


class DeadlineRule(BaseModel):
    """办理时限 (13710): the working days to assign, to first progress and to solve a problem of a
    class, for one category or (category blank) for every category without its own rule."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    problem_class = models.CharField(_("class"), max_length=10, choices=ProblemClass.choices)
    assign_days = models.PositiveSmallIntegerField(
        _("assign within (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    progress_days = models.PositiveSmallIntegerField(
        _("first progress within (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("solve within (working days)"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )

    scope = Scope(reference=True)

    class Meta:
        ordering = ["category", "problem_class"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [models.UniqueConstraint(fields=["category", "problem_class"], name="deadlinerule_one_per_pair")]

    def __str__(self):
        what = self.get_category_display() if self.category else _("every category")
        return f"{what} · {self.get_problem_class_display()}"

    def clean(self):
        if self.progress_days and self.resolve_days and self.resolve_days < self.progress_days:
            raise ValidationError({"resolve_days": _("Solving cannot be due before the first progress.")})


class Problem(BaseModel):
    """问题: an obstacle raised for a project or an enterprise, handed to a lead department with
    working-day deadlines, supervised (督办) and struck off (销号) once its raiser confirms it."""

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PROJECT)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    problem_class = models.CharField(
        _("class"), max_length=10, choices=ProblemClass.choices, default=ProblemClass.SIMPLE
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("responsible office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    lead_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_problems",
    )
    co_departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("co-departments"), blank=True, related_name="shared_problems"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    escalation = models.PositiveSmallIntegerField(_("escalation"), choices=Level.choices, default=Level.NONE)
    # The deadline the problem is judged by now: to assign, then to first progress, then to solve.
    due = models.DateField(_("due"), null=True, blank=True)
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    progress_due = models.DateField(_("first progress by"), null=True, blank=True)
    resolve_due = models.DateField(_("solve by"), null=True, blank=True)
    overdue_days = models.PositiveIntegerField(_("working days overdue"), default=0, editable=False)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True, editable=False)
    progress_on = models.DateField(_("first progress on"), null=True, blank=True, editable=False)
    proposed_on = models.DateField(_("resolution proposed on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True)
    satisfied = models.BooleanField(_("raiser satisfied"), null=True, blank=True, editable=False)
    on_time = models.BooleanField(_("solved on time"), null=True, blank=True, editable=False)
    working_days = models.PositiveIntegerField(_("working days to close"), null=True, blank=True, editable=False)
    unresolvable_reason = models.TextField(_("why it cannot be solved"), blank=True)
    transferred_on = models.DateField(_("transferred to discipline inspection on"), null=True, blank=True)
    intake_key = models.CharField(_("intake key"), max_length=100, unique=True, null=True, blank=True, editable=False)

    log_exclude = frozenset({"updated", "overdue_days"})  # derived daily, like a project's light

    scope = Scope(
        region="region",
        department=("lead_department", "co_departments"),
        office="office",
        # 大监管服务办 follows every problem; each office those it is responsible for.
        office_remit={OfficeKind.SUPERVISION: {}},
        leader="project__leader",
        service_officer=("project__service_officer", "raised_by"),
        enterprise_user="enterprise__users",
    )
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: RAISERS,
        Action.CHANGE: DISPATCHERS,
        Action.ARCHIVE: STAFF,
        "accept": DISPATCHERS,
        "return": DISPATCHERS,
        "resubmit": RAISERS,
        "assign": DISPATCHERS,
        "start": WORKERS,
        "comment": WORKERS | {Role.SERVICE_OFFICER, Role.ENTERPRISE},
        "propose": WORKERS,
        "confirm": RAISERS,
        "close": OFFICE | {Role.CITY_ADMIN},
        "escalate": DISPATCHERS,
        "deadline": DISPATCHERS,
        "transfer": OFFICE | {Role.CITY_ADMIN},
        "unresolvable": WORKERS,
        "approve": frozenset({Role.LEADER, Role.CITY_ADMIN}),
        "reopen": OFFICE | {Role.CITY_ADMIN},
        "instruct": frozenset({Role.LEADER, Role.CITY_ADMIN}),
    }

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["status", "due"]),  # queues and the daily job
            models.Index(fields=["lead_department", "status", "due"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["-raised_on", "-id"]),  # the list's default order
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status not in DONE

    @property
    def overdue(self):
        return self.overdue_days > 0 and self.is_open

    @property
    def raiser_enterprise_ids(self):
        return {self.enterprise_id} if self.enterprise_id else set()


class ProblemAction(Event):
    """问题动态: a line of a problem's timeline (every state change, comment, file, reminder,
    deadline change with its reason, leader's instruction 批示)."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="actions")
    type = models.CharField(_("type"), max_length=20, choices=ActionType.choices)
    evidence = models.FileField(_("file"), upload_to="problems/%Y/%m/", blank=True)

    scope = Problem.scope.via("problem")
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}  # by services
    texts = {
        ActionType.RAISED: _("Raised (%(category)s)."),
        ActionType.ASSIGNED: _("Assigned to %(department)s, to solve by %(due)s."),
        ActionType.ESCALATED: _("Escalated to %(level)s."),
        ActionType.OVERDUE: _("Overdue by %(days)s working days."),
        ActionType.DEADLINE: _("Deadline moved from %(old)s to %(new)s."),
        ActionType.CLOSED: _("Closed (销号)."),
    }

    class Meta(Event.Meta):
        verbose_name = _("problem action")
        verbose_name_plural = _("problem actions")

    def __str__(self):
        return f"{self.get_type_display()} · {self.problem}"

    @property
    def evidence_url(self):
        from django.urls import reverse

        return reverse("problems:problem_file", args=[self.problem_id, self.pk]) if self.evidence else ""

    def sentence_params(self):
        params = super().sentence_params()
        for key in ("due", "old", "new"):
            if params.get(key):
                params[key] = display.day(params[key])
        if "level" in params:
            params["level"] = Level(params["level"]).label
        if "category" in params:
            params["category"] = Category(params["category"]).label if params["category"] in Category else ""
        return params
