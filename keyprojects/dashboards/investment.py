"""固定资产投资 statistics the province's way: completed investment from the monthly reports,
cumulative from January to a month, beside the same period of last year, and the growth
(累计同比) — for 固投 and its categories (工业, 高技术制造业, 战略性新兴产业, 民间, 招商引资),
by region, field, tier or tag; with the share of 战新 in 工业投资 and the 入统 share that explains
the difference to the statistics bureau's own figure (`projects.OfficialFigure`).

Counting: a month's completed investment is the sum of the REPORTED monthly reports of that
month (submitted or accepted; a draft or returned report counts nowhere, a late report counts
in the month it reports, from the day it is submitted). What a project completed before its
first report here (`prior_investment`) belongs to no month and so to no period's figure.
Growth is (this − last) / last; with nothing last year there is no base and no growth (None,
shown as "no base"), never an infinite or zero percent.

Cost: one aggregate query per table (by category, by year, by month, by the chosen grouping),
each grouping reports with conditional sums; categories from tags are EXISTS subqueries, so a
project with several tags counts once in each category. Rows are cached until a table they read
changes (core.figures).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth

from keyprojects.core.figures import cached_rows
from keyprojects.projects.choices import CATEGORY_TAGS, REPORTED, TIER_FLOORS, Field, InvestmentCategory, Tier
from keyprojects.projects.models import OfficialFigure, ProgressReport, Project

Category = InvestmentCategory
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# The share the province reads beside the categories: 战新 investment of industrial projects in
# industrial investment (战新投资占工业投资比重).
EMERGING_IN_INDUSTRY = "emerging_industry"
GROUPINGS = ("region", "field", "tier", "tag")


def _tagged(name: str) -> Q:
    """The reports of projects carrying a tag. An uncorrelated `IN (subquery)`: PostgreSQL hashes
    the tagged projects once per query and looks each report up in the hash, where the correlated
    EXISTS this replaced ran a subquery for every report in every conditional sum (about forty
    per page: 14–27 s a page at province scale, bench/RESULTS.md)."""
    return Q(project_id__in=Project.tags.through.objects.filter(tag__name=name).values("project_id"))


def category_rules() -> dict[str, Q]:
    """What puts a report's project in each category (and the 战新-in-工业 part)."""
    return {
        Category.TOTAL: Q(),
        Category.INDUSTRY: Q(project__field=Field.INDUSTRY),
        Category.HIGH_TECH: _tagged(CATEGORY_TAGS[Category.HIGH_TECH]),
        Category.EMERGING: _tagged(CATEGORY_TAGS[Category.EMERGING]),
        Category.PRIVATE: _tagged(CATEGORY_TAGS[Category.PRIVATE]),
        Category.ATTRACTED: ~Q(project__attraction_source="") | _tagged(CATEGORY_TAGS[Category.ATTRACTED]),
        EMERGING_IN_INDUSTRY: Q(project__field=Field.INDUSTRY) & _tagged(CATEGORY_TAGS[Category.EMERGING]),
    }


def growth(current: Decimal, previous: Decimal) -> Decimal | None:
    """累计同比 in per cent with one decimal; None without a base (nothing last year)."""
    if not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def span(year: int, month: int) -> tuple[date, date]:
    """January to `month` of `year`, as the first days of the months (reports' `month`)."""
    return date(year, 1, 1), date(year, month, 1)


@dataclass
class Figure:
    """One category's cumulative figure: this year, the same period last year, and the part of
    this year's reported by projects registered in statistics (入统)."""

    current: Decimal = Decimal(0)
    previous: Decimal = Decimal(0)
    in_statistics: Decimal = Decimal(0)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.current, self.previous)

    @property
    def statistics_share(self) -> Decimal | None:
        return share(self.in_statistics, self.current)


