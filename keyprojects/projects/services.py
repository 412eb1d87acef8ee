"""State changes of projects: one function each, used by the pages, the API, the importer,
the scheduler and the tests alike. Each is atomic, takes the actor as `by=` and writes its
timeline event (ProjectEvent) inside."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core.context import acting
from keyprojects.core.events import Lifecycle, Move, states

from . import notifications
from .choices import (
    LIFECYCLE,
    LIGHT_RANK,
    REPORTED,
    SIGNED_OR_LATER,
    STAGE_DATES,
    STAGE_NODES,
    EventType,
    Light,
    ReportStatus,
    RequestStatus,
    Stage,
)
from .models import Milestone, ProgressReport, Project, ProjectDocument, ProjectEvent, StageRequest, YearPlan

DEFAULT_MILESTONES = ["拿地", "开工", "基础完工", "主体封顶", "设备安装", "试生产", "投产", "达效"]


def lights_settings():
    return settings.KEYPROJECTS_LIGHTS


# --- registering -------------------------------------------------------------------------


@transaction.atomic
def register_project(form, *, by, refresh=True):
    """Save a new or edited project; a new one gets its node template (时间节点). An import
    passes refresh=False and refreshes the lights of all its rows at once."""
    with acting(by):
        creating = getattr(form.instance, "pk", None) is None  # a form or a serializer
        project = form.save()
        if creating:
            add_milestone_templates([project])
        elif "prior_investment" in (form.changed_data if hasattr(form, "changed_data") else form.validated_data):
            _recompute_cumulative(project, refresh=False)  # a form says what changed, a serializer what it got
        if refresh:
            refresh_lights([project])
    return project


def add_milestone_templates(projects):
    """New projects' node templates (时间节点) by field, in one INSERT however many projects:
    register_project gives one project its template, the importer a whole chunk of them."""
    milestones = []
    for project in projects:
        template = settings.KEYPROJECTS_MILESTONE_TEMPLATES.get(project.field, DEFAULT_MILESTONES)
        milestones += [Milestone(project_id=project.pk, name=name, order=i) for i, name in enumerate(template, 1)]
    return Milestone.objects.bulk_create(milestones)


# --- lifecycle ---------------------------------------------------------------------------


def _position(stage):
    return LIFECYCLE.index(stage)


def _dated(on) -> dict:
    """What every stage move checks first: a date, and not a future one."""
    if on is None:
        raise ValidationError({"on": _("Give the date the stage was reached.")})
    return {"on": _("The date is in the future.")} if on > timezone.localdate() else {}


def _refuse(errors):
    if errors:
        raise ValidationError(errors)


def _terminate(project, to, *, on, reason="", **params):
    errors = _dated(on)
    if not reason:
        errors["reason"] = _("Give the reason for terminating the project.")
    _refuse(errors)


def _correct(project, to, *, on, reason="", **params):
    errors = _dated(on)
    if not reason:
        errors["reason"] = _("Moving a project back to an earlier stage is a correction: give the reason.")
    _refuse(errors)


def _forward(project, to, *, on, evidence=None, note="", dates=None, **params):
    """Forward moves may skip stages when `dates` gives the day each skipped stage was reached;
    dates never go backwards; evidence a stage requires is configuration."""
    errors = _dated(on)
    dates = dates or {}
    if project.stage_date and on < project.stage_date:
        errors["on"] = _("The date %(on)s is before the date of the current stage (%(current)s).") % {
            "on": on,
            "current": project.stage_date,
        }
    required = settings.KEYPROJECTS_STAGE_EVIDENCE.get(to)
    if required == "file" and not evidence:
        errors["evidence"] = _("This stage needs evidence: upload a construction permit or a dated site photo.")
    if required == "note" and not (note or evidence):
        errors["note"] = _("This stage needs evidence: upload a document or write a note.")
    if to in SIGNED_OR_LATER and project.total_investment is None:
        errors["to"] = _("Give the project's total investment first: a signed project is counted by it.")
    skipped = LIFECYCLE[_position(project.stage) + 1 : _position(to)]
    previous = project.stage_date
    for stage in skipped:
        if stage not in STAGE_DATES:
            continue
        day = dates.get(stage)
        if day is None:
            errors["dates"] = _("Skipping %(stage)s needs the date it was reached.") % {"stage": stage.label}
            break
        if (previous and day < previous) or day > on:
            errors["dates"] = _("The date for %(stage)s is out of order.") % {"stage": stage.label}
            break
        previous = day
    _refuse(errors)
    return {"skipped": {s: dates[s] for s in skipped if s in STAGE_DATES}}


# 项目全生命周期: forward (skipping stages with their dates), back as a correction with a reason,
# or terminated from any stage with a reason; nothing follows TERMINATED.
STAGE_LIFECYCLE = Lifecycle(
    "stage",
    moves=(
        Move(EventType.STAGE, states(LIFECYCLE), states(LIFECYCLE), _forward, lambda a, b: _position(b) > _position(a)),
        Move(
            EventType.CORRECTION,
            states(LIFECYCLE),
            states(LIFECYCLE),
            _correct,
            lambda a, b: _position(b) < _position(a),
        ),
        Move(EventType.TERMINATED, states(LIFECYCLE), states([Stage.TERMINATED]), _terminate),
    ),
    final={Stage.TERMINATED: gettext_lazy("The project is terminated; it cannot change stage.")},
    same=gettext_lazy("The project is already at this stage."),
)


def check_stage_change(project, *, to, on, evidence=None, note="", dates=None, reason="") -> dict:
    """The rules of a stage change (STAGE_LIFECYCLE), checked before anything is written, by
    advance_stage and by a request for one: the event type and the dates of skipped stages."""
    move, data = STAGE_LIFECYCLE.check(
        project, to, on=on, evidence=evidence, note=note, dates=dict(dates or {}), reason=reason
    )
    return {"event_type": move.name, "skipped": data.get("skipped", {})}


@transaction.atomic
def advance_stage(project, *, to, on, by, evidence=None, note="", dates=None, reason="") -> Project:
    """Move a project to stage `to` reached on `on` (rules: check_stage_change)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    current = project.stage
    checked = check_stage_change(project, to=to, on=on, evidence=evidence, note=note, dates=dates, reason=reason)
    for stage, day in checked["skipped"].items():
        setattr(project, STAGE_DATES[stage][1], day)
    return _record_stage(
        project,
        current,
        to,
        on,
        by,
        note=note,
        reason=reason,
        evidence=evidence,
        event_type=checked["event_type"],
        skipped={stage.value: str(day) for stage, day in checked["skipped"].items()},
    )


