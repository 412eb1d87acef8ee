"""The scheduled jobs page (定时任务): each declared job with its last run and when it is next
due, every run with its outcome, and the city administrator's "run for a day"."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from .access import Action, can
from .filtersets import FilterSet
from .models import JobStatus
from .schedule import JOBS, ScheduledRun, job_rows, run_now
from .tables import BaseTable, DateColumn


def _job_choices():
    return [(job.name, str(job.title)) for job in sorted(JOBS.values(), key=lambda j: j.name)]


class RunNowForm(forms.Form):
    job = forms.ChoiceField(label=_("job"), choices=_job_choices)
    day = forms.DateField(
        label=_("day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day (for a weekly job, any day of the week) to run it for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["day"].widget.attrs["class"] = "form-control form-control-sm"


class ScheduledRunFilterSet(FilterSet):
    job = django_filters.ChoiceFilter(choices=_job_choices, label=_("job"))
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("status"))
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To"))

    class Meta:
        model = ScheduledRun
        fields = ["job", "status", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if name in {"since", "until"}:
                field.widget = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
            else:
                field.widget.attrs["class"] = "form-select form-select-sm"


class ScheduledRunTable(BaseTable):
    job = tables.Column(linkify=lambda record: _run_url(record))
    rerun = tables.Column()
    created = DateColumn(format="Y-m-d H:i:s")
    started = DateColumn(format="Y-m-d H:i:s")
    finished = DateColumn(format="Y-m-d H:i:s")
    outcome = tables.Column(verbose_name=_("Outcome"), accessor="counts", orderable=False)
    requested_by = tables.Column(default="—")

    class Meta(BaseTable.Meta):
        model = ScheduledRun
        fields = ["job", "period", "rerun", "status", "created", "started", "finished", "outcome", "requested_by"]
        empty_text = _("No runs yet.")

    def render_job(self, record):
        return record.title

    def render_rerun(self, value):
        return gettext("re-run %(number)s") % {"number": value} if value else gettext("scheduled")

    def render_status(self, record):
        colour = _status_colour(record.status)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.get_status_display())

    def render_outcome(self, record):
        parts = [f"{label}: {value}" for label, value in record.outcome()]
        if record.message:
            parts.append(record.message[:200])
        return "；".join(parts) or "—"


def _run_url(record):
    from django.urls import reverse

    return reverse("core:scheduled_run", args=[record.pk])


def _status_colour(status):
    return {JobStatus.DONE: "success", JobStatus.FAILED: "danger", JobStatus.RUNNING: "info"}.get(status, "secondary")


def _page(request, form=None, status=200):
    runs = ScheduledRun.objects.restrict(request.user).select_related("requested_by")
    filterset = ScheduledRunFilterSet(request.GET or None, queryset=runs)
    table = ScheduledRunTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    may_run = can(request.user, "run", ScheduledRun)
    if may_run and form is None:
        form = RunNowForm(initial={"day": timezone.localdate()})
    context = {
        "jobs": job_rows(),
        "filterset": filterset,
        "table": table,
        "form": form if may_run else None,
        "status_colour": _status_colour,
    }
    return render(request, "core/schedule.html", context, status=status)


@login_required
def schedule(request):
    """定时任务: city administrators and auditors (the city-wide roles) only."""
    if not can(request.user, Action.VIEW, ScheduledRun):
        raise PermissionDenied
    return _page(request)


@login_required
def schedule_run(request):
    """A city administrator runs a job for a day: recorded as a run with who asked."""
    if not can(request.user, "run", ScheduledRun):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("core:schedule")
    form = RunNowForm(request.POST)
    if form.is_valid():
        try:
            run = run_now(form.cleaned_data["job"], form.cleaned_data["day"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Queued: %(run)s.") % {"run": run})
            return redirect("core:schedule")
    return _page(request, form=form, status=400)


@login_required
def scheduled_run(request, pk):
    run = get_object_or_404(ScheduledRun.objects.restrict(request.user).select_related("requested_by"), pk=pk)
    return render(request, "core/scheduled_run.html", {"run": run, "colour": _status_colour(run.status)})