@dataclass
class Row:
    key: object
    label: str
    figures: dict = field(default_factory=dict)  # category → Figure

    @property
    def cells(self) -> list[tuple[str, Figure]]:
        """(category, figure) in the categories' order, for tables."""
        return [(key, self.figures[key]) for key in Category.values if key in self.figures]

    @property
    def emerging_share(self) -> Decimal | None:
        part = self.figures.get(EMERGING_IN_INDUSTRY)
        whole = self.figures.get(Category.INDUSTRY)
        return share(part.current, whole.current) if part and whole else None


def reports_for(user) -> "ProgressReport.objects":
    """The reports every figure counts, within the user's scope; each knows the month its project
    was registered in statistics (入统), if it was."""
    return (
        ProgressReport.objects.restrict(user)
        .filter(archived_at__isnull=True, status__in=REPORTED, project__archived_at__isnull=True)
        .annotate(registered=TruncMonth("project__statistics_date"))
    )


# A month's report is in the bureau's figure when its project was registered (入统) by that month
# (a registration without its date counts from the start).
IN_STATISTICS = Q(project__in_statistics=True) & (Q(registered__isnull=True) | Q(registered__lte=F("month")))


def _sums(year: int, month: int, categories) -> dict:
    """Conditional sums: each category this year, last year, and this year's 入统 part."""
    rules = category_rules()
    this, last = span(year, month), span(year - 1, month)
    sums = {}
    for key in categories:
        rule = rules[key]
        sums[f"{key}__current"] = Sum("investment", filter=rule & Q(month__range=this))
        sums[f"{key}__previous"] = Sum("investment", filter=rule & Q(month__range=last))
        sums[f"{key}__stat"] = Sum("investment", filter=rule & Q(month__range=this) & IN_STATISTICS)
    return sums


def _figures(row: dict, categories) -> dict:
    return {
        key: Figure(
            (row.get(f"{key}__current") or Decimal(0)).quantize(CENT),
            (row.get(f"{key}__previous") or Decimal(0)).quantize(CENT),
            (row.get(f"{key}__stat") or Decimal(0)).quantize(CENT),
        )
        for key in categories
    }


ALL = [*Category.values, EMERGING_IN_INDUSTRY]


def _grouping(by: str, units=None):
    """(values() field, label of a key) for a grouping."""
    if by == "region":
        from keyprojects.campaigns.reports import unit_of

        return "unit", unit_of("project__region__path", units)
    if by == "field":
        return "project__field", None
    if by == "tag":
        return "project__tags__name", None
    if by == "tier":
        from django.db.models import Case, CharField, Value, When

        return "tier", Case(
            *[When(project__total_investment__gte=floor, then=Value(tier.value)) for tier, floor in TIER_FLOORS],
            default=Value(Tier.OTHER.value),
            output_field=CharField(),
        )
    raise ValueError(by)


def grouped(reports, year: int, month: int, by: str) -> list[Row]:
    """Every category's figure per region (ranking unit), field, tier or tag — one query. By tag,
    a project with several tags counts under each (rows do not add up to the total)."""
    from keyprojects.campaigns.reports import ranking_units, unit_label

    units = ranking_units() if by == "region" else None
    key, expression = _grouping(by, units)
    this, last = span(year, month), span(year - 1, month)
    queryset = reports.filter(Q(month__range=this) | Q(month__range=last))
    if expression is not None:
        queryset = queryset.annotate(**{key: expression})
    if by == "tag":
        queryset = queryset.filter(project__tags__isnull=False)
    rows = cached_rows(queryset.order_by().values(key).annotate(**_sums(year, month, ALL)).order_by(key))
    labels = {}
    if by == "region":
        labels = {u.pk: unit_label(u) for u in units}
    elif by == "field":
        labels = dict(Field.choices)
    elif by == "tier":
        labels = dict(Tier.choices)
    result = [Row(row[key], str(labels.get(row[key], row[key] or "")), _figures(row, ALL)) for row in rows]
    if by == "region":
        order = {u.pk: i for i, u in enumerate(units)}
        result.sort(key=lambda r: order.get(r.key, len(order)))
    elif by == "tier":
        order = {t.value: i for i, t in enumerate(Tier)}
        result.sort(key=lambda r: order.get(r.key, 9))
    else:
        result.sort(key=lambda r: -r.figures[Category.TOTAL].current)
    return result


