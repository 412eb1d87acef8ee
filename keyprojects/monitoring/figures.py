"""Video dispatch figures, each one aggregate in the database: 全程可视 coverage (monitored
key projects / started key projects), cameras online, sites active, the suspected idle list,
findings by type and by region; and the weekly dispatch briefing as docx and xlsx."""

import datetime
import io

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from keyprojects.core.exports import neutralise
from keyprojects.projects.models import Project

from .choices import Finding, Health
from .dispatch import monitored
from .models import Camera, DailyActivity, Inspection


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def figures(user, day: datetime.date) -> dict:
    from .services import idle_after

    started = Project.objects.restrict(user).filter(archived_at__isnull=True, stage="started")
    sites = monitored(user)
    n_started, n_monitored = started.count(), started.filter(pk__in=sites.values("pk")).count()
    cameras = Camera.objects.filter(project__in=sites, active=True, archived_at__isnull=True).aggregate(
        n=Count("pk"), online=Count("pk", filter=Q(health=Health.ONLINE))
    )
    today = DailyActivity.objects.filter(project__in=sites, day=day).aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(active=True))
    )
    idle = list(
        DailyActivity.objects.filter(project__in=sites, day__lte=day, day__gte=day - datetime.timedelta(days=1))
        .filter(idle_days__gte=idle_after())
        .order_by("project_id", "-day")
        .select_related("project", "project__region")
    )
    seen, idle_list = set(), []
    for row in idle:
        if row.project_id not in seen:
            seen.add(row.project_id)
            idle_list.append(row)
    idle_list.sort(key=lambda row: -row.idle_days)
    week = Inspection.objects.filter(
        project__in=sites, archived_at__isnull=True, day__gt=day - datetime.timedelta(days=7), day__lte=day
    )
    labels = dict(Finding.choices)
    by_finding = [
        (labels.get(row["finding"], row["finding"]), row["n"])
        for row in week.values("finding").annotate(n=Count("pk")).order_by("-n")
    ]
    by_region = list(
        week.values("project__region__name")
        .annotate(n=Count("pk"), problems=Count("pk", filter=Q(problem__isnull=False)))
        .order_by("-n")
    )
    return {
        "day": day,
        "started": n_started,
        "monitored": n_monitored,
        "coverage": _pct(n_monitored, n_started),
        "cameras": cameras["n"],
        "online": _pct(cameras["online"], cameras["n"]),
        "active": _pct(today["active"], today["n"]),
        "idle": idle_list,
        "by_finding": by_finding,
        "by_region": by_region,
        "week": week.select_related("project", "project__region", "problem").order_by("-day", "project__name"),
    }


def briefing_xlsx(data: dict) -> bytes:
    import xlsxwriter

    handle = io.BytesIO()
    book = xlsxwriter.Workbook(handle, {"in_memory": True})
    sheet = book.add_worksheet(_("Findings"))
    head = [_("day"), _("project"), _("region"), _("finding"), _("note"), _("problem raised")]
    sheet.write_row(0, 0, head)
    for n, row in enumerate(data["week"], start=1):
        sheet.write_row(
            n,
            0,
            [
                row.day.isoformat(),
                neutralise(row.project.name),
                row.project.region.name,
                str(row.get_finding_display()),
                neutralise(row.note),
                neutralise(row.problem.title) if row.problem_id else "",
            ],
        )
    idle = book.add_worksheet(_("Suspected idle"))
    idle.write_row(0, 0, [_("project"), _("region"), _("working days without activity")])
    for n, row in enumerate(data["idle"], start=1):
        idle.write_row(n, 0, [neutralise(row.project.name), row.project.region.name, row.idle_days])
    book.close()
    return handle.getvalue()


def briefing_docx(data: dict) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(_("Weekly video dispatch briefing"), level=1)
    day = data["day"]
    document.add_paragraph(
        _(
            "Week to %(day)s. %(monitored)s of %(started)s started key projects are watched by camera "
            "(coverage %(coverage)s %%); cameras online %(online)s %%; sites active today %(active)s %%."
        )
        % {
            "day": day.isoformat(),
            "monitored": data["monitored"],
            "started": data["started"],
            "coverage": data["coverage"] if data["coverage"] is not None else "—",
            "online": data["online"] if data["online"] is not None else "—",
            "active": data["active"] if data["active"] is not None else "—",
        }
    )
    document.add_heading(_("Findings by type"), level=2)
    for label, n in data["by_finding"]:
        document.add_paragraph(f"{label}: {n}", style="List Bullet")
    document.add_heading(_("Suspected idle sites"), level=2)
    if not data["idle"]:
        document.add_paragraph(_("None."))
    for row in data["idle"]:
        document.add_paragraph(
            _("%(project)s (%(region)s): %(days)s working days without activity")
            % {"project": row.project.name, "region": row.project.region.name, "days": row.idle_days},
            style="List Bullet",
        )
    document.add_heading(_("Findings that raised problems"), level=2)
    for row in data["week"]:
        if row.problem_id:
            document.add_paragraph(
                f"{row.day:%m-%d} {row.project.name}: {row.get_finding_display()} — {row.problem.title}",
                style="List Bullet",
            )
    handle = io.BytesIO()
    document.save(handle)
    return handle.getvalue()
