"""Conversion indicators (签约项目履约率, 开工率, 投产率, 达效率, 资金到位率, investment against the
annual plan and against 序时进度), kept as configuration and computed in the database.

An indicator is a definition, not code: a label, the description shown next to every figure,
the entries it counts (`denominator`, a Q over BatchEntry) and those of them that achieved it
(`numerator`, a further Q). A ratio of sums names what is summed (a field path over BatchEntry
or a named expression from VALUES). A city whose definitions differ sets
KEYPROJECTS_CAMPAIGN_INDICATORS (a list of dicts with the same keys; a known key replaces the
default, a new key adds an indicator). Every definition is checked when loaded — a reference to
an unknown field stops the load with a message naming the indicator and the field — and by a
system check at start-up.

Counting honestly: every figure carries entries (批次入列, "滚动实施 N 个") and unique projects
("N 个项目") side by side; a project listed in three phases is three entries and one project.
Sums are over entries, so a project listed twice in one indicator's denominator (possible only
with KEYPROJECTS_CAMPAIGN_ONCE_PER_BATCH = False) counts its figures twice — the unique-project
counts beside them show when that happens.

Cost: `compute()` runs one query for all indicators per grouping (conditional aggregates),
plus one for the group labels, whatever the number of entries; the rows are cached until a
table they read changes (`grouped()`), since at province scale that query takes a second.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.figures import cached_groups
from keyprojects.projects.choices import LIFECYCLE, REPORTED, TIER_FLOORS, Stage, Tier
from keyprojects.projects.models import Milestone, ProgressReport

from .choices import Batch

STARTED_OR_LATER = LIFECYCLE[LIFECYCLE.index(Stage.STARTED) :]
PRODUCING_OR_LATER = LIFECYCLE[LIFECYCLE.index(Stage.PRODUCING) :]
MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


def land_milestone():
    """The node whose actual date means land or site is secured (拿地)."""
    return getattr(settings, "KEYPROJECTS_CAMPAIGN_LAND_MILESTONE", "拿地")


def land_secured():
    return Exists(
        Milestone.objects.filter(
            project=OuterRef("project"), name=land_milestone(), actual_date__isnull=False, archived_at__isnull=True
        )
    )


# --- named values a ratio of sums may use besides field paths ------------------------------


def year_investment(as_of):
    """Investment reported (月度完成投资) in the year of the entry's phase — the year its frozen
    planned investment belongs to."""
    reports = (
        ProgressReport.objects.filter(project=OuterRef("project"), archived_at__isnull=True, status__in=REPORTED)
        .annotate(year=ExtractYear("month"))
        .filter(year=ExtractYear(OuterRef("phase__date")))
        .values("project")
        .annotate(total=Sum("investment"))
        .values("total")
    )
    return Coalesce(Subquery(reports, output_field=MONEY), ZERO)


def schedule_plan(as_of):
    """序时进度 target: the planned investment times the share of its year elapsed on `as_of`
    (months completed / 12, as the lights use); a past year counts whole, a future one not at all."""
    from keyprojects.projects.services import schedule_progress

    share = Value(schedule_progress(as_of), output_field=MONEY)
    return Case(
        When(phase__date__year__lt=as_of.year, then=F("planned_investment")),
        When(phase__date__year=as_of.year, then=ExpressionWrapper(F("planned_investment") * share, output_field=MONEY)),
        default=ZERO,
        output_field=MONEY,
    )


VALUES = {"year_investment": year_investment, "schedule_plan": schedule_plan}


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    description: str
    denominator: Q
    numerator: Q = field(default_factory=Q)
    numerator_value: str | None = None  # a ratio of sums: what the numerator entries sum
    denominator_value: str | None = None

    @property
    def is_sum(self):
        return bool(self.numerator_value and self.denominator_value)

    def value(self, name, as_of):
        return VALUES[name](as_of) if name in VALUES else F(name)


def default_indicators():
    sign, start, produce = (Q(batch=b) for b in (Batch.SIGN, Batch.START, Batch.PRODUCE))
    started = Q(project__stage__in=STARTED_OR_LATER)
    return [
        Indicator(
            "performance",
            _("Performance rate of signed projects"),
            _(
                "Performance: signing-batch entries whose project performed — the owner enterprise is registered "
                "and land or site is secured (the land node has an actual date), or the project has started "
                "— over all signing-batch entries."
            ),
            denominator=sign,
            numerator=(Q(project__owner__isnull=False) & Q(land_secured()) & ~Q(project__stage=Stage.TERMINATED))
            | started,
        ),
        Indicator(
            "start",
            _("Start rate of signed projects"),
            _(
                "Start rate: signing-batch entries whose project is now started or later, "
                "over all signing-batch entries."
            ),
            denominator=sign,
            numerator=started,
        ),
        Indicator(
            "production",
            _("Production rate of started projects"),
            _(
                "Production rate: starting-batch entries whose project is now producing or at capacity, "
                "over all starting-batch entries."
            ),
            denominator=start,
            numerator=Q(project__stage__in=PRODUCING_OR_LATER),
        ),
        Indicator(
            "capacity",
            _("Capacity rate of producing projects"),
            _(
                "Capacity rate: production-batch entries whose project is now at capacity, "
                "over all production-batch entries."
            ),
            denominator=produce,
            numerator=Q(project__stage=Stage.AT_CAPACITY),
        ),
        Indicator(
            "funds",
            _("Funds in place"),
            _(
                "Funds in place: for signing-batch entries whose project has started, the investment completed so "
                "far (cumulative investment) over the total investment contracted at listing."
            ),
            denominator=sign & started,
            numerator_value="project__cumulative_investment",
            denominator_value="total_investment",
        ),
        Indicator(
            "plan",
            _("Investment against the annual plan"),
            _(
                "Annual plan: for starting-batch entries with an annual plan, the investment reported in the "
                "phase's year over the annual planned investment copied at listing."
            ),
            denominator=start & Q(planned_investment__gt=0),
            numerator_value="year_investment",
            denominator_value="planned_investment",
        ),
        Indicator(
            "schedule",
            _("Investment against the schedule"),
            _(
                "Schedule: the same investment over the share of the annual plan due by now "
                "(months completed / 12 of the current year; a past year's plan counts whole)."
            ),
            denominator=start & Q(planned_investment__gt=0),
            numerator_value="year_investment",
            denominator_value="schedule_plan",
        ),
    ]


def _from_config(item):
    def q(value):
        return value if isinstance(value, Q) else Q(**(value or {}))

    try:
        return Indicator(
            key=item["key"],
            label=item.get("label", item["key"]),
            description=item.get("description", ""),
            denominator=q(item["denominator"]),
            numerator=q(item.get("numerator")),
            numerator_value=item.get("numerator_value"),
            denominator_value=item.get("denominator_value"),
        )
    except KeyError as error:
        raise ImproperlyConfigured(f"Campaign indicator {item!r} lacks {error}.") from error


def validate(indicator):
    """Build (not run) the queries the indicator needs: an unknown field fails here, by name."""
    from .models import BatchEntry

    def check(part, build):
        try:
            build()  # builds the query, which resolves every name; nothing is run
        except FieldError as error:
            raise ImproperlyConfigured(
                f"Campaign indicator “{indicator.key}”: its {part} refers to an unknown field: {error}"
            ) from error

    check("denominator", lambda: BatchEntry.objects.filter(indicator.denominator))
    check("numerator", lambda: BatchEntry.objects.filter(indicator.numerator))
    if bool(indicator.numerator_value) != bool(indicator.denominator_value):
        raise ImproperlyConfigured(f"Campaign indicator “{indicator.key}”: a ratio of sums names both values.")
    today = timezone.localdate()
    for part in ("numerator_value", "denominator_value"):
        name = getattr(indicator, part)
        if name:
            check(part, lambda name=name: BatchEntry.objects.values("pk").annotate(x=Sum(indicator.value(name, today))))
    return indicator


def build_indicators(config=None):
    """The defaults, with the configured definitions replacing or adding by key, validated."""
    indicators = {i.key: i for i in default_indicators()}
    for item in config or ():
        indicator = item if isinstance(item, Indicator) else _from_config(item)
        indicators[indicator.key] = indicator
    for indicator in indicators.values():
        validate(indicator)
    return indicators


@cache
def _loaded(config_id):
    return build_indicators(getattr(settings, "KEYPROJECTS_CAMPAIGN_INDICATORS", None))


def get_indicators():
    """Key → Indicator, built once per configuration."""
    return _loaded(id(getattr(settings, "KEYPROJECTS_CAMPAIGN_INDICATORS", None)))


def check_indicators(app_configs=None, **kwargs):
    """System check: every indicator definition refers to fields that exist."""
    from django.core.checks import Error

    try:
        build_indicators(getattr(settings, "KEYPROJECTS_CAMPAIGN_INDICATORS", None))
    except ImproperlyConfigured as error:
        return [Error(str(error), id="campaigns.E001")]
    return []


# --- the entries counted -----------------------------------------------------------------


def tier_expression(path="total_investment"):
    return Case(
        *[When(**{f"{path}__gte": floor}, then=Value(tier.value)) for tier, floor in TIER_FLOORS],
        default=Value(Tier.OTHER.value),
        output_field=models.CharField(),
    )


def entries_for(user=None, *, phase=None, upto=None, region=None, field=None, tier=None, batch=None):
    """Live entries of live phases, within the user's scope when a user is given: `phase` one
    phase, `upto` phases up to that number (cumulative), `region` that region's subtree (by the
    region frozen at listing), `field` the project's field, `tier` by the frozen total investment."""
    from .models import BatchEntry

    queryset = BatchEntry.objects.all() if user is None else BatchEntry.objects.restrict(user)
    queryset = queryset.filter(archived_at__isnull=True, phase__archived_at__isnull=True)
    if phase is not None:
        queryset = queryset.filter(phase=phase)
    if upto is not None:
        queryset = queryset.filter(phase__number__lte=getattr(upto, "number", upto))
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    if field:
        queryset = queryset.filter(project__field=field)
    if tier:
        queryset = queryset.annotate(tier_code=tier_expression()).filter(tier_code=tier)
    if batch:
        queryset = queryset.filter(batch=batch)
    return queryset


