"""State changes of element guarantees, one function each: whitelist entries checked against
the list's criteria, revocation with a reason, element demands saved with their rules, stoppage
orders checked against the whitelists, and the daily check of elements past their guaranteed
date. Conflicts raise a priority problem (交办 to the guaranteeing department and 督办 at once)
through the problem ledger's service, once per conflict (the intake key)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.context import acting
from keyprojects.projects.choices import Stage

from .choices import Element, EntryStatus
from .models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry

# the problem ledger's category for an element
CATEGORY = {
    Element.LAND: "land",
    Element.ENERGY: "other",
    Element.POWER: "power",
    Element.WATER: "water",
    Element.GAS: "gas",
    Element.FUNDING: "funding",
    Element.ENVIRONMENT: "environment",
}


def _today() -> datetime.date:
    return timezone.localdate()


def _blacklisted(enterprise) -> bool:
    from keyprojects.enterprises.choices import FactField
    from keyprojects.enterprises.models import EnterpriseFact

    return EnterpriseFact.objects.filter(enterprise=enterprise, field=FactField.BLACKLISTED, number__gt=0).exists()


def check_criteria(whitelist: Whitelist, project, day: datetime.date) -> list[str]:
    """Why the project does not meet the whitelist's criteria (empty when it does)."""
    from keyprojects.projects.models import ListMembership

    reasons = []
    if project.stage == Stage.TERMINATED:
        return [_("The project is terminated.")]
    if whitelist.stages and project.stage not in whitelist.stages:
        reasons.append(_("The project's stage is “%(stage)s”.") % {"stage": project.get_stage_display()})
    if whitelist.min_investment and (project.total_investment or 0) < whitelist.min_investment:
        reasons.append(
            _("The total investment is below %(amount)s 万元.") % {"amount": whitelist.min_investment.normalize()}
        )
    if whitelist.required_list_id:
        on_list = ListMembership.objects.filter(
            project=project, list_id=whitelist.required_list_id, start__lte=day
        ).filter(Q(end__isnull=True) | Q(end__gte=day))
        if not on_list.exists():
            reasons.append(_("The project is not on the list %(list)s.") % {"list": whitelist.required_list})
    if whitelist.good_credit and project.owner_id and _blacklisted(project.owner):
        reasons.append(_("The owner enterprise is on the credit blacklist."))
    return reasons


@transaction.atomic
def add_entry(entry: WhitelistEntry, *, by) -> WhitelistEntry:
    """列入白名单, with why; refused when the project does not meet the list's criteria."""
    entry.added_on = entry.added_on or _today()
    reasons = check_criteria(entry.whitelist, entry.project, entry.added_on)
    if reasons:
        raise ValidationError({"project": " ".join(reasons)})
    if not (entry.reason or "").strip():
        raise ValidationError({"reason": _("Say why the project is on the list.")})
    if WhitelistEntry.objects.filter(
        whitelist=entry.whitelist, project=entry.project, status=EntryStatus.ACTIVE
    ).exists():
        raise ValidationError({"project": _("The project is already on this list.")})
    with acting(by):
        entry.status = EntryStatus.ACTIVE
        entry.full_clean()
        entry.save()
    return entry


