from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Action, can, memberships
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import services
from .choices import OPEN, WORKING, DecisionStatus, MeetingStatus
from .filtersets import (
    AgendaItemFilterSet,
    DeadlineRuleFilterSet,
    DecisionFilterSet,
    MeetingFilterSet,
    ProblemFilterSet,
)
from .forms import (
    AgendaItemForm,
    ApproveForm,
    AssignForm,
    ConfirmForm,
    DeadlineForm,
    DeadlineRuleForm,
    DecideForm,
    EscalateForm,
    InstructionForm,
    MeetingForm,
    MinutesForm,
    NoteFileForm,
    NoteForm,
    ProblemForm,
    ProposeForm,
    ReportDecisionForm,
)
from .importers import EXPORT_COLUMNS, ProblemImporter
from .models import AgendaItem, DeadlineRule, Decision, Meeting, Problem
from .tables import AgendaItemTable, DeadlineRuleTable, DecisionTable, MeetingTable, ProblemTable

_ = gettext_lazy
on = services.available


class ProblemViews(ModelViews):
    model = Problem
    filterset = ProblemFilterSet
    table = ProblemTable
    form = ProblemForm
    detail_template = "problems/problem_detail.html"
    importer = ProblemImporter
    export_columns = EXPORT_COLUMNS
    select_related = ("region", "lead_department", "project", "enterprise", "office", "raised_by")
    hidden_columns = ("source", "problem_class", "office", "enterprise", "project", "escalation")
    verbs = (
        Verb("accept", _("Accept"), services.accept_problem, available=on("accept"), done=_("Problem accepted.")),
        Verb(
            "assign",
            _("Assign"),
            services.assign_problem,
            form=AssignForm,
            available=on("assign"),
            done=_("Problem assigned."),
            help=_("The deadlines follow the 13710 rule in working days, counted from the day it was raised."),
        ),
        Verb(
            "return",
            _("Return for information"),
            services.return_problem,
            form=NoteForm,
            available=on("return"),
            style="outline-secondary",
            done=_("Returned to the raiser."),
        ),
        Verb(
            "resubmit",
            _("Resubmit"),
            services.resubmit_problem,
            form=NoteFileForm,
            available=on("resubmit"),
            done=_("Resubmitted."),
        ),
        Verb(
            "start",
            _("Report first progress"),
            services.start_problem,
            form=NoteFileForm,
            available=on("start"),
            done=_("Progress recorded."),
        ),
        Verb(
            "propose",
            _("Propose resolution"),
            services.propose_resolution,
            form=ProposeForm,
            available=on("propose"),
            style="success",
            done=_("The raiser is asked to confirm."),
        ),
        Verb(
            "confirm",
            _("Confirm resolution"),
            services.confirm_resolution,
            form=ConfirmForm,
            available=on("confirm"),
            style="success",
            done=_("Thank you: your answer was recorded."),
        ),
        Verb(
            "close",
            _("Close (销号)"),
            services.close_problem,
            available=on("close"),
            style="success",
            done=_("Problem closed."),
        ),
        Verb(
            "escalate",
            _("Escalate"),
            services.escalate_problem,
            form=EscalateForm,
            available=on("escalate"),
            style="outline-danger",
            done=_("Problem escalated."),
        ),
        Verb(
            "deadline",
            _("Change deadline"),
            services.change_deadline,
            form=DeadlineForm,
            available=on("deadline"),
            style="outline-secondary",
            done=_("Deadline changed."),
        ),
        Verb(
            "unresolvable",
            _("Declare unresolvable"),
            services.declare_unresolvable,
            form=NoteForm,
            available=on("unresolvable"),
            style="outline-secondary",
            done=_("A leader is asked to approve."),
        ),
        Verb(
            "approve",
            _("Decide on unresolvable"),
            services.decide_unresolvable,
            form=ApproveForm,
            available=on("approve"),
            done=_("Decision recorded."),
        ),
        Verb(
            "transfer",
            _("Transfer to discipline inspection"),
            services.transfer_problem,
            form=NoteForm,
            available=lambda p: on("transfer")(p) and not p.transferred_on,
            style="outline-danger",
            done=_("Transfer recorded."),
        ),
        Verb(
            "reopen",
            _("Reopen"),
            services.reopen_problem,
            form=NoteForm,
            available=on("reopen"),
            style="outline-secondary",
            done=_("Problem reopened."),
        ),
        Verb(
            "instruct",
            _("Write instruction (批示)"),
            services.instruct,
            form=InstructionForm,
            available=on("instruct"),
            style="outline-primary",
            done=_("Instruction sent to the departments."),
        ),
        Verb(
            "comment",
            _("Comment"),
            services.comment,
            form=NoteFileForm,
            available=on("comment"),
            style="outline-secondary",
            done=_("Comment added."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        problem = form.save(commit=False)
        if problem.pk:
            return services.edit_problem(problem, by=request.user)
        return services.raise_problem(problem, by=request.user, evidence=form.cleaned_data.get("evidence"))

    @classmethod
    def detail_fields(cls, obj):
        names = [
            "category",
            "problem_class",
            "source",
            "project",
            "enterprise",
            "region",
            "office",
            "lead_department",
            "raised_by",
            "raised_on",
            "assign_due",
            "progress_due",
            "resolve_due",
            "resolution",
            "unresolvable_reason",
            "transferred_on",
        ]
        fields = super().detail_fields(obj)  # the form's fields first
        shown = {label for label, _value in fields}
        for name in names:
            field = obj._meta.get_field(name)
            if field.verbose_name in shown:
                continue
            display = getattr(obj, f"get_{name}_display", None)
            fields.append((field.verbose_name, display() if display else getattr(obj, name)))
        fields.append(
            (Problem._meta.get_field("co_departments").verbose_name, "、".join(map(str, obj.co_departments.all())))
        )
        return [
            (label, value) for label, value in fields if label != Problem._meta.get_field("description").verbose_name
        ]

    @classmethod
    def detail_context(cls, request, obj):
        actions = list(obj.actions.select_related("actor"))
        return {"events": actions}


class DeadlineRuleViews(ModelViews):
    model = DeadlineRule
    filterset = DeadlineRuleFilterSet
    table = DeadlineRuleTable
    form = DeadlineRuleForm
    url_prefix = "deadline-rules/"


@login_required
def problem_file(request, pk, action):
    """A photo or file on a problem's timeline, for whoever may see the problem."""
    problem = get_object_or_404(Problem.objects.restrict(request.user), pk=pk)
    found = get_object_or_404(problem.actions.all(), pk=action).evidence
    if not found:
        raise Http404
    name = found.name.rsplit("/", 1)[-1]
    image = name.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
    return FileResponse(found.open("rb"), as_attachment=not image, filename=name)


def _my_departments(user):
    return [m.department_id for m in memberships(user) if m.department_id]


@login_required
def queue(request):
    """工作队列: the problems the user's department must act on, the earliest deadline first
    (the first 50; the list's filters hold all of them); for other roles the open problems in
    their scope."""
    problems = Problem.objects.restrict(request.user).filter(archived_at__isnull=True, status__in=OPEN)
    departments = _my_departments(request.user)
    if departments:
        problems = problems.filter(status__in=WORKING)
    shown = list(problems.select_related("lead_department").order_by("due", "pk")[: QUEUE_ROWS + 1])
    context = {"problems": shown[:QUEUE_ROWS], "more": len(shown) > QUEUE_ROWS, "departments": departments}
    return render(request, "problems/queue.html", context)


QUEUE_ROWS = 50  # the nearest deadlines; the list holds them all


def _panel(request, owner, field, source):
    problems = list(
        Problem.objects.restrict(request.user)
        .filter(**{field: owner}, archived_at__isnull=True)
        .select_related("lead_department")
        .order_by("-raised_on", "-pk")[:50]
    )
    can_raise = can(request.user, Action.ADD, Problem)
    if not problems and not can_raise:
        return None
    add = reverse("problems:problem_add") + f"?{field}={owner.pk}&source={source}"
    return {"problems": problems, "can_raise": can_raise, "add_url": add}


def project_problems(request, project):
    """The project page's 问题 tab: its problems, and the button to raise one."""
    return _panel(request, project, "project", "project")


def enterprise_problems(request, enterprise):
    """The enterprise's page (an enterprise user's own): its problems and the button to raise one."""
    return _panel(request, enterprise, "enterprise", "enterprise")


def home_problems(request):
    """工作台: the user's open problems nearest their deadline (a department's queue; the
    problems an enterprise or officer raised)."""
    if not can(request.user, Action.VIEW, Problem):
        return None
    problems = Problem.objects.restrict(request.user).filter(archived_at__isnull=True, status__in=OPEN)
    if _my_departments(request.user):
        problems = problems.filter(status__in=WORKING)
    rows = list(problems.select_related("lead_department").order_by("due", "pk")[:8])
    if not rows:
        return None
    return {"problems": rows, "overdue": sum(1 for p in rows if p.overdue)}


class MeetingViews(ModelViews):
    model = Meeting
    filterset = MeetingFilterSet
    table = MeetingTable
    form = MeetingForm
    detail_template = "problems/meeting_detail.html"
    verbs = (
        Verb(
            "agenda",
            _("Build agenda"),
            services.build_agenda,
            available=lambda m: m.status == MeetingStatus.PLANNED,
            style="outline-primary",
            done=_("Overdue and escalated problems, red-light projects and open decisions added to the agenda."),
        ),
        Verb(
            "decide",
            _("Record a decision"),
            services.add_decision,
            form=DecideForm,
            done=_("Decision recorded; its department is told."),
        ),
        Verb(
            "hold",
            _("Record minutes"),
            services.hold_meeting,
            form=MinutesForm,
            available=lambda m: m.status == MeetingStatus.PLANNED,
            style="success",
            done=_("Minutes recorded."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        return services.create_meeting(form.save(commit=False), by=request.user)

    @classmethod
    def detail_context(cls, request, obj):
        items = obj.items.filter(archived_at__isnull=True).select_related("problem", "project", "decision")
        decisions = obj.decisions.filter(archived_at__isnull=True).select_related("owner_department")
        from .documents import DOCUMENTS

        return {
            "items": items,
            "decisions": decisions,
            "can_edit_agenda": can(request.user, Action.CHANGE, AgendaItem),
            "docx": [(part, label) for part, label in DOCUMENT_LABELS.items() if part in DOCUMENTS],
        }


class AgendaItemViews(ModelViews):
    model = AgendaItem
    filterset = AgendaItemFilterSet
    table = AgendaItemTable
    form = AgendaItemForm
    url_prefix = "agenda-items/"


class DecisionViews(ModelViews):
    model = Decision
    filterset = DecisionFilterSet
    table = DecisionTable
    detail_template = "problems/decision_detail.html"
    select_related = ("meeting", "owner_department")
    verbs = (
        Verb(
            "report",
            _("Report done"),
            services.report_decision,
            form=ReportDecisionForm,
            available=lambda d: d.status == DecisionStatus.OPEN,
            style="success",
            done=_("Reported; the office confirms it."),
        ),
        Verb(
            "close",
            _("Close (销号)"),
            services.close_decision,
            available=lambda d: d.status == DecisionStatus.DONE,
            style="success",
            done=_("Decision closed."),
        ),
        Verb(
            "send_back",
            _("Send back"),
            services.send_back_decision,
            form=NoteForm,
            available=lambda d: d.status == DecisionStatus.DONE,
            style="outline-secondary",
            done=_("Sent back to the department."),
        ),
    )

    @classmethod
    def detail_context(cls, request, obj):
        return {"events": list(obj.events.select_related("actor"))}


@login_required
def meeting_docx(request, pk, part):
    """议程 / 会议纪要 / 议定事项清单 as a Word document."""
    from .documents import DOCUMENTS, meeting_document

    meeting = get_object_or_404(Meeting.objects.restrict(request.user), pk=pk)
    if part not in DOCUMENTS:
        raise Http404
    content, name = meeting_document(meeting, part)
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def circular_docx(request):
    """督办通报 as a Word document, over the user's scope."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.utils import timezone

    from .documents import circular_document

    if not can(request.user, Action.VIEW, Problem):
        raise PermissionDenied
    content, name = circular_document(request.user, timezone.localdate())
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


DOCUMENT_LABELS = {"agenda": _("Agenda (docx)"), "minutes": _("Minutes (docx)"), "decisions": _("Decision list (docx)")}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


BOARD_GROUPS = {"department": _("By department"), "office": _("By office"), "region": _("By region")}
GROUP_LABELS = {"department": _("lead department"), "office": _("responsible office"), "region": _("region")}


@login_required
def board_page(request):
    """动态清零 board: per department, office or region, and by week."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from . import board

    if not can(request.user, Action.VIEW, Problem):
        raise PermissionDenied
    figures = board.board(request.user, request.GET.get("by", "department"))
    return render(
        request,
        "problems/board.html",
        {
            "board": figures,
            "trend": board.trend(request.user, weeks=13, today=timezone.localdate())[::-1],
            "groups": list(BOARD_GROUPS.items()),
            "group_label": GROUP_LABELS[figures["by"]],
        },
    )