@dataclass
class Figure:
    """One indicator over one group of entries: entries and unique projects, and for a ratio of
    sums the two sums; rates are percentages with one decimal, None when nothing is counted."""

    indicator: Indicator
    numerator_entries: int = 0
    denominator_entries: int = 0
    numerator_projects: int = 0
    denominator_projects: int = 0
    numerator_sum: Decimal | None = None
    denominator_sum: Decimal | None = None

    @staticmethod
    def percent(numerator, denominator):
        if not denominator:
            return None
        return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))

    @property
    def rate(self):
        if self.indicator.is_sum:
            return self.percent(self.numerator_sum or 0, self.denominator_sum)
        return self.percent(self.numerator_entries, self.denominator_entries)

    @property
    def project_rate(self):
        """By unique projects (counts only; a ratio of sums has the one rate)."""
        if self.indicator.is_sum:
            return self.rate
        return self.percent(self.numerator_projects, self.denominator_projects)

    def as_dict(self):
        return {
            "key": self.indicator.key,
            "label": str(self.indicator.label),
            "description": str(self.indicator.description),
            "rate": self.rate,
            "project_rate": self.project_rate,
            "numerator_entries": self.numerator_entries,
            "denominator_entries": self.denominator_entries,
            "numerator_projects": self.numerator_projects,
            "denominator_projects": self.denominator_projects,
            "numerator_sum": self.numerator_sum,
            "denominator_sum": self.denominator_sum,
        }