def by_year(reports, year: int, month: int, years: int = 3) -> list[Row]:
    """The same January-to-`month` period in each of the last `years` years, each with its
    growth on the year before — one query over `years` + 1 years."""
    first = year - years
    queryset = (
        reports.filter(month__gte=date(first, 1, 1), month__lte=date(year, 12, 1))
        .annotate(m=ExtractMonth("month"), y=ExtractYear("month"))
        .filter(m__lte=month)
    )
    rules = category_rules()
    sums = {key: Sum("investment", filter=rules[key]) for key in ALL}
    sums.update({f"{key}__stat": Sum("investment", filter=rules[key] & IN_STATISTICS) for key in ALL})
    rows = {r["y"]: r for r in cached_rows(queryset.order_by().values("y").annotate(**sums).order_by("y"))}
    result = []
    for y in range(first + 1, year + 1):
        now, before = rows.get(y, {}), rows.get(y - 1, {})
        figures = {
            key: Figure(
                (now.get(key) or Decimal(0)).quantize(CENT),
                (before.get(key) or Decimal(0)).quantize(CENT),
                (now.get(f"{key}__stat") or Decimal(0)).quantize(CENT),
            )
            for key in ALL
        }
        result.append(Row(y, str(y), figures))
    return result


def by_month(reports, year: int, month: int) -> list[dict]:
    """Each month of the year to `month`: completed investment (固投) this year and last, and
    the cumulative growth to that month — one query."""
    queryset = reports.filter(
        Q(month__range=(date(year, 1, 1), date(year, month, 1)))
        | Q(month__range=(date(year - 1, 1, 1), date(year - 1, month, 1)))
    )
    rows = cached_rows(queryset.order_by().values("month").annotate(total=Sum("investment")).order_by("month"))
    amounts = {(r["month"].year, r["month"].month): r["total"] or Decimal(0) for r in rows}
    series, running, running_before = [], Decimal(0), Decimal(0)
    for m in range(1, month + 1):
        current, previous = amounts.get((year, m), Decimal(0)), amounts.get((year - 1, m), Decimal(0))
        running += current
        running_before += previous
        series.append(
            {
                "month": m,
                "current": current.quantize(CENT),
                "previous": previous.quantize(CENT),
                "cumulative": running.quantize(CENT),
                "cumulative_previous": running_before.quantize(CENT),
                "growth": growth(running, running_before),
            }
        )
    return series


def counted(reports, year: int, month: int, category: str, by: str | None = None, key=None):
    """The projects a figure counts (drill-down): each project's reported investment this
    period and the same period last year, largest first — one query."""
    rules = category_rules()
    this, last = span(year, month), span(year - 1, month)
    queryset = reports.filter(rules[category]).filter(Q(month__range=this) | Q(month__range=last))
    if by:
        from keyprojects.campaigns.reports import ranking_units

        name, expression = _grouping(by, ranking_units() if by == "region" else None)
        if expression is not None:
            queryset = queryset.annotate(**{name: expression})
        queryset = queryset.filter(**{name: key})
    return (
        queryset.order_by()
        .values("project", "project__name", "project__region__name", "project__in_statistics")
        .annotate(
            current=Sum("investment", filter=Q(month__range=this)),
            previous=Sum("investment", filter=Q(month__range=last)),
        )
        .order_by("-current", "project")
    )


def official(user, year: int, month: int) -> dict:
    """The statistics bureau's figures for the period, by region pk and category."""
    figures = (
        OfficialFigure.objects.restrict(user)
        .filter(archived_at__isnull=True, month=date(year, month, 1))
        .select_related("region")
    )
    return {(f.region_id, f.category): f for f in figures}
