"""Figures of the green channel: per department the median and 90th-percentile working days a
matter took against its statutory limit; per project the days from signing to land (国有建设
用地供地 approved, 拿地) to start (开工); the share of 承诺制 projects ready to start within 40
working days (豫政办〔2021〕54号); and the 联审联批 progress circular (xlsx, docx)."""

import io
import statistics
from collections import defaultdict

from django.utils.translation import gettext as _

from keyprojects.core.calendar import working_calendar

from .choices import OPEN, ApprovalMode, ApprovalStatus
from .models import ApprovalPlan, ProjectApproval

LAND_MATTER = "land_supply"  # 国有建设用地供地: the day it is approved is the day land is got (拿地)
COMMITMENT_LIMIT = 40  # working days, 豫政办〔2021〕54号


def percentile(values: list[int], share: float) -> float | None:
    """The nearest-rank percentile (p90 of 10 values is the 9th)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def department_durations(user) -> list[dict]:
    """One row per department and matter: how many decided, median and p90 working days, the
    statutory limit and how many went over it. One query for the rows, grouped here (a median
    is not a portable SQL aggregate)."""
    rows = (
        ProjectApproval.objects.restrict(user)
        .filter(archived_at__isnull=True, working_days__isnull=False)
        .values_list("department__name", "matter__name", "statutory_days", "working_days")
        .order_by()
    )
    groups = defaultdict(list)
    limits = {}
    for department, matter, limit, days in rows.iterator(chunk_size=5000):
        key = (department or "—", matter)
        groups[key].append(days)
        limits[key] = limit
    result = []
    for (department, matter), days in sorted(groups.items()):
        limit = limits[department, matter]
        result.append(
            {
                "department": department,
                "matter": matter,
                "count": len(days),
                "median": statistics.median(days),
                "p90": percentile(days, 0.9),
                "limit": limit,
                "over": sum(1 for d in days if d > limit),
            }
        )
    return result


def _median(values):
    return statistics.median(values) if values else None


def phase_durations(user) -> dict:
    """签约→拿地→开工 in calendar days, with the cohort each phase is measured on: projects that
    reached both ends (a project not yet at the second end is not in that phase's cohort)."""
    land = dict(
        ProjectApproval.objects.restrict(user)
        .filter(matter__code=LAND_MATTER, status=ApprovalStatus.APPROVED, archived_at__isnull=True)
        .values_list("project_id", "decided_on")
    )
    plans = ApprovalPlan.objects.restrict(user).filter(archived_at__isnull=True)
    rows = plans.values_list("project_id", "project__name", "project__actual_sign_date", "project__actual_start_date")
    projects, sign_land, land_start, sign_start = [], [], [], []
    for pk, name, signed, started in rows:
        got = land.get(pk)
        a = (got - signed).days if signed and got else None
        b = (started - got).days if got and started else None
        c = (started - signed).days if signed and started else None
        for values, value in ((sign_land, a), (land_start, b), (sign_start, c)):
            if value is not None:
                values.append(value)
        projects.append(
            {"project": name, "signed": signed, "land": got, "started": started, "to_land": a, "to_start": b}
        )
    return {
        "projects": projects,
        "sign_to_land": {"cohort": len(sign_land), "median": _median(sign_land)},
        "land_to_start": {"cohort": len(land_start), "median": _median(land_start)},
        "sign_to_start": {"cohort": len(sign_start), "median": _median(sign_start)},
    }


def commitment_share(user) -> dict:
    """承诺制 projects (a plan with a matter under commitment) ready to start within 40 working
    days of their first application; a project not ready yet counts once 40 days have passed."""
    from django.utils import timezone

    calendar = working_calendar()
    today = timezone.localdate()
    plans = (
        ApprovalPlan.objects.restrict(user)
        .filter(archived_at__isnull=True, approvals__mode=ApprovalMode.COMMITMENT)
        .distinct()
    )
    first = defaultdict(lambda: None)
    for plan_id, applied in ProjectApproval.objects.filter(plan__in=plans, applied_on__isnull=False).values_list(
        "plan_id", "applied_on"
    ):
        first[plan_id] = applied if first[plan_id] is None else min(first[plan_id], applied)
    cohort = within = 0
    for plan_id, ready in plans.values_list("pk", "ready_on"):
        start = first[plan_id]
        if start is None:
            continue
        if ready is not None:
            cohort += 1
            within += calendar.working_days_between(start, ready) <= COMMITMENT_LIMIT
        elif calendar.working_days_between(start, today) > COMMITMENT_LIMIT:
            cohort += 1
    return {
        "cohort": cohort,
        "within": within,
        "share": (within / cohort) if cohort else None,
        "limit": COMMITMENT_LIMIT,
    }


# --- the circular ------------------------------------------------------------------------


def circular_rows(user) -> list[list]:
    """Per plan: project, kind, matters, approved, in progress, overdue, ready to start."""
    counts = defaultdict(lambda: [0, 0, 0, 0])
    for plan_id, status, remaining in (
        ProjectApproval.objects.restrict(user)
        .filter(archived_at__isnull=True)
        .values_list("plan_id", "status", "remaining_days")
    ):
        row = counts[plan_id]
        row[0] += 1
        row[1] += status in (ApprovalStatus.APPROVED, ApprovalStatus.SKIPPED)
        row[2] += status in OPEN
        row[3] += status in OPEN and remaining is not None and remaining < 0
    result = []
    for plan in ApprovalPlan.objects.restrict(user).filter(archived_at__isnull=True).select_related("project"):
        total, approved, open_, overdue = counts[plan.pk]
        result.append(
            [
                plan.project.name,
                plan.get_kind_display(),
                total,
                approved,
                open_,
                overdue,
                plan.ready_on.isoformat() if plan.ready_on else "",
            ]
        )
    return result


def headings() -> list[str]:
    return [
        _("Project"),
        _("Project kind"),
        _("Matters"),
        _("Approved"),
        _("In progress"),
        _("Overdue"),
        _("Ready to start on"),
    ]


def circular_xlsx(user) -> bytes:
    from openpyxl import Workbook

    from keyprojects.core.exports import neutralise

    book = Workbook()
    sheet = book.active
    sheet.title = _("Joint approvals")[:31]
    sheet.append([_("Joint-approval (联审联批) progress circular")])
    sheet.append(headings())
    for row in circular_rows(user):
        sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def circular_docx(user) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(_("Joint-approval (联审联批) progress circular"), level=1)
    rows = circular_rows(user)
    ready = sum(1 for r in rows if r[6])
    document.add_paragraph(
        _("%(plans)s projects have approval plans; %(ready)s are ready to start; %(overdue)s matters are overdue.")
        % {"plans": len(rows), "ready": ready, "overdue": sum(r[5] for r in rows)}
    )
    table = document.add_table(rows=1, cols=len(headings()))
    for cell, text in zip(table.rows[0].cells, headings(), strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