@transaction.atomic
def revoke_entry(entry: WhitelistEntry, *, by, reason: str, on: datetime.date | None = None) -> WhitelistEntry:
    """移出白名单 with a reason; the entry stays in the history."""
    entry = WhitelistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.ACTIVE:
        raise ValidationError(_("This entry is already revoked."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with acting(by):
        entry.status, entry.revoked_on, entry.revoke_reason = EntryStatus.REVOKED, on or _today(), reason
        entry.save()
    return entry


def active_entries(day: datetime.date | None = None):
    day = day or _today()
    return WhitelistEntry.objects.filter(
        status=EntryStatus.ACTIVE,
        archived_at__isnull=True,
        whitelist__archived_at__isnull=True,
        whitelist__valid_from__lte=day,
        whitelist__valid_until__gte=day,
    )


def coverage(whitelist: Whitelist, user=None) -> dict:
    """四保: the year's planned investment of the projects on the list against that of every key
    project (those on the list's key-project list, else every project with a plan that year)."""
    from keyprojects.projects.models import Project, YearPlan

    plans = YearPlan.objects.filter(year=whitelist.year, archived_at__isnull=True, project__archived_at__isnull=True)
    if whitelist.required_list_id:
        on_list = Project.objects.filter(memberships__list_id=whitelist.required_list_id).values("pk")
        plans = plans.filter(project__in=on_list)
    total = plans.aggregate(s=Sum("planned_investment"))["s"] or Decimal(0)
    listed = whitelist.entries.filter(status=EntryStatus.ACTIVE, archived_at__isnull=True).values("project")
    covered = plans.filter(project__in=listed).aggregate(s=Sum("planned_investment"))["s"] or Decimal(0)
    share = (covered / total) if total else None
    return {
        "total": total,
        "covered": covered,
        "share": share,
        "target": whitelist.target_share,
        "met": share is not None and share >= whitelist.target_share,
    }


@transaction.atomic
def save_demand(demand: ElementDemand, *, by) -> ElementDemand:
    """要素需求 saved after its rules (a guaranteed amount above the request needs a note);
    fully guaranteed from the day the guaranteed amount reaches the request."""
    if demand.project.stage == Stage.TERMINATED:
        raise ValidationError({"project": _("The project is terminated.")})
    demand.full_clean()
    if demand.guaranteed is not None and demand.requested is not None and demand.guaranteed >= demand.requested:
        demand.guaranteed_on = demand.guaranteed_on or _today()
    else:
        demand.guaranteed_on = None
    with acting(by):
        demand.save()
    return demand


def shortfalls(user, office_kind: str | None = None) -> list[dict]:
    """缺口 board: per element, how many demands, requested, guaranteed and the shortfall, with
    the demands past their guaranteed date; one grouped query."""
    from django.db.models import Count, F

    rows = ElementDemand.objects.restrict(user).filter(archived_at__isnull=True)
    if office_kind == "finance":
        rows = rows.filter(element=Element.FUNDING)
    elif office_kind == "construction":
        rows = rows.exclude(element=Element.FUNDING)
    today = _today()
    short = Q(guaranteed__lt=F("requested"))
    result = []
    for row in (
        rows.values("element")
        .annotate(
            count=Count("pk"),
            requested_sum=Sum("requested"),
            guaranteed_sum=Sum("guaranteed"),
            short=Count("pk", filter=short),
            late=Count("pk", filter=short & Q(guarantee_by__lt=today)),
        )
        .order_by("element")
    ):
        row["label"] = Element(row["element"]).label
        row["shortfall"] = (row["requested_sum"] or 0) - (row["guaranteed_sum"] or 0)
        result.append(row)
    return result


# --- conflicts -----------------------------------------------------------------------------


def _priority_problem(*, key, title, description, category, project, department, by, on):
    """One priority problem per conflict: raised, assigned to the department, escalated (督办)."""
    from keyprojects.problems import services as problems
    from keyprojects.problems.choices import Source
    from keyprojects.problems.models import Problem

    if Problem.objects.filter(intake_key=key).exists():
        return None
    problem = Problem(
        title=title[:100],
        description=description,
        category=category,
        source=Source.PLATFORM,
        project=project,
        raised_on=on,
    )
    problem = problems.raise_problem(problem, by=by, intake_key=key)
    problem = problems.assign_problem(problem, by=by, problem_class="simple", lead_department=department)
    return problems.escalate_problem(problem, by=by, note=_("Element guarantee conflict"), level=1)


@transaction.atomic
def record_order(order: StoppageOrder, *, by, projects=()) -> list:
    """停工令 / 限电名单 recorded with the projects it names; each whitelisted one raises a
    priority problem for the department that issued the order, with the order as evidence."""
    from keyprojects.approvals.services import system_user

    with acting(by):
        order.full_clean()
        order.save()
        if projects:
            order.projects.set(projects)
    raised = []
    entries = (
        active_entries(order.issued_on).filter(project__in=order.projects.all()).select_related("whitelist", "project")
    )
    for entry in entries:
        problem = _priority_problem(
            key=f"stoppage-{order.pk}-{entry.project_id}",
            title=_("Whitelisted project named in “%(order)s”") % {"order": order.title},
            description=_(
                "%(order)s (%(kind)s, %(issuer)s, %(day)s) names %(project)s, which is on the whitelist "
                "“%(whitelist)s” since %(added)s: %(reason)s"
            )
            % {
                "order": order.title,
                "kind": order.get_kind_display(),
                "issuer": order.issuer,
                "day": order.issued_on,
                "project": entry.project,
                "whitelist": entry.whitelist,
                "added": entry.added_on,
                "reason": entry.reason,
            },
            category="power" if order.kind == "power" else "environment",
            project=entry.project,
            department=order.issuer,
            by=by if getattr(by, "pk", None) else system_user(),
            on=min(order.issued_on, _today()),
        )
        if problem is not None:
            raised.append(problem)
    return raised


def raise_late(today: datetime.date) -> int:
    """An element not fully guaranteed by its date raises one priority problem for the
    guaranteeing department (once per demand and date)."""
    from django.db.models import F

    from keyprojects.approvals.services import system_user

    late = ElementDemand.objects.filter(
        archived_at__isnull=True, guaranteed__lt=F("requested"), guarantee_by__lt=today
    ).select_related("project", "department")
    by, count = None, 0
    for demand in late:
        by = by or system_user()
        with transaction.atomic():
            problem = _priority_problem(
                key=f"element-late-{demand.pk}-{demand.guarantee_by.isoformat()}",
                title=_("Element past its guaranteed date: %(element)s") % {"element": demand.get_element_display()},
                description=_(
                    "%(project)s asked for %(requested)s %(unit)s of %(element)s; %(guaranteed)s were guaranteed by "
                    "%(due)s, the date %(department)s gave."
                )
                % {
                    "project": demand.project,
                    "requested": demand.requested.normalize(),
                    "unit": demand.unit,
                    "element": demand.get_element_display(),
                    "guaranteed": demand.guaranteed.normalize(),
                    "due": demand.guarantee_by,
                    "department": demand.department,
                },
                category=CATEGORY[demand.element],
                project=demand.project,
                department=demand.department,
                by=by,
                on=today,
            )
            count += problem is not None
    return count