GROUPS = {
    "phase": "phase",
    "region": "region",
    "field": "project__field",
    "tier": "tier_code",
}


def _aggregates(indicators, as_of):
    """The aggregates of every indicator, and {alias: alias} of sums that another indicator
    already asks for (计划 and 序时 both sum the year's investment over the same entries: its
    subquery per entry then runs once, not twice)."""
    result, same, sums = {}, {}, []
    for i, indicator in enumerate(indicators):
        den, num = indicator.denominator, indicator.denominator & indicator.numerator
        result[f"i{i}_de"] = Count("pk", filter=den)
        result[f"i{i}_ne"] = Count("pk", filter=num)
        result[f"i{i}_dp"] = Count("project", filter=den, distinct=True)
        result[f"i{i}_np"] = Count("project", filter=num, distinct=True)
        if not indicator.is_sum:
            continue
        for alias, name, condition in (
            (f"i{i}_ds", indicator.denominator_value, den),
            (f"i{i}_ns", indicator.numerator_value, num),
        ):
            earlier = next((a for a, n, c in sums if n == name and c == condition), None)
            if earlier:
                same[alias] = earlier
            else:
                sums.append((alias, name, condition))
                result[alias] = Sum(indicator.value(name, as_of), filter=condition, output_field=MONEY)
    return result, same