def _record_stage(project, current, to, on, by, *, note, reason, evidence, event_type, skipped=None):
    with acting(by):
        project.stage = to
        project.stage_date = on
        if to in STAGE_DATES:
            setattr(project, STAGE_DATES[to][1], on)
        if to == Stage.TERMINATED:
            project.termination_reason = reason
        project.save()
        if to in STAGE_NODES:  # the matching node is reached the same day
            Milestone.objects.filter(project=project, name=STAGE_NODES[to], actual_date__isnull=True).update(
                actual_date=on
            )
        event = ProjectEvent(
            project=project,
            type=event_type,
            actor=by,
            from_stage=current,
            to_stage=to,
            date=on,
            note="\n".join(filter(None, [reason, note])),
            data={"skipped": skipped or {}},
        )
        if evidence:
            event.evidence.save(evidence.name, evidence, save=False)
        event.save()
        refresh_lights([project])
    return project


@transaction.atomic
def advance_stages(moves, *, by, note=""):
    """advance_stage() for many projects (a ledger's stage dates): the same rules, checked for
    each project, and the writes a fixed number of queries for all of them instead of some
    twenty per project. `moves` are (project, to, on, dates) without evidence (a stage that
    needs evidence is recorded on the project's page). The objects passed are updated in place;
    all or nothing."""
    moves = list(moves)
    if not moves:
        return []
    locked = Project.objects.select_for_update().in_bulk([project.pk for project, *_rest in moves])
    events, reached, fields = [], {}, {"stage", "stage_date"}
    for given, to, on, dates in moves:
        project = locked[given.pk]
        current = project.stage
        checked = check_stage_change(project, to=to, on=on, note=note, dates=dates)
        for stage, day in checked["skipped"].items():
            setattr(project, STAGE_DATES[stage][1], day)
            fields.add(STAGE_DATES[stage][1])
        project.stage, project.stage_date = to, on
        if to in STAGE_DATES:
            setattr(project, STAGE_DATES[to][1], on)
            fields.add(STAGE_DATES[to][1])
        if to in STAGE_NODES:
            reached[project.pk] = (STAGE_NODES[to], on)
        skipped = {stage.value: str(day) for stage, day in checked["skipped"].items()}
        events.append(
            ProjectEvent(
                project=project,
                type=checked["event_type"],
                actor=by,
                from_stage=current,
                to_stage=to,
                date=on,
                note=note,
                data={"skipped": skipped},
            )
        )
        for name in fields:
            setattr(given, name, getattr(project, name))
    changed = [locked[project.pk] for project, *_rest in moves]
    with acting(by):
        Project.objects.bulk_update(changed, sorted(fields))
        nodes = Milestone.objects.filter(project__in=list(reached), actual_date__isnull=True)
        nodes = [
            n
            for n in nodes.filter(name__in={name for name, _day in reached.values()})
            if reached[n.project_id][0] == n.name
        ]
        for node in nodes:
            node.actual_date = reached[node.project_id][1]
        Milestone.objects.bulk_update(nodes, ["actual_date"])
        ProjectEvent.objects.bulk_create(events)
    refresh_lights(changed)
    return changed


