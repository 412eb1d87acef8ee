"""Rankings of regions, phase summaries by batch and region, the cumulative summary sentence,
the phase list in the province's layout (xlsx) and the Word briefing (docx).

Everything reads through indicators.py (`entries_for`, `summary`, the indicator aggregates) and
the restricted querysets, and aggregates in the database: a ranking is four queries, a phase
summary one, whatever the number of projects.

Language: the documents — the summary sentence, the xlsx list and the docx briefing — are
Chinese government documents in fixed wording (the province's list layout, the sentence the
city publishes). Their fixed words are Chinese literals here, not gettext: a translated
briefing is a document nobody files, and the wording must not drift with the UI catalogue.
What is configuration with translated labels (the indicators and their definitions) is
rendered with zh-hans active. The pages around the documents go through gettext as usual.

Money: frozen copies on BatchEntry in 万元; documents show 亿元 (÷ 10,000) with two decimals.
Cells hold the exact 亿元 value (万元 has two decimals, so ÷ 10,000 is exact) and subtotals the
exact sum, so a subtotal always equals the sum of the cells above it.
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import xlsxwriter
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone, translation

from keyprojects.core.access import Action, region_ids
from keyprojects.core.exports import neutralise
from keyprojects.orgs.models import Region
from keyprojects.projects.choices import REPORTED, Stage
from keyprojects.projects.models import ProgressReport, Project

from . import indicators
from .choices import Batch
from .models import Phase, chinese_number

YI = Decimal(10000)  # 1 亿元 = 10,000 万元
CENT = Decimal("0.01")

# Chinese document words (see the module docstring for why these are literals).
BATCH_ZH = {Batch.SIGN: "签约一批", Batch.START: "开工一批", Batch.PRODUCE: "投产一批"}
BATCH_DATE_ZH = {Batch.SIGN: "签约时间", Batch.START: "开工时间", Batch.PRODUCE: "投产时间"}
BATCH_DATE_FIELDS = {
    Batch.SIGN: ("actual_sign_date", "planned_sign_date"),
    Batch.START: ("actual_start_date", "planned_start_date"),
    Batch.PRODUCE: ("actual_production_date", "planned_production_date"),
}
CITY_LEVEL_ZH = "市本级"


def yi(wan):
    """万元 → 亿元, exact."""
    return (wan or Decimal(0)) / YI


def yi2(wan):
    """万元 → 亿元 with two decimals, for display."""
    return yi(wan).quantize(CENT, rounding=ROUND_HALF_UP)


# --- ranking units -----------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A region the rankings compare: a county, district or zone directly under the city, or
    the city itself for what is registered at city level (市本级)."""

    pk: int
    name: str
    path: str
    city_level: bool


def ranking_units():
    """The top region(s) and their children, top regions last (they collect the remainder). One query."""
    regions = Region.objects.filter(archived_at__isnull=True, parent__parent__isnull=True).order_by("path")
    units = [Unit(r.pk, r.name, r.path, r.parent_id is None) for r in regions]
    return sorted(units, key=lambda u: (u.city_level, u.path))


def unit_of(path_field, units):
    """An expression giving each row's ranking unit from the path of its region."""
    whens = [When(**{f"{path_field}__startswith": u.path}, then=Value(u.pk)) for u in units]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def unit_label(unit):
    return f"{unit.name}{CITY_LEVEL_ZH}" if unit.city_level else unit.name


# --- windows -----------------------------------------------------------------------------

PERIODS = ("week", "month")


@dataclass(frozen=True)
class Window:
    """A ranking period: the ISO week (Monday to Sunday) or the calendar month holding a day."""

    period: str
    start: date
    end: date  # inclusive

    @classmethod
    def around(cls, period, day):
        if period == "week":
            start = day - timedelta(days=day.weekday())
            return cls(period, start, start + timedelta(days=6))
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return cls("month", start, following - timedelta(days=1))

    def previous(self):
        return Window.around(self.period, self.start - timedelta(days=1))

    def next(self):
        return Window.around(self.period, self.end + timedelta(days=1))

    @property
    def label(self):
        """In the reader's language: 2024年9月 / September 2024; a week by its first and last day."""
        from keyprojects.core import display

        if self.period == "month":
            return display.month(self.start)
        return f"{display.day(self.start)} – {display.day(self.end)}"


# --- rankings ----------------------------------------------------------------------------

# Counts of projects reaching a stage in the window, by the actual date the stage service records.
STAGE_METRICS = {
    "signed": "actual_sign_date",
    "started": "actual_start_date",
    "producing": "actual_production_date",
    "at_capacity": "actual_capacity_date",
}
RATE_METRICS = ("performance", "start", "production", "capacity")