def _figures(indicators, row, same):
    row = {**row, **{alias: row[earlier] for alias, earlier in same.items()}}
    figures = {}
    for i, indicator in enumerate(indicators):
        figures[indicator.key] = Figure(
            indicator,
            numerator_entries=row[f"i{i}_ne"],
            denominator_entries=row[f"i{i}_de"],
            numerator_projects=row[f"i{i}_np"],
            denominator_projects=row[f"i{i}_dp"],
            numerator_sum=(row.get(f"i{i}_ns") or Decimal(0)) if indicator.is_sum else None,
            denominator_sum=(row.get(f"i{i}_ds") or Decimal(0)) if indicator.is_sum else None,
        )
    return figures


def grouped(entries, key, aggregates):
    """Aggregate rows per value of `key`, or the one row of all entries when `key` is None;
    cached, and after a write computed again only over the projects it touched (core.figures,
    `cached_groups`), so a dashboard read again costs a few index reads instead of a scan of
    every entry, and the first read after a project's change scans a sixty-fourth of them."""
    if key is None:
        entries, key = entries.annotate(all_entries=Value(1)), "all_entries"
        rows = cached_groups(entries, [key], aggregates, order=[key], partition="project")
        # no entries: the one row of zeros a plain aggregate gives
        return rows or [{key: 1, **{name: 0 if isinstance(a, Count) else Decimal(0) for name, a in aggregates.items()}}]
    return cached_groups(entries, [key], aggregates, order=[key], partition="project")


def figures_by(entries, key, *, indicators=None, as_of=None):
    """{value of `key`: {indicator key: Figure}} over `entries`, `key` any field or annotation
    of the entries (None: all of them, under None). One query, none while cached."""
    indicators = list((indicators or get_indicators()).values())
    aggregates, same = _aggregates(indicators, as_of or timezone.localdate())
    return {row[key] if key else None: _figures(indicators, row, same) for row in grouped(entries, key, aggregates)}


def compute(entries, by=None, *, indicators=None, as_of=None):
    """Every indicator over `entries` (see entries_for): {key: Figure} when `by` is None, else
    [(group value, group label, {key: Figure})] for by = phase, region, field or tier.
    One query (none while cached), plus one for the labels of phases or regions."""
    if by is None:
        return figures_by(entries, None, indicators=indicators, as_of=as_of)[None]
    if by not in GROUPS:
        raise ValueError(f"Cannot group indicators by {by!r}.")
    key = GROUPS[by]
    if by == "tier":
        entries = entries.annotate(tier_code=tier_expression())
    groups = figures_by(entries, key, indicators=indicators, as_of=as_of)
    labels = group_labels(by, list(groups))
    result = [(value, labels.get(value, value), figures) for value, figures in groups.items()]
    if by == "phase":
        result.sort(key=lambda item: getattr(item[1], "number", 0))
    return result


def group_labels(by, values):
    from keyprojects.orgs.models import Region
    from keyprojects.projects.choices import Field

    from .models import Phase

    if by == "phase":
        return {p.pk: p for p in Phase.objects.filter(pk__in=values)}
    if by == "region":
        return {r.pk: r for r in Region.objects.filter(pk__in=values)}
    if by == "field":
        return dict(Field.choices)
    return dict(Tier.choices)


def drill(key, entries, *, as_of=None):
    """The exact entries an indicator counts over `entries`: (numerator, denominator) querysets."""
    indicator = get_indicators()[key]
    denominator = entries.filter(indicator.denominator)
    numerator = denominator.filter(indicator.numerator)
    return numerator, denominator


def summary(entries, *, phases=True):
    """ "滚动实施 N 个" (entries, per batch) beside unique projects and "已建成达效 N 个" (unique
    projects now at capacity) — one query."""
    aggregates = {
        "entries": Count("pk"),
        "projects": Count("project", distinct=True),
        "at_capacity": Count("project", filter=Q(project__stage=Stage.AT_CAPACITY), distinct=True),
        "total_investment": Coalesce(Sum("total_investment"), ZERO),
        "planned_investment": Coalesce(Sum("planned_investment"), ZERO),
    }
    for batch in Batch:
        aggregates[batch.value] = Count("pk", filter=Q(batch=batch))
        aggregates[f"{batch.value}_projects"] = Count("project", filter=Q(batch=batch), distinct=True)
    totals = grouped(entries, None, aggregates)[0]
    if not phases:
        return totals
    # Phases are counted by their groups (a second query, hence `phases=False` for pages that do
    # not show it): a distinct count of phases would not add up across the parts grouped() sums.
    return {**totals, "phases": len(cached_groups(entries, ["phase"], {}, order=["phase"], partition="project"))}