# --- stage change requests --------------------------------------------------------------


@transaction.atomic
def request_stage(project, *, by, to, on, evidence=None, note="", dates=None, reason="") -> StageRequest:
    """An enterprise (or its service officer) asks for a stage change with its evidence; the
    same rules as the change itself are checked now, so the county gets only requests it can
    confirm. One request per project waits at a time."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_stage_change(project, to=to, on=on, evidence=evidence, note=note, dates=dates, reason=reason)
    if project.stage_requests.filter(status=RequestStatus.PENDING).exists():
        raise ValidationError(_("A stage change request for this project is already waiting for confirmation."))
    with acting(by):
        request = StageRequest(
            project=project,
            to_stage=to,
            date=on,
            dates={Stage(stage).value: str(day) for stage, day in (dates or {}).items()},
            note=note,
            reason=reason,
            requested_by=by,
        )
        if evidence:
            request.evidence.save(evidence.name, evidence, save=False)
        request.save()
        notifications.stage_requested(request, by=by)
        ProjectEvent.objects.create(
            project=project,
            type=EventType.STAGE_REQUESTED,
            actor=by,
            to_stage=to,
            from_stage=project.stage,
            date=on,
            note=note,
            data={"request": request.pk},
        )
    return request


@transaction.atomic
def confirm_stage_request(request, *, by, note="") -> Project:
    """The county confirms: the stage changes through advance_stage, with the request's evidence."""
    request = StageRequest.objects.select_for_update().get(pk=request.pk)
    if not request.pending:
        raise ValidationError(_("This request was already decided."))
    evidence = None
    if request.evidence:
        from django.core.files import File

        evidence = File(request.evidence.open("rb"), name=request.evidence.name.rsplit("/", 1)[-1])
    project = advance_stage(
        request.project,
        to=Stage(request.to_stage),
        on=request.date,
        by=by,
        evidence=evidence,
        note="\n".join(filter(None, [request.note, note])),
        dates={Stage(stage): date.fromisoformat(day) for stage, day in request.dates.items()},
        reason=request.reason,
    )
    _decide(request, by, RequestStatus.CONFIRMED, note)
    notifications.stage_decided(request, by=by, confirmed=True, note=note)
    return project


@transaction.atomic
def reject_stage_request(request, *, by, reason) -> StageRequest:
    """The county rejects a request, saying why; the stage stays as it is."""
    request = StageRequest.objects.select_for_update().get(pk=request.pk)
    if not request.pending:
        raise ValidationError(_("This request was already decided."))
    if not reason:
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    _decide(request, by, RequestStatus.REJECTED, reason)
    notifications.stage_decided(request, by=by, confirmed=False, note=reason)
    ProjectEvent.objects.create(
        project=request.project,
        type=EventType.STAGE_REQUEST_REJECTED,
        actor=by,
        to_stage=request.to_stage,
        date=request.date,
        note=reason,
        data={"request": request.pk},
    )
    return request


def _decide(request, by, status, note):
    with acting(by):
        request.status = status
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_note = note[:200]
        request.save()


# --- monthly reports ---------------------------------------------------------------------


def first_of_month(day):
    return day.replace(day=1)