@dataclass
class RankRow:
    unit: Unit
    figures: dict = field(default_factory=dict)  # metric → number (None: not applicable / nothing counted)
    rates: dict = field(default_factory=dict)  # indicator key → indicators.Figure
    rank: int | None = None

    def value(self, metric):
        if metric in self.rates:
            return self.rates[metric].rate
        return self.figures.get(metric)

    @property
    def has_data(self):
        return any(self.figures.get(m) for m in self.figures) or any(f.denominator_entries for f in self.rates.values())


def metrics(period):
    """Metric keys offered for a period. Investment is reported monthly, so a week has none."""
    keys = list(STAGE_METRICS)
    if period == "month":
        keys.append("investment")
    return keys + list(RATE_METRICS)


def default_metric(period):
    return "investment" if period == "month" else "started"


def rankings(user, window, metric=None):
    """Units ranked by `metric` over `window` (stage counts and investment in the window; the
    conversion rates cumulative over the phases held by the window's end). Ties share a rank
    (1, 1, 3); units with nothing to rank by come last without a rank. Four queries."""
    metric = metric if metric in metrics(window.period) else default_metric(window.period)
    units = ranking_units()
    rows = {u.pk: RankRow(u) for u in units}

    span = (window.start, window.end)
    projects = Project.objects.restrict(user).filter(archived_at__isnull=True)
    in_window = Q()
    for date_field in STAGE_METRICS.values():
        in_window |= Q(**{f"{date_field}__range": span})
    counts = (
        projects.filter(in_window)
        .annotate(unit=unit_of("region__path", units))
        .order_by()
        .values("unit")
        .annotate(**{m: Count("pk", filter=Q(**{f"{f}__range": span})) for m, f in STAGE_METRICS.items()})
    )
    for row in rows.values():
        row.figures = dict.fromkeys(STAGE_METRICS, 0)
        if window.period == "month":
            row.figures["investment"] = Decimal(0)
    for item in counts:
        if item["unit"] in rows:
            rows[item["unit"]].figures.update({m: item[m] for m in STAGE_METRICS})

    if window.period == "month":
        reports = (
            ProgressReport.objects.restrict(user)
            .filter(archived_at__isnull=True, month__range=span, status__in=REPORTED, project__archived_at__isnull=True)
            .annotate(unit=unit_of("project__region__path", units))
            .order_by()
            .values("unit")
            .annotate(investment=Sum("investment"))
        )
        for item in reports:
            if item["unit"] in rows:
                rows[item["unit"]].figures["investment"] = (item["investment"] or Decimal(0)).quantize(CENT)

    definitions = indicators.get_indicators()
    chosen = {k: definitions[k] for k in RATE_METRICS if k in definitions}
    entries = indicators.entries_for(user).filter(phase__date__lte=window.end)
    rates = indicators.figures_by(
        entries.annotate(unit=unit_of("region__path", units)), "unit", indicators=chosen, as_of=window.end
    )
    for unit, figures in rates.items():
        if unit in rows:
            rows[unit].rates = figures
    empty = {key: indicators.Figure(i) for key, i in chosen.items()}
    for row in rows.values():
        row.rates = row.rates or dict(empty)

    visible = list(rows.values())
    if region_ids(user, Action.VIEW, Region) is not None:
        visible = [r for r in visible if r.has_data]  # outside the city-wide roles: only what the user reaches
    else:
        visible = [r for r in visible if not r.unit.city_level or r.has_data]
    return metric, rank(visible, metric)


def rank(rows, metric):
    """Sort by the metric, largest first; equal values share a rank; None is unranked, last."""
    ranked = sorted(
        rows, key=lambda r: (r.value(metric) is None, -(r.value(metric) or 0), r.unit.city_level, r.unit.path)
    )
    previous, position = object(), 0
    for index, row in enumerate(ranked, 1):
        value = row.value(metric)
        if value is None:
            row.rank = None
            continue
        if value != previous:
            position, previous = index, value
        row.rank = position
    return ranked


# --- phase summary -----------------------------------------------------------------------


@dataclass
class SummaryRow:
    label: str
    count: int = 0
    projects: int = 0
    total: Decimal = Decimal(0)  # 万元
    planned: Decimal = Decimal(0)
    order: int = 0

    @property
    def total_yi(self):
        return yi2(self.total)

    @property
    def planned_yi(self):
        return yi2(self.planned)


@dataclass
class BatchSummary:
    batch: Batch
    rows: list  # SummaryRow per unit, units with entries only
    subtotal: SummaryRow

    @property
    def name_zh(self):
        return BATCH_ZH[self.batch]


