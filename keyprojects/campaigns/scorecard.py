"""The provincial scorecard: Henan's evaluation of the "三个一批" campaign in five blocks —
谋划储备 10, 签约落地 30, 开工投产 30, 投产达效 20, 服务保障 10 — plus bonus items, computed
where the data allows.

Weights, targets and formulas are configuration: KEYPROJECTS_CAMPAIGN_SCORECARD (a dict with
"blocks" and/or "bonus", each replacing the default list wholesale). An item names a `source`
(a figure the platform computes, below), a `target`, a `weight` and a `formula`:

- "ratio" (default): weight × min(1, value / target) — the share of the target reached;
- "threshold": the whole weight when value ≥ target, else nothing.

A bonus item scores `per` points for each unit of its source, up to its `cap`; the bonuses
together are capped by "bonus_cap".

Another app provides a source from its AppConfig.ready() with `provide(name, read)`: the
problem ledger gives 服务保障 its "problems_resolved" (problems closed on time). A source no
installed app provides is declared with None: its item — and a block made only of such items — shows "no data yet"
and is left out of the total, which then says it is partial and how many points it covers.
Scoring it as zero would mark the city down for a gap in our software.

Cost: three queries (reserve projects, indicators, bonus counts) whatever the data size.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from keyprojects.projects.choices import AttractionSource, Stage
from keyprojects.projects.models import Project

from . import indicators

POINT = Decimal("0.01")

DEFAULT_SCORECARD = {
    "blocks": [
        {
            "key": "planning",  # 谋划储备
            "label": _("Planning and reserve"),
            "items": [
                {
                    "key": "reserve_count",
                    "label": _("Projects in the reserve"),
                    "source": "reserve_count",
                    "target": 100,
                    "weight": 5,
                },
                {
                    "key": "reserve_investment",
                    "label": _("Total investment of the reserve (10k yuan)"),
                    "source": "reserve_investment",
                    "target": 5_000_000,  # 500 亿元 in 万元
                    "weight": 5,
                },
            ],
        },
        {
            "key": "signing",  # 签约落地
            "label": _("Signed projects landing"),
            "items": [
                {"key": "performance", "source": "indicator:performance", "target": 100, "weight": 15},
                {"key": "start", "source": "indicator:start", "target": 100, "weight": 15},
            ],
        },
        {
            "key": "starting",  # 开工投产
            "label": _("Started projects going into production"),
            "items": [{"key": "production", "source": "indicator:production", "target": 100, "weight": 30}],
        },
        {
            "key": "producing",  # 投产达效
            "label": _("Producing projects reaching capacity"),
            "items": [{"key": "capacity", "source": "indicator:capacity", "target": 100, "weight": 20}],
        },
        {
            "key": "service",  # 服务保障
            "label": _("Service and guarantee"),
            "items": [
                {
                    "key": "problems",
                    "label": _("Problems resolved on time"),
                    "source": "problems_resolved",
                    "target": 100,
                    "weight": 10,
                }
            ],
        },
    ],
    "bonus": [
        {
            "key": "hundred",
            "label": _("Projects of 10 billion yuan or more listed"),
            "source": "hundred_billion_projects",
            "per": 0.5,
            "cap": 2,
        },
        {
            "key": "attracted",
            "label": _("Listed projects attracted from outside the province or abroad"),
            "source": "attracted_projects",
            "per": 0.1,
            "cap": 1,
        },
    ],
    "bonus_cap": 3,
}


@dataclass
class Data:
    """The figures sources read, computed once for a scorecard."""

    reserve: dict
    figures: dict  # indicator key → indicators.Figure
    bonus: dict
    user: object = None  # whose scorecard (a provided source restricts by it)
    region: object = None


def _indicator_source(key):
    def read(data):
        figure = data.figures.get(key)
        if figure is None:
            return None
        inputs = {
            _("achieved entries"): figure.numerator_entries,
            _("counted entries"): figure.denominator_entries,
            _("achieved projects"): figure.numerator_projects,
            _("counted projects"): figure.denominator_projects,
        }
        return figure.rate, inputs, figure.indicator

    return read


# name → function(Data) → (value, inputs, indicator or None), or None: no data source yet.
SOURCES = {
    "reserve_count": lambda d: (d.reserve["count"], {}, None),
    "reserve_investment": lambda d: (d.reserve["investment"], {}, None),
    "hundred_billion_projects": lambda d: (d.bonus["hundred"], {}, None),
    "attracted_projects": lambda d: (d.bonus["attracted"], {}, None),
    "problems_resolved": None,  # provided by the problem ledger (problems app), when installed
}


def provide(name, read):
    """An app's source (from its AppConfig.ready(): campaigns names no app above it)."""
    SOURCES[name] = read


def source(name):
    if name.startswith("indicator:"):
        key = name.split(":", 1)[1]
        if key not in indicators.get_indicators():
            raise ImproperlyConfigured(f"Scorecard source “{name}”: no indicator “{key}”.")
        return _indicator_source(key)
    if name not in SOURCES:
        raise ImproperlyConfigured(
            f"Scorecard source “{name}” is unknown; known: {', '.join(SOURCES)}, indicator:<key>."
        )
    return SOURCES[name]