@transaction.atomic
def save_report(report, *, by, confirm_over_total=False):
    """Create or edit a draft or returned report (an unsaved instance carrying the new values),
    keeping every cumulative figure right."""
    project = Project.objects.select_for_update().get(pk=report.project_id)
    loaded = getattr(report, "_loaded", {}) if report.pk else {}
    month = first_of_month(report.month)
    investment = report.investment
    errors = {}
    if loaded.get("status") == ReportStatus.ACCEPTED:
        raise ValidationError(_("This month's report was accepted; it can no longer be changed."))
    existing = ProgressReport.objects.filter(project=project, month=month).exclude(pk=report.pk).first()
    if existing:
        if existing.status == ReportStatus.ACCEPTED:
            errors["month"] = _("The report for %(month)s was already accepted.") % {"month": f"{month:%Y-%m}"}
        else:
            errors["month"] = _("There is already a report for %(month)s: edit it instead.") % {
                "month": f"{month:%Y-%m}"
            }
    started = project.actual_start_date
    if investment and (started is None or month < first_of_month(started)):
        errors["investment"] = _("No investment can be reported before the project started.")
    if investment < (loaded.get("investment") or 0) and not report.correction_note:
        errors["correction_note"] = _("The cumulative investment would go down: add a correction note.")
    others = ProgressReport.objects.filter(project=project).exclude(pk=report.pk)
    total = project.prior_investment + (others.aggregate(s=Sum("investment"))["s"] or Decimal(0)) + investment
    if project.total_investment is not None and total > project.total_investment and not confirm_over_total:
        errors.setdefault(
            "investment",
            _("The cumulative investment (%(total)s) would exceed the total investment (%(limit)s): confirm to go on.")
            % {"total": total, "limit": project.total_investment},
        )
    if errors:
        raise ValidationError(errors)
    with acting(by):
        report.month = month
        if report.status == ReportStatus.RETURNED:
            report.status = ReportStatus.DRAFT
        report.save()
        _recompute_cumulative(project)
        report.refresh_from_db(fields=["cumulative_investment"])
        report._loaded["cumulative_investment"] = report.cumulative_investment
    return report


def _recompute_cumulative(project, refresh=True):
    """The project's completed investment counts its reported months (REPORTED); a draft or
    returned report's own figure is what it would make on being submitted."""
    running = project.prior_investment
    changed = []
    for report in ProgressReport.objects.filter(project=project).order_by("month"):
        if report.reported:
            running += report.investment
        cumulative = running if report.reported else running + report.investment
        if report.cumulative_investment != cumulative:
            report.cumulative_investment = cumulative
            changed.append(report)
    if changed:
        ProgressReport.objects.bulk_update(changed, ["cumulative_investment"])
    project.cumulative_investment = running
    project.save(update_fields=["cumulative_investment", "updated"])
    if refresh:
        refresh_lights([project])


@transaction.atomic
def submit_report(report, *, by):
    if report.reported:
        raise ValidationError(_("Only a draft or returned report can be submitted."))
    with acting(by):
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
        report.save()
        _recompute_cumulative(report.project)
        ProjectEvent.objects.create(
            project=report.project,
            type=EventType.REPORT_SUBMITTED,
            actor=by,
            date=report.month,
            data={"report": report.pk},
        )
        notifications.report_submitted(report, by=by)
    return report


@transaction.atomic
def review_report(report, *, by, accept, reason=""):
    """Region staff accept a submitted report, or return it with a reason."""
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not accept and not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    if by is not None and report.submitted_by_id == by.pk:
        raise ValidationError(_("You submitted this report: a colleague reviews it."))
    with acting(by):
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        report.return_reason = "" if accept else reason
        report.reviewed_by = by
        report.save()
        if not accept:
            _recompute_cumulative(report.project)
        ProjectEvent.objects.create(
            project=report.project,
            type=EventType.REPORT_ACCEPTED if accept else EventType.REPORT_RETURNED,
            actor=by,
            date=report.month,
            note=reason,
            data={"report": report.pk},
        )
        notifications.report_reviewed(report, by=by, accept=accept, reason=reason)
    return report