def phase_summary(entries):
    """Count, unique projects, total investment and annual planned investment (frozen copies)
    per batch and region of `entries`, with a subtotal per batch. Three queries (units, groups, batches)."""
    units = ranking_units()
    labels = {u.pk: unit_label(u) for u in units}
    order = {u.pk: i for i, u in enumerate(units)}
    data = (
        entries.annotate(unit=unit_of("region__path", units))
        .order_by()
        .values("batch", "unit")
        .annotate(
            count=Count("pk"),
            projects=Count("project", distinct=True),
            total=Sum("total_investment"),
            planned=Sum("planned_investment"),
        )
    )
    by_batch = {b: [] for b in Batch}
    for item in data:
        by_batch[Batch(item["batch"])].append(
            SummaryRow(
                labels.get(item["unit"], "—"),
                item["count"],
                item["projects"],
                item["total"] or Decimal(0),
                item["planned"] or Decimal(0),
                order.get(item["unit"], len(order)),
            )
        )
    # Unique projects per batch cannot be summed from the regions (a project listed twice in a
    # batch may have moved region in between): one more query counts them.
    projects = dict(
        entries.order_by().values("batch").annotate(n=Count("project", distinct=True)).values_list("batch", "n")
    )
    result = []
    for batch, rows in by_batch.items():
        rows.sort(key=lambda r: r.order)
        subtotal = SummaryRow(
            "合计",
            sum(r.count for r in rows),
            projects.get(batch.value, 0),
            sum((r.total for r in rows), Decimal(0)),
            sum((r.planned for r in rows), Decimal(0)),
        )
        result.append(BatchSummary(batch, rows, subtotal))
    return result


# --- the summary sentence ----------------------------------------------------------------


def month_end(year, month):
    return Window.around("month", date(year, month, 1)).end


def summary_figures(entries, *, year, month):
    """The figures of the sentence: entries of phases held by the end of that month, and the
    unique projects at capacity by then (at capacity now, reached on or before that day; a
    project whose date is unknown counts). Two queries."""
    end = month_end(year, month)
    entries = entries.filter(phase__date__lte=end)
    figures = indicators.summary(entries)
    reached = Q(project__stage=Stage.AT_CAPACITY) & (
        Q(project__actual_capacity_date__isnull=True) | Q(project__actual_capacity_date__lte=end)
    )
    figures["at_capacity"] = entries.aggregate(n=Count("project", filter=reached, distinct=True))["n"]
    return figures


def summary_sentence(entries, *, year, month, subject="我市"):
    """截至X月底 … 滚动实施 N 个 (entries) … 已建成达效 N 个 (unique projects now at capacity)."""
    f = summary_figures(entries, year=year, month=month)
    return (
        f"截至{year}年{month}月底，{subject}已高质量开展{chinese_number(f['phases'])}期“三个一批”项目建设活动，"
        f"滚动实施“三个一批”项目{f['entries']}个。其中“签约一批”项目{f['sign']}个、"
        f"“开工一批”项目{f['start']}个、“投产一批”项目{f['produce']}个，已建成达效项目{f['at_capacity']}个。"
    )


def subject_for(user):
    """“我市” for the city-wide roles; a county's own name for its staff."""
    ids = region_ids(user, Action.VIEW, Region)
    if ids is None:
        return "我市"
    names = [m.region.name for m in user.memberships.filter(active=True, region__isnull=False).select_related("region")]
    return "、".join(names) if names else "我市"


# --- the phase list in the province's layout (xlsx) ----------------------------------------

LIST_COLUMNS = ["序号", "项目名称", "建设单位", "所属县区", "总投资（亿元）", "年度计划投资（亿元）", "建设内容"]
LIST_WIDTHS = [6, 36, 28, 12, 12, 14, 50, 12]


def list_title(phase):
    return f"第{chinese_number(phase.number)}期“三个一批”项目清单"


def batch_date(entry):
    actual, planned = BATCH_DATE_FIELDS[Batch(entry.batch)]
    day = getattr(entry.project, actual) or getattr(entry.project, planned)
    return f"{day.year}年{day.month}月" if day else ""


def list_entries(user, phase):
    return (
        indicators.entries_for(user, phase=phase)
        .select_related("project", "project__owner", "region")
        .order_by("region__path", "-total_investment", "pk")
    )


