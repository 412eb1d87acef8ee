"""What the project page leads with, computed once per page view (a fixed number of queries,
whatever the number of reports, nodes or files): the header card's figures, the cumulative
investment plan against what was reported, the node timeline, and every file kept with the
project (stage evidence, report photos, requests' evidence, documents)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from keyprojects.core import display

from .choices import REPORTED, Light

IMAGE_ENDINGS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def _first(day: date) -> date:
    return day.replace(day=1)


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def investment_chart(project, reports, plans, today: date) -> dict | None:
    """Cumulative investment by month (万元): what was reported (submitted or accepted), and the
    year plans by schedule — each year's plan added to what was done by the end of the year
    before, evenly by month (序时进度). None when there is nothing to draw."""
    reported = sorted((r for r in reports if r.status in REPORTED), key=lambda r: r.month)
    by_month = {_first(r.month): r.cumulative_investment for r in reported}
    plan_years = {p.year: p.planned_investment for p in plans}
    if not by_month and not plan_years:
        return None
    starts = [min(by_month)] if by_month else []
    starts += [date(min(plan_years), 1, 1)] if plan_years else []
    start, end = min(starts), _first(today)
    if by_month:
        end = max(end, max(by_month))
    months = list(_months(start, end))[-60:]  # five years at most: the chart stays readable
    base_by_year, running = {}, project.prior_investment or Decimal(0)
    for month in _months(start, date(end.year, 12, 1)):
        if month.month == 1:
            base_by_year[month.year] = running
        running = by_month.get(month, running)
    plan, actual = [], []
    for month in months:
        planned = plan_years.get(month.year)
        base = base_by_year.get(month.year, project.prior_investment or Decimal(0))
        plan.append(None if planned is None else display.chart_amount(base + planned * month.month / 12, display.WAN))
        actual.append(display.chart_amount(by_month.get(month), display.WAN))
    return {
        "labels": [display.month(m) for m in months],
        "plan": plan,
        "actual": actual,
        "words": {
            "plan": _("Planned (by schedule)"),
            "actual": _("Reported"),
            "unit": display.unit_label(display.WAN),
        },
    }


@dataclass
class Node:
    milestone: object
    state: str  # done, late-done, current, overdue, upcoming
    light: str


def node_timeline(milestones, today: date) -> tuple[list[Node], object]:
    """The nodes in order with their state, and the current one (the first not reached)."""
    from .services import milestone_light

    nodes, current = [], None
    for milestone in milestones:
        light = milestone_light(milestone, today)[0]
        if milestone.actual_date:
            late = milestone.planned_date and milestone.actual_date > milestone.planned_date
            state = "late-done" if late else "done"
        elif current is None:
            current = milestone
            state = "overdue" if milestone.planned_date and milestone.planned_date < today else "current"
        else:
            state = "overdue" if milestone.planned_date and milestone.planned_date < today else "upcoming"
        nodes.append(Node(milestone, state, light if not milestone.actual_date else Light.GREEN))
    return nodes, current


@dataclass
class File:
    name: str
    kind: str
    day: object
    url: str
    image: bool
    note: str = ""


def _file(project, kind, pk, field, label, day, note=""):
    name = field.name.rsplit("/", 1)[-1]
    url = reverse("projects:project_file", args=[project.pk, kind, pk])
    return File(name, str(label), day, url, name.lower().endswith(IMAGE_ENDINGS), note)


def project_files(project, events, reports, requests, documents) -> list[File]:
    """Every file kept with the project, newest first."""
    files = []
    for event in events:
        if event.evidence:
            files.append(
                _file(
                    project,
                    "event",
                    event.pk,
                    event.evidence,
                    _("Stage evidence"),
                    event.date or event.time,
                    event.sentence,
                )
            )
    for request in requests:
        if request.evidence:
            note = _("Requested move to “%(stage)s”") % {"stage": request.get_to_stage_display()}
            files.append(
                _file(project, "request", request.pk, request.evidence, _("Request evidence"), request.date, note)
            )
    for report in reports:
        if report.photo:
            files.append(
                _file(
                    project,
                    "report",
                    report.pk,
                    report.photo,
                    _("Physical progress photo"),
                    report.month,
                    report.physical_progress,
                )
            )
    for document in documents:
        files.append(
            _file(
                project,
                "document",
                document.pk,
                document.file,
                document.get_kind_display(),
                document.created,
                document.title,
            )
        )
    return sorted(files, key=lambda f: _sort_day(f.day), reverse=True)


def _sort_day(value):
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    return value or date.min


def header(project, year, current, today: date) -> dict:
    """The header card's figures: completed against total, the year against its schedule, the
    next node and how far it is."""
    total, done = project.total_investment, project.cumulative_investment or Decimal(0)
    completed = None if not total else min(Decimal(100), done * 100 / total)
    next_days = (current.planned_date - today).days if current is not None and current.planned_date else None
    return {
        "completed": completed,
        "completed_width": f"{float(completed or 0):.1f}",
        "year": year,
        "year_width": f"{float(min(Decimal(100), year.get('actual') or 0)):.1f}",
        "schedule_left": f"{float(min(Decimal(100), year.get('schedule') or 0)):.1f}",
        "next": current,
        "next_days": next_days,
        "next_late": next_days is not None and next_days < 0,
        "next_late_days": -next_days if next_days is not None and next_days < 0 else None,
    }


def baselines_panel(request, project) -> dict:
    """The baselines tab: original against current and actual, the days slipped, each re-plan
    with its reason, and a waiting re-plan's approval (three queries)."""
    from keyprojects.core.access import can
    from keyprojects.core.verbs import usable_verbs

    from .baselines import comparison
    from .views import BaselineViews

    rows = list(project.baselines.filter(archived_at__isnull=True).select_related("proposed_by", "decided_by"))
    found = comparison(project, rows)
    pending = found["pending"]
    found["pending_verbs"] = usable_verbs(BaselineViews, request.user, pending) if pending else []
    found["can_replan"] = can(request.user, "replan", project)
    found["baselines"] = rows
    return found