def report_due(month, today=None):
    """The due date of a month's report: the Nth of the next month (setting)."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=settings.KEYPROJECTS_REPORT_DUE_DAY)


def last_due_month(today=None):
    """The latest month whose report is due by today."""
    today = today or timezone.localdate()
    last_month = first_of_month(first_of_month(today) - timedelta(days=1))
    if today < report_due(last_month):
        last_month = first_of_month(last_month - timedelta(days=1))
    return last_month


def remind_late_filers(today=None) -> int:
    """The daily reminder (逾期未报): the filers of every project whose report for the last due
    month is missing are told once per project and month, however often the job runs."""
    from keyprojects.core.notifications import Notification

    late, month = late_filers(Project.objects.filter(archived_at__isnull=True), today)
    due = report_due(month)
    told = set(
        Notification.objects.filter(kind=notifications.REPORT_LATE.key, params__month=f"{month:%Y-%m}").values_list(
            "recipient_id", "target_id"
        )
    )
    count = 0
    for project in late.select_related("owner", "service_officer").iterator(chunk_size=500):
        people = [u for u in notifications.report_filers(project) if (u.pk, project.pk) not in told]
        params = {"project": project.name, "month": f"{month:%Y-%m}", "due": due.isoformat()}
        count += len(notifications.notify(people, notifications.REPORT_LATE, target=project, params=params))
    return count


def late_filers(queryset, today=None):
    """Projects under construction whose report for the last due month is missing or not submitted."""
    last_month = last_due_month(today)
    filed = ProgressReport.objects.filter(project=OuterRef("pk"), month=last_month, status__in=REPORTED)
    # NOT EXISTS, not NOT IN: an anti-join that probes each project's month (68 → 20 ms at 600k reports).
    return queryset.filter(stage=Stage.STARTED).filter(~Exists(filed)), last_month


# --- signboard ---------------------------------------------------------------------------


@transaction.atomic
def publish_signboard(project, *, by, published):
    """Opt in or out of the public signboard (公示牌); unpublished addresses answer 404."""
    with acting(by):
        project.signboard_published = published
        project.save(update_fields=["signboard_published", "updated"])
        ProjectEvent.objects.create(project=project, type=EventType.SIGNBOARD, actor=by, data={"published": published})
    return project


# --- lights ------------------------------------------------------------------------------


def milestone_light(milestone, today):
    """Green on track; yellow due within N days or late by at most M days; red later."""
    conf = lights_settings()
    if milestone.actual_date or not milestone.planned_date:
        return Light.GREEN, None
    days = (milestone.planned_date - today).days
    if days < -conf["milestone_late_days"]:
        return Light.RED, {"code": "milestone_late", "name": milestone.name, "days": -days}
    if days < 0:
        return Light.YELLOW, {"code": "milestone_late", "name": milestone.name, "days": -days}
    if days <= conf["milestone_warning_days"]:
        return Light.YELLOW, {"code": "milestone_due", "name": milestone.name, "days": days}
    return Light.GREEN, None


def schedule_progress(today):
    """序时进度: the share of the year's months already reported (months elapsed / 12)."""
    return Decimal(today.month - 1) / Decimal(12)


def year_progress(project, today):
    """This year's plan, what is done, 序时进度 and the deviation in percentage points."""
    plan = project.year_plans.filter(year=today.year).first()
    reported = project.reports.filter(month__year=today.year, status__in=REPORTED)
    done = reported.aggregate(s=Sum("investment"))["s"] or Decimal(0)
    if plan is None or not plan.planned_investment:
        return {"plan": plan, "done": done}
    schedule = schedule_progress(today) * 100
    actual = done / plan.planned_investment * 100
    return {
        "plan": plan,
        "done": done,
        "schedule": round(schedule, 1),
        "actual": round(actual, 1),
        "deviation": round(actual - schedule, 1),
    }


