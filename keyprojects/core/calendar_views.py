"""The working-day calendar's pages, declared like any model's (core/calendar.py has the model
and the rules): everyone signed in reads them, the city administrator keeps them, adding a year
the chinese-calendar package does not know yet by hand or from a spreadsheet."""

import django_filters
import django_tables2 as tables
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .calendar import CalendarDay, CalendarSource, CalendarYear
from .context import acting
from .filtersets import BaseFilterSet
from .forms import BaseModelForm
from .imports import Column, Importer
from .tables import BaseTable
from .views import ModelViews

WORKING_WORDS = {"班": True, "上班": True, "工作日": True, "调休上班": True, "是": True, "working": True, "yes": True}
OFF_WORDS = {"休": False, "休息": False, "放假": False, "节假日": False, "否": False, "holiday": False, "no": False}


def parse_working(text: str) -> bool:
    """A ledger's 是否上班 column: 是、班、上班、工作日 → working; 否、休、休息、放假 → a day off."""
    words = {**WORKING_WORDS, **OFF_WORDS, "1": True, "0": False, "true": True, "false": False}
    value = words.get(text.strip().lower())
    if value is None:
        raise ValidationError(gettext("Write 班 (working) or 休 (day off), not “%(value)s”.") % {"value": text})
    return value


# --- calendar days ------------------------------------------------------------------------


class CalendarDayForm(BaseModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class CalendarDayImportForm(CalendarDayForm):
    def save(self, commit=True):
        self.instance.source = CalendarSource.IMPORT
        return super().save(commit)


class CalendarDayImporter(Importer):
    model = CalendarDay
    form = CalendarDayImportForm
    columns = (
        Column("date", ("日期", "date")),
        # 是/否 as exports write booleans, or 班/休 as the State Council's notices mark the days
        Column("is_working", ("是否上班", "班/休", "类型", "working day"), parse=parse_working),
        Column("name", ("节日", "名称", "节假日", "holiday")),
    )
    match_on = (("date",),)


class CalendarDayFilterSet(BaseFilterSet):
    search_fields = ("name",)
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("year"))
    is_working = django_filters.BooleanFilter(label=_("working day"))

    class Meta:
        model = CalendarDay
        fields = ["q", "year", "is_working", "source"]


class CalendarDayTable(BaseTable):
    date = tables.Column(linkify=True)
    kind = tables.Column(verbose_name=_("kind"), accessor="is_working", order_by="is_working")
    weekday = tables.Column(verbose_name=_("weekday"), accessor="date", orderable=False)

    class Meta(BaseTable.Meta):
        model = CalendarDay
        fields = ["date", "weekday", "kind", "name", "source"]

    def render_date(self, value):
        return value.isoformat()

    def render_kind(self, record):
        return record.kind

    def render_weekday(self, value):
        from .schedule import WEEKDAY_NAMES

        return WEEKDAY_NAMES[value.weekday()]


class CalendarDayViews(ModelViews):
    model = CalendarDay
    filterset = CalendarDayFilterSet
    table = CalendarDayTable
    form = CalendarDayForm
    importer = CalendarDayImporter
    url_prefix = "calendar/days/"

    @classmethod
    def save(cls, form, request):
        with acting(request.user):
            form.instance.source = CalendarSource.ADMIN
            return form.save()

    @classmethod
    def detail_fields(cls, obj):
        return [
            *super().detail_fields(obj),
            (_("kind"), obj.kind),
            (CalendarDay._meta.get_field("source").verbose_name, obj.get_source_display()),
        ]


# --- calendar years -----------------------------------------------------------------------


class CalendarYearForm(BaseModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "complete", "note"]

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        holidays = CalendarDay.objects.filter(date__year=year, is_working=False, archived_at__isnull=True)
        if cleaned.get("complete") and year and not holidays.exists():
            self.add_error(
                "complete",
                gettext("%(year)s has no holidays entered yet: enter them (or import them) before marking it complete.")
                % {"year": year},
            )
        return cleaned


class CalendarYearFilterSet(BaseFilterSet):
    search_fields = ("note",)

    class Meta:
        model = CalendarYear
        fields = ["q", "complete", "source"]


class CalendarYearTable(BaseTable):
    year = tables.Column(linkify=True)
    days = tables.Column(verbose_name=_("Holidays and adjusted working days"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = CalendarYear
        fields = ["year", "complete", "source", "note", "days"]

    def render_year(self, value):
        return str(value)

    def render_days(self, record):
        from django.utils.html import format_html

        url = reverse("core:calendarday_list") + f"?year={record.year}"
        return format_html('<a href="{}">{}</a>', url, gettext("Show the days"))


class CalendarYearViews(ModelViews):
    model = CalendarYear
    filterset = CalendarYearFilterSet
    table = CalendarYearTable
    form = CalendarYearForm
    url_prefix = "calendar/years/"
    detail_template = "core/calendaryear_detail.html"

    @classmethod
    def save(cls, form, request):
        with acting(request.user):
            if form.instance.source == CalendarSource.PACKAGE and form.has_changed():
                form.instance.source = CalendarSource.ADMIN
            return form.save()

    @classmethod
    def detail_fields(cls, obj):
        return [
            *super().detail_fields(obj),
            (CalendarYear._meta.get_field("source").verbose_name, obj.get_source_display()),
        ]

    @classmethod
    def detail_context(cls, request, obj):
        days = CalendarDay.objects.filter(date__year=obj.year, archived_at__isnull=True).order_by("date")
        return {"calendar_days": days, "calendar_days_url": reverse("core:calendarday_list") + f"?year={obj.year}"}
