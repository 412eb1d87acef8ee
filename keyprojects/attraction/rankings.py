"""排名: per cadre, team or region over a year — leads found, visits, signings, contracted
investment, funds in place, conversion lead → signed and signed → started (from the project's
own lifecycle), each against the year's goals. Six grouped aggregates whatever the rows."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Action
from keyprojects.orgs.models import Region
from keyprojects.projects.choices import LIFECYCLE, Stage

from .choices import SIGNED_STATUSES
from .models import Cadre, FundsInPlace, Lead, Team, Visit, YearGoal

STARTED_OR_LATER = LIFECYCLE[LIFECYCLE.index(Stage.STARTED) :]

# group -> (its label, the path from a lead to it, the path from a cadre to it)
GROUPS = {
    "cadre": (_("cadre"), "owner", "pk"),
    "team": (_("team"), "team", "team"),
    "region": (_("region"), "owner__region", "region"),  # the cadre's county, as their goals are
}
SHOWN = 100  # rows a ranking page shows (a province has thousands of cadres)
MEASURES = (
    ("leads", _("new leads")),
    ("visits", _("visits")),
    ("signings", _("signed projects")),
    ("investment", _("contracted investment (100m yuan)")),
    ("funds", _("funds in place (100m yuan)")),
)


def rankings(user, year: int, by: str = "cadre") -> list[dict]:
    _label, path, cadre_path = GROUPS[by]
    leads = Lead.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True).order_by()
    found = leads.filter(found_on__year=year).values(path).annotate(n=Count("pk"))
    signed = (
        leads.filter(signed_on__year=year, status__in=SIGNED_STATUSES)
        .values(path)
        .annotate(
            n=Count("pk"),
            investment=Sum("contracted_investment"),
            started=Count("pk", filter=Q(project__stage__in=STARTED_OR_LATER)),
        )
    )
    visits = (
        Visit.objects.filter(lead__in=leads, date__year=year).order_by().values(f"lead__{path}").annotate(n=Count("pk"))
    )
    funds = (
        FundsInPlace.objects.filter(project__lead__in=leads, month__year=year, archived_at__isnull=True)
        .order_by()
        .values(f"project__lead__{path}")
        .annotate(s=Sum("amount"))
    )
    goal_path = "cadre" if cadre_path == "pk" else f"cadre__{cadre_path}"
    goals = (
        YearGoal.objects.filter(
            year=year, cadre__in=Cadre.objects.restrict(user, Action.VIEW), archived_at__isnull=True
        )
        .order_by()
        .values(goal_path)
        .annotate(
            leads=Sum("leads"),
            visits=Sum("visits"),
            signings=Sum("signings"),
            investment=Sum("investment"),
            funds=Sum("funds"),
        )
    )
    rows: dict = {}

    def row(key):
        return rows.setdefault(
            key,
            {
                "key": key,
                "leads": 0,
                "visits": 0,
                "signings": 0,
                "investment": Decimal(0),
                "funds": Decimal(0),
                "started": 0,
                "goals": {},
            },
        )

    for r in found:
        row(r[path])["leads"] = r["n"]
    for r in signed:
        item = row(r[path])
        item["signings"], item["investment"], item["started"] = r["n"], r["investment"] or Decimal(0), r["started"]
    for r in visits:
        row(r[f"lead__{path}"])["visits"] = r["n"]
    for r in funds:
        row(r[f"project__lead__{path}"])["funds"] = r["s"] or Decimal(0)
    for r in goals:
        row(r[goal_path])["goals"] = {k: r[k] for k in ("leads", "visits", "signings", "investment", "funds")}
    rows.pop(None, None)
    names = _names(by, rows)
    result = []
    for key, item in rows.items():
        item["label"] = names.get(key, "—")
        item["obj"] = names.get(key)
        # rates in percentage points, as core.display.percent reads them
        item["conversion"] = 100 * item["signings"] / item["leads"] if item["leads"] else None
        item["started_rate"] = 100 * item["started"] / item["signings"] if item["signings"] else None
        item["cells"] = [
            {
                "key": key_,
                "value": item[key_],
                "goal": item["goals"].get(key_),
                "share": (100 * item[key_] / item["goals"][key_]) if item["goals"].get(key_) else None,
            }
            for key_, _m in MEASURES
        ]
        result.append(item)
    result.sort(key=lambda r: (-r["signings"], -r["investment"], -r["leads"], -r["visits"], str(r["label"])))
    rank, previous = 0, None
    for i, item in enumerate(result, 1):
        figures = (item["signings"], item["investment"], item["leads"], item["visits"])
        if figures != previous:
            rank, previous = i, figures
        item["rank"] = rank  # equal figures share a rank
    return result


def _names(by, rows) -> dict:
    keys = [k for k in rows if k is not None]
    if by == "cadre":
        return {c.pk: c for c in Cadre.objects.filter(pk__in=keys).select_related("user")}
    if by == "team":
        return {t.pk: t for t in Team.objects.filter(pk__in=keys)}
    return {r.pk: r for r in Region.objects.filter(pk__in=keys)}
