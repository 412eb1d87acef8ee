"""What the pipeline board and the chain map read: aggregates in the database, a fixed number
of queries whatever the number of leads."""

from django.db.models import Count, Q, Sum

from keyprojects.core.access import Action
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.models import Project

from .choices import PIPELINE, LeadStatus
from .models import ChainLink, Lead

CARDS = 12  # leads shown per column; the column's count and sum cover all of them


def pipeline_columns(leads, cards: int = CARDS) -> list[dict]:
    """Per state: how many leads, their intended investment, and the largest ones as cards."""
    totals = {
        row["status"]: row
        for row in leads.order_by().values("status").annotate(count=Count("pk"), investment=Sum("investment"))
    }
    columns = []
    for status in (*PIPELINE, LeadStatus.DROPPED):
        found = totals.get(status, {})
        rows = (
            leads.filter(status=status)
            .select_related("owner__user", "link", "target")
            .order_by("-investment", "-pk")[:cards]
            if found
            else []
        )
        columns.append(
            {
                "status": status,
                "label": LeadStatus(status).label,
                "count": found.get("count", 0),
                "investment": found.get("investment") or 0,
                "leads": list(rows),
            }
        )
    return columns


def _starts(field, codes):
    q = Q()
    for code in codes:
        q |= Q(**{f"{field}__startswith": code})
    return q


def _deepest(codes: dict, industry: str):
    """The link whose code is the longest prefix of `industry` (C1351 sits on 肉制品加工 (C135),
    not on 食品加工 (C13))."""
    found = [k for k in codes if industry.startswith(k)]
    return codes[max(found, key=len)] if found else None


def chain_map(chain, user) -> dict:
    """The chain as a tree of links, each with its gap, its leads by state and the enterprises
    and projects already on it (by industry code): one query per kind, not per link."""
    links = list(ChainLink.objects.filter(chain=chain, archived_at__isnull=True).order_by("order", "pk"))
    leads = Lead.objects.restrict(user).filter(link__chain=chain, archived_at__isnull=True)
    counts = {}
    for row in leads.order_by().values("link", "status").annotate(n=Count("pk"), s=Sum("investment")):
        counts.setdefault(row["link"], []).append(row)
    enterprises, projects = {}, {}
    codes = {code: link.pk for link in links for code in link.codes}
    if codes:
        visible = Enterprise.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
        for pk, name, industry in visible.filter(_starts("industry", codes)).values_list("pk", "name", "industry")[
            :500
        ]:
            link = _deepest(codes, industry)
            enterprises.setdefault(link, []).append({"pk": pk, "name": name})
        found = Project.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
        for row in found.filter(_starts("industry_code", codes)).values("pk", "name", "industry_code", "stage")[:500]:
            link = _deepest(codes, row["industry_code"])
            projects.setdefault(link, []).append(row)
    children = {}
    for link in links:
        children.setdefault(link.parent_id, []).append(link)

    def tree(parent, depth):
        rows = []
        for link in children.get(parent, []):
            rows.append(
                {
                    "link": link,
                    "depth": depth,
                    "leads": sum(r["n"] for r in counts.get(link.pk, [])),
                    "investment": sum((r["s"] or 0) for r in counts.get(link.pk, [])),
                    "signed": sum(
                        r["n"] for r in counts.get(link.pk, []) if r["status"] in (LeadStatus.SIGNED, "handed_over")
                    ),
                    "enterprises": enterprises.get(link.pk, [])[:8],
                    "projects": projects.get(link.pk, [])[:8],
                }
            )
            rows += tree(link.pk, depth + 1)
        return rows

    rows = tree(None, 0)
    return {"links": rows, "gaps": [r for r in rows if r["link"].gap], "goals": chain.goals.order_by("-year")[:5]}