def configuration():
    config = {**DEFAULT_SCORECARD, **(getattr(settings, "KEYPROJECTS_CAMPAIGN_SCORECARD", None) or {})}
    for block in config["blocks"]:
        for item in block["items"]:
            source(item["source"])  # unknown names fail here, by name
            if item.get("formula", "ratio") not in FORMULAS:
                raise ImproperlyConfigured(f"Scorecard item “{item['key']}”: unknown formula “{item['formula']}”.")
    for item in config["bonus"]:
        source(item["source"])
    return config


def check_scorecard(app_configs=None, **kwargs):
    """System check: every scorecard item names a known source and formula."""
    from django.core.checks import Error

    try:
        configuration()
    except (ImproperlyConfigured, KeyError) as error:
        return [Error(f"Campaign scorecard: {error}", id="campaigns.E002")]
    return []


def _ratio(value, target, weight):
    if not target:
        return weight
    return weight * min(Decimal(1), Decimal(value) / Decimal(target))


def _threshold(value, target, weight):
    return weight if Decimal(value) >= Decimal(target) else Decimal(0)


FORMULAS = {"ratio": _ratio, "threshold": _threshold}


@dataclass
class Item:
    key: str
    label: str
    weight: Decimal
    target: Decimal | None = None
    formula: str = "ratio"
    value: Decimal | None = None
    score: Decimal | None = None
    inputs: dict = field(default_factory=dict)
    indicator: object = None
    has_data: bool = True
    no_source: bool = False  # no data source in the platform yet (else: nothing counted so far)


@dataclass
class Block:
    key: str
    label: str
    weight: Decimal
    items: list

    @property
    def has_data(self):
        return any(i.has_data for i in self.items)

    @property
    def complete(self):
        return all(i.has_data for i in self.items)

    @property
    def score(self):
        if not self.has_data:
            return None
        return sum((i.score for i in self.items if i.has_data), Decimal(0))

    @property
    def scored_weight(self):
        return sum((i.weight for i in self.items if i.has_data), Decimal(0))


@dataclass
class Scorecard:
    blocks: list
    bonus: list
    bonus_cap: Decimal

    @property
    def bonus_score(self):
        return min(self.bonus_cap, sum((b.score for b in self.bonus if b.has_data), Decimal(0)))

    @property
    def full_marks(self):
        return sum((b.weight for b in self.blocks), Decimal(0))

    @property
    def available(self):
        """The points the data lets us score (full marks less the blocks and items without data)."""
        return sum((b.scored_weight for b in self.blocks), Decimal(0))

    @property
    def partial(self):
        return self.available < self.full_marks

    @property
    def missing(self):
        return [b for b in self.blocks if not b.complete]

    @property
    def total(self):
        base = sum((b.score for b in self.blocks if b.has_data), Decimal(0))
        return (base + self.bonus_score).quantize(POINT, rounding=ROUND_HALF_UP)


def _data(user, entries, region=None):
    projects = Project.objects.restrict(user).filter(archived_at__isnull=True, stage=Stage.PLANNED)
    if region is not None:
        projects = projects.filter(region__path__startswith=region.path)
    reserve = projects.aggregate(count=Count("pk"), investment=Sum("total_investment"))
    reserve["investment"] = reserve["investment"] or Decimal(0)
    bonus = entries.aggregate(
        hundred=Count("project", filter=Q(total_investment__gte=1_000_000), distinct=True),
        attracted=Count(
            "project",
            filter=Q(project__attraction_source__in=[AttractionSource.OUT_OF_PROVINCE, AttractionSource.FOREIGN]),
            distinct=True,
        ),
    )
    return Data(reserve=reserve, figures=indicators.compute(entries), bonus=bonus, user=user, region=region)


def compute(user, *, region=None, **filters):
    """The scorecard over the user's entries (filters as indicators.entries_for) and the
    reserve of PLANNED projects they reach."""
    config = configuration()
    entries = indicators.entries_for(user, region=region, **filters)
    data = _data(user, entries, region)
    blocks = []
    for block in config["blocks"]:
        items = [_item(spec, data) for spec in block["items"]]
        weight = Decimal(str(block.get("weight", sum(Decimal(str(i["weight"])) for i in block["items"]))))
        blocks.append(Block(block["key"], block["label"], weight, items))
    bonus = []
    for spec in config["bonus"]:
        read = source(spec["source"])
        item = Item(spec["key"], spec.get("label", spec["key"]), Decimal(str(spec["cap"])))
        if read is None:
            item.has_data, item.no_source = False, True
        else:
            value, inputs, _indicator = read(data)
            item.value = Decimal(value or 0)
            item.inputs = {_("points each"): spec["per"], _("cap"): spec["cap"], **inputs}
            item.score = min(Decimal(str(spec["cap"])), item.value * Decimal(str(spec["per"])))
        bonus.append(item)
    return Scorecard(blocks, bonus, Decimal(str(config.get("bonus_cap", 0))))


def _item(spec, data):
    read = source(spec["source"])
    weight = Decimal(str(spec["weight"]))
    target = Decimal(str(spec.get("target", 0)))
    formula = spec.get("formula", "ratio")
    item = Item(spec["key"], spec.get("label"), weight, target, formula)
    if read is None:
        item.has_data, item.no_source = False, True
        return item
    value, inputs, indicator = read(data)
    item.indicator = indicator
    item.label = item.label or (indicator.label if indicator else spec["key"])
    item.inputs = inputs
    if value is None:  # a rate with nothing counted: no entries to judge, so no data either
        item.has_data = False
        return item
    item.value = Decimal(value)
    item.score = FORMULAS[formula](item.value, target, weight).quantize(POINT, rounding=ROUND_HALF_UP)
    return item