def write_phase_list(handle, phase, entries):
    """第N期“三个一批”项目清单: a title, then per batch a section header (一、签约一批项目), the
    column headings, the rows and a 小计 row; a 合计 row at the end. Values only: sums are
    computed here, never as formulas, and every text cell is neutralised."""
    workbook = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(f"第{phase.number}期")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    fmt = {
        "title": workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "section": workbook.add_format({**base, "bold": True, "font_size": 11, "bg_color": "#F2F2F2"}),
        "head": workbook.add_format({**base, "bold": True, "align": "center", "bg_color": "#DDE5F0"}),
        "text": workbook.add_format(base),
        "centre": workbook.add_format({**base, "align": "center"}),
        "money": workbook.add_format({**base, "num_format": "#,##0.00"}),
        "total": workbook.add_format({**base, "bold": True}),
        "total_money": workbook.add_format({**base, "bold": True, "num_format": "#,##0.00"}),
    }
    width = len(LIST_COLUMNS) + 1
    for col, w in enumerate(LIST_WIDTHS):
        sheet.set_column(col, col, w)
    sheet.merge_range(0, 0, 0, width - 1, list_title(phase), fmt["title"])
    sheet.set_row(0, 30)

    grouped = {b: [] for b in Batch}
    for entry in entries:
        grouped[Batch(entry.batch)].append(entry)

    row = 1
    totals = [0, Decimal(0), Decimal(0)]
    section = 0
    for batch, items in grouped.items():
        if not items:
            continue
        section += 1
        sheet.merge_range(
            row,
            0,
            row,
            width - 1,
            f"{chinese_number(section)}、“{BATCH_ZH[batch]}”项目（{len(items)}个）",
            fmt["section"],
        )
        row += 1
        for col, heading in enumerate([*LIST_COLUMNS, BATCH_DATE_ZH[batch]]):
            sheet.write_string(row, col, heading, fmt["head"])
        row += 1
        total, planned = Decimal(0), Decimal(0)
        for number, entry in enumerate(items, 1):
            project = entry.project
            sheet.write_number(row, 0, number, fmt["centre"])
            sheet.write_string(row, 1, neutralise(project.name), fmt["text"])
            sheet.write_string(row, 2, neutralise(project.owner.name if project.owner else ""), fmt["text"])
            sheet.write_string(row, 3, neutralise(entry.region.name), fmt["centre"])
            sheet.write_number(row, 4, float(yi(entry.total_investment)), fmt["money"])
            sheet.write_number(row, 5, float(yi(entry.planned_investment)), fmt["money"])
            sheet.write_string(row, 6, neutralise(project.construction_content), fmt["text"])
            sheet.write_string(row, 7, batch_date(entry), fmt["centre"])
            total += entry.total_investment
            planned += entry.planned_investment
            row += 1
        _total_row(sheet, row, f"小计（{len(items)}个）", total, planned, fmt, width)
        row += 1
        totals = [totals[0] + len(items), totals[1] + total, totals[2] + planned]
    _total_row(sheet, row, f"合计（{totals[0]}个）", totals[1], totals[2], fmt, width)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    workbook.close()
    return totals[0]


def _total_row(sheet, row, label, total, planned, fmt, width):
    sheet.merge_range(row, 0, row, 3, label, fmt["total"])
    sheet.write_number(row, 4, float(yi(total)), fmt["total_money"])
    sheet.write_number(row, 5, float(yi(planned)), fmt["total_money"])
    for col in range(6, width):
        sheet.write_blank(row, col, None, fmt["total"])


def phase_list_xlsx(user, phase):
    handle = io.BytesIO()
    write_phase_list(handle, phase, list_entries(user, phase))
    return handle.getvalue()


# --- rankings as xlsx --------------------------------------------------------------------


def rankings_xlsx(rows, columns, title):
    """`columns`: [(heading, function(row) → value)]. Values only, text neutralised."""
    handle = io.BytesIO()
    workbook = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet()
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.merge_range(0, 0, 0, len(columns) - 1, neutralise(str(title)), workbook.add_format({"bold": True}))
    for col, (heading, _value) in enumerate(columns):
        sheet.write_string(1, col, str(heading), bold)
        sheet.set_column(col, col, 14)
    for r, row in enumerate(rows, 2):
        for col, (_heading, value) in enumerate(columns):
            v = value(row)
            if v is None:
                sheet.write_string(r, col, "—")
            elif isinstance(v, Decimal):
                sheet.write_number(r, col, float(v), money)
            elif isinstance(v, (int, float)):
                sheet.write_number(r, col, v)
            else:
                sheet.write_string(r, col, neutralise(str(v)))
    sheet.freeze_panes(2, 0)
    workbook.close()
    return handle.getvalue()


# --- per-phase counts for the chart ------------------------------------------------------


def per_phase_counts(entries):
    """[(phase number, {batch: entries})] in phase order. One query."""
    data = entries.order_by().values("phase__number", "batch").annotate(n=Count("pk"))
    result = {}
    for item in data:
        result.setdefault(item["phase__number"], dict.fromkeys(Batch, 0))[Batch(item["batch"])] = item["n"]
    return sorted(result.items())


def today():
    return timezone.localdate()


def zh():
    """The documents' language for the configured parts (indicator labels and definitions)."""
    return translation.override("zh-hans")


def phases_upto(day):
    return Phase.objects.filter(archived_at__isnull=True, date__lte=day)
