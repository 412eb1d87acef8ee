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

from .choices import (
    DONE,
    ActionType,
    Category,
    DecisionEventType,
    DecisionStatus,
    ItemKind,
    Level,
    MeetingStatus,
    ProblemClass,
    Source,
    Status,
)

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
    due = models.DateField(_("current deadline"), null=True, blank=True)
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


# --- weekly meetings (周例会) ---------------------------------------------------------------

MEETING_KEEPERS = OFFICE | {Role.CITY_ADMIN}  # 大项目统筹办 prepares the meeting and records it


class Meeting(BaseModel):
    """周例会: the numbered weekly meeting on key projects; its agenda is built from what is late
    (overdue and escalated problems, red-light projects, decisions still open), then edited."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chair"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)

    scope = Scope(reference=True)  # city-wide: everyone signed in reads the meetings
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: MEETING_KEEPERS,
        Action.CHANGE: MEETING_KEEPERS,
        Action.ARCHIVE: MEETING_KEEPERS,
        "agenda": MEETING_KEEPERS,
        "hold": MEETING_KEEPERS,
        "decide": MEETING_KEEPERS,
    }

    class Meta:
        ordering = ["-number"]
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")

    def __str__(self):
        return f"第{self.number}次重点项目建设周例会"  # its name as the city writes it, in every language


class AgendaItem(BaseModel):
    """议题: one item of a meeting's agenda, linked to the problem, project or decision it is about."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.OTHER)
    text = models.CharField(_("item"), max_length=300)
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "Decision", verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope = Scope(reference=True)
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: MEETING_KEEPERS,
        Action.CHANGE: MEETING_KEEPERS,
        Action.ARCHIVE: MEETING_KEEPERS,
    }

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()


class Decision(BaseModel):
    """议定事项: what a meeting decided, owned by a department with a deadline, linked to the
    problems and projects it is about; followed like a problem until the office closes it."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("what was decided"))
    owner_department = models.ForeignKey(
        "orgs.Department", verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="decisions"
    )
    deadline = models.DateField(_("deadline"))
    problems = models.ManyToManyField(Problem, verbose_name=_("problems"), blank=True, related_name="decisions")
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), blank=True, related_name="decisions"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN, db_index=True
    )
    report = models.TextField(_("what was done"), blank=True)
    reported_on = models.DateField(_("reported done on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    overdue_days = models.PositiveIntegerField(_("working days overdue"), default=0, editable=False)

    log_exclude = frozenset({"updated", "overdue_days"})
    scope = Scope(
        region="projects__region",
        department="owner_department",
        office_remit={OfficeKind.COORDINATION: {}, OfficeKind.SUPERVISION: {}},
        leader="projects__leader",
    )
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: frozenset(),  # decided at a meeting (the meeting's verb)
        Action.CHANGE: MEETING_KEEPERS,
        Action.ARCHIVE: MEETING_KEEPERS,
        "report": frozenset({Role.DEPARTMENT_STAFF}) | MEETING_KEEPERS,
        "close": MEETING_KEEPERS,
        "send_back": MEETING_KEEPERS,
    }

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.text[:60]

    @property
    def overdue(self):
        return self.overdue_days > 0 and self.status == DecisionStatus.OPEN


class DecisionEvent(Event):
    """A line of a decision's timeline."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=DecisionEventType.choices)

    scope = Decision.scope.via("decision")
    rights = {Action.ADD: frozenset(), Action.CHANGE: frozenset(), Action.ARCHIVE: frozenset()}  # by services

    class Meta(Event.Meta):
        verbose_name = _("decision event")
        verbose_name_plural = _("decision events")

    def __str__(self):
        return f"{self.get_type_display()} · {self.decision_id}"
