"""Baselines (基线) and re-plans (重新计划): the services that freeze a project's plan and change it
only with a reason and the county's approval, and what the pages read from them — original
against current, the days slipped, and the slip reasons rolled up.

A topic of its own beside services.py (STYLE habit 10: modules split by topic). Every write is
one keyword-only function, atomic, with the acting user and its timeline event.

- `freeze_baseline(project, by=)`: baseline 1, the plan at first listing (ListMembership) or on
  demand; the daily job freezes it for every listed project that has none.
- `propose_replan(project, by=, reason=, note=, …)`: baseline N, waiting for the county.
- `approve_replan(baseline, by=, note=)`: the project's planned dates, investment and node dates
  become baseline N's; `reject_replan(baseline, by=, reason=)`: nothing changes but the proposal.
Nothing overwrites a baseline (models.baseline refuses any write to a frozen field).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.context import acting

from .choices import BaselineStatus, EventType, ReplanReason, Stage
from .models import Baseline, ListMembership, Milestone, Project, ProjectEvent
from .models.baseline import KEY_DATES

STAGE_PLAN = ("planned_sign_date", "planned_start_date", "planned_production_date", "planned_capacity_date")


def _nodes(project: Project) -> list[dict]:
    return [
        {"id": m.pk, "name": m.name, "planned_date": m.planned_date.isoformat() if m.planned_date else None}
        for m in project.milestones.filter(archived_at__isnull=True).order_by("order", "pk")
    ]


def _plan_of(project: Project) -> dict[str, Any]:
    return {
        **{name: getattr(project, name) for name in STAGE_PLAN},
        "total_investment": project.total_investment,
        "nodes": _nodes(project),
    }


def _slip(baseline: Baseline, before: Baseline | None) -> int | None:
    """Days the key date moves against the plan it replaces (so a reason's days add up)."""
    if before is None:
        return 0
    found = baseline.key_date(before)
    return None if found is None else (found[1] - found[2]).days


def original(project: Project) -> Baseline | None:
    return project.baselines.filter(number=1).first()


@transaction.atomic
def freeze_baseline(project: Project, *, by) -> Baseline:
    """Baseline 1: the project's plan as it stands. Refused when it already has one (a changed
    plan is a re-plan, with its reason)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.baselines.exists():
        raise ValidationError(_("This project's plan is already frozen as baseline 1: re-plan it to change the plan."))
    with acting(by):
        return Baseline.objects.create(
            project=project, number=1, reason=ReplanReason.FIRST, proposed_by=by, slip_days=0, **_plan_of(project)
        )


def freeze_listed_baselines(today: date | None = None) -> int:
    """The daily job: baseline 1 for every project on a list (first listing) that has none —
    however it was listed (the page, an import, the demo). One INSERT per 500 projects."""
    today = today or timezone.localdate()
    listed = ListMembership.objects.filter(archived_at__isnull=True, start__lte=today).values("project")
    projects = list(
        Project.objects.filter(pk__in=listed, archived_at__isnull=True, baselines__isnull=True)
        .exclude(stage=Stage.TERMINATED)
        .prefetch_related("milestones")
    )
    rows = []
    for project in projects:
        nodes = [
            {"id": m.pk, "name": m.name, "planned_date": m.planned_date.isoformat() if m.planned_date else None}
            for m in sorted(project.milestones.all(), key=lambda m: (m.order, m.pk))
            if m.archived_at is None
        ]
        plan = {name: getattr(project, name) for name in STAGE_PLAN}
        rows.append(
            Baseline(
                project=project,
                number=1,
                reason=ReplanReason.FIRST,
                slip_days=0,
                total_investment=project.total_investment,
                nodes=nodes,
                **plan,
            )
        )
    Baseline.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def propose_replan(
    project: Project,
    *,
    by,
    reason: str,
    note: str,
    planned_sign_date: date | None = None,
    planned_start_date: date | None = None,
    planned_production_date: date | None = None,
    planned_capacity_date: date | None = None,
    total_investment: Decimal | None = None,
    nodes: dict[int, date] | None = None,
) -> Baseline:
    """Baseline N: a new plan with its reason and note, waiting for the county's approval. A
    date or amount left out keeps the current plan's; `nodes` maps milestone ids to new dates."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors = {}
    if reason not in ReplanReason.values or reason == ReplanReason.FIRST:
        errors["reason"] = _(
            "Say why the plan changes: land, approvals, funding, design change, investor, policy, "
            "force majeure or other."
        )
    if not (note or "").strip():
        errors["note"] = _("Explain the re-plan in a note.")
    if project.stage in (Stage.TERMINATED, Stage.AT_CAPACITY):
        errors["reason"] = _("A terminated project, or one at capacity, is not re-planned.")
    if project.baselines.filter(status=BaselineStatus.PROPOSED).exists():
        errors["reason"] = _("A re-plan of this project is already waiting for the county's approval.")
    if errors:
        raise ValidationError(errors)
    with acting(by):
        first = original(project)
        if first is None:  # a plan never frozen: what it was becomes baseline 1 first
            first = Baseline.objects.create(
                project=project, number=1, reason=ReplanReason.FIRST, proposed_by=by, slip_days=0, **_plan_of(project)
            )
        current_plan = _plan_of(project)
        plan = dict(current_plan)
        given = {
            "planned_sign_date": planned_sign_date,
            "planned_start_date": planned_start_date,
            "planned_production_date": planned_production_date,
            "planned_capacity_date": planned_capacity_date,
            "total_investment": total_investment,
        }
        plan.update({k: v for k, v in given.items() if v is not None})
        moved = {int(k): v for k, v in (nodes or {}).items() if v}
        plan["nodes"] = [
            {**node, "planned_date": moved[node["id"]].isoformat()} if node["id"] in moved else node
            for node in current_plan["nodes"]
        ]
        dates = [plan[name] for name in STAGE_PLAN if plan[name]]
        if dates != sorted(dates):
            raise ValidationError({"planned_start_date": _("The planned dates must follow the stages in order.")})
        if plan == current_plan:
            raise ValidationError({"note": _("The new plan is the same as the current one: nothing to re-plan.")})
        number = (project.baselines.aggregate(n=Max("number"))["n"] or 0) + 1
        baseline = Baseline(
            project=project,
            number=number,
            reason=reason,
            note=note.strip(),
            status=BaselineStatus.PROPOSED,
            proposed_by=by,
            **plan,
        )
        current = project.baselines.filter(status=BaselineStatus.APPROVED).order_by("-number").first()
        baseline.slip_days = _slip(baseline, current or first)
        baseline.save()
    return baseline


@transaction.atomic
def approve_replan(baseline: Baseline, *, by, note: str = "") -> Baseline:
    """The county approves: the project's plan becomes the baseline's, its timeline says why."""
    baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if not baseline.proposed:
        raise ValidationError(_("This re-plan has already been decided."))
    project = Project.objects.select_for_update().get(pk=baseline.project_id)
    with acting(by):
        baseline.status = BaselineStatus.APPROVED
        baseline.decided_by, baseline.decided_at, baseline.decision_note = by, timezone.now(), note
        baseline.save()
        for name in STAGE_PLAN:
            setattr(project, name, getattr(baseline, name))
        if baseline.total_investment is not None:
            project.total_investment = baseline.total_investment
        project.save()
        planned = {node["id"]: node["planned_date"] for node in baseline.nodes}
        milestones = list(project.milestones.filter(pk__in=planned))
        for milestone in milestones:
            milestone.planned_date = date.fromisoformat(planned[milestone.pk]) if planned[milestone.pk] else None
        Milestone.objects.bulk_update(milestones, ["planned_date"])
        ProjectEvent.objects.create(
            project=project,
            type=EventType.REPLANNED,
            actor=by,
            date=timezone.localdate(),
            note="\n".join(filter(None, [baseline.note, note])),
            data={"number": baseline.number, "reason": baseline.reason, "slip_days": baseline.slip_days},
        )
        from .services import refresh_lights

        refresh_lights([project])
    return baseline


@transaction.atomic
def reject_replan(baseline: Baseline, *, by, reason: str) -> Baseline:
    baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if not baseline.proposed:
        raise ValidationError(_("This re-plan has already been decided."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the re-plan is rejected.")})
    with acting(by):
        baseline.status = BaselineStatus.REJECTED
        baseline.decided_by, baseline.decided_at, baseline.decision_note = by, timezone.now(), reason.strip()
        baseline.save()
    return baseline


# --- what pages read ---------------------------------------------------------------------

ACTUAL_OF = {
    "planned_sign_date": "actual_sign_date",
    "planned_start_date": "actual_start_date",
    "planned_production_date": "actual_production_date",
    "planned_capacity_date": "actual_capacity_date",
}


def comparison(project: Project, baselines: list[Baseline]) -> dict:
    """Original (baseline 1) against the current plan and what happened, per stage date, with
    the days slipped (actual, or else the current plan, minus the original)."""
    first = next((b for b in baselines if b.number == 1), None)
    rows = []
    for name in STAGE_PLAN:
        was = getattr(first, name) if first else None
        now, actual = getattr(project, name), getattr(project, ACTUAL_OF[name])
        latest = actual or now
        rows.append(
            {
                "field": name,
                "label": Project._meta.get_field(name).verbose_name,
                "original": was,
                "current": now,
                "actual": actual,
                "days": (latest - was).days if was and latest else None,
            }
        )
    key = next((r for f in KEY_DATES for r in rows if r["field"] == f and r["days"] is not None), None)
    return {
        "original": first,
        "rows": rows,
        "days": key["days"] if key else None,
        "investment": (first.total_investment if first else None, project.total_investment),
        "replans": [b for b in baselines if b.number > 1],
        "pending": next((b for b in baselines if b.proposed), None),
    }


ROLLUPS = {"region": "project__region__name", "field": "project__field", "reason": "reason"}


def slip_rollup(user, by: str) -> list[dict]:
    """Approved re-plans within the user's scope grouped by county, field or reason: how many,
    how many projects, the days slipped in all and on average — one query."""
    key = ROLLUPS[by]
    rows = (
        Baseline.objects.restrict(user)
        .filter(archived_at__isnull=True, status=BaselineStatus.APPROVED, number__gt=1)
        .order_by()
        .values(key)
        .annotate(
            replans=Count("pk"),
            projects=Count("project", distinct=True),
            days=Sum("slip_days"),
            average=Avg("slip_days"),
        )
        .order_by("-replans", key)
    )
    return [{"key": row[key], **{k: row[k] for k in ("replans", "projects", "days", "average")}} for row in rows]