def project_lights(project, today, milestones, plan, year_investment):
    """Every light of a project with its reason; the caller takes the worst."""
    conf = lights_settings()
    found = []
    for milestone in milestones:
        light, reason = milestone_light(milestone, today)
        if reason:
            found.append((light, reason))
    started = project.stage in {Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY}
    if plan and plan.planned_investment and project.stage == Stage.STARTED:
        expected = schedule_progress(today) * 100
        actual = Decimal(year_investment or 0) / plan.planned_investment * 100
        behind = expected - actual
        if behind > conf["investment_red_points"]:
            found.append((Light.RED, {"code": "investment_behind", "points": round(float(behind), 1)}))
        elif behind >= conf["investment_yellow_points"]:
            found.append((Light.YELLOW, {"code": "investment_behind", "points": round(float(behind), 1)}))
    if project.planned_start_date and not started and project.stage != Stage.TERMINATED:
        late = (today - project.planned_start_date).days
        if late > conf["start_red_days"]:
            found.append((Light.RED, {"code": "not_started", "days": late}))
        elif late > 0:
            found.append((Light.YELLOW, {"code": "not_started", "days": late}))
    if started and not project.in_statistics and project.actual_start_date:
        waited = (today - project.actual_start_date).days
        if waited > conf["statistics_red_days"]:
            found.append((Light.RED, {"code": "not_in_statistics", "days": waited}))
        elif waited > conf["statistics_yellow_days"]:
            found.append((Light.YELLOW, {"code": "not_in_statistics", "days": waited}))
    return found


def refresh_lights(projects, today=None, milestones=None):
    """Recompute the stored light and reasons for these projects, a batch at a time: four
    queries per batch whatever its size. `milestones` may hold those of projects just written
    ({project id: [milestone]}, an import's templates), which are then not read again."""
    today = today or timezone.localdate()
    projects = list(projects)
    ids = [p.pk for p in projects]
    milestones = {pk: milestones[pk] for pk in ids if pk in milestones} if milestones else {}
    unread = [pk for pk in ids if pk not in milestones]
    for milestone in Milestone.objects.filter(project_id__in=unread, archived_at__isnull=True):
        milestones.setdefault(milestone.project_id, []).append(milestone)
    plans = {p.project_id: p for p in YearPlan.objects.filter(project_id__in=ids, year=today.year)}
    invested = dict(
        ProgressReport.objects.filter(project_id__in=ids, month__year=today.year, status__in=REPORTED)
        .values_list("project")
        .annotate(total=Sum("investment"))
        .values_list("project", "total")
    )
    changed = []
    for project in projects:
        found = project_lights(
            project, today, milestones.get(project.pk, []), plans.get(project.pk), invested.get(project.pk)
        )
        light = max((light for light, _ in found), key=LIGHT_RANK.get, default=Light.GREEN)
        reasons = [{"light": light, **reason} for light, reason in sorted(found, key=lambda item: -LIGHT_RANK[item[0]])]
        if project.light != light or project.light_reasons != reasons:
            project.light, project.light_reasons = light, reasons
            changed.append(project)
    if changed:
        Project.objects.bulk_update(changed, ["light", "light_reasons"])
    return changed


def refresh_all_lights(today=None, batch=2000):
    """The daily run: time alone turns lights yellow and red."""
    count = 0
    queryset = Project.objects.filter(archived_at__isnull=True).exclude(stage=Stage.TERMINATED).order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:batch])
        if not chunk:
            return count
        count += len(refresh_lights(chunk, today))
        last = chunk[-1].pk


def describe(reason):
    """A stored light reason in the reader's language."""
    code = reason.get("code")
    if code == "milestone_late":
        return _("Node “%(name)s” is %(days)s days late.") % reason
    if code == "milestone_due":
        return _("Node “%(name)s” is due in %(days)s days.") % reason
    if code == "investment_behind":
        return _("Investment is %(points)s points behind the schedule.") % reason
    if code == "not_started":
        return _("Planned start passed %(days)s days ago; not started.") % reason
    if code == "not_in_statistics":
        return _("Started %(days)s days ago; not yet registered in statistics.") % reason
    return code or ""


# --- documents ---------------------------------------------------------------------------


@transaction.atomic
def add_document(project: Project, *, file, title: str, kind: str, by) -> ProjectDocument:
    """文件资料: keep a contract, permit or other file with the project. Whoever files the
    project's monthly figures may; the file is checked by its content and bounded in size."""
    from django.core.exceptions import PermissionDenied

    from keyprojects.core.uploads import check_evidence

    if by is not None and not Project.objects.restrict(by, "report").filter(pk=project.pk).exists():
        raise PermissionDenied
    if not file:
        raise ValidationError({"file": _("Choose a file to upload.")})
    check_evidence(file)
    with acting(by):
        document = ProjectDocument(project=project, title=title.strip() or file.name, kind=kind, file=file)
        document.uploaded_by = by
        document.full_clean(exclude=["uploaded_by"])
        document.save()
    return document
